/* search.c - runs queries: candidates from Xapian, verification, hits.
 *
 * The candidate query ranks with BM25 over bigram/word terms.  When the plan
 * needs verification, candidates are read in rank order in growing batches
 * and each is checked against its stored text until the page is full; the
 * total is exact when every candidate was checked (always with exact_total,
 * or when there are few), and otherwise estimated from the share of checked
 * candidates that matched.  A reader whose database changed underneath
 * (DatabaseModifiedError) reopens and retries.
 *
 * Reprints collapse on the cluster key (FUPIN_SLOT_CLUSTER, reprint.h).
 * Without verification Xapian does it (Enquire::set_collapse_key: the best
 * match of each key stays; documents without a key are never collapsed).
 * With verification it must happen after it: Xapian would keep one
 * candidate per cluster, and when that one fails (a title: query, a phrase
 * in a paragraph only some copies have) the cluster would vanish though
 * another copy matches; so verified hits are folded here, the first in rank
 * order standing for its cluster, as Xapian would pick.  Either way each
 * hit's count of copies comes from one more query for the page's clusters,
 * its matches verified the same way, so counts are exact and do not depend
 * on how far the match ran or on the layout of shards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"
#include "plan.h"
#include "query.h"
#include "ranked.h"
#include "snippet.h"
#include "../common/date.h"
#include "../common/tokenize.h"
#include "../common/docstore.h"
#include "../common/normalize.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/xap.h"

/* k1 1, b 0: no length normalisation.  With b > 0 Xapian reads every
 * match's document length from its doclength list, 1-1.6 us a match for a
 * rare term (decoding that list's chunks from their start): b = 0 halves
 * the median query (0.52 -> 0.30 ms on the bench set) for MRR 0.987
 * instead of 0.995 on the known-item set (scripts/eval-ranking, 213 queries
 * over ../shared/corpus/news; Lucene's 1.2/0.75: 0.991, b = 1: 0.984; long
 * round-ups are not the problem once keywords match exactly).  README,
 * "Ranking"; --bm25 1,0.5 gives Xapian's defaults. */
#define DEFAULT_K1 1.0
/* Below this many candidates every one is verified, so the total is exact;
 * above it the total is estimated from the verified share (total_exact 0),
 * unless exact_total is asked for.  Each verification reads and decompresses
 * one record (~70 us on news): at 2000, queries such as 乡村振兴 (1683
 * matches) verified every candidate and took 120-200 ms, which was most of
 * the p95 latency. */
#define EXACT_TOTAL_BELOW 200
#define MAX_KEYWORDS 32

struct fupin_search {
    fupin_xdb *db;
    fupin_docdec *dec;
    fupin_normalizer *qnz;       /* query keywords */
    fupin_normalizer *nz[3];     /* verification: title, body, source */
    fupin_normalizer *snz;       /* snippets (with offset map) */
    fupin_search_config cfg;
    unsigned tok_flags;         /* the index scheme (terms.h) */
    char err[1024];
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int set_err(fupin_search *s, int rc, const char *fmt, const char *arg)
{
    snprintf(s->err, sizeof s->err, fmt, arg);
    return rc;
}

static int xerr(fupin_search *s, int rc, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, fupin_xdb_errmsg(s->db));
    return rc;
}

int fupin_search_open(const char *path, const fupin_search_config *cfg,
                      fupin_search **out, char *errbuf, size_t errlen)
{
    fupin_search *s = calloc(1, sizeof *s);
    int rc = FUPIN_ENOMEM;
    char *scheme = NULL, *t2s = NULL;
    size_t len, t2s_len = 0;

    *out = NULL;
    if (!s)
        goto fail;
    if (cfg)
        s->cfg = *cfg;
    if (!s->cfg.remote_timeout_ms)
        s->cfg.remote_timeout_ms = 10000;
    if (s->cfg.k1 <= 0)
        s->cfg.k1 = DEFAULT_K1;
    if (!(s->cfg.b > 0 && s->cfg.b <= 1))
        s->cfg.b = 0;
    if (!s->cfg.max_query_bytes)
        s->cfg.max_query_bytes = 4096;
    if (!s->cfg.max_terms)
        s->cfg.max_terms = 32;
    if (!s->cfg.max_expansion)
        s->cfg.max_expansion = 20000;
    if ((rc = fupin_xdb_open(path, s->cfg.remote_timeout_ms, errbuf, errlen, &s->db)) != 0)
        goto fail;
    /* The database's t2s table, else one OpenCC converter for all five: a
     * CGI request opens a fresh handle. */
    if ((rc = fupin_xdb_get_metadata(s->db, FUPIN_META_T2S, &t2s, &t2s_len)) != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, fupin_xdb_errmsg(s->db));
        goto fail;
    }
    rc = t2s_len ? fupin_normalizer_new_t2s(t2s, t2s_len, &s->qnz) : fupin_normalizer_new(0, &s->qnz);
    if (rc == FUPIN_ECORRUPT) {
        snprintf(errbuf, errlen, "%s: its t2s table is damaged", path);
        goto fail;
    }
    if (rc || (rc = fupin_docdec_new(&s->dec)) ||
        (rc = fupin_normalizer_new_sibling(s->qnz, &s->nz[0])) ||
        (rc = fupin_normalizer_new_sibling(s->qnz, &s->nz[1])) ||
        (rc = fupin_normalizer_new_sibling(s->qnz, &s->nz[2])) ||
        (rc = fupin_normalizer_new_sibling(s->qnz, &s->snz))) {
        snprintf(errbuf, errlen, "%s", fupin_strerror(rc));
        goto fail;
    }
    if ((rc = fupin_xdb_get_metadata(s->db, FUPIN_META_SCHEME, &scheme, &len)) != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, fupin_xdb_errmsg(s->db));
        goto fail;
    }
    if (fupin_terms_scheme_flags(scheme, len, &s->tok_flags) != 0) {
        if (len == 0)
            snprintf(errbuf, errlen, "%s: not a fupin database (no index scheme)", path);
        else
            snprintf(errbuf, errlen, "%s: index scheme '%.*s' is not one this version of fupin knows",
                     path, (int)(len < 64 ? len : 64), scheme);
        rc = FUPIN_EFORMAT;
        goto fail;
    }
    free(scheme);
    free(t2s);
    *out = s;
    return 0;
