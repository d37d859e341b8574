/* test_store.c - the database is the archive: what goes in comes out.
 *
 * Indexes ../shared/corpus/fupin, reads every article back through the
 * searcher and compares every field byte for byte with the input; retrains
 * the dictionary and compares again; then damages copies of the database's
 * document table and checks that every read either returns the exact
 * article or a clear error, never garbage and never a crash.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "docstore_corpus.h"
#include "../common/status.h"
#include "../indexer/ingest.h"
#include "../indexer/retrain.h"
#include "../searcher/search.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every article back; returns how many came back identical, counts
 * clean errors in *errors and garbage (different bytes, no error) in *bad. */
static size_t read_back(const char *db, const dc_corpus *c, size_t *errors, size_t *bad)
{
    fupin_search *s = NULL;
    char err[1024];
    size_t same = 0;
    *errors = *bad = 0;
    if (fupin_search_open(db, NULL, &s, err, sizeof err) != 0) {
        *errors = c->n;
        return 0;
    }
    for (size_t i = 0; i < c->n; i++) {
        const fupin_article *want = &c->a[i];
        fupin_article got;
        int rc = fupin_search_article(s, want->f[FUPIN_F_ID].ptr, want->f[FUPIN_F_ID].len, &got);
        if (rc != 0) {
            (*errors)++;
            continue;
        }
        int eq = 1;
        for (int f = 0; f < FUPIN_F_COUNT && eq; f++)
            eq = got.f[f].len == want->f[f].len &&
                 (got.f[f].len == 0 || memcmp(got.f[f].ptr, want->f[f].ptr, got.f[f].len) == 0);
        if (eq)
            same++;
        else
            (*bad)++;
    }
    fupin_search_close(s);
    return same;
}

static void damage(const char *db, const char *copy, unsigned seed, int flips)
{
    char cmd[12800], path[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", copy, db, copy);
    CHECK(system(cmd) == 0, "copying the database");
    snprintf(path, sizeof path, "%s/docdata.glass", copy);
    int fd = open(path, O_RDWR);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0, "opening %s", path);
    srand(seed);
    for (int i = 0; fd >= 0 && i < flips; i++) {
        off_t at = (off_t)(((unsigned long)rand() << 16 ^ (unsigned long)rand()) % (unsigned long)st.st_size);
        unsigned char b;
        if (pread(fd, &b, 1, at) == 1) {
            b ^= (unsigned char)(1u << (rand() % 8));
            if (pwrite(fd, &b, 1, at) != 1)
                break;
        }
    }
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    const char *shared = getenv("FUPIN_SHARED") ? getenv("FUPIN_SHARED") : "../shared";
    char dir[4096], tmpl[] = "/tmp/fupin-store-XXXXXX", db[4200], copy[4200], err[1024];
    char *files[8];
    int nf = 0;
    dc_corpus c = { 0 };
    snprintf(dir, sizeof dir, "%s/corpus/fupin", shared);
    DIR *dh = opendir(dir);
    CHECK(dh != NULL, "%s is needed", dir);
    if (!dh)
        return TEST_DONE();
    struct dirent *de;
    while ((de = readdir(dh)) && nf < 8)
        if (strstr(de->d_name, ".jsonl.zst")) {
            files[nf] = malloc(strlen(dir) + strlen(de->d_name) + 2);
            sprintf(files[nf++], "%s/%s", dir, de->d_name);
        }
    closedir(dh);
    qsort(files, (size_t)nf, sizeof *files, cmp_str);
    for (int i = 0; i < nf; i++)
        CHECK(dc_corpus_load(&c, files[i]) > 0, "loading %s", files[i]);
    CHECK(mkdtemp(tmpl) != NULL, "mkdtemp");
    snprintf(db, sizeof db, "%s/db", tmpl);
    snprintf(copy, sizeof copy, "%s/damaged", tmpl);

    fupin_ingest_opts o = { 0 };
    fupin_ingest_stats st;
    o.db = db;
    o.jobs = 1;
    int rc = fupin_ingest_run(&o, (const char *const *)files, (size_t)nf, &st, err, sizeof err);
    CHECK(rc == 0, "indexing: %s", err);
    printf("stored %.1f MB of %.1f MB (%.1f%%)\n", st.stored_bytes / 1e6, st.raw_bytes / 1e6,
           100.0 * st.stored_bytes / (st.raw_bytes ? st.raw_bytes : 1));
    CHECK(st.stored_bytes * 100 < st.raw_bytes * 45, "stored records should be well under half the text");

    size_t errors, bad;
    size_t same = read_back(db, &c, &errors, &bad);
    CHECK(same == c.n, "%zu of %zu articles read back identical (%zu errors, %zu different)",
          same, c.n, errors, bad);

    /* A new dictionary: every record rewritten, every article still identical. */
    fupin_retrain_stats rs;
    rc = fupin_retrain_run(db, 64 * 1024, 0, &rs, err, sizeof err);
    CHECK(rc == 0, "retrain: %s", err);
    CHECK(rs.records == c.n, "retrain rewrote %llu of %zu", (unsigned long long)rs.records, c.n);
    same = read_back(db, &c, &errors, &bad);
    CHECK(same == c.n, "after retraining: %zu of %zu identical", same, c.n);

    /* Damage: a few flipped bits, then many.  Errors are fine; garbage is not.
     * Not under AddressSanitizer: Xapian's own glass reader (1.4.22) reads
     * past its block buffer on some damaged blocks (heap-buffer-overflow in
     * Document::get_data), which ASan stops at; our decoder is not reached. */
#if defined(__SANITIZE_ADDRESS__)
    static const int flips[] = { 0 };
    printf("skip: damaged database files under AddressSanitizer (Xapian overreads them)\n");
#else
    static const int flips[] = { 1, 8, 64, 512 };
#endif
    for (unsigned k = 0; k < sizeof flips / sizeof *flips && flips[k]; k++) {
        damage(db, copy, 1000 + k, flips[k]);
        same = read_back(copy, &c, &errors, &bad);
        printf("%d flipped bits: %zu identical, %zu clean errors, %zu garbage\n",
               flips[k], same, errors, bad);
        CHECK(bad == 0, "%zu articles came back different without an error", bad);
        CHECK(same + errors == c.n, "every article is either identical or an error");
    }

    snprintf(err, sizeof err, "rm -rf '%s'", tmpl);
    CHECK(system(err) == 0, "cleanup");
    for (int i = 0; i < nf; i++)
        free(files[i]);
    dc_corpus_free(&c);
    return TEST_DONE();
}
