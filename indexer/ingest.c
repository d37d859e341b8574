/* ingest.c - an indexing run: layout, dictionary, workers, commits, merge.
 *
 * See ingest.h for what a run does.  Workers are processes (fork), not
 * threads: nearly all indexing time is inside Xapian's add/replace and its
 * B-tree writes, which only scale by writing separate databases.  Each
 * worker reads all input and keeps the articles that hash to its databases;
 * parsing twice costs far less than what it saves.  Workers publish their
 * counters in a shared anonymous mapping that the parent reads for progress.
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "docbuild.h"
#include "dump.h"
#include "decode.h"
#include "idseen.h"
#include "reprint.h"
#include "../common/docstore.h"
#include "../common/normalize.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/tokenize.h"
#include "../common/xap.h"

#define MAX_TARGETS 256

typedef struct run {
    const fupin_ingest_opts *o;
    const char *const *paths;
    size_t npaths;
    char *targets[MAX_TARGETS];  /* databases written */
    int ntargets;
    int jobs;
    int merge;                   /* targets are parts to merge into o->db */
    void *dict;                  /* dictionary for new records (may be NULL) */
    size_t dict_len;
    uint32_t dict_id;
    int fresh_dict;              /* trained in this run: store it */
    char *t2s;                   /* the t2s table, stored for searchers */
    size_t t2s_len;
    unsigned tok_flags;
    const char *scheme;
    double t0;
    char *err;
    size_t errlen;
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(run *r, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (r->err && r->errlen)
        vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(p);
}

static int rmtree(const char *p)
{
    if (!exists(p))
        return 0;
    return nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static char *path_fmt(const char *fmt, const char *a, int i)
{
    size_t n = strlen(fmt) + strlen(a) + 24;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, a, i);
    return s;
}

/* Counts the shard lines of a stub fupin wrote ("auto shard-NN"). */
static int stub_shards(const char *stub)
{
    FILE *f = fopen(stub, "r");
    char line[512];
    int n = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "auto shard-", 11) == 0)
            n++;
    fclose(f);
    return n;
}

int fupin_ingest_layout(const char *db, char **paths, int max, int *n)
{
    char *stub = path_join(db, "XAPIANDB"), *glass = path_join(db, "iamglass");
    int rc = 0, k = 0;
    *n = 0;
    if (!stub || !glass) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if (exists(stub)) {
        k = stub_shards(stub);
        if (k <= 0 || k > max) {
            rc = FUPIN_EDBOPEN;
            goto done;
        }
        for (int i = 0; i < k; i++) {
            char name[32];
            snprintf(name, sizeof name, "shard-%02d", i);
            if (!(paths[i] = path_join(db, name))) {
                rc = FUPIN_ENOMEM;
                goto done;
            }
            *n = i + 1;
        }
    } else if (exists(glass) && max > 0) {
        if (!(paths[0] = strdup(db)))
            rc = FUPIN_ENOMEM;
        else
            *n = 1;
    } else {
        rc = FUPIN_EDBOPEN;
    }
done:
    free(stub);
    free(glass);
    return rc;
}

/* Decides which databases this run writes.  A new sharded database gets its
 * directory and stub here; the shards themselves are created by workers. */