fail:
    free(scheme);
    free(t2s);
    fupin_search_close(s);
    return rc;
}

void fupin_search_close(fupin_search *s)
{
    if (!s)
        return;
    fupin_xdb_close(s->db);
    fupin_docdec_free(s->dec);
    for (int i = 0; i < 3; i++)
        fupin_normalizer_free(s->nz[i]);
    fupin_normalizer_free(s->snz);
    fupin_normalizer_free(s->qnz);   /* the siblings' base goes last */
    free(s);
}

const char *fupin_search_errmsg(const fupin_search *s)
{
    return s ? s->err : "out of memory";
}

/* Decodes the record of docid into a (valid until the next decode),
 * fetching a dictionary from the database the first time it is needed. */
static int load_doc(fupin_search *s, fupin_docid id, fupin_article *a, unsigned *flags)
{
    const char *data;
    size_t len;
    int rc = fupin_xdb_get_data(s->db, id, &data, &len);
    if (rc != 0)
        return xerr(s, rc, "reading a stored article");
    rc = fupin_docdec_decode(s->dec, data, len, a, flags);
    if (rc == FUPIN_ENOTFOUND) {
        uint32_t dict_id;
        char key[32], *val = NULL;
        size_t vlen = 0;
        if (fupin_docdec_peek(data, len, flags, &dict_id) != 0)
            return FUPIN_ECORRUPT;
        fupin_docstore_dict_key(dict_id, key);
        /* get_metadata overwrote nothing of `data`'s buffer: it returns a
         * copy, but refetch the record to be safe with the handle's buffer. */
        if ((rc = fupin_xdb_get_metadata(s->db, key, &val, &vlen)) != 0) {
            free(val);
            return xerr(s, rc, "reading a dictionary");
        }
        if (vlen == 0) {
            free(val);
            snprintf(s->err, sizeof s->err, "the database lacks dictionary %s needed by a record", key);
            return FUPIN_ECORRUPT;
        }
        if ((rc = fupin_docdec_adopt_dict(s->dec, val, vlen)) != 0)
            return rc;
        if ((rc = fupin_xdb_get_data(s->db, id, &data, &len)) != 0)
            return xerr(s, rc, "reading a stored article");
        rc = fupin_docdec_decode(s->dec, data, len, a, flags);
    }
    if (rc == FUPIN_ECORRUPT)
        snprintf(s->err, sizeof s->err, "stored article (document %u) is damaged", (unsigned)id);
    return rc;
}

/* 1 if the stored article a (document id, record flags) satisfies plan;
 * pd is the caller's scratch.  The date is read only for a date: term. */
static int verify_doc(fupin_search *s, fupin_plan *plan, fupin_docid id,
                      const fupin_article *a, unsigned flags, fupin_plan_doc *pd)
{
    const char *dv;
    size_t dl;
    memset(pd->have, 0, sizeof pd->have);
    pd->a = a;
    pd->cjk_stable = (flags & FUPIN_REC_CJK_STABLE) != 0;
    pd->date = NULL;
    if (fupin_plan_needs_date(plan) &&
        fupin_xdb_get_value(s->db, id, FUPIN_SLOT_ORDER, &dv, &dl) == 0 &&
        (pd->date_len = fupin_terms_order_date(dv, dl)) != 0)
        pd->date = dv;
    return fupin_plan_verify(plan, pd);
}

/* Verifies matches [0, n) of m into pass[i] (1 or 0), reading the records
 * in docid order: neighbours share Xapian's blocks, which rank order reads
 * again and again (on a 74,000-candidate keyword the reads were half the
 * time). */
static int verify_in_docid_order(fupin_search *s, fupin_plan *plan, const fupin_ranked *m,
                                 uint32_t n, double deadline, fupin_plan_doc *pd,
                                 unsigned char *pass)
{
    uint32_t *pos = malloc((n ? n : 1) * sizeof *pos);
    int rc;
    if (!pos)
        return FUPIN_ENOMEM;
    if ((rc = fupin_ranked_docid_order(m, n, pos)) != 0)
        goto done;
    for (uint32_t k = 0; k < n; k++) {
        fupin_docid id = fupin_ranked_docid(m, pos[k]);
        fupin_article a;
        unsigned flags = 0;
        if (deadline && (k & 63) == 0 && now_ms() > deadline) {
            rc = FUPIN_ETIMEOUT;
            break;
        }
        if ((rc = load_doc(s, id, &a, &flags)) != 0)
            break;
        pass[pos[k]] = (unsigned char)verify_doc(s, plan, id, &a, flags, pd);
    }
done:
    free(pos);
    return rc;
}

