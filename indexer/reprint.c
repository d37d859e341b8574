/* reprint.c - MinHash signatures of articles and the clusters of reprints.
 *
 * Owns the signature (see reprint.h for what it is made of and why) and the
 * clustering pass.  On disk: value FUPIN_SLOT_FINGERPRINT, 'm' followed by
 * FUPIN_REPRINT_K big-endian 16-bit MinHash values ('s' instead of 'm'
 * for a short text, which needs closer agreement), or 'x' followed by the
 * 8 big-endian bytes of the exact hash of a short article; value
 * FUPIN_SLOT_CLUSTER, the smallest article id of the cluster (as held in
 * FUPIN_SLOT_ORDER after its 12 date digits, so at most FUPIN_MAX_TERM
 * bytes), absent outside clusters.
 *
 * Shingles: each character of each atom is hashed (FNV-1a, then mixed);
 * a shingle's hash combines the last FUPIN_REPRINT_SHINGLE of them, kept in
 * a ring.  A body of fewer characters than that gives no shingle.
 *
 * MinHash: each shingle's hash, folded to 32 bits x, goes through K affine
 * maps a_i * x + b_i (odd a_i: permutations of the 32-bit values); position i
 * keeps the smallest image, and the signature stores 16 bits of a hash of
 * that image, which identify the shingle (two different shingles collide
 * with odds 1/65536, a bias of the estimate well under its own noise).
 *
 * Clustering: equal signatures (exact copies) are joined first by sorting;
 * then, for each of 21 bands of 3 positions, the distinct signatures are
 * sorted by the band and signatures equal on it are compared.  Two articles
 * with Jaccard similarity s share a band with odds 1 - (1 - s^3)^21: 0.94
 * at s = 0.5, 0.9999 at s = 0.7, 0.003 at s = 0.05, so unrelated articles are
 * rarely compared and the work stays near linear.  Pairs that already are
 * in one group are not compared again, which keeps a bucket full of copies
 * of one story linear too.  Connected pairs are joined with union-find
 * whose root is always the smallest index, so groups and keys do not
 * depend on the order of the input (one database and any set of shards
 * give the same clusters).  The whole database is re-clustered each run
 * from its stored values only, and only changed cluster values are
 * written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reprint.h"
#include "ingest.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/tokenize.h"
#include "../common/xap.h"

#define BANDS 21
#define ROWS 3              /* BANDS * ROWS <= FUPIN_REPRINT_K */
#define MAX_PARTS 256

static inline uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static inline uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct shingler {
    const char *text;
    uint64_t ring[FUPIN_REPRINT_SHINGLE];   /* hashes of the last atoms */
    uint32_t atoms;
    uint32_t shingles;
    uint32_t a[FUPIN_REPRINT_K], b[FUPIN_REPRINT_K];
    uint32_t min[FUPIN_REPRINT_K];
    uint64_t exact;                         /* hash of the atom sequence */
} shingler;

static inline uint64_t shingle_hash(const shingler *s, uint32_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ s->ring[(s->atoms - n + i) % FUPIN_REPRINT_SHINGLE]) * 0x100000001b3ull;
    return fmix64(h);
}

/* 32-bit lanes, branch-free: the loop vectorises (4 to 8 positions per
 * instruction), which makes signing 3x faster than with 64-bit maps. */
static void add_shingle(shingler *s, uint64_t h)
{
    uint32_t x = (uint32_t)(h ^ (h >> 32));
    for (int i = 0; i < FUPIN_REPRINT_K; i++) {
        uint32_t v = s->a[i] * x + s->b[i];
        s->min[i] = v < s->min[i] ? v : s->min[i];
    }
    s->shingles++;
}

/* Every character of an atom is a unit of the shingles: a word cut by a
 * line break ("20" "19" for a wrapped "2019") gives the same units as the
 * whole word. */
static int on_atom(void *ctx, const fupin_atom *a)
{
    shingler *s = ctx;
    const unsigned char *p = (const unsigned char *)s->text + a->off;
    for (uint32_t i = 0; i < a->len;) {
        uint32_t n = 1;
        while (i + n < a->len && (p[i + n] & 0xc0) == 0x80)
            n++;
        uint64_t h = 1469598103934665603ull;
        for (uint32_t k = 0; k < n; k++)
            h = (h ^ p[i + k]) * 1099511628211ull;
        h = fmix64(h);
        i += n;
        s->exact = fmix64(s->exact ^ h) + 1;
        s->ring[s->atoms % FUPIN_REPRINT_SHINGLE] = h;
        if (++s->atoms >= FUPIN_REPRINT_SHINGLE)
            add_shingle(s, shingle_hash(s, FUPIN_REPRINT_SHINGLE));
    }
    return 0;
}