static int plan_layout(run *r)
{
    const fupin_ingest_opts *o = r->o;
    int want = o->shards > 0 ? o->shards : 0;
    char *stub = path_join(o->db, "XAPIANDB");
    int rc = 0, have = 0;

    if (!stub)
        return FUPIN_ENOMEM;
    if (is_dir(o->db) && exists(stub)) {
        have = stub_shards(stub);
        if (have <= 0) {
            rc = fail(r, FUPIN_EDBOPEN, "%s: stub XAPIANDB lists no fupin shards", o->db);
            goto done;
        }
        if (want && want != have) {
            rc = fail(r, FUPIN_EINVAL, "%s has %d shards; --shards %d asked for another layout "
                      "(index into a new database, or leave out --shards)", o->db, have, want);
            goto done;
        }
    } else if (want > 1) {
        FILE *f;
        if (exists(o->db) && !is_dir(o->db)) {
            rc = fail(r, FUPIN_EINVAL, "%s exists and is not a directory", o->db);
            goto done;
        }
        {
            char *glass = path_join(o->db, "iamglass");
            int single = glass && exists(glass);
            free(glass);
            if (single) {
                rc = fail(r, FUPIN_EINVAL, "%s is a single database; --shards %d needs a new path "
                          "(or merge/split it first)", o->db, want);
                goto done;
            }
        }
        if (mkdir(o->db, 0777) != 0 && errno != EEXIST) {
            rc = fail(r, FUPIN_EIO, "%s: %s", o->db, strerror(errno));
            goto done;
        }
        if (want > MAX_TARGETS) {
            rc = fail(r, FUPIN_EINVAL, "at most %d shards", MAX_TARGETS);
            goto done;
        }
        /* The stub is written before any shard: Xapian opens a stub whose
         * shards are still empty databases once workers create them. */
        char *tmp = path_join(o->db, "XAPIANDB.tmp");
        if (!tmp || !(f = fopen(tmp, "w"))) {
            rc = fail(r, FUPIN_EIO, "%s: %s", o->db, strerror(errno));
            free(tmp);
            goto done;
        }
        for (int i = 0; i < want; i++)
            fprintf(f, "auto shard-%02d\n", i);
        if (fclose(f) != 0 || rename(tmp, stub) != 0) {
            rc = fail(r, FUPIN_EIO, "%s: %s", stub, strerror(errno));
            free(tmp);
            goto done;
        }
        free(tmp);
        have = want;
    }

    if (have > 0) {
        for (int i = 0; i < have; i++) {
            char name[32];
            snprintf(name, sizeof name, "shard-%02d", i);
            if (!(r->targets[i] = path_join(o->db, name))) {
                rc = FUPIN_ENOMEM;
                goto done;
            }
        }
        r->ntargets = have;
        r->jobs = r->jobs > have ? have : r->jobs;
        goto done;
    }

    /* Single database.  A new one (or an empty one) with several jobs is
     * written as parts and merged; an existing one by one writer. */
    {
        char *glass = path_join(o->db, "iamglass");
        int existing = glass && exists(glass);
        free(glass);
        uint32_t count = 0;
        if (existing) {
            fupin_xdb *db = NULL;
            char eb[256];
            if (fupin_xdb_open(o->db, 0, eb, sizeof eb, &db) == 0)
                fupin_xdb_get_doccount(db, &count);
            fupin_xdb_close(db);
        }
        if (count == 0) {
            /* Parts even for one job: the compactor's output is 0.6 times
             * the size of a database written in place (news: 396 against
             * 651 MB), and the same with any --jobs. */
            r->merge = 1;
            for (int i = 0; i < r->jobs; i++)
                if (!(r->targets[i] = path_fmt("%s.part-%02d", o->db, i))) {
                    rc = FUPIN_ENOMEM;
                    goto done;
                }
            r->ntargets = r->jobs;
        } else {
            r->jobs = 1;
            if (!(r->targets[0] = strdup(o->db))) {
                rc = FUPIN_ENOMEM;
                goto done;
            }
            r->ntargets = 1;
        }
    }
done:
    free(stub);
    return rc;
}

/* Reads the scheme and dictionary a database already has.  Returns 1 when
 * the database existed with fupin metadata, 0 when it is new, -1 when its
 * scheme is unknown (made by a newer fupin). */
static int load_existing(run *r)
{
    fupin_xdb *db = NULL;
    char eb[256], *val = NULL;
    size_t len = 0;
    int found = 0;

    if (r->merge || !exists(r->targets[0]))
        return 0;
    if (fupin_xdb_open(r->targets[0], 0, eb, sizeof eb, &db) != 0)
        return 0;
    if (fupin_xdb_get_metadata(db, FUPIN_META_SCHEME, &val, &len) == 0 && len) {
        /* an index keeps the scheme it was made with */
        found = fupin_terms_scheme_flags(val, len, &r->tok_flags) == 0 ? 1 : -1;
        r->scheme = fupin_terms_scheme_name(r->tok_flags);
    }
    free(val);
    val = NULL;
    if (found && fupin_xdb_get_metadata(db, FUPIN_META_DICT, &val, &len) == 0 && len) {
        uint32_t id = (uint32_t)strtoul(val, NULL, 16);
        char key[32];
        free(val);
        val = NULL;
        fupin_docstore_dict_key(id, key);
        if (id && fupin_xdb_get_metadata(db, key, &val, &len) == 0 && len) {
            r->dict = val;
            r->dict_len = len;
            r->dict_id = id;
            val = NULL;
        }
    }
    free(val);
    fupin_xdb_close(db);
    return found;
}

