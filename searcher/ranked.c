/* ranked.c - a slice of Xapian's matches, ties ordered by FUPIN_SLOT_ORDER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranked.h"
#include "../common/status.h"
#include "../common/terms.h"

struct fupin_ranked {
    fupin_xmset *m;
    uint32_t n;
    uint32_t *ord;      /* slice position -> index in m; NULL: the same */
};

typedef struct {
    char *v;
    size_t len;
} sortkey;

/* Descending by value, as Xapian's reverse value sort compares strings. */
static int cmp_key(const void *x, const void *y, void *ctx)
{
    const sortkey *k = ctx;
    const sortkey *a = &k[*(const uint32_t *)x], *b = &k[*(const uint32_t *)y];
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->v, b->v, n) : 0;
    if (c == 0)
        c = (a->len > b->len) - (a->len < b->len);
    if (c == 0)  /* values are unique; keep the order total all the same */
        c = (*(const uint32_t *)x > *(const uint32_t *)y) - (*(const uint32_t *)x < *(const uint32_t *)y);
    return -c;
}

typedef struct {
    fupin_docid id;
    uint32_t pos;
} docpos;

static int cmp_docpos(const void *x, const void *y)
{
    fupin_docid a = ((const docpos *)x)->id, b = ((const docpos *)y)->id;
    return (a > b) - (a < b);
}

/* Sorts the slice positions pos[0..n) of r by their docids. */
static int sort_by_docid(const fupin_ranked *r, uint32_t *pos, uint32_t n)
{
    docpos *dp = malloc((n ? n : 1) * sizeof *dp);
    if (!dp)
        return FUPIN_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        dp[i].id = fupin_ranked_docid(r, pos[i]);
        dp[i].pos = pos[i];
    }
    qsort(dp, n, sizeof *dp, cmp_docpos);
    for (uint32_t i = 0; i < n; i++)
        pos[i] = dp[i].pos;
    free(dp);
    return 0;
}

/* 1 if position i of r is in a run of equal weights. */
static int tied(const fupin_ranked *r, uint32_t i)
{
    double w = fupin_xmset_weight(r->m, i);
    return (i > 0 && fupin_xmset_weight(r->m, i - 1) == w) ||
           (i + 1 < r->n && fupin_xmset_weight(r->m, i + 1) == w);
}

/* Orders each run of equal weights in r by its documents' ORDER values,
 * read in docid order (neighbours share Xapian's value blocks). */
static int sort_ties(fupin_ranked *r, fupin_xdb *db, char *err, size_t errlen)
{
    sortkey *keys = NULL;
    uint32_t *tp = NULL, nt = 0;
    int rc = 0;

    for (uint32_t i = 0; i < r->n; i++)
        nt += (uint32_t)tied(r, i);
    if (nt == 0)
        return 0;
    if (!(r->ord = malloc(r->n * sizeof *r->ord)) || !(keys = calloc(r->n, sizeof *keys)) ||
        !(tp = malloc(nt * sizeof *tp))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    nt = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        r->ord[i] = i;
        if (tied(r, i))
            tp[nt++] = i;
    }
    if ((rc = sort_by_docid(r, tp, nt)) != 0)
        goto done;
    for (uint32_t k = 0; k < nt; k++) {
        const char *v;
        size_t len;
        sortkey *key = &keys[tp[k]];
        if ((rc = fupin_xdb_get_value(db, fupin_ranked_docid(r, tp[k]), FUPIN_SLOT_ORDER,
                                      &v, &len)) != 0) {
            snprintf(err, errlen, "reading a sort value: %s", fupin_xdb_errmsg(db));
            goto done;
        }
        if (!(key->v = malloc(len ? len : 1))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        if (len)
            memcpy(key->v, v, len);
        key->len = len;
    }
    for (uint32_t a = 0; a < r->n;) {
        uint32_t b = a + 1;
        while (b < r->n && fupin_xmset_weight(r->m, b) == fupin_xmset_weight(r->m, a))
            b++;
        if (b - a > 1)
            qsort_r(r->ord + a, b - a, sizeof *r->ord, cmp_key, keys);
        a = b;
    }
done:
    if (keys)
        for (uint32_t i = 0; i < r->n; i++)
            free(keys[i].v);
    free(keys);
    free(tp);
    if (rc == FUPIN_ENOMEM)
        snprintf(err, errlen, "%s", "out of memory");
    return rc;
}

int fupin_ranked_fetch(fupin_xenquire *e, fupin_xdb *db, int ties, uint32_t first,
                       uint32_t want, uint32_t check_at_least, fupin_ranked **out,
                       char *err, size_t errlen)
{
    fupin_ranked *r = calloc(1, sizeof *r);
    uint32_t extra = ties ? 1 : 0;
    int rc = 0;

    *out = NULL;
    if (!r) {
        snprintf(err, errlen, "%s", "out of memory");
        return FUPIN_ENOMEM;
    }
    for (;;) {
        uint32_t max = want > UINT32_MAX - extra ? UINT32_MAX : want + extra;
        if ((rc = fupin_xenquire_get_mset(e, first, max, check_at_least, &r->m)) != 0) {
            snprintf(err, errlen, "%s", fupin_xenquire_errmsg(e));
            goto done;
        }
        uint32_t size = fupin_xmset_size(r->m);
        if (!ties || size <= want || want == 0) {
            r->n = size < want || !ties ? size : want;
            break;
        }
        double wb = fupin_xmset_weight(r->m, want - 1);
        /* The group of the slice's last score ends inside what came back,
         * or the matches ran out: the slice ends with that group. */
        if (size < max || fupin_xmset_weight(r->m, size - 1) != wb || max == UINT32_MAX) {
            r->n = want;
            while (r->n < size && fupin_xmset_weight(r->m, r->n) == wb)
                r->n++;
            break;
        }
        fupin_xmset_free(r->m);
        r->m = NULL;
        extra = extra < (1u << 20) ? extra * 4 + 16 : extra;
    }
    if (ties)
        rc = sort_ties(r, db, err, errlen);
done:
    if (rc) {
        fupin_ranked_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void fupin_ranked_free(fupin_ranked *r)
{
    if (!r)
        return;
    fupin_xmset_free(r->m);
    free(r->ord);
    free(r);
}

uint32_t fupin_ranked_size(const fupin_ranked *r)
{
    return r->n;
}

fupin_docid fupin_ranked_docid(const fupin_ranked *r, uint32_t i)
{
    return fupin_xmset_docid(r->m, r->ord ? r->ord[i] : i);
}

double fupin_ranked_weight(const fupin_ranked *r, uint32_t i)
{
    return fupin_xmset_weight(r->m, r->ord ? r->ord[i] : i);
}

int fupin_ranked_docid_order(const fupin_ranked *r, uint32_t n, uint32_t *pos)
{
    for (uint32_t i = 0; i < n; i++)
        pos[i] = i;
    return sort_by_docid(r, pos, n);
}

const fupin_xmset *fupin_ranked_mset(const fupin_ranked *r)
{
    return r->m;
}
