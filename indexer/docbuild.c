/* docbuild.c - article -> Xapian document (terms, values, stored record).
 *
 * Title and body are normalised and tokenised; every token becomes a term
 * without positions (terms.h).  Title tokens count FUPIN_TITLE_WDF times, so
 * a title match ranks higher in the one field queries search; title:
 * queries take their candidates from the same terms and are verified
 * against the title, which keeps the index a fifth smaller than a second,
 * prefixed copy of every title term would.  The
 * record stores the article exactly as given, flagged CJK-stable when the
 * searcher may verify CJK keywords against the original bytes directly.
 * The reprint signature (reprint.h) is made from the normalised title and
 * body, so re-wrapped, full-width or traditional copies sign alike.
 */
#include <stdlib.h>
#include <string.h>
#include "docbuild.h"
#include "reprint.h"
#include "../common/date.h"
#include "../common/docstore.h"
#include "../common/normalize.h"
#include "../common/status.h"
#include "../common/tokenize.h"

struct fupin_docbuild {
    fupin_normalizer *nz;
    fupin_docenc *enc;
    unsigned tok_flags;
    char term[FUPIN_MAX_TERM + 16];   /* a prefixed term, or the order value */
    char *title;                      /* normalised title, kept for the signature */
    size_t title_cap;
};

struct term_sink {
    fupin_xdoc *doc;
    char *buf;            /* prefix already written at buf[0..plen) */
    size_t plen;
    unsigned wdf;         /* 0: boolean */
    int status;
};

static int add_token(void *ctx, const fupin_token *t)
{
    struct term_sink *s = ctx;
    size_t n = t->len;
    if (s->plen + n > FUPIN_MAX_TERM)
        return 0;   /* cannot happen for tokens; guards odd prefixes */
    memcpy(s->buf + s->plen, t->s, n);
    s->status = s->wdf
        ? fupin_xdoc_add_term(s->doc, s->buf, s->plen + n, s->wdf)
        : fupin_xdoc_add_boolean_term(s->doc, s->buf, s->plen + n);
    return s->status;
}

static int add_tokens(fupin_docbuild *b, fupin_xdoc *doc, const char *text, size_t len,
                      const char *prefix, unsigned wdf)
{
    struct term_sink s = { doc, b->term, strlen(prefix), wdf, 0 };
    memcpy(b->term, prefix, s.plen);
    int rc = fupin_tokenize(text, len, b->tok_flags, add_token, &s);
    return rc ? (s.status ? s.status : rc) : 0;
}

int fupin_docbuild_new(const void *dict, size_t dict_len, int level, unsigned tok_flags,
                       fupin_docbuild **out)
{
    int rc = FUPIN_ENOMEM;
    fupin_docbuild *b = calloc(1, sizeof *b);
    *out = NULL;
    if (!b)
        goto fail;
    b->tok_flags = tok_flags;
    if ((rc = fupin_normalizer_new(0, &b->nz)) != 0)
        goto fail;
    if ((rc = fupin_docenc_new(dict, dict_len, level, &b->enc)) != 0)
        goto fail;
    *out = b;
    return 0;
fail:
    fupin_docbuild_free(b);
    return rc;
}

void fupin_docbuild_free(fupin_docbuild *b)
{
    if (!b)
        return;
    fupin_normalizer_free(b->nz);
    fupin_docenc_free(b->enc);
    free(b->title);
    free(b);
}