/* Trains the dictionary on a sample of the whole input: a reservoir of
 * FUPIN_INGEST_SAMPLE_DOCS articles (Algorithm R, fixed seed, so a rebuild
 * gets the same dictionary), cut to FUPIN_INGEST_SAMPLE bytes.  The first
 * 24 MB alone were one source's style: on ../shared/corpus/news (人民日报
 * first, then 新闻联播) records came to 1.28 times one zstd stream of the
 * same fields, against 1.13 with a dictionary trained on the whole corpus. */
static int train_dict(run *r)
{
    fupin_dump *d = NULL;
    fupin_article *arts = calloc(FUPIN_INGEST_SAMPLE_DOCS, sizeof *arts);
    char **copies = calloc(FUPIN_INGEST_SAMPLE_DOCS, sizeof *copies);
    size_t *sizes = calloc(FUPIN_INGEST_SAMPLE_DOCS, sizeof *sizes);
    size_t n = 0, bytes = 0;
    uint64_t seen = 0, rng = 0x9E3779B97F4A7C15ull;
    int rc;

    if (!arts || !copies || !sizes) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if ((rc = fupin_dump_open(r->paths, r->npaths, &d)) != 0)
        goto done;
    for (;;) {
        fupin_article a;
        int got = fupin_dump_next(d, &a);
        if (got < 0)
            continue;           /* reported by the workers, not here */
        if (got == 0)
            break;
        size_t slot = n;
        seen++;
        if (n == FUPIN_INGEST_SAMPLE_DOCS) {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            uint64_t k = rng % seen;
            if (k >= FUPIN_INGEST_SAMPLE_DOCS)
                continue;
            slot = (size_t)k;
            free(copies[slot]);
            bytes -= sizes[slot];
        }
        if (fupin_article_copy(&a, &arts[slot], &copies[slot], &sizes[slot]) != 0) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        bytes += sizes[slot];
        if (slot == n)
            n++;
    }
    /* the byte budget: drop from the end (the reservoir is in no order) */
    while (n > 0 && bytes > FUPIN_INGEST_SAMPLE) {
        n--;
        bytes -= sizes[n];
        free(copies[n]);
        copies[n] = NULL;
    }
    rc = fupin_docstore_train(arts, n, r->o->dict_size ? r->o->dict_size
                              : FUPIN_DOCSTORE_DEFAULT_DICT, &r->dict, &r->dict_len, &r->dict_id);
    if (rc == FUPIN_ENOTFOUND) {    /* too little text: store without a dictionary */
        r->dict = NULL;
        r->dict_len = 0;
        r->dict_id = 0;
        rc = 0;
    } else if (rc == 0) {
        r->fresh_dict = 1;
    }
done:
    for (size_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(copies);
    free(arts);
    free(sizes);
    fupin_dump_close(d);
    return rc;
}

static int write_meta(run *r, fupin_xwdb *db)
{
    char idhex[16], key[32];
    int rc;
    if ((rc = fupin_xwdb_set_metadata(db, FUPIN_META_FORMAT, FUPIN_FORMAT_VERSION,
                                      strlen(FUPIN_FORMAT_VERSION))) ||
        (rc = fupin_xwdb_set_metadata(db, FUPIN_META_SCHEME, r->scheme, strlen(r->scheme))))
        return rc;
    if (r->t2s_len && (rc = fupin_xwdb_set_metadata(db, FUPIN_META_T2S, r->t2s, r->t2s_len)))
        return rc;
    if (r->dict_id) {
        fupin_docstore_dict_key(r->dict_id, key);
        snprintf(idhex, sizeof idhex, "%08x", (unsigned)r->dict_id);
        if ((rc = fupin_xwdb_set_metadata(db, key, r->dict, r->dict_len)) ||
            (rc = fupin_xwdb_set_metadata(db, FUPIN_META_DICT, idhex, 8)))
            return rc;
    }
    return 0;
}

static void report(run *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->o->problem)
        r->o->problem(r->o->ctx, status, msg);
}

static int xstatus_msg(run *r, int rc, fupin_xwdb *db, const char *path)
{
    int fr = fail(r, rc, "%s: %s", path, fupin_xwdb_errmsg(db));
    if (rc == FUPIN_EXAPIAN && strstr(fupin_xwdb_errmsg(db), "No space left"))
        fr = FUPIN_ENOSPC;
    return fr;
}

