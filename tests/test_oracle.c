/* test_oracle.c - fupin's answers equal a brute-force substring scan.
 *
 * Indexes ../shared/corpus/fupin (with two workers, so the merge path is
 * exercised too), then for 240 queries sampled from the text with a fixed
 * seed (1, 2, 3, 4 and 6-10 characters, one and two keywords) compares the
 * complete set of ids fupin returns with the set of articles whose
 * normalised title or body contains every keyword.  Then 60 mixed keywords
 * (a number glued to the CJK characters around it: "3人", "2019年", "第5")
 * against the same scan with word edges: a number is a whole word, so "3人"
 * is not in "13人" nor in "2.3人".  Zero mismatches allowed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "docstore_corpus.h"
#include "../common/normalize.h"
#include "../common/tokenize.h"
#include "../indexer/ingest.h"
#include "../searcher/search.h"

typedef struct ndoc {
    char *id;
    char *title, *body;       /* normalised */
    size_t tlen, blen;
} ndoc;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static size_t u8len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static uint32_t decode(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    *n = u8len(u[0]);
    switch (*n) {
    case 1: return u[0];
    case 2: return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    case 3: return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    default: return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
                    (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
    }
}

/* A keyword of `chars` CJK characters taken from a random run of a random
 * document's body; 0 when that document has no long enough run. */
static int sample_kw(const ndoc *docs, size_t n, size_t chars, char *out, size_t cap)
{
    for (int tries = 0; tries < 200; tries++) {
        const ndoc *d = &docs[next_rand() % n];
        if (d->blen == 0)
            continue;
        size_t at = next_rand() % d->blen;
        while (at > 0 && ((unsigned char)d->body[at] & 0xC0) == 0x80)
            at--;
        size_t p = at, got = 0, len;
        while (got < chars && p < d->blen) {
            uint32_t cp = decode(d->body + p, &len);
            if (!fupin_tokenize_is_cjk(cp))
                break;
            p += len;
            got++;
        }
        if (got == chars && p - at < cap) {
            memcpy(out, d->body + at, p - at);
            out[p - at] = '\0';
            return 1;
        }
    }
    return 0;
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Does a word continue to the left of t[at] ("13", "2.3", "1,3")? */
static int word_left(const char *t, size_t at)
{
    if (at == 0)
        return 0;
    if (is_alnum((unsigned char)t[at - 1]))
        return 1;
    return (t[at - 1] == '.' || t[at - 1] == ',') && at >= 2 && is_digit((unsigned char)t[at - 2]);
}

/* Does a word continue to the right of t[at - 1]? */
static int word_right(const char *t, size_t n, size_t at)
{
    if (at >= n)
        return 0;
    if (is_alnum((unsigned char)t[at]))
        return 1;
    return (t[at] == '.' || t[at] == ',') && at + 1 < n && is_digit((unsigned char)t[at + 1]);
}

/* The oracle for one keyword: a substring whose alphanumeric edges are
 * word edges in the text. */
static int has_kw(const char *t, size_t n, const char *kw)
{
    size_t kl = strlen(kw), off = 0;
    int le = is_alnum((unsigned char)kw[0]), re = is_alnum((unsigned char)kw[kl - 1]);
    const char *p;

    while (off < n && (p = memmem(t + off, n - off, kw, kl)) != NULL) {
        size_t at = (size_t)(p - t);
        if (!(le && word_left(t, at)) && !(re && word_right(t, n, at + kl)))
            return 1;
        off = at + 1;
    }
    return 0;
}

/* A number as written in a body (a whole word of digits) with the one or two
 * CJK characters glued after it (kind 0) or before it (kind 1). */
static int sample_mixed(const ndoc *docs, size_t n, int kind, char *out, size_t cap)
{
    for (int tries = 0; tries < 2000; tries++) {
        const ndoc *d = &docs[next_rand() % n];
        size_t at, end, len, a, b;
        int cjk = 1 + (int)(next_rand() % 2), k;
        if (d->blen < 8)
            continue;
        at = next_rand() % d->blen;
        while (at < d->blen && !(is_digit((unsigned char)d->body[at]) && !word_left(d->body, at)))
            at++;
        if (at >= d->blen)
            continue;
        for (end = at; end < d->blen && (is_alnum((unsigned char)d->body[end]) ||
                                         word_right(d->body, d->blen, end)); end++)
            ;
        a = at;
        b = end;
        for (k = 0; k < cjk; k++) {
            if (kind == 0) {
                if (b >= d->blen || !fupin_tokenize_is_cjk(decode(d->body + b, &len)))
                    break;
                b += len;
            } else {
                size_t q = a;
                if (q == 0)
                    break;
                while (q > 0 && ((unsigned char)d->body[q - 1] & 0xC0) == 0x80)
                    q--;
                if (q == 0 || !fupin_tokenize_is_cjk(decode(d->body + q - 1, &len)))
                    break;
                a = q - 1;
            }
        }
        if (k == cjk && b - a < cap && end - at <= 12) {
            memcpy(out, d->body + a, b - a);
            out[b - a] = '\0';
            return 1;
        }
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *shared = getenv("FUPIN_SHARED") ? getenv("FUPIN_SHARED") : "../shared";
    char dir[4096], tmpl[] = "/tmp/fupin-oracle-XXXXXX", db[4200];
    dc_corpus c = { 0 };
    snprintf(dir, sizeof dir, "%s/corpus/fupin", shared);
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("SKIP: %s not found\n", dir);
        CHECK(0, "the shared corpus is needed for the oracle test");
        return TEST_DONE();
    }
    struct dirent *de;
    char *files[16];
    int nf = 0;
    while ((de = readdir(dh)) && nf < 16)
        if (strstr(de->d_name, ".jsonl.zst")) {
            files[nf] = malloc(strlen(dir) + strlen(de->d_name) + 2);
            sprintf(files[nf++], "%s/%s", dir, de->d_name);
        }
    closedir(dh);
    qsort(files, (size_t)nf, sizeof *files, cmp_str);
    for (int i = 0; i < nf; i++)
        CHECK(dc_corpus_load(&c, files[i]) > 0, "loading %s", files[i]);

    /* Normalise every article once, for the oracle. */
    fupin_normalizer *nz;
    fupin_normalizer_new(0, &nz);
    ndoc *docs = calloc(c.n, sizeof *docs);
    for (size_t i = 0; i < c.n; i++) {
        fupin_norm nm;
        const fupin_article *a = &c.a[i];
        docs[i].id = strndup(a->f[FUPIN_F_ID].ptr, a->f[FUPIN_F_ID].len);
        fupin_normalizer_run(nz, a->f[FUPIN_F_TITLE].ptr, a->f[FUPIN_F_TITLE].len, 0, &nm);
        docs[i].title = strndup(nm.text, nm.len);
        docs[i].tlen = nm.len;
        fupin_normalizer_run(nz, a->f[FUPIN_F_BODY].ptr, a->f[FUPIN_F_BODY].len, 0, &nm);
        docs[i].body = strndup(nm.text, nm.len);
        docs[i].blen = nm.len;
    }
    fupin_normalizer_free(nz);

    /* Index with two workers into a temporary database. */
    CHECK(mkdtemp(tmpl) != NULL, "mkdtemp");
    snprintf(db, sizeof db, "%s/db", tmpl);
    fupin_ingest_opts o = { 0 };
    o.db = db;
    o.jobs = 2;
    fupin_ingest_stats st;
    char err[1024];
    int rc = fupin_ingest_run(&o, (const char *const *)files, (size_t)nf, &st, err, sizeof err);
    CHECK(rc == 0, "indexing failed: %s", err);
    CHECK(st.articles == c.n, "indexed %llu of %zu articles", (unsigned long long)st.articles, c.n);
    CHECK(st.skipped == 0, "%llu skipped", (unsigned long long)st.skipped);

    fupin_search *s = NULL;
    rc = fupin_search_open(db, NULL, &s, err, sizeof err);
    CHECK(rc == 0, "open: %s", err);
    if (rc != 0)
        return TEST_DONE();

    static const size_t lens[] = { 1, 2, 3, 4, 6, 7, 8, 9, 10 };
    int queries = 0, exact = 0, mismatched = 0;
    char **want = malloc(c.n * sizeof *want);
    int mixed = 0, flagged_exact = 0;
    for (int qi = 0; qi < 300; qi++) {
        char kw[2][64], q[160];
        int nkw = qi % 3 == 2 ? 2 : 1;
        int ok = 1;
        if (qi < 240) {
            for (int k = 0; k < nkw; k++)
                ok &= sample_kw(docs, c.n, lens[(size_t)(qi / 3 + k) % 9], kw[k], sizeof kw[k]);
        } else {
            /* a mixed keyword, alone or beside a CJK one */
            ok = sample_mixed(docs, c.n, qi % 2, kw[0], sizeof kw[0]);
            if (nkw == 2)
                ok &= sample_kw(docs, c.n, 2, kw[1], sizeof kw[1]);
            mixed += ok;
        }
        if (!ok)
            continue;
        snprintf(q, sizeof q, nkw == 2 ? "%s %s" : "%s", kw[0], kw[1]);
        size_t nw = 0;
        for (size_t i = 0; i < c.n; i++) {
            int all = 1;
            for (int k = 0; k < nkw && all; k++)
                all = has_kw(docs[i].title, docs[i].tlen, kw[k]) ||
                      has_kw(docs[i].body, docs[i].blen, kw[k]);
            if (all)
                want[nw++] = docs[i].id;
        }
        qsort(want, nw, sizeof *want, cmp_str);

        fupin_search_opts so = { 0 };
        so.limit = 0;
        so.exact_total = 1;
        so.no_snippets = 1;
        so.no_collapse = 1;   /* the oracle counts every copy */
        fupin_result *r = NULL;
        rc = fupin_search_run(s, q, strlen(q), &so, &r);
        queries++;
        CHECK(rc == 0, "query '%s': %s", q, fupin_search_errmsg(s));
        if (rc != 0)
            continue;
        char **got = malloc((r->nhits + 1) * sizeof *got);
        for (size_t i = 0; i < r->nhits; i++)
            got[i] = r->hits[i].id;
        qsort(got, r->nhits, sizeof *got, cmp_str);
        int same = r->nhits == nw;
        for (size_t i = 0; same && i < nw; i++)
            same = strcmp(got[i], want[i]) == 0;
        if (same && r->total == nw && r->total_exact) {
            exact++;
        } else {
            mismatched++;
            size_t fp = 0, fn = 0, i = 0, j = 0;
            while (i < r->nhits || j < nw) {
                int d = i == r->nhits ? 1 : j == nw ? -1 : strcmp(got[i], want[j]);
                if (d < 0) { fp++; i++; } else if (d > 0) { fn++; j++; } else { i++; j++; }
            }
            printf("MISMATCH '%s': fupin %zu (total %u%s), oracle %zu: %zu false positives, %zu missed\n",
                   q, r->nhits, (unsigned)r->total, r->total_exact ? "" : "~", nw, fp, fn);
        }
        free(got);
        fupin_search_result_free(r);

        /* A top-10 page may estimate its total, but never calls an
         * estimate exact. */
        so.limit = 10;
        so.exact_total = 0;
        r = NULL;
        if (fupin_search_run(s, q, strlen(q), &so, &r) == 0) {
            CHECK(!r->total_exact || r->total == nw, "'%s': top 10 says exactly %u, oracle %zu", q,
                  (unsigned)r->total, nw);
            flagged_exact += r->total_exact;
        }
        fupin_search_result_free(r);
    }
    printf("oracle: %d queries, %d exact, %d mismatched, over %zu articles\n",
           queries, exact, mismatched, c.n);
    CHECK(queries >= 260, "only %d queries could be sampled", queries);
    CHECK(mixed >= 50, "only %d mixed queries could be sampled", mixed);
    printf("top-10 pages: %d of %d totals exact\n", flagged_exact, queries);
    CHECK(mismatched == 0, "%d of %d queries differ from the substring oracle", mismatched, queries);

    fupin_search_close(s);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmpl);
    for (size_t i = 0; i < c.n; i++) {
        free(docs[i].id); free(docs[i].title); free(docs[i].body);
    }
    free(docs);
    free(want);
    for (int i = 0; i < nf; i++)
        free(files[i]);
    dc_corpus_free(&c);
    return TEST_DONE();
}
