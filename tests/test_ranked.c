/* test_ranked.c - a ranked slice orders matches exactly as Xapian's
 * relevance-then-ORDER sort does, whatever the slice bounds: documents are
 * written in shuffled order with many equal scores (same wdf, same length),
 * then every chain of slices for several slice sizes, and every page
 * [offset, offset + n), is compared with the one Enquire that reads every
 * candidate's value.  Two layouts of the same documents (one database, two
 * shards) give the same order.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/xap.h"
#include "../searcher/ranked.h"

#define NDOCS 300

static char base[256];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

/* Document k: term "a" with wdf 1 + k % 3 and length 5 + (k / 3) % 2, so
 * six scores in all and about 50 documents sharing each; ORDER a unique
 * string unrelated to k's place in the database. */
static void doc_order(int k, char *v, size_t vl)
{
    snprintf(v, vl, "2019%08u-%03d", (unsigned)((k * 7919u) % 100003u), k);
}

static int build(const char *path, const int *perm, int from, int step)
{
    fupin_xwdb *w = NULL;
    fupin_xdoc *d = NULL;
    char err[256];
    int rc = fupin_xwdb_open(path, FUPIN_XWDB_CREATE_OR_OVERWRITE, err, sizeof err, &w);
    if (rc == 0)
        rc = fupin_xdoc_new(&d);
    for (int i = from; rc == 0 && i < NDOCS; i += step) {
        int k = perm[i];
        char v[64];
        fupin_xdoc_clear(d);
        doc_order(k, v, sizeof v);
        if ((rc = fupin_xdoc_add_term(d, "a", 1, 1 + k % 3)) == 0 &&
            (rc = fupin_xdoc_add_term(d, "pad", 3, 4 + (k / 3) % 2 - k % 3 + 2)) == 0 &&
            (rc = fupin_xdoc_set_value(d, FUPIN_SLOT_ORDER, v, strlen(v))) == 0)
            rc = fupin_xwdb_add_document(w, d);
    }
    fupin_xdoc_free(d);
    int crc = fupin_xwdb_close(w);
    return rc ? rc : crc;
}

static fupin_xenquire *enquire(fupin_xdb *db, int xapian_ties)
{
    fupin_xenquire *e = NULL;
    fupin_xquery *q = fupin_xquery_term("a", 1, 1);
    if (!q || fupin_xenquire_new(db, &e) || fupin_xenquire_set_query(e, q) ||
        (xapian_ties && fupin_xenquire_set_sort_relevance_then_value(e, FUPIN_SLOT_ORDER, 1))) {
        fupin_xenquire_free(e);
        e = NULL;
    }
    fupin_xquery_free(q);
    return e;
}

/* ORDER values of Xapian's own relevance-then-value ranking, in order. */
static int reference(fupin_xdb *db, char ref[][64])
{
    fupin_xenquire *e = enquire(db, 1);
    fupin_xmset *m = NULL;
    int n = -1;
    if (e && fupin_xenquire_get_mset(e, 0, NDOCS, NDOCS, &m) == 0) {
        n = (int)fupin_xmset_size(m);
        for (int i = 0; i < n; i++) {
            const char *v;
            size_t len;
            if (fupin_xdb_get_value(db, fupin_xmset_docid(m, i), FUPIN_SLOT_ORDER, &v, &len) ||
                len >= 64)
                return -1;
            memcpy(ref[i], v, len);
            ref[i][len] = '\0';
        }
    }
    fupin_xmset_free(m);
    fupin_xenquire_free(e);
    return n;
}

static int same_at(fupin_xdb *db, const fupin_ranked *r, uint32_t i, const char *want)
{
    const char *v;
    size_t len;
    if (fupin_xdb_get_value(db, fupin_ranked_docid(r, i), FUPIN_SLOT_ORDER, &v, &len))
        return 0;
    return strlen(want) == len && memcmp(v, want, len) == 0;
}