/* Invalid UTF-8 and NUL bytes in one file: reported once, when the file
 * is left, at the first article that had any. */
typedef struct utf8_note {
    char *file;
    uint64_t n, nul, line;
} utf8_note;

static size_t count_bad_utf8(const char *s, size_t len, uint64_t *nul)
{
    size_t good, bad;
    const char *p = s, *end = s + len;

    while ((p = memchr(p, '\0', (size_t)(end - p))) != NULL) {
        ++*nul;
        p++;
    }
    fupin_decode_utf8_counts(s, len, 0, &good, &bad);
    return bad;
}

static void utf8_flush(run *r, utf8_note *u)
{
    char a[96] = "", b[64] = "";

    if (u->n)
        snprintf(a, sizeof a, "%llu invalid UTF-8 sequence%s replaced by U+FFFD",
                 (unsigned long long)u->n, u->n == 1 ? "" : "s");
    if (u->nul)
        snprintf(b, sizeof b, "%s%llu NUL byte%s in the text", u->n ? ", " : "",
                 (unsigned long long)u->nul, u->nul == 1 ? "" : "s");
    if (u->n || u->nul)
        report(r, 0, "%s:%llu: %s%s (the first in the article starting on this line)", u->file,
               (unsigned long long)u->line, a, b);
    free(u->file);
    u->file = NULL;
    u->n = u->nul = 0;
}

/* Counts the article's bad UTF-8 (already repaired by the reader, or still
 * in its fields) against its file; a new file reports the last one. */
static void utf8_note_article(run *r, utf8_note *u, const fupin_dump_pos *pos, const fupin_article *a)
{
    uint64_t n = pos->utf8_repaired, nul = 0;
    const char *file = pos->file ? pos->file : "?";

    for (int f = 0; f < FUPIN_F_COUNT; f++)
        n += count_bad_utf8(a->f[f].ptr, a->f[f].len, &nul);
    if (u->file && strcmp(u->file, file) != 0)
        utf8_flush(r, u);
    if (!n && !nul)
        return;
    if (!u->file && !(u->file = strdup(file)))
        return;   /* out of memory: the summary still counts it */
    if (!u->n && !u->nul)
        u->line = pos->line;
    u->n += n;
    u->nul += nul;
}

/* The work of worker `job`: every article whose target t has t % jobs == job.
 * st is this worker's counters (shared with the parent in fork mode). */