static char *dupn(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        if (n)
            memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

/* Snippet of the body with every occurrence of the plan's keywords marked. */
static int make_snippet(fupin_search *s, fupin_plan *plan, const fupin_article *a,
                        int stable, const fupin_search_opts *o, char **out)
{
    fupin_matcher *kws[MAX_KEYWORDS];
    size_t nk = fupin_plan_keywords(plan, kws, MAX_KEYWORDS), nh = 0, cap = 0;
    fupin_snippet_hit *hits = NULL;
    fupin_span spans[256];
    const fupin_str *body = &a->f[FUPIN_F_BODY];
    int all_runs = 1, rc;
    size_t outlen;
    fupin_norm nm;

    if (nk > MAX_KEYWORDS)
        nk = MAX_KEYWORDS;
    for (size_t i = 0; i < nk; i++)
        all_runs &= fupin_matcher_is_cjk_run(kws[i]);
    int direct = stable && all_runs;
    if (!direct && nk) {
        if ((rc = fupin_normalizer_run(s->snz, body->ptr, body->len, FUPIN_NORM_WANT_MAP, &nm)))
            return rc;
    }
    for (size_t i = 0; i < nk; i++) {
        size_t n = direct ? fupin_matcher_find(kws[i], body->ptr, body->len, spans, 256)
                          : fupin_matcher_find(kws[i], nm.text, nm.len, spans, 256);
        if (nh + n > cap) {
            size_t nc = (nh + n) * 2 + 16;
            fupin_snippet_hit *nhit = realloc(hits, nc * sizeof *nhit);
            if (!nhit) {
                free(hits);
                return FUPIN_ENOMEM;
            }
            hits = nhit;
            cap = nc;
        }
        for (size_t j = 0; j < n; j++) {
            fupin_snippet_hit *h = &hits[nh++];
            if (direct) {
                h->off = spans[j].off;
                h->len = spans[j].len;
            } else {
                uint32_t b = spans[j].off, e = spans[j].off + spans[j].len - 1;
                h->off = nm.start[b];
                h->len = nm.end[e] > nm.start[b] ? nm.end[e] - nm.start[b] : 0;
            }
            h->kw = (uint32_t)i;
        }
    }
    rc = fupin_snippet_make(body->ptr, body->len, hits, nh,
                            o->snippet_width ? o->snippet_width : 120, o->snippet_style,
                            out, &outlen);
    free(hits);
    return rc;
}

static int add_hit(fupin_search *s, fupin_result *r, fupin_plan *plan, const fupin_article *a,
                   unsigned flags, fupin_docid id, double score, const fupin_search_opts *o)
{
    fupin_hit *h = &r->hits[r->nhits];
    static const fupin_article none;
    const fupin_article *t = o->ids_only ? &none : a;   /* the fields shown beside the id */
    memset(h, 0, sizeof *h);
    h->rank = r->offset + (uint32_t)r->nhits + 1;
    h->score = score;
    if (!(h->id = dupn(a->f[FUPIN_F_ID].ptr, a->f[FUPIN_F_ID].len)) ||
        !(h->title = dupn(t->f[FUPIN_F_TITLE].ptr, t->f[FUPIN_F_TITLE].len)) ||
        !(h->date = dupn(t->f[FUPIN_F_DATE].ptr, t->f[FUPIN_F_DATE].len)) ||
        !(h->source = dupn(t->f[FUPIN_F_SOURCE].ptr, t->f[FUPIN_F_SOURCE].len)) ||
        !(h->url = dupn(t->f[FUPIN_F_URL].ptr, t->f[FUPIN_F_URL].len)))
        goto oom;
    (void)id;
    if (!o->no_snippets && !o->ids_only &&
        make_snippet(s, plan, a, flags & FUPIN_REC_CJK_STABLE, o, &h->snippet))
        goto oom;
    r->nhits++;
    return 0;
oom:
    free(h->id); free(h->title); free(h->date); free(h->source); free(h->url);
    return FUPIN_ENOMEM;
}

/* Adds the hit of document id from its record a (with flags), or, a NULL,
 * without it: an ids-only hit takes its id from the ORDER value (after the
 * 12 date digits); otherwise, or when that value may hold a cut id
 * (FUPIN_MAX_TERM), the record is read. */
static int add_page_hit(fupin_search *s, fupin_result *r, fupin_plan *plan, fupin_docid id,
                        double score, const fupin_search_opts *o, const fupin_article *a,
                        unsigned flags)
{
    fupin_article rec = { 0 };
    int rc;
    if (!a && o->ids_only) {
        const char *v;
        size_t len;
        if ((rc = fupin_xdb_get_value(s->db, id, FUPIN_SLOT_ORDER, &v, &len)) != 0)
            return xerr(s, rc, "reading an article id");
        if (len > 12 && len - 12 < FUPIN_MAX_TERM) {
            rec.f[FUPIN_F_ID].ptr = v + 12;
            rec.f[FUPIN_F_ID].len = len - 12;
            return add_hit(s, r, plan, &rec, 0, id, score, o);
        }
    }
    if (!a) {
        if ((rc = load_doc(s, id, &rec, &flags)) != 0)
            return rc;
        a = &rec;
    }
    return add_hit(s, r, plan, a, flags, id, score, o);
}

typedef struct facet_sink {
    fupin_facet *v;
    size_t n, cap;
    int oom;
} facet_sink;

static int on_facet(void *ctx, const char *v, size_t len, uint32_t count)
{
    facet_sink *f = ctx;
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 16;
        fupin_facet *nv = realloc(f->v, nc * sizeof *nv);
        if (!nv) {
            f->oom = 1;
            return 1;
        }
        f->v = nv;
        f->cap = nc;
    }
    if (!(f->v[f->n].value = dupn(v, len))) {
        f->oom = 1;
        return 1;
    }
    f->v[f->n++].count = count;
    return 0;
}