int fupin_reprint_sign(const char *title, size_t tlen, const char *body, size_t blen,
                       fupin_reprint_sig *sig)
{
    shingler s;
    uint64_t seed = 0x667570696e2d6d68ull;   /* fixed: signatures must be stable */
    int rc;

    memset(sig, 0, sizeof *sig);
    memset(&s, 0, sizeof s);
    for (int i = 0; i < FUPIN_REPRINT_K; i++) {
        s.a[i] = (uint32_t)splitmix(&seed) | 1;
        s.b[i] = (uint32_t)splitmix(&seed);
        s.min[i] = UINT32_MAX;
    }
    s.text = body;
    if ((rc = fupin_tokenize_atoms(body, blen, on_atom, &s)) != 0)
        return rc;
    if (s.shingles >= FUPIN_REPRINT_MIN_SHINGLES) {
        sig->kind = FUPIN_REPRINT_NEAR;
        sig->short_text = s.shingles < FUPIN_REPRINT_SHORT_SHINGLES;
        for (int i = 0; i < FUPIN_REPRINT_K; i++)
            sig->v[i] = (uint16_t)(fmix64(s.min[i]) >> 56);   /* b-bit MinHash, b = 8 */
        return 0;
    }
    /* Short body: an exact hash of body, then title (kept apart by a
     * separator hash, so moving text between them changes the hash). */
    s.exact = fmix64(s.exact ^ 0x7469746c65ull);
    s.text = title;
    if ((rc = fupin_tokenize_atoms(title, tlen, on_atom, &s)) != 0)
        return rc;
    if (s.atoms == 0)
        return 0;
    sig->kind = FUPIN_REPRINT_EXACT;
    for (int i = 0; i < 4; i++)
        sig->v[i] = (uint16_t)(s.exact >> (48 - 16 * i));
    return 0;
}

unsigned fupin_reprint_agree(const fupin_reprint_sig *a, const fupin_reprint_sig *b)
{
    unsigned n = 0;
    if (a->kind != b->kind || a->kind == FUPIN_REPRINT_NONE)
        return 0;
    if (a->kind == FUPIN_REPRINT_EXACT)
        return memcmp(a->v, b->v, 4 * sizeof a->v[0]) == 0 ? FUPIN_REPRINT_K : 0;
    for (int i = 0; i < FUPIN_REPRINT_K; i++)
        n += a->v[i] == b->v[i];
    return n;
}

int fupin_reprint_same(const fupin_reprint_sig *a, const fupin_reprint_sig *b)
{
    unsigned need = a->short_text || b->short_text ? FUPIN_REPRINT_AGREE_SHORT
                                                   : FUPIN_REPRINT_AGREE;
    unsigned agree = fupin_reprint_agree(a, b);
    if (agree == FUPIN_REPRINT_K)
        return 1;
    if (a->day && b->day && (a->day > b->day ? a->day - b->day : b->day - a->day) > FUPIN_REPRINT_MAX_DAYS)
        return 0;
    return agree >= need;
}