static int worker(run *r, int job, volatile fupin_ingest_stats *st, int in_process)
{
    const fupin_ingest_opts *o = r->o;
    fupin_xwdb *dbs[MAX_TARGETS] = { 0 };
    unsigned pending[MAX_TARGETS] = { 0 };
    fupin_dump *d = NULL;
    fupin_docbuild *b = NULL;
    fupin_xdoc *doc = NULL;
    fupin_idseen *seen = NULL;
    utf8_note u8 = { 0 };
    /* Small flushes keep Xapian's in-memory postings small: on news a part
     * costs 20-25% less CPU committed every 500 articles than every 2000
     * (every 250: the same; 8000: a third more).  In place, each commit
     * is an fsync. */
    unsigned batch = o->batch ? o->batch : r->merge ? 500 : 2000;
    double interval = o->progress_interval > 0 ? o->progress_interval : 0.5, last = now();
    int rc = 0;

    for (int t = 0; t < r->ntargets; t++) {
        if (t % r->jobs != job)
            continue;
        char eb[512];
        /* A part is scratch until merged: no fsync per commit. */
        int mode = r->merge ? FUPIN_XWDB_CREATE_OR_OVERWRITE | FUPIN_XWDB_NO_SYNC
                            : FUPIN_XWDB_CREATE_OR_OPEN;
        if ((rc = fupin_xwdb_open(r->targets[t], mode, eb, sizeof eb, &dbs[t])) != 0) {
            rc = fail(r, rc, "%s", eb);
            goto done;
        }
        char *val = NULL;
        size_t len = 0;
        int has = fupin_xwdb_get_metadata(dbs[t], FUPIN_META_SCHEME, &val, &len) == 0 && len;
        free(val);
        if ((!has || r->fresh_dict) && (rc = write_meta(r, dbs[t])) != 0) {
            rc = xstatus_msg(r, rc, dbs[t], r->targets[t]);
            goto done;
        }
    }
    if ((rc = fupin_dump_open(r->paths, r->npaths, &d)) ||
        (rc = fupin_docbuild_new(r->dict, r->dict_len, o->level ? o->level
                                 : FUPIN_DOCSTORE_DEFAULT_LEVEL, r->tok_flags, &b)) ||
        (rc = fupin_xdoc_new(&doc)) || (rc = fupin_idseen_new(&seen))) {
        rc = fail(r, rc, "cannot start indexing: %s", fupin_strerror(rc));
        goto done;
    }

    for (;;) {
        fupin_article a;
        fupin_dump_pos pos;
        int got = fupin_dump_next(d, &a);
        fupin_dump_where(d, &pos);
        st->in_done = pos.bytes_read;
        st->files = pos.files_done;
        if (got < 0) {
            /* every worker reads all input: worker 0 speaks for it */
            if (job == 0) {
                if (u8.file && pos.file && strcmp(u8.file, pos.file) != 0)
                    utf8_flush(r, &u8);
                st->skipped++;
                report(r, got, "%s", fupin_dump_errmsg(d));
            }
            continue;
        }
        if (got == 0)
            break;
        if (job == 0)
            utf8_note_article(r, &u8, &pos, &a);
        uint64_t h = fupin_terms_hash(a.f[FUPIN_F_ID].ptr, a.f[FUPIN_F_ID].len);
        int t = (int)(h % (uint64_t)r->ntargets);
        if (t % r->jobs != job)
            continue;

        char idterm[FUPIN_MAX_TERM + 1];
        size_t idlen;
        fupin_docbuild_info info;
        int brc = fupin_docbuild_make(b, &a, doc, idterm, &idlen, &info);
        if (brc != 0) {
            st->skipped++;
            report(r, brc, "%s:%llu: article skipped: %s", pos.file ? pos.file : "?",
                   (unsigned long long)pos.line,
                   brc == FUPIN_EINVAL ? "it has no id" : fupin_strerror(brc));
            continue;
        }
        /* An id met twice in this run: the later copy wins (as an update
         * would), but the earlier one is lost, so it counts as skipped. */
        const char *ff = NULL;
        uint64_t fl = 0;
        int again = fupin_idseen_add(seen, h, pos.file, pos.line, &ff, &fl);
        if (again < 0) {
            rc = fail(r, again, "cannot index: %s", fupin_strerror(again));
            goto done;
        }
        if (again) {
            st->skipped++;
            report(r, FUPIN_EFORMAT, "%s:%llu: id \"%.*s\" repeated (first at %s:%llu): this "
                   "copy replaces the earlier one", pos.file ? pos.file : "?",
                   (unsigned long long)pos.line, (int)(a.f[FUPIN_F_ID].len < 200 ? a.f[FUPIN_F_ID].len : 200),
                   a.f[FUPIN_F_ID].ptr, ff, (unsigned long long)fl);
        }
        int yes = 0;
        if (r->merge && !again)   /* a new part cannot hold it yet */
            rc = fupin_xwdb_add_document(dbs[t], doc);
        else if ((rc = fupin_xwdb_term_exists(dbs[t], idterm, idlen, &yes)) == 0)
            rc = fupin_xwdb_replace_document(dbs[t], idterm, idlen, doc);
        if (rc) {
            rc = xstatus_msg(r, rc, dbs[t], r->targets[t]);
            goto done;
        }
        st->articles++;
        st->replaced += yes;
        st->raw_bytes += info.raw_bytes;
        st->stored_bytes += info.stored_bytes;
        st->utf8_repaired += info.replaced + pos.utf8_repaired;
        st->bad_dates += info.bad_date;
        if (++pending[t] >= batch) {
            if ((rc = fupin_xwdb_commit(dbs[t])) != 0) {
                rc = xstatus_msg(r, rc, dbs[t], r->targets[t]);
                goto done;
            }
            pending[t] = 0;
        }
        if (in_process && o->progress && now() - last >= interval) {
            last = now();
            st->seconds = last - r->t0;
            o->progress(o->ctx, (const fupin_ingest_stats *)st, 0);
        }
    }
    for (int t = 0; t < r->ntargets; t++) {
        if (!dbs[t])
            continue;
        if ((rc = fupin_xwdb_commit(dbs[t])) != 0) {
            rc = xstatus_msg(r, rc, dbs[t], r->targets[t]);
            goto done;
        }
    }
done:
    utf8_flush(r, &u8);
    fupin_idseen_free(seen);
    for (int t = 0; t < r->ntargets; t++)
        fupin_xwdb_close(dbs[t]);
    fupin_xdoc_free(doc);
    fupin_docbuild_free(b);
    fupin_dump_close(d);
    return rc;
}

