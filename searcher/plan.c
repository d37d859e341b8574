/* plan.c - candidate query and verification tree from a parsed query.
 *
 * Keyword -> terms: the keyword is normalised and tokenised like article
 * text.  A CJK run of two or more characters needs all its bigrams (AND,
 * no positions: a superset of the texts holding the run); a run of one
 * character needs any term that starts with it (a wildcard over bigrams and
 * run-final unigrams, or its own unigram when the database has them all);
 * a word needs its word term; a word glued to a CJK character needs their
 * join term too, when the database has them.  A keyword that is one word,
 * one character, one bigram or one join is decided exactly by its term; anything longer is verified
 * against the text, which is what makes a CJK keyword match exactly that
 * run of characters.
 *
 * NOT of an inexact keyword cannot be given to Xapian (it would drop
 * documents whose bigrams merely occur apart), so it is only verified.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/tokenize.h"

enum { P_AND = 1, P_OR, P_NOT, P_KW, P_DATE };

typedef struct pnode pnode;
struct pnode {
    int type;
    int field;          /* enum fupin_qfield */
    int implied;        /* every candidate satisfies it if it is exact */
    int exact;          /* the candidate query decides it exactly */
    fupin_matcher *m;
    char from[13], to[13];
    pnode **kids;
    size_t nkids;
};

struct fupin_plan {
    pnode *root;
    fupin_xquery *q;
    fupin_plan_config cfg;
    fupin_normalizer *nz;
    int has_date;       /* a date: node exists (verification reads the date) */
};

static void pnode_free(pnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        pnode_free(n->kids[i]);
    free(n->kids);
    fupin_matcher_free(n->m);
    free(n);
}

static const char *field_prefix(int field)
{
    return field == FUPIN_QF_SOURCE ? FUPIN_PREFIX_SOURCE : "";
}

/* Collects the terms of one keyword. */
typedef struct kwterms {
    const fupin_plan_config *cfg;
    const char *prefix;
    fupin_xquery *subs[64];
    char seen[64][FUPIN_MAX_TERM + 1];
    size_t n;
    uint32_t bigram_end;   /* end offset of the last bigram */
    int cut;               /* a word was cut to the term limit */
    int oom;
    int toomany;
    int refused;           /* FUPIN_ELIMIT or a read error from the wildcard check */
} kwterms;

static int count_term(void *ctx, const char *t, size_t len, uint32_t termfreq)
{
    (void)ctx; (void)t; (void)len; (void)termfreq;
    return 0;
}

static int add_q(kwterms *k, const char *t, size_t len, int wildcard)
{
    char term[FUPIN_MAX_TERM + 1];
    size_t pl = strlen(k->prefix);
    if (pl + len > FUPIN_MAX_TERM)
        len = FUPIN_MAX_TERM - pl;
    memcpy(term, k->prefix, pl);
    memcpy(term + pl, t, len);
    term[pl + len] = '\0';
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->seen[i], term) == 0)
            return 0;               /* 哈哈哈: one AND operand is enough */
    if (k->n == 64) {
        k->toomany = 1;
        return 1;
    }
    if (wildcard && k->cfg->db && k->cfg->max_expansion) {
        int rc = fupin_xdb_allterms(k->cfg->db, term, pl + len, k->cfg->max_expansion,
                                    count_term, NULL);
        if (rc < 0) {
            k->refused = rc;
            return 1;
        }
    }
    fupin_xquery *q = wildcard ? fupin_xquery_wildcard(term, pl + len, k->cfg->max_expansion)
                               : fupin_xquery_term(term, pl + len, 1);
    if (!q) {
        k->oom = 1;
        return 1;
    }
    memcpy(k->seen[k->n], term, pl + len + 1);
    k->subs[k->n++] = q;
    return 0;
}

static int on_token(void *ctx, const fupin_token *t)
{
    kwterms *k = ctx;
    switch (t->kind) {
    case FUPIN_TOKEN_BIGRAM:
        k->bigram_end = t->off + t->len;
        return add_q(k, t->s, t->len, 0);
    case FUPIN_TOKEN_UNIGRAM:
        if (k->bigram_end == t->off + t->len)
            return 0;               /* the end of a longer run: its bigrams cover it */
        return add_q(k, t->s, t->len, !k->cfg->all_unigrams);
    default:
        return add_q(k, t->s, t->len, 0);
    }
}