int fupin_docbuild_make(fupin_docbuild *b, const fupin_article *a, fupin_xdoc *doc,
                        char idterm[FUPIN_MAX_TERM + 1], size_t *idlen,
                        fupin_docbuild_info *info)
{
    fupin_docbuild_info inf = { 0 };
    fupin_norm n;
    int stable = 1, rc;
    const fupin_str *f = a->f;

    fupin_xdoc_clear(doc);
    if (f[FUPIN_F_ID].len == 0)
        return FUPIN_EINVAL;
    for (int i = 0; i < FUPIN_F_COUNT; i++)
        inf.raw_bytes += f[i].len;

    /* Title: ranked field and title: field.  The normaliser's buffer is
     * reused by the next run, so each field's terms are added right away. */
    if ((rc = fupin_normalizer_run(b->nz, f[FUPIN_F_TITLE].ptr, f[FUPIN_F_TITLE].len, 0, &n)))
        return rc;
    stable &= n.cjk_stable;
    inf.replaced += n.replaced;
    if ((rc = add_tokens(b, doc, n.text, n.len, "", FUPIN_TITLE_WDF)))
        return rc;
    if (n.len > b->title_cap) {
        char *t = realloc(b->title, n.len);
        if (!t)
            return FUPIN_ENOMEM;
        b->title = t;
        b->title_cap = n.len;
    }
    size_t title_len = n.len;
    if (title_len)
        memcpy(b->title, n.text, title_len);

    if ((rc = fupin_normalizer_run(b->nz, f[FUPIN_F_BODY].ptr, f[FUPIN_F_BODY].len, 0, &n)))
        return rc;
    stable &= n.cjk_stable;
    inf.replaced += n.replaced;
    if ((rc = add_tokens(b, doc, n.text, n.len, "", 1)))
        return rc;
    {
        fupin_reprint_sig sig;
        char v[FUPIN_REPRINT_VALUE_MAX];
        size_t vl;
        if ((rc = fupin_reprint_sign(b->title, title_len, n.text, n.len, &sig)))
            return rc;
        if ((vl = fupin_reprint_encode(&sig, v)) &&
            (rc = fupin_xdoc_set_value(doc, FUPIN_SLOT_FINGERPRINT, v, vl)))
            return rc;
    }

    if (f[FUPIN_F_SOURCE].len) {
        if ((rc = fupin_normalizer_run(b->nz, f[FUPIN_F_SOURCE].ptr, f[FUPIN_F_SOURCE].len, 0, &n)))
            return rc;
        inf.replaced += n.replaced;
        if ((rc = add_tokens(b, doc, n.text, n.len, FUPIN_PREFIX_SOURCE, 0)))
            return rc;
        size_t pl = strlen(FUPIN_PREFIX_SOURCE_EXACT), sl = n.len;
        if (pl + sl > FUPIN_MAX_TERM)
            sl = FUPIN_MAX_TERM - pl;   /* a cut term still filters one source */
        memcpy(b->term, FUPIN_PREFIX_SOURCE_EXACT, pl);
        memcpy(b->term + pl, n.text, sl);
        if ((rc = fupin_xdoc_add_boolean_term(doc, b->term, pl + sl)))
            return rc;
        if ((rc = fupin_xdoc_set_value(doc, FUPIN_SLOT_SOURCE, f[FUPIN_F_SOURCE].ptr,
                                       f[FUPIN_F_SOURCE].len)))
            return rc;
    }

    char d[13] = "000000000000";
    if (f[FUPIN_F_DATE].len) {
        if (fupin_date_parse(f[FUPIN_F_DATE].ptr, f[FUPIN_F_DATE].len, 0, d) == 0) {
            char y[8];
            if ((rc = fupin_xdoc_set_value(doc, FUPIN_SLOT_YEAR, d, 4)))
                return rc;
            memcpy(y, FUPIN_PREFIX_YEAR, 1);
            memcpy(y + 1, d, 4);
            if ((rc = fupin_xdoc_add_boolean_term(doc, y, 5)))
                return rc;
        } else {
            inf.bad_date = 1;
            memcpy(d, "000000000000", 13);
        }
    }
    {
        size_t il = f[FUPIN_F_ID].len > FUPIN_MAX_TERM ? FUPIN_MAX_TERM : f[FUPIN_F_ID].len;
        memcpy(b->term, d, 12);
        memcpy(b->term + 12, f[FUPIN_F_ID].ptr, il);
        if ((rc = fupin_xdoc_set_value(doc, FUPIN_SLOT_ORDER, b->term, 12 + il)))
            return rc;
    }

    *idlen = fupin_terms_idterm(f[FUPIN_F_ID].ptr, f[FUPIN_F_ID].len, idterm);
    if ((rc = fupin_xdoc_add_boolean_term(doc, idterm, *idlen)))
        return rc;

    const char *rec;
    size_t rec_len;
    if ((rc = fupin_docenc_encode(b->enc, a, stable ? FUPIN_REC_CJK_STABLE : 0, &rec, &rec_len)))
        return rc;
    inf.stored_bytes = rec_len;
    if ((rc = fupin_xdoc_set_data(doc, rec, rec_len)))
        return rc;
    if (info)
        *info = inf;
    return 0;
}