static void sum_stats(fupin_ingest_stats *out, volatile fupin_ingest_stats *w, int jobs,
                      uint64_t in_total, double t0)
{
    memset(out, 0, sizeof *out);
    for (int j = 0; j < jobs; j++) {
        out->articles += w[j].articles;
        out->replaced += w[j].replaced;
        out->raw_bytes += w[j].raw_bytes;
        out->stored_bytes += w[j].stored_bytes;
        out->utf8_repaired += w[j].utf8_repaired;
        out->bad_dates += w[j].bad_dates;
        out->skipped += w[j].skipped;   /* worker 0: files and records; each: its articles */
    }
    /* Every worker reads all input: worker 0 speaks for files. */
    out->files = w[0].files;
    out->in_done = w[0].in_done;
    out->in_total = in_total;
    out->seconds = now() - t0;
}

/* Runs the workers as child processes; their errors travel back through a
 * pipe each (the message) and their exit status. */
static int run_forked(run *r, volatile fupin_ingest_stats *w, uint64_t in_total)
{
    const fupin_ingest_opts *o = r->o;
    pid_t pids[MAX_TARGETS];
    int fds[MAX_TARGETS], rc = 0, alive = 0;
    double interval = o->progress_interval > 0 ? o->progress_interval : 0.5;

    fflush(NULL);
    for (int j = 0; j < r->jobs; j++) {
        int p[2];
        if (pipe(p) != 0)
            return fail(r, FUPIN_EIO, "pipe: %s", strerror(errno));
        pid_t pid = fork();
        if (pid < 0) {
            close(p[0]); close(p[1]);
            rc = fail(r, FUPIN_EIO, "fork: %s", strerror(errno));
            break;
        }
        if (pid == 0) {
            /* A worker must not outlive a killed indexer: it would go on
             * holding its database's lock. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() == 1)
                _exit(1);
            close(p[0]);
            char eb[1024] = "";
            r->err = eb;
            r->errlen = sizeof eb;
            int wrc = worker(r, j, &w[j], 0);
            if (wrc) {
                ssize_t ignored = write(p[1], eb, strlen(eb));
                (void)ignored;
            }
            close(p[1]);
            _exit(wrc ? (-wrc & 0x7f) : 0);
        }
        close(p[1]);
        pids[j] = pid;
        fds[j] = p[0];
        alive++;
    }
    int launched = alive;
    while (alive > 0) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0) {
            struct timespec ts = { 0, (long)(interval * 1e9) };
            nanosleep(&ts, NULL);
            if (o->progress) {
                fupin_ingest_stats s;
                sum_stats(&s, w, launched, in_total, r->t0);
                o->progress(o->ctx, &s, 0);
            }
            continue;
        }
        if (pid < 0)
            break;
        alive--;
        for (int j = 0; j < launched; j++) {
            if (pids[j] != pid)
                continue;
            int bad = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
            if (bad && rc == 0) {
                char eb[1024];
                ssize_t n = read(fds[j], eb, sizeof eb - 1);
                eb[n > 0 ? n : 0] = '\0';
                if (WIFEXITED(status))
                    rc = fail(r, -WEXITSTATUS(status), "%s", n > 0 ? eb : "worker failed");
                else
                    rc = fail(r, FUPIN_EIO, "worker %d killed by signal %d", j, WTERMSIG(status));
                for (int k = 0; k < launched; k++)   /* the run has failed: stop the rest */
                    if (k != j)
                        kill(pids[k], SIGTERM);
            }
        }
    }
    for (int j = 0; j < launched; j++)
        close(fds[j]);
    return rc;
}

/* Merges the parts into o->db with Xapian's compactor, atomically: the
 * result is built beside it and renamed into place. */