static void check_layout(fupin_xdb *db, char ref[][64], int n, const char *name)
{
    char err[256];
    static const uint32_t sizes[] = { 1, 3, 10, 37, 64, 1000 };
    fupin_xenquire *e = enquire(db, 0);
    CHECK(e != NULL, "%s: enquire", name);
    if (!e)
        return;
    /* Chained slices: each starts where the last ended. */
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint32_t first = 0, bad = 0, slices = 0;
        for (;;) {
            fupin_ranked *r = NULL;
            int rc = fupin_ranked_fetch(e, db, 1, first, sizes[s], 0, &r, err, sizeof err);
            CHECK(rc == 0, "%s: fetch %u+%u: %s", name, first, sizes[s], err);
            if (rc)
                break;
            uint32_t size = fupin_ranked_size(r);
            if (first < (uint32_t)n)
                CHECK(size >= sizes[s] || first + size == (uint32_t)n,
                      "%s: slice %u+%u has %u", name, first, sizes[s], size);
            for (uint32_t i = 0; i < size; i++) {
                if (first + i >= (uint32_t)n || !same_at(db, r, i, ref[first + i]))
                    bad++;
            }
            fupin_ranked_free(r);
            slices++;
            if (size == 0)
                break;
            first += size;
        }
        CHECK(first == (uint32_t)n, "%s: slices of %u cover %u of %d", name, sizes[s], first, n);
        CHECK(bad == 0, "%s: slices of %u: %u documents out of place", name, sizes[s], bad);
        CHECK(slices >= 2, "%s: slices of %u: %u", name, sizes[s], slices);
    }
    /* A widened slice: 10 asked, the rest of the tie group comes along. */
    fupin_ranked *r = NULL;
    if (fupin_ranked_fetch(e, db, 1, 0, 10, 0, &r, err, sizeof err) == 0) {
        uint32_t size = fupin_ranked_size(r);
        CHECK(size > 10, "%s: 10 asked, %u back (ties widen the slice)", name, size);
        fupin_xenquire *x = enquire(db, 0);
        fupin_xmset *m = NULL;
        if (x && fupin_xenquire_get_mset(x, 0, NDOCS, 0, &m) == 0 && size < fupin_xmset_size(m))
            CHECK(fupin_xmset_weight(m, size) < fupin_ranked_weight(r, size - 1),
                  "%s: the match after the slice scores lower", name);
        fupin_xmset_free(m);
        fupin_xenquire_free(x);
    }
    fupin_ranked_free(r);
    /* Docid order: a permutation of the slice, docids rising. */
    if (fupin_ranked_fetch(e, db, 1, 0, 100, 0, &r, err, sizeof err) == 0) {
        uint32_t size = fupin_ranked_size(r), pos[NDOCS], seen[NDOCS] = { 0 }, bad = 0;
        CHECK(fupin_ranked_docid_order(r, size, pos) == 0, "%s: docid order", name);
        for (uint32_t i = 0; i < size; i++) {
            bad += pos[i] >= size || seen[pos[i]]++;
            if (i && pos[i] < size && pos[i - 1] < size)
                bad += fupin_ranked_docid(r, pos[i - 1]) >= fupin_ranked_docid(r, pos[i]);
        }
        CHECK(size >= 100 && bad == 0, "%s: docid order of %u: %u wrong", name, size, bad);
    }
    fupin_ranked_free(r);
    /* Without tie sorting the slice is Xapian's as asked. */
    if (fupin_ranked_fetch(e, db, 0, 0, 10, 0, &r, err, sizeof err) == 0)
        CHECK(fupin_ranked_size(r) == 10, "%s: untied slice %u", name, fupin_ranked_size(r));
    fupin_ranked_free(r);
    fupin_xenquire_free(e);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char one[300], s1[300], s2[300], err[256];
    static char ref1[NDOCS][64], ref2[NDOCS][64];
    int perm[NDOCS];
    fupin_xdb *db = NULL;

    snprintf(base, sizeof base, "%s/fupin_ranked_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    srand(7);
    for (int i = 0; i < NDOCS; i++)
        perm[i] = i;
    for (int i = NDOCS - 1; i > 0; i--) {
        int j = rand() % (i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    snprintf(one, sizeof one, "%s/one", base);
    snprintf(s1, sizeof s1, "%s/s1", base);
    snprintf(s2, sizeof s2, "%s/s2", base);
    CHECK(build(one, perm, 0, 1) == 0, "build one");
    CHECK(build(s1, perm, 0, 2) == 0 && build(s2, perm, 1, 2) == 0, "build shards");

    int n1 = -1, n2 = -1;
    if (fupin_xdb_open(one, 0, err, sizeof err, &db) == 0) {
        n1 = reference(db, ref1);
        CHECK(n1 == NDOCS, "one: %d matches", n1);
        check_layout(db, ref1, n1, "one");
        fupin_xdb_close(db);
    }
    const char *paths[2] = { s1, s2 };
    if (fupin_xdb_open_many(paths, 2, 0, err, sizeof err, &db) == 0) {
        n2 = reference(db, ref2);
        CHECK(n2 == NDOCS, "shards: %d matches", n2);
        check_layout(db, ref2, n2, "shards");
        fupin_xdb_close(db);
    }
    CHECK(n1 == n2 && memcmp(ref1, ref2, sizeof ref1) == 0, "one and shards rank alike");
    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return TEST_DONE();
}