typedef struct atoms {
    size_t n, cjk;
    uint32_t word_len_max;
    int glued_pair;     /* the second atom is glued to the first */
} atoms;

static int on_atom(void *ctx, const fupin_atom *a)
{
    atoms *s = ctx;
    s->n++;
    if (a->glued && s->n == 2)
        s->glued_pair = 1;
    if (a->kind == FUPIN_ATOM_CJK)
        s->cjk++;
    else if (a->len > s->word_len_max)
        s->word_len_max = a->len;
    return 0;
}

static void free_subs(fupin_xquery **subs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fupin_xquery_free(subs[i]);
}

/* Keyword node.  Returns 0 with *out NULL when the keyword has nothing to
 * search for (punctuation only): the caller drops it. */
static int compile_kw(fupin_plan *p, const fupin_qnode *qn, pnode **out, fupin_xquery **q)
{
    fupin_norm nm;
    kwterms k;
    atoms at = { 0 };
    pnode *n = NULL;
    int rc;

    *out = NULL;
    *q = NULL;
    if ((rc = fupin_normalizer_run(p->nz, qn->text, qn->len, 0, &nm)) != 0)
        return rc;
    fupin_tokenize_atoms(nm.text, nm.len, on_atom, &at);
    if (at.n == 0)
        return 0;
    if (!(n = calloc(1, sizeof *n)))
        return FUPIN_ENOMEM;
    n->type = P_KW;
    n->field = qn->field;
    if ((rc = fupin_matcher_new(nm.text, nm.len, &n->m)) != 0) {
        pnode_free(n);
        return rc == FUPIN_EINVAL ? 0 : rc;
    }
    memset(&k, 0, sizeof k);
    k.cfg = &p->cfg;
    k.prefix = field_prefix(qn->field);
    k.bigram_end = UINT32_MAX;
    fupin_tokenize(nm.text, nm.len, p->cfg.joins ? FUPIN_TOK_JOINS : 0, on_token, &k);
    if (k.oom || k.refused) {
        free_subs(k.subs, k.n);
        pnode_free(n);
        return k.oom ? FUPIN_ENOMEM : k.refused;
    }
    /* Exact: one atom (a whole word or one character), two glued CJK
     * characters (one bigram), or, with join terms, a word glued to one CJK
     * character ("2019年", one join); more than 64 distinct terms are left to
     * verification (only the first 64 serve as candidates).  title: terms
     * are shared with the body, so title keywords are always verified. */
    n->exact = qn->field != FUPIN_QF_TITLE && !k.toomany && at.word_len_max <= FUPIN_TOK_MAX_WORD &&
               (at.n == 1 || (at.n == 2 && at.glued_pair && (at.cjk == 2 ||
                                                              (at.cjk == 1 && p->cfg.joins))));
    *q = k.n == 1 ? k.subs[0] : fupin_xquery_combine(FUPIN_XOP_AND, k.subs, k.n);
    if (k.n != 1)
        free_subs(k.subs, k.n);
    if (!*q) {
        pnode_free(n);
        return FUPIN_ENOMEM;
    }
    *out = n;
    return 0;
}

static int compile(fupin_plan *p, const fupin_qnode *qn, int implied, pnode **out,
                   fupin_xquery **q);