static int merge_parts(run *r)
{
    const char *db = r->o->db;
    char *tmp = path_fmt("%s.merge-%d", db, (int)getpid());
    char eb[512];
    int rc;
    if (!tmp)
        return FUPIN_ENOMEM;
    rmtree(tmp);
    rc = fupin_xapian_compact((const char *const *)r->targets, (size_t)r->ntargets, tmp, 0,
                              eb, sizeof eb);
    if (rc != 0) {
        rc = fail(r, rc, "merging parts into %s: %s", db, eb);
        rmtree(tmp);
        goto done;
    }
    if (exists(db) && rmtree(db) != 0) {
        rc = fail(r, FUPIN_EIO, "%s: cannot replace the empty database: %s", db, strerror(errno));
        goto done;
    }
    if (rename(tmp, db) != 0) {
        rc = fail(r, FUPIN_EIO, "%s: %s", db, strerror(errno));
        goto done;
    }
done:
    for (int i = 0; i < r->ntargets; i++)
        rmtree(r->targets[i]);
    free(tmp);
    return rc;
}

int fupin_ingest_run(const fupin_ingest_opts *o, const char *const *paths, size_t n,
                     fupin_ingest_stats *st, char *errbuf, size_t errlen)
{
    run r = { 0 };
    volatile fupin_ingest_stats *w = MAP_FAILED;
    size_t wsize = 0;
    uint64_t in_total = 0;
    fupin_dump *probe = NULL;
    int rc, ex;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    r.o = o;
    r.paths = paths;
    r.npaths = n;
    r.err = errbuf;
    r.errlen = errlen;
    r.t0 = now();
    r.jobs = o->jobs > 1 ? o->jobs : 1;
    if (r.jobs > MAX_TARGETS)
        r.jobs = MAX_TARGETS;
    r.tok_flags = (o->final_unigrams ? 0 : FUPIN_TOK_ALL_UNIGRAMS) | FUPIN_TOK_JOINS;
    r.scheme = fupin_terms_scheme_name(r.tok_flags);

    if ((rc = plan_layout(&r)) != 0)
        goto done;
    if ((ex = load_existing(&r)) < 0) {
        rc = fail(&r, FUPIN_EFORMAT, "%s: its index scheme is not one this version of fupin knows",
                  o->db);
        goto done;
    }
    if (!ex || !r.dict) {
        if ((rc = train_dict(&r)) != 0) {
            rc = fail(&r, rc, "training the compression dictionary: %s", fupin_strerror(rc));
            goto done;
        }
    }
    if (!ex || r.fresh_dict || r.merge) {
        /* the table this run folds with, for searchers (normalize.h);
         * only new parts, a new database or a fresh dictionary write
         * metadata */
        fupin_normalizer *nz = NULL;
        rc = fupin_normalizer_new(0, &nz);
        if (rc == 0)
            rc = fupin_normalizer_t2s_table(nz, &r.t2s, &r.t2s_len);
        fupin_normalizer_free(nz);
        if (rc != 0) {
            rc = fail(&r, rc, "t2s table: %s", fupin_strerror(rc));
            goto done;
        }
    }
    if (fupin_dump_open(paths, n, &probe) == 0)
        fupin_dump_total_bytes(probe, &in_total);
    fupin_dump_close(probe);

    wsize = sizeof(fupin_ingest_stats) * (size_t)r.jobs;
    w = mmap(NULL, wsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        rc = fail(&r, FUPIN_ENOMEM, "mmap: %s", strerror(errno));
        goto done;
    }
    memset((void *)w, 0, wsize);
    w[0].in_total = in_total;

    if (r.jobs == 1)
        rc = worker(&r, 0, &w[0], 1);
    else
        rc = run_forked(&r, w, in_total);
    /* Reprint clusters span the whole database, every shard; a new one's
     * parts are clustered before they are merged, so that no value is
     * rewritten into the compactor's full blocks. */
    if (rc == 0 && r.merge) {
        rc = fupin_reprint_cluster_dbs((const char *const *)r.targets, r.ntargets, NULL,
                                       errbuf, errlen);
        if (rc == 0)
            rc = merge_parts(&r);
    } else if (rc == 0) {
        rc = fupin_reprint_cluster(o->db, NULL, errbuf, errlen);
    }
    if (rc != 0 && r.merge)
        for (int i = 0; i < r.ntargets; i++)
            rmtree(r.targets[i]);

    if (st || o->progress) {
        fupin_ingest_stats s;
        sum_stats(&s, w, r.jobs, in_total, r.t0);
        if (st)
            *st = s;
        if (o->progress)
            o->progress(o->ctx, &s, 1);
    }
done:
    if (w != MAP_FAILED)
        munmap((void *)w, wsize);
    for (int i = 0; i < r.ntargets; i++)
        free(r.targets[i]);
    free(r.dict);
    free(r.t2s);
    return rc;
}