void fupin_search_result_free(fupin_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++) {
        fupin_hit *h = &r->hits[i];
        free(h->id); free(h->title); free(h->date); free(h->source); free(h->url);
        free(h->snippet);
        free(h->cluster);
    }
    free(r->hits);
    for (size_t i = 0; i < r->nsources; i++)
        free(r->sources[i].value);
    for (size_t i = 0; i < r->nyears; i++)
        free(r->years[i].value);
    free(r->sources);
    free(r->years);
    free(r);
}

/* Adds the option filters (date range, exact source) around q. */
static int filtered(fupin_search *s, const fupin_xquery *q, const fupin_search_opts *o,
                    fupin_xquery **out)
{
    fupin_xquery *parts[3];
    size_t n = 0;
    int rc = 0;
    *out = NULL;
    if (o->date_from || o->date_to) {
        char from[13] = "", to[13] = "";
        if (o->date_from && *o->date_from &&
            fupin_date_parse(o->date_from, strlen(o->date_from), 0, from) != 0)
            return set_err(s, FUPIN_EINVAL, "bad date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)", o->date_from);
        if (o->date_to && *o->date_to &&
            fupin_date_parse(o->date_to, strlen(o->date_to), 1, to) != 0)
            return set_err(s, FUPIN_EINVAL, "bad date '%s' (use YYYY, YYYY-MM or YYYY-MM-DD)", o->date_to);
        if (from[0] || to[0]) {
            char lo[14], hi[14];
            size_t ll, hl;
            fupin_terms_order_bounds(from, to, lo, &ll, hi, &hl);
            parts[n++] = fupin_xquery_value_range(FUPIN_SLOT_ORDER, lo, ll, hl ? hi : NULL, hl);
        }
    }
    if (o->source && *o->source) {
        fupin_norm nm;
        char term[FUPIN_MAX_TERM + 1];
        size_t pl = strlen(FUPIN_PREFIX_SOURCE_EXACT);
        if ((rc = fupin_normalizer_run(s->qnz, o->source, strlen(o->source), 0, &nm)) != 0)
            return rc;
        size_t sl = nm.len > FUPIN_MAX_TERM - pl ? FUPIN_MAX_TERM - pl : nm.len;
        memcpy(term, FUPIN_PREFIX_SOURCE_EXACT, pl);
        memcpy(term + pl, nm.text, sl);
        parts[n++] = fupin_xquery_term(term, pl + sl, 1);
    }
    for (size_t i = 0; i < n; i++)
        if (!parts[i])
            rc = FUPIN_ENOMEM;
    if (rc == 0) {
        if (n == 0) {
            *out = fupin_xquery_scale(q, 1.0);
        } else {
            fupin_xquery *f = n == 1 ? parts[0] : fupin_xquery_combine(FUPIN_XOP_AND, parts, n);
            fupin_xquery *pair[2] = { (fupin_xquery *)q, f };
            *out = f ? fupin_xquery_combine(FUPIN_XOP_FILTER, pair, 2) : NULL;
            if (n > 1)
                fupin_xquery_free(f);
        }
        if (!*out)
            rc = FUPIN_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        fupin_xquery_free(parts[i]);
    return rc;
}

/* ---------- reprints ---------- */

/* Cluster keys of the verified hits so far: a later match of a key seen is
 * a reprint folded into an earlier hit.  Open addressing, keys owned. */
typedef struct keyset {
    char **key;
    size_t *len;
    size_t n, cap;
} keyset;

static void keyset_free(keyset *k)
{
    for (size_t i = 0; i < k->cap; i++)
        free(k->key[i]);
    free(k->key);
    free(k->len);
}

/* Adds v[0..len); *added is 0 when it was there already. */
static int keyset_add(keyset *k, const char *v, size_t len, int *added)
{
    if (2 * (k->n + 1) > k->cap) {
        keyset g = { 0 };
        g.cap = k->cap ? k->cap * 2 : 64;
        g.key = calloc(g.cap, sizeof *g.key);
        g.len = calloc(g.cap, sizeof *g.len);
        if (!g.key || !g.len) {
            keyset_free(&g);
            return FUPIN_ENOMEM;
        }
        for (size_t i = 0; i < k->cap; i++) {
            if (!k->key[i])
                continue;
            size_t j = fupin_terms_hash(k->key[i], k->len[i]) & (g.cap - 1);
            while (g.key[j])
                j = (j + 1) & (g.cap - 1);
            g.key[j] = k->key[i];
            g.len[j] = k->len[i];
        }
        g.n = k->n;
        free(k->key);
        free(k->len);
        *k = g;
    }
    size_t j = fupin_terms_hash(v, len) & (k->cap - 1);
    for (; k->key[j]; j = (j + 1) & (k->cap - 1)) {
        if (k->len[j] == len && memcmp(k->key[j], v, len) == 0) {
            *added = 0;
            return 0;
        }
    }
    if (!(k->key[j] = dupn(v, len)))
        return FUPIN_ENOMEM;
    k->len[j] = len;
    k->n++;
    *added = 1;
    return 0;
}

/* *dup = 1 when document id is a reprint of a hit already counted. */
static int fold_reprint(fupin_search *s, keyset *ks, fupin_docid id, int *dup)
{
    const char *v;
    size_t len;
    int added = 1, rc;
    *dup = 0;
    if ((rc = fupin_xdb_get_value(s->db, id, FUPIN_SLOT_CLUSTER, &v, &len)) != 0)
        return xerr(s, rc, "reading a cluster key");
    if (len && (rc = keyset_add(ks, v, len, &added)) != 0)
        return rc;
    *dup = !added;
    return 0;
}

/* Sets h->cluster from document id (NULL when it has no key). */
static int set_cluster(fupin_search *s, fupin_hit *h, fupin_docid id)
{
    const char *v;
    size_t len;
    int rc = fupin_xdb_get_value(s->db, id, FUPIN_SLOT_CLUSTER, &v, &len);
    if (rc != 0)
        return xerr(s, rc, "reading a cluster key");
    if (len && !(h->cluster = dupn(v, len)))
        return FUPIN_ENOMEM;
    return 0;
}

static int cmp_hit_cluster(const void *x, const void *y, void *ctx)
{
    const fupin_hit *h = ctx;
    return strcmp(h[*(const uint32_t *)x].cluster, h[*(const uint32_t *)y].cluster);
}

/* Counts, for every hit of r in a cluster, the other articles of its
 * cluster that match q (verified with plan when it needs it). */
static int count_copies(fupin_search *s, const fupin_xquery *q, fupin_plan *plan,
                        uint32_t doccount, fupin_result *r)
{
    uint32_t *idx = malloc((r->nhits ? r->nhits : 1) * sizeof *idx);
    fupin_xquery **parts = calloc(r->nhits ? r->nhits : 1, sizeof *parts);
    fupin_xquery *any = NULL, *fq = NULL;
    fupin_xenquire *e = NULL;
    fupin_xmset *m = NULL;
    fupin_plan_doc pd = { 0 };
    int verify = plan && fupin_plan_needs_verify(plan), rc = 0;
    size_t nk = 0;

    if (!idx || !parts) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->nhits; i++) {
        fupin_hit *h = &r->hits[i];
        if (!h->cluster)
            continue;
        size_t kl = strlen(h->cluster);
        idx[nk] = (uint32_t)i;
        if (!(parts[nk++] = fupin_xquery_value_range(FUPIN_SLOT_CLUSTER, h->cluster, kl,
                                                     h->cluster, kl))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
    }
    if (nk == 0)
        goto done;
    qsort_r(idx, nk, sizeof *idx, cmp_hit_cluster, r->hits);
    any = nk == 1 ? fupin_xquery_scale(parts[0], 1.0) : fupin_xquery_combine(FUPIN_XOP_OR, parts, nk);
    fupin_xquery *pair[2] = { (fupin_xquery *)q, any };
    if (!any || !(fq = fupin_xquery_combine(FUPIN_XOP_FILTER, pair, 2))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if ((rc = fupin_xenquire_new(s->db, &e)) != 0)
        goto done;
    if ((rc = fupin_xenquire_set_query(e, fq)) != 0 ||
        (rc = fupin_xenquire_get_mset(e, 0, doccount, doccount, &m)) != 0) {
        snprintf(s->err, sizeof s->err, "%s", fupin_xenquire_errmsg(e));
        goto done;
    }
    pd.nz[0] = s->nz[0];
    pd.nz[1] = s->nz[1];
    pd.nz[2] = s->nz[2];
    for (uint32_t i = 0, size = fupin_xmset_size(m); i < size; i++) {
        fupin_docid id = fupin_xmset_docid(m, i);
        const char *v;
        size_t len;
        if ((rc = fupin_xdb_get_value(s->db, id, FUPIN_SLOT_CLUSTER, &v, &len)) != 0) {
            rc = xerr(s, rc, "reading a cluster key");
            goto done;
        }
        /* The hit of this key: binary search over idx, sorted by key. */
        size_t lo = 0, hi = nk;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const char *k = r->hits[idx[mid]].cluster;
            size_t kl = strlen(k);
            int c = memcmp(k, v, kl < len ? kl : len);
            if (c < 0 || (c == 0 && kl < len))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nk || strlen(r->hits[idx[lo]].cluster) != len ||
            memcmp(r->hits[idx[lo]].cluster, v, len) != 0)
            continue;
        fupin_hit *h = &r->hits[idx[lo]];
        if (verify) {
            fupin_article a;
            unsigned flags = 0;
            if ((rc = load_doc(s, id, &a, &flags)) != 0)
                goto done;
            if (!verify_doc(s, plan, id, &a, flags, &pd))
                continue;
        }
        h->copies++;
    }
    for (size_t i = 0; i < nk; i++) {   /* the hit itself matched too */
        fupin_hit *h = &r->hits[idx[i]];
        h->copies = h->copies ? h->copies - 1 : 0;
    }
done:
    for (size_t i = 0; i < nk; i++)
        fupin_xquery_free(parts[i]);
    free(parts);
    free(idx);
    fupin_xquery_free(any);
    fupin_xquery_free(fq);
    fupin_xmset_free(m);
    fupin_xenquire_free(e);
    return rc;
}

static int run_once(fupin_search *s, const fupin_qnode *root, const fupin_search_opts *o,
                    fupin_result *r)
{
    fupin_plan *plan = NULL;
    fupin_xquery *q = NULL;
    fupin_xenquire *e = NULL;
    fupin_ranked *m = NULL;
    unsigned char *pass = NULL;
    fupin_plan_config pc = { (s->tok_flags & FUPIN_TOK_ALL_UNIGRAMS) != 0,
                            (s->tok_flags & FUPIN_TOK_JOINS) != 0, s->cfg.max_expansion, s->db };
    uint32_t doccount = 0;
    keyset ks = { 0 };
    int collapse = !o->no_collapse, rc;
    /* Xapian's time limit cuts its match short; verification has its own
     * check, so no query holds the endpoint past its limit. */
    double deadline = o->time_limit > 0 ? now_ms() + o->time_limit * 1000 : 0;

    if (root) {
        rc = fupin_plan_new(root, &pc, s->qnz, &plan);
        if (rc == FUPIN_EINVAL)
            return set_err(s, rc, "%s", "the query has nothing to search for (only punctuation?)");
        if (rc == FUPIN_ELIMIT) {
            snprintf(s->err, sizeof s->err, "a 1-character keyword expands to too many terms "
                     "(limit %u): add a neighbouring character", s->cfg.max_expansion);
            return rc;
        }
        if (rc)
            return rc;
        rc = filtered(s, fupin_plan_query(plan), o, &q);
    } else {
        fupin_xquery *all = fupin_xquery_match_all();
        rc = all ? filtered(s, all, o, &q) : FUPIN_ENOMEM;
        fupin_xquery_free(all);
    }
    if (rc)
        goto done;
    if ((rc = fupin_xdb_get_doccount(s->db, &doccount)) != 0) {
        rc = xerr(s, rc, "counting documents");
        goto done;
    }
    if ((rc = fupin_xenquire_new(s->db, &e)) != 0)
        goto done;
    if ((rc = fupin_xenquire_set_query(e, q)) ||
        (rc = fupin_xenquire_set_bm25(e, s->cfg.k1, 0, 1, s->cfg.b, 0.5)))
        goto xfail;
    /* With verification, reprints are folded after it (see the top). */
    int xcollapse = collapse && !(plan && fupin_plan_needs_verify(plan));
    /* Xapian keeps the best of each cluster by its own sort: ties must be
     * broken there when it collapses; otherwise the ranked slice breaks them
     * (ranked.h), without reading every candidate's ORDER value. */
    int sort_ties = 0;
    if (o->sort == FUPIN_SORT_DATE_DESC || o->sort == FUPIN_SORT_DATE_ASC)
        rc = fupin_xenquire_set_sort_value(e, FUPIN_SLOT_ORDER, o->sort == FUPIN_SORT_DATE_DESC);
    else if (xcollapse)
        rc = fupin_xenquire_set_sort_relevance_then_value(e, FUPIN_SLOT_ORDER, 1);
    else
        sort_ties = 1;
    if (rc)
        goto xfail;
    if (o->time_limit > 0 && (rc = fupin_xenquire_set_time_limit(e, o->time_limit)))
        goto xfail;
    if (xcollapse && (rc = fupin_xenquire_set_collapse_key(e, FUPIN_SLOT_CLUSTER)))
        goto xfail;
    if (o->facets && ((rc = fupin_xenquire_add_facet(e, FUPIN_SLOT_SOURCE)) ||
                      (rc = fupin_xenquire_add_facet(e, FUPIN_SLOT_YEAR))))
        goto xfail;

    int verify = plan && fupin_plan_needs_verify(plan);
    uint32_t want = o->limit ? o->limit : doccount;
    size_t hcap = want < 1024 ? want : 1024;
    if (!(r->hits = calloc(hcap ? hcap : 1, sizeof *r->hits))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    r->offset = o->offset;

    /* Facets and exact totals need Xapian to look at every candidate, but
     * for one term the count is its frequency: Xapian's bounds agree
     * without that.  With verification the loop below goes on until the
     * candidates run out. */
    uint32_t check_all = o->facets || (o->exact_total && !verify && !fupin_xquery_is_term(q))
                             ? doccount : 0;
    /* A page without verification is a slice from the top too: a group of
     * equal scores may straddle the offset. */
    uint64_t upto = (uint64_t)o->offset + want;
    uint32_t first = 0, skip = verify ? 0 : o->offset;
    uint32_t batch = upto > UINT32_MAX ? UINT32_MAX : (uint32_t)upto;
    /* At least EXACT_TOTAL_BELOW candidates are verified whenever there
     * are that many: one match for them, not one per growing batch (each
     * a full pass of Xapian's over the AND of bigrams). */
    if (verify && batch < EXACT_TOTAL_BELOW)
        batch = EXACT_TOTAL_BELOW;
    uint32_t passed = 0, seen = 0, cand_max = 0;
    int exhausted = 0, full = 0;
    fupin_plan_doc pd = { 0 };
    pd.nz[0] = s->nz[0];
    pd.nz[1] = s->nz[1];
    pd.nz[2] = s->nz[2];

    for (;;) {
        uint32_t cal = check_all > first + batch ? check_all : first + batch;
        /* Collapsing, Xapian's estimate from a short look is poor (2000 for
         * 2544 collapsed of 2568 matches): look at as many as verification
         * would, so that totals below that are exact. */
        if (xcollapse && cal < EXACT_TOTAL_BELOW)
            cal = EXACT_TOTAL_BELOW;
        if ((rc = fupin_ranked_fetch(e, s->db, sort_ties, first, batch, cal, &m, s->err,
                                     sizeof s->err)) != 0)
            goto done;
        const fupin_xmset *xm = fupin_ranked_mset(m);
        uint32_t size = fupin_ranked_size(m);
        if (first == 0 || !verify) {
            r->total = fupin_xmset_matches_estimated(xm);
            r->total_exact = fupin_xmset_matches_lower_bound(xm) == fupin_xmset_matches_upper_bound(xm);
            cand_max = fupin_xmset_matches_upper_bound(xm);
            /* The bigrams of one keyword are far from independent, so
             * Xapian's estimate of their AND is far too low (300 for the
             * 2620 candidates of 脱贫攻坚); its upper bound, the rarest
             * bigram's frequency, is close. */
            if (verify && plan && fupin_plan_one_keyword(plan) && cand_max > r->total)
                r->total = cand_max;
        }
        /* The candidates sure to be verified (all of them for an exact
         * total, else up to EXACT_TOTAL_BELOW) are verified first, in docid
         * order; a page hit then reads its record again, so a short run
         * stays in rank order unless the page shows ids only. */
        uint32_t npre = o->exact_total ? size
                        : seen < EXACT_TOTAL_BELOW ? EXACT_TOTAL_BELOW - seen : 0;
        if (npre > size)
            npre = size;
        free(pass);
        pass = NULL;
        if (verify && (npre > 64 || (o->ids_only && npre > 1))) {
            if (!(pass = malloc(npre))) {
                rc = FUPIN_ENOMEM;
                goto done;
            }
            if ((rc = verify_in_docid_order(s, plan, m, npre, deadline, &pd, pass)) != 0)
                goto done;
        }
        for (uint32_t i = skip; i < size; i++) {
            fupin_docid id = fupin_ranked_docid(m, i);
            fupin_article a;
            unsigned flags = 0;
            int need = !verify ? (r->nhits < want) : 1;
            if (!need)
                break;
            if (verify && full && !o->exact_total && seen >= EXACT_TOTAL_BELOW)
                break;
            if (deadline && verify && now_ms() > deadline) {
                rc = FUPIN_ETIMEOUT;
                goto done;
            }
            /* Only verification reads the record of an ids-only hit. */
            int pre = pass && i < npre;
            int loaded = !pre && (verify || !o->ids_only);
            if (loaded && (rc = load_doc(s, id, &a, &flags)) != 0)
                goto done;
            if (verify) {
                seen++;
                if (pre ? !pass[i] : !verify_doc(s, plan, id, &a, flags, &pd))
                    continue;
                if (collapse) {
                    int dup;
                    if ((rc = fold_reprint(s, &ks, id, &dup)) != 0)
                        goto done;
                    if (dup)
                        continue;
                }
                passed++;
                if (passed <= o->offset || full)
                    continue;
            }
            if (r->nhits == hcap) {
                size_t nc = hcap * 2;
                fupin_hit *nh = realloc(r->hits, nc * sizeof *nh);
                if (!nh) {
                    rc = FUPIN_ENOMEM;
                    goto done;
                }
                r->hits = nh;
                hcap = nc;
            }
            if ((rc = add_page_hit(s, r, plan, id, fupin_ranked_weight(m, i), o,
                                   loaded ? &a : NULL, flags)) != 0)
                goto done;
            if (collapse && (rc = set_cluster(s, &r->hits[r->nhits - 1], id)) != 0)
                goto done;
            if (r->nhits >= want)
                full = 1;
        }
        if (!verify)
            break;
        if (full && !o->exact_total && seen >= EXACT_TOTAL_BELOW)
            break;      /* before the test below: the page may have stopped early */
        if (size < batch) {
            exhausted = 1;
            break;
        }
        if (full && !o->exact_total && seen >= fupin_xmset_matches_upper_bound(xm))
            break;
        first += size;
        batch = batch < (1u << 16) ? batch * 4 : batch;
        /* An exact total verifies every candidate: the rest in one match
         * rather than a match per batch (each one a full pass of Xapian's). */
        if (o->exact_total && cand_max > first && cand_max - first > batch)
            batch = cand_max - first;
        fupin_ranked_free(m);
        m = NULL;
    }
    if (verify) {
        r->candidates = seen;
        /* Only Xapian's upper bound says every candidate was seen: its
         * estimate can be below the real count (1971 for 2620 candidates). */
        if (exhausted || seen >= cand_max) {
            r->total = passed;
            r->total_exact = 1;
        } else {
            /* Estimate the rest from the share of checked candidates that matched. */
            double share = seen ? (double)passed / seen : 1.0;
            uint32_t est = r->total > seen ? r->total : seen;
            r->total = passed + (uint32_t)((est - seen) * share + 0.5);
            r->total_exact = 0;
        }
    }
    if (xcollapse && !r->total_exact) {
        /* Xapian's estimate of collapsed matches can exceed the matches
         * (seen: 400 for 369 matches, 364 collapsed) and is never exact,
         * even when every match was checked, so an exact total counts the
         * collapsed hits themselves; otherwise the estimate is kept within
         * Xapian's bounds. */
        if (o->facets || o->exact_total) {
            fupin_xmset *all = NULL;
            if ((rc = fupin_xenquire_get_mset(e, 0, doccount, doccount, &all)) != 0)
                goto xfail;
            r->total = fupin_xmset_size(all);
            r->total_exact = 1;
            fupin_xmset_free(all);
        } else if (r->total > fupin_xmset_matches_upper_bound(fupin_ranked_mset(m))) {
            r->total = fupin_xmset_matches_upper_bound(fupin_ranked_mset(m));
        }
    }
    if (collapse && (rc = count_copies(s, q, plan, doccount, r)) != 0)
        goto done;
    if (o->facets) {
        facet_sink fs = { 0 }, fy = { 0 };
        fupin_xenquire_facet(e, 0, 0, on_facet, &fs);
        fupin_xenquire_facet(e, 1, 0, on_facet, &fy);
        r->sources = fs.v;
        r->nsources = fs.n;
        r->years = fy.v;
        r->nyears = fy.n;
        r->facets_exact = !verify;
        if (fs.oom || fy.oom)
            rc = FUPIN_ENOMEM;
    }
    goto done;
xfail:
    if (rc == FUPIN_ELIMIT)   /* the only limit Xapian enforces here: wildcards */
        snprintf(s->err, sizeof s->err, "a 1-character keyword expands to too many terms "
                 "(limit %u): add a neighbouring character (%s)", s->cfg.max_expansion,
                 fupin_xenquire_errmsg(e));
    else
        snprintf(s->err, sizeof s->err, "%s", fupin_xenquire_errmsg(e));
done:
    free(pass);
    keyset_free(&ks);
    fupin_ranked_free(m);
    fupin_xenquire_free(e);
    fupin_xquery_free(q);
    fupin_plan_free(plan);
    return rc;
}

int fupin_search_run(fupin_search *s, const char *q, size_t len,
                     const fupin_search_opts *opts, fupin_result **out)
{
    fupin_search_opts dflt = { 0 };
    const fupin_search_opts *o = opts ? opts : &dflt;
    fupin_query_limits lim = { s->cfg.max_query_bytes, s->cfg.max_terms };
    fupin_qnode *root = NULL;
    fupin_result *r = NULL;
    double t0 = now_ms();
    int rc;

    *out = NULL;
    s->err[0] = '\0';
    rc = fupin_query_parse(q, len, &lim, &root, s->err, sizeof s->err);
    if (rc)
        goto done;
    if (!root && !(o->date_from || o->date_to || (o->source && *o->source))) {
        rc = set_err(s, FUPIN_EINVAL, "%s", "empty query");
        goto done;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        fupin_search_result_free(r);
        if (!(r = calloc(1, sizeof *r))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        rc = run_once(s, root, o, r);
        if (rc != FUPIN_EMODIFIED)
            break;
        fupin_xdb_reopen(s->db);    /* a writer committed: read the new revision */
    }
    /* Past the limit Xapian stopped early: the hits may be incomplete. */
    if ((rc == 0 || rc == FUPIN_ETIMEOUT) && o->time_limit > 0 &&
        (rc == FUPIN_ETIMEOUT || now_ms() - t0 > o->time_limit * 1000)) {
        rc = FUPIN_ETIMEOUT;
        snprintf(s->err, sizeof s->err, "the search took longer than its time limit of %g s; "
                 "try a narrower query", o->time_limit);
    }
    if (rc == 0) {
        r->took_ms = now_ms() - t0;
        *out = r;
        r = NULL;
    } else if (!s->err[0]) {
        snprintf(s->err, sizeof s->err, "%s", fupin_strerror(rc));
    }
done:
    fupin_search_result_free(r);
    fupin_query_free(root);
    return rc;
}

int fupin_search_article(fupin_search *s, const char *id, size_t len, fupin_article *a)
{
    char term[FUPIN_MAX_TERM + 1];
    size_t tl = fupin_terms_idterm(id, len, term);
    fupin_docid docid;
    unsigned flags;
    int rc;
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = fupin_xdb_find_term(s->db, term, tl, &docid);
        if (rc == 0)
            rc = load_doc(s, docid, a, &flags);
        if (rc != FUPIN_EMODIFIED)
            break;
        fupin_xdb_reopen(s->db);
    }
    if (rc == FUPIN_ENOTFOUND)
        snprintf(s->err, sizeof s->err, "no article with id '%.*s'", (int)(len > 200 ? 200 : len), id);
    return rc;
}

int fupin_search_copies(fupin_search *s, const char *id, size_t len, fupin_result **out)
{
    char term[FUPIN_MAX_TERM + 1], *key = NULL;
    size_t tl = fupin_terms_idterm(id, len, term), kl = 0;
    fupin_docid docid;
    fupin_result *r = NULL;
    fupin_xquery *q = NULL;
    fupin_xenquire *e = NULL;
    fupin_xmset *m = NULL;
    fupin_search_opts o = { 0 };
    const char *v;
    int rc;

    *out = NULL;
    s->err[0] = '\0';
    o.no_snippets = 1;
    if ((rc = fupin_xdb_find_term(s->db, term, tl, &docid)) != 0) {
        if (rc == FUPIN_ENOTFOUND)
            snprintf(s->err, sizeof s->err, "no article with id '%.*s'",
                     (int)(len > 200 ? 200 : len), id);
        else
            xerr(s, rc, "finding the article");
        goto done;
    }
    if ((rc = fupin_xdb_get_value(s->db, docid, FUPIN_SLOT_CLUSTER, &v, &kl)) != 0) {
        rc = xerr(s, rc, "reading a cluster key");
        goto done;
    }
    if (!(key = dupn(v, kl)) || !(r = calloc(1, sizeof *r))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    /* Alone: the article itself; else every article with its key. */
    q = kl ? fupin_xquery_value_range(FUPIN_SLOT_CLUSTER, key, kl, key, kl)
           : fupin_xquery_term(term, tl, 1);
    if (!q) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if ((rc = fupin_xenquire_new(s->db, &e)) != 0)
        goto done;
    if ((rc = fupin_xenquire_set_query(e, q)) != 0 ||
        (rc = fupin_xenquire_set_sort_value(e, FUPIN_SLOT_ORDER, 0)) != 0 ||
        (rc = fupin_xenquire_get_mset(e, 0, UINT32_MAX, 0, &m)) != 0) {
        snprintf(s->err, sizeof s->err, "%s", fupin_xenquire_errmsg(e));
        goto done;
    }
    uint32_t n = fupin_xmset_size(m);
    if (!(r->hits = calloc(n ? n : 1, sizeof *r->hits))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        fupin_article a;
        unsigned flags = 0;
        fupin_docid d = fupin_xmset_docid(m, i);
        if ((rc = load_doc(s, d, &a, &flags)) != 0 ||
            (rc = add_hit(s, r, NULL, &a, flags, d, 0.0, &o)) != 0)
            goto done;
        r->hits[r->nhits - 1].copies = n - 1;
        if (kl && !(r->hits[r->nhits - 1].cluster = dupn(key, kl))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
    }
    r->total = n;
    r->total_exact = 1;
    *out = r;
    r = NULL;
done:
    if (rc == FUPIN_EMODIFIED)
        fupin_xdb_reopen(s->db);   /* the caller may retry on a fresh revision */
    if (rc != 0 && !s->err[0])
        snprintf(s->err, sizeof s->err, "%s", fupin_strerror(rc));
    fupin_search_result_free(r);
    fupin_xmset_free(m);
    fupin_xenquire_free(e);
    fupin_xquery_free(q);
    free(key);
    return rc;
}