int32_t fupin_reprint_day(const char *v, size_t len)
{
    int y = 0, m = 0, d = 0;
    if (len < 8)
        return 0;
    for (int i = 0; i < 8; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        int digit = v[i] - '0';
        if (i < 4)
            y = y * 10 + digit;
        else if (i < 6)
            m = m * 10 + digit;
        else
            d = d * 10 + digit;
    }
    if (y == 0 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    /* Days from civil (proleptic Gregorian), H. Hinnant's algorithm. */
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* A near signature keeps 8 bits of each MinHash (b-bit MinHash): two
 * unrelated texts then agree by chance on 1/256 of the positions, 0.25 of
 * 64, far below the 32 that make a reprint, and the value is 65 bytes, not
 * 129: it is stored twice per article (value stream and document), 11 MB
 * of the news index.  An exact signature is a 64-bit hash in 4 x 16 bits. */
size_t fupin_reprint_encode(const fupin_reprint_sig *sig, char out[FUPIN_REPRINT_VALUE_MAX])
{
    if (sig->kind == FUPIN_REPRINT_NEAR) {
        out[0] = sig->short_text ? 's' : 'm';
        for (int i = 0; i < FUPIN_REPRINT_K; i++)
            out[1 + i] = (char)(sig->v[i] & 0xff);
        return 1 + (size_t)FUPIN_REPRINT_K;
    }
    if (sig->kind != FUPIN_REPRINT_EXACT)
        return 0;
    out[0] = 'x';
    for (int i = 0; i < 4; i++) {
        out[1 + 2 * i] = (char)(sig->v[i] >> 8);
        out[2 + 2 * i] = (char)(sig->v[i] & 0xff);
    }
    return 9;
}

int fupin_reprint_decode(const char *v, size_t len, fupin_reprint_sig *sig)
{
    const unsigned char *p = (const unsigned char *)v + 1;

    memset(sig, 0, sizeof *sig);
    if (len == 1 + FUPIN_REPRINT_K && (v[0] == 'm' || v[0] == 's')) {
        sig->kind = FUPIN_REPRINT_NEAR;
        sig->short_text = v[0] == 's';
        for (size_t i = 0; i < FUPIN_REPRINT_K; i++)
            sig->v[i] = p[i];
        return 0;
    }
    if (len == 9 && v[0] == 'x') {
        sig->kind = FUPIN_REPRINT_EXACT;
        for (size_t i = 0; i < 4; i++)
            sig->v[i] = (uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
        return 0;
    }
    return FUPIN_EFORMAT;
}

/* ---------- grouping ---------- */

static uint32_t find(uint32_t *up, uint32_t i)
{
    uint32_t r = i;
    while (up[r] != r)
        r = up[r];
    while (up[i] != r) {
        uint32_t next = up[i];
        up[i] = r;
        i = next;
    }
    return r;
}

/* Joins the groups of a and b; the root is always the smaller index, so a
 * group's root is its smallest member. */
static void join(uint32_t *up, uint32_t a, uint32_t b)
{
    a = find(up, a);
    b = find(up, b);
    if (a < b)
        up[b] = a;
    else if (b < a)
        up[a] = b;
}

typedef struct keyed {
    uint64_t key;
    uint32_t i;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Orders by whole signature, then index (qsort_r context: the signatures). */
static int cmp_sig(const void *x, const void *y, void *ctx)
{
    const fupin_reprint_sig *s = ctx;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (s[a].kind != s[b].kind)
        return s[a].kind < s[b].kind ? -1 : 1;
    int c = memcmp(s[a].v, s[b].v, sizeof s[a].v);
    if (c)
        return c;
    return a < b ? -1 : a > b;
}

int fupin_reprint_group(const fupin_reprint_sig *sigs, size_t n, uint32_t *comp)
{
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    size_t nd = 0;
    int rc = 0;

    if (!order || !k) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        comp[i] = order[i] = (uint32_t)i;
    /* Equal signatures first: exact copies are joined here, and only one
     * of them (order[0..nd)) takes part in the band search. */
    qsort_r(order, n, sizeof *order, cmp_sig, (void *)sigs);
    for (size_t i = 0; i < n; i++) {
        const fupin_reprint_sig *s = &sigs[order[i]];
        if (s->kind == FUPIN_REPRINT_NONE)
            continue;
        if (i > 0 && s->kind == sigs[order[i - 1]].kind &&
            memcmp(s->v, sigs[order[i - 1]].v, sizeof s->v) == 0)
            join(comp, order[i - 1], order[i]);
        else if (s->kind == FUPIN_REPRINT_NEAR)
            order[nd++] = order[i];
    }
    for (int b = 0; b < BANDS; b++) {
        for (size_t j = 0; j < nd; j++) {
            const uint16_t *v = sigs[order[j]].v + b * ROWS;
            uint64_t key = 0;
            for (int r = 0; r < ROWS; r++)
                key = key << 16 | v[r];
            k[j].key = key;
            k[j].i = order[j];
        }
        qsort(k, nd, sizeof *k, cmp_keyed);
        for (size_t s = 0, e; s < nd; s = e) {
            for (e = s + 1; e < nd && k[e].key == k[s].key; e++)
                ;
            for (size_t x = s; x + 1 < e; x++)
                for (size_t y = x + 1; y < e; y++)
                    if (find(comp, k[x].i) != find(comp, k[y].i) &&
                        fupin_reprint_same(&sigs[k[x].i], &sigs[k[y].i]))
                        join(comp, k[x].i, k[y].i);
        }
    }
    for (size_t i = 0; i < n; i++)
        comp[i] = find(comp, (uint32_t)i);
done:
    free(order);
    free(k);
    return rc;
}

/* ---------- the clustering pass ---------- */

typedef struct entry {
    uint32_t part;
    fupin_docid docid;
    size_t id, id_len;          /* the article id, in the arena */
    size_t old, old_len;        /* the stored cluster key (old_len 0: none) */
} entry;

typedef struct pass {
    entry *e;
    fupin_reprint_sig *sig;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
    size_t part_start;          /* first entry of the part being read */
    size_t cursor;              /* matching a value stream to entries */
    uint32_t part;
    int oom;
} pass;

static int arena_add(pass *p, const char *v, size_t len, size_t *off)
{
    if (p->alen + len > p->acap) {
        size_t nc = (p->alen + len) * 2 + 4096;
        char *na = realloc(p->arena, nc);
        if (!na)
            return FUPIN_ENOMEM;
        p->arena = na;
        p->acap = nc;
    }
    if (len)
        memcpy(p->arena + p->alen, v, len);
    *off = p->alen;
    p->alen += len;
    return 0;
}

static int on_order(void *ctx, fupin_docid id, const char *v, size_t len)
{
    pass *p = ctx;
    if (len < 12)
        return 0;   /* not a fupin article: left out of clustering */
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 4096;
        entry *ne = realloc(p->e, nc * sizeof *ne);
        if (!ne)
            goto oom;
        p->e = ne;
        fupin_reprint_sig *ns = realloc(p->sig, nc * sizeof *ns);
        if (!ns)
            goto oom;
        p->sig = ns;
        p->cap = nc;
    }
    entry *e = &p->e[p->n];
    memset(e, 0, sizeof *e);
    memset(&p->sig[p->n], 0, sizeof p->sig[p->n]);
    e->part = p->part;
    e->docid = id;
    e->id_len = len - 12;
    p->sig[p->n].day = fupin_reprint_day(v, 12);
    if (arena_add(p, v + 12, len - 12, &e->id) != 0)
        goto oom;
    p->n++;
    return 0;
oom:
    p->oom = 1;
    return 1;
}

/* The entry of docid in the current part: value streams come in docid
 * order, like the entries, so a cursor finds it. */
static entry *entry_of(pass *p, fupin_docid id)
{
    while (p->cursor < p->n && p->e[p->cursor].docid < id)
        p->cursor++;
    return p->cursor < p->n && p->e[p->cursor].docid == id ? &p->e[p->cursor] : NULL;
}

static int on_fingerprint(void *ctx, fupin_docid id, const char *v, size_t len)
{
    pass *p = ctx;
    entry *e = entry_of(p, id);
    if (!e)
        return 0;
    int32_t day = p->sig[e - p->e].day;
    if (fupin_reprint_decode(v, len, &p->sig[e - p->e]) != 0)
        memset(&p->sig[e - p->e], 0, sizeof p->sig[0]);   /* unreadable: stands alone */
    p->sig[e - p->e].day = day;
    return 0;
}

static int on_cluster(void *ctx, fupin_docid id, const char *v, size_t len)
{
    pass *p = ctx;
    entry *e = entry_of(p, id);
    if (e && arena_add(p, v, len, &e->old) == 0) {
        e->old_len = len;
        return 0;
    }
    if (e)
        p->oom = 1;
    return e ? 1 : 0;
}

static int id_less(const pass *p, const entry *a, const entry *b)
{
    size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
    int c = memcmp(p->arena + a->id, p->arena + b->id, n);
    return c < 0 || (c == 0 && a->id_len < b->id_len);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int fupin_reprint_cluster(const char *db, fupin_reprint_stats *st, char *errbuf, size_t errlen)
{
    char *paths[MAX_PARTS];
    int nparts = 0, rc;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if ((rc = fupin_ingest_layout(db, paths, MAX_PARTS, &nparts)) != 0) {
        snprintf(errbuf, errlen, "%s: not a fupin database", db);
        return rc;
    }
    rc = fupin_reprint_cluster_dbs((const char *const *)paths, nparts, st, errbuf, errlen);
    for (int i = 0; i < nparts; i++)
        free(paths[i]);
    return rc;
}

int fupin_reprint_cluster_dbs(const char *const *paths, int nparts, fupin_reprint_stats *st,
                              char *errbuf, size_t errlen)
{
    fupin_xwdb *w[MAX_PARTS] = { 0 };
    int rc = 0;
    pass p = { 0 };
    uint32_t *comp = NULL, *best = NULL, *size = NULL;
    fupin_reprint_stats s = { 0 };
    double t0 = now_s();

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (nparts < 0 || nparts > MAX_PARTS) {
        snprintf(errbuf, errlen, "at most %d databases", MAX_PARTS);
        return FUPIN_EINVAL;
    }
    /* All parts are opened for writing first: holding every lock, the
     * values read are the ones the keys will be written over. */
    for (int i = 0; i < nparts; i++) {
        char eb[512];
        if ((rc = fupin_xwdb_open(paths[i], FUPIN_XWDB_OPEN, eb, sizeof eb, &w[i])) != 0) {
            snprintf(errbuf, errlen, "%s: %s", paths[i], eb);
            goto done;
        }
    }
    for (int i = 0; i < nparts; i++) {
        p.part = (uint32_t)i;
        p.part_start = p.n;
        rc = fupin_xwdb_values(w[i], FUPIN_SLOT_ORDER, on_order, &p);
        p.cursor = p.part_start;
        if (rc == 0)
            rc = fupin_xwdb_values(w[i], FUPIN_SLOT_FINGERPRINT, on_fingerprint, &p);
        p.cursor = p.part_start;
        if (rc == 0)
            rc = fupin_xwdb_values(w[i], FUPIN_SLOT_CLUSTER, on_cluster, &p);
        if (p.oom)
            rc = FUPIN_ENOMEM;
        if (rc != 0) {
            snprintf(errbuf, errlen, "%s: reading values: %s", paths[i],
                     rc == FUPIN_ENOMEM ? fupin_strerror(rc) : fupin_xwdb_errmsg(w[i]));
            goto done;
        }
    }
    s.documents = (uint32_t)p.n;
    comp = malloc((p.n ? p.n : 1) * sizeof *comp);
    best = malloc((p.n ? p.n : 1) * sizeof *best);
    size = calloc(p.n ? p.n : 1, sizeof *size);
    if (!comp || !best || !size) {
        rc = FUPIN_ENOMEM;
        snprintf(errbuf, errlen, "clustering reprints: %s", fupin_strerror(rc));
        goto done;
    }
    double tg = now_s();
    if ((rc = fupin_reprint_group(p.sig, p.n, comp)) != 0) {
        snprintf(errbuf, errlen, "clustering reprints: %s", fupin_strerror(rc));
        goto done;
    }
    s.group_seconds = now_s() - tg;
    /* The key of a group is its smallest article id: entries come in part
     * and docid order, which differs between layouts, ids do not. */
    for (size_t i = 0; i < p.n; i++) {
        s.fingerprinted += p.sig[i].kind != FUPIN_REPRINT_NONE;
        uint32_t r = comp[i];
        if (size[r]++ == 0 || id_less(&p, &p.e[i], &p.e[best[r]]))
            best[r] = (uint32_t)i;
    }
    for (size_t i = 0; i < p.n; i++) {
        const entry *e = &p.e[i];
        uint32_t r = comp[i];
        const char *key = NULL;
        size_t klen = 0;
        if (size[r] > 1) {
            key = p.arena + p.e[best[r]].id;
            klen = p.e[best[r]].id_len;
            s.clustered++;
            s.clusters += r == i;
        }
        if (klen == e->old_len && (klen == 0 || memcmp(key, p.arena + e->old, klen) == 0))
            continue;
        if ((rc = fupin_xwdb_set_value(w[e->part], e->docid, FUPIN_SLOT_CLUSTER, key, klen)) != 0) {
            snprintf(errbuf, errlen, "%s: writing a cluster key: %s", paths[e->part],
                     fupin_xwdb_errmsg(w[e->part]));
            goto done;
        }
        s.changed++;
    }
    for (int i = 0; i < nparts; i++) {
        if ((rc = fupin_xwdb_commit(w[i])) != 0) {
            snprintf(errbuf, errlen, "%s: commit: %s", paths[i], fupin_xwdb_errmsg(w[i]));
            goto done;
        }
    }
done:
    for (int i = 0; i < nparts; i++) {
        int crc = fupin_xwdb_close(w[i]);
        if (rc == 0 && crc != 0) {
            rc = crc;
            snprintf(errbuf, errlen, "%s: closing after clustering: %s", paths[i],
                     fupin_strerror(crc));
        }
    }
    free(p.e);
    free(p.sig);
    free(p.arena);
    free(comp);
    free(best);
    free(size);
    s.seconds = now_s() - t0;
    if (st)
        *st = s;
    return rc;
}