static int compile_group(fupin_plan *p, const fupin_qnode *qn, int implied, pnode **out,
                         fupin_xquery **q)
{
    int is_and = qn->type == FUPIN_Q_AND || qn->type == FUPIN_Q_NOT;
    const fupin_qnode *const *kids = (const fupin_qnode *const *)qn->kids;
    size_t nk = qn->nkids;
    const fupin_qnode *self[1] = { qn };
    fupin_xquery **pos = calloc(nk + 1, sizeof *pos), **neg = calloc(nk + 1, sizeof *neg);
    size_t npos = 0, nneg = 0;
    int rc = 0, any_unbounded = 0;
    pnode *n = calloc(1, sizeof *n);

    *out = NULL;
    *q = NULL;
    if (qn->type == FUPIN_Q_NOT) {      /* a lone NOT: AND of that one NOT */
        kids = self;
        nk = 1;
    }
    if (!n || !pos || !neg || !(n->kids = calloc(nk + 1, sizeof *n->kids))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    n->type = is_and ? P_AND : P_OR;
    n->implied = implied;
    n->exact = 1;
    for (size_t i = 0; i < nk; i++) {
        const fupin_qnode *kid = kids[i];
        pnode *kn = NULL;
        fupin_xquery *kq = NULL;
        if (kid->type == FUPIN_Q_NOT) {
            const fupin_qnode *inner = kid->nkids ? kid->kids[0] : NULL;
            pnode *in = NULL;
            if (!inner)
                continue;
            if ((rc = compile(p, inner, 0, &in, &kq)) != 0)
                goto done;
            if (!in)
                continue;
            if (!(kn = calloc(1, sizeof *kn)) || !(kn->kids = calloc(1, sizeof *kn->kids))) {
                free(kn);
                pnode_free(in);
                fupin_xquery_free(kq);
                rc = FUPIN_ENOMEM;
                goto done;
            }
            kn->type = P_NOT;
            kn->kids[0] = in;
            kn->nkids = 1;
            kn->exact = in->exact;
            kn->implied = is_and && implied;
            if (is_and && in->exact)
                neg[nneg++] = kq;       /* Xapian can exclude it exactly */
            else
                fupin_xquery_free(kq);
            if (!is_and)
                any_unbounded = 1;      /* "a OR -b" can match anything */
            n->exact &= kn->exact;
            n->kids[n->nkids++] = kn;
            continue;
        }
        if ((rc = compile(p, kid, is_and && implied, &kn, &kq)) != 0)
            goto done;
        if (!kn) {
            if (!is_and)
                any_unbounded = 1;
            continue;
        }
        n->exact &= kn->exact;
        n->kids[n->nkids++] = kn;
        pos[npos++] = kq;
    }
    if (n->nkids == 0) {                /* nothing searchable in the group */
        pnode_free(n);
        n = NULL;
        goto done;
    }
    fupin_xquery *base;
    if (is_and)
        base = npos ? (npos == 1 ? pos[0] : fupin_xquery_combine(FUPIN_XOP_AND, pos, npos))
                    : fupin_xquery_match_all();
    else
        base = any_unbounded ? fupin_xquery_match_all()
                             : (npos == 1 ? pos[0] : fupin_xquery_combine(FUPIN_XOP_OR, pos, npos));
    if (base == (npos == 1 ? pos[0] : NULL))
        pos[0] = NULL;                  /* ownership moved into base */
    if (!base) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if (nneg) {
        fupin_xquery *ex = nneg == 1 ? neg[0] : fupin_xquery_combine(FUPIN_XOP_OR, neg, nneg);
        fupin_xquery *pair[2] = { base, ex };
        fupin_xquery *both = ex ? fupin_xquery_combine(FUPIN_XOP_AND_NOT, pair, 2) : NULL;
        if (nneg > 1)
            fupin_xquery_free(ex);
        fupin_xquery_free(base);
        if (!both) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        base = both;
    }
    *q = base;
done:
    for (size_t i = 0; i < npos; i++)
        fupin_xquery_free(pos[i]);
    for (size_t i = 0; i < nneg; i++)
        fupin_xquery_free(neg[i]);
    free(pos);
    free(neg);
    if (rc != 0) {
        pnode_free(n);
        n = NULL;
    }
    *out = n;
    return rc;
}

static int compile(fupin_plan *p, const fupin_qnode *qn, int implied, pnode **out,
                   fupin_xquery **q)
{
    int rc;
    *out = NULL;
    *q = NULL;
    switch (qn->type) {
    case FUPIN_Q_WORD:
    case FUPIN_Q_PHRASE:
        if ((rc = compile_kw(p, qn, out, q)) == 0 && *out)
            (*out)->implied = implied;
        return rc;
    case FUPIN_Q_DATE: {
        pnode *n = calloc(1, sizeof *n);
        if (!n)
            return FUPIN_ENOMEM;
        n->type = P_DATE;
        n->exact = 1;
        p->has_date = 1;
        n->implied = implied;
        memcpy(n->from, qn->from, 13);
        memcpy(n->to, qn->to, 13);
        char lo[14], hi[14];
        size_t ll, hl;
        fupin_terms_order_bounds(n->from, n->to, lo, &ll, hi, &hl);
        fupin_xquery *vr = fupin_xquery_value_range(FUPIN_SLOT_ORDER, lo, ll, hl ? hi : NULL, hl);
        *q = vr ? fupin_xquery_scale(vr, 0) : NULL;
        fupin_xquery_free(vr);
        if (!*q) {
            free(n);
            return FUPIN_ENOMEM;
        }
        *out = n;
        return 0;
    }
    default:
        return compile_group(p, qn, implied, out, q);
    }
}

int fupin_plan_new(const fupin_qnode *root, const fupin_plan_config *cfg,
                   fupin_normalizer *nz, fupin_plan **out)
{
    fupin_plan *p = calloc(1, sizeof *p);
    int rc;
    *out = NULL;
    if (!p)
        return FUPIN_ENOMEM;
    p->cfg = *cfg;
    p->nz = nz;
    if ((rc = compile(p, root, 1, &p->root, &p->q)) != 0)
        goto fail;
    if (!p->root) {
        rc = FUPIN_EINVAL;
        goto fail;
    }
    *out = p;
    return 0;
fail:
    fupin_plan_free(p);
    return rc;
}

void fupin_plan_free(fupin_plan *p)
{
    if (!p)
        return;
    pnode_free(p->root);
    fupin_xquery_free(p->q);
    free(p);
}

const fupin_xquery *fupin_plan_query(const fupin_plan *p)
{
    return p->q;
}

int fupin_plan_needs_verify(const fupin_plan *p)
{
    return !p->root->exact;
}

int fupin_plan_one_keyword(const fupin_plan *p)
{
    return p->root->type == P_KW;
}

int fupin_plan_needs_date(const fupin_plan *p)
{
    return p->has_date;
}

static int test_field(fupin_plan_doc *d, fupin_matcher *m, int which)
{
    static const int fields[3] = { FUPIN_F_TITLE, FUPIN_F_BODY, FUPIN_F_SOURCE };
    const fupin_str *s = &d->a->f[fields[which]];
    if (s->len == 0)
        return 0;
    if (which < 2 && d->cjk_stable && fupin_matcher_is_cjk_run(m))
        return fupin_matcher_test(m, s->ptr, s->len);
    if (!d->have[which]) {
        if (fupin_normalizer_run(d->nz[which], s->ptr, s->len, 0, &d->norm[which]) != 0)
            return 0;
        d->have[which] = 1;
    }
    return fupin_matcher_test(m, d->norm[which].text, d->norm[which].len);
}

static int eval(const pnode *n, fupin_plan_doc *d)
{
    if (n->implied && n->exact)
        return 1;
    switch (n->type) {
    case P_KW:
        if (n->field == FUPIN_QF_TITLE)
            return test_field(d, n->m, 0);
        if (n->field == FUPIN_QF_SOURCE)
            return test_field(d, n->m, 2);
        return test_field(d, n->m, 0) || test_field(d, n->m, 1);
    case P_DATE:
        if (!d->date || d->date_len != 12)
            return 0;
        return (!n->from[0] || memcmp(d->date, n->from, 12) >= 0) &&
               (!n->to[0] || memcmp(d->date, n->to, 12) <= 0);
    case P_NOT:
        return !eval(n->kids[0], d);
    case P_AND:
        for (size_t i = 0; i < n->nkids; i++)
            if (!eval(n->kids[i], d))
                return 0;
        return 1;
    case P_OR:
        for (size_t i = 0; i < n->nkids; i++)
            if (eval(n->kids[i], d))
                return 1;
        return 0;
    }
    return 0;
}

int fupin_plan_verify(fupin_plan *p, fupin_plan_doc *d)
{
    return eval(p->root, d);
}

static void collect(const pnode *n, fupin_matcher **out, size_t max, size_t *k)
{
    if (n->type == P_NOT)
        return;
    if (n->type == P_KW && n->field != FUPIN_QF_SOURCE) {
        if (*k < max)
            out[*k] = n->m;
        (*k)++;
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        collect(n->kids[i], out, max, k);
}

size_t fupin_plan_keywords(const fupin_plan *p, fupin_matcher **out, size_t max)
{
    size_t k = 0;
    if (p)   /* a search by filters alone has no plan, hence no keywords */
        collect(p->root, out, max, &k);
    return k;
}
