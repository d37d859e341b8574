/* match.c - exact keyword occurrence in normalised text.
 *
 * Owns the compiled keyword: its bytes from the first atom's start to the
 * last atom's end (leading and trailing separators are not part of it), its
 * atoms with offsets into those bytes, and a ring of the text's most recent
 * atoms used while walking a text, so that test and find never allocate.
 *
 * A plain CJK run is found with memmem (a run of glued CJK atoms is exactly
 * a substring, tokenize.c).  Anything else walks the text's atoms
 * (fupin_tokenize_atoms) and compares the last n of them with the keyword's n
 * atoms: same kind and same bytes, and glued wherever the keyword's atoms
 * are glued.  Before that walk, memmem of the keyword's longest atom
 * rejects most texts cheaply: every match contains those bytes.
 */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "tokenize.h"

struct fupin_matcher {
    char *kw;               /* compiled keyword bytes */
    size_t kwlen;
    fupin_atom *atoms;      /* offsets into kw */
    size_t n, cap;
    int cjk_run;
    size_t probe;           /* index of the longest atom */
    /* state of one walk over a text */
    fupin_atom *ring;       /* n slots; text atom number k is in ring[k % n] */
    size_t seen;            /* text atoms pushed since the last match */
    const char *text;
    fupin_span *spans;
    size_t max, found;
};

static int collect_cb(void *ctx, const fupin_atom *a)
{
    fupin_matcher *m = ctx;

    if (m->n == m->cap) {
        size_t c = m->cap ? m->cap * 2 : 8;
        fupin_atom *p = realloc(m->atoms, c * sizeof *p);
        if (!p)
            return FUPIN_ENOMEM;
        m->atoms = p;
        m->cap = c;
    }
    m->atoms[m->n++] = *a;
    return 0;
}

int fupin_matcher_new(const char *kw, size_t len, fupin_matcher **out)
{
    fupin_matcher *m = NULL;
    size_t i, base;
    int st;

    if (!out)
        return FUPIN_EINVAL;
    *out = NULL;
    if (!kw && len)
        return FUPIN_EINVAL;
    m = calloc(1, sizeof *m);
    if (!m)
        return FUPIN_ENOMEM;
    if ((st = fupin_tokenize_atoms(kw, len, collect_cb, m)))
        goto done;
    if (m->n == 0) {
        st = FUPIN_EINVAL;
        goto done;
    }
    base = m->atoms[0].off;
    m->kwlen = m->atoms[m->n - 1].off + m->atoms[m->n - 1].len - base;
    m->kw = malloc(m->kwlen + 1);
    m->ring = malloc(m->n * sizeof *m->ring);
    if (!m->kw || !m->ring) {
        st = FUPIN_ENOMEM;
        goto done;
    }
    memcpy(m->kw, kw + base, m->kwlen);
    m->kw[m->kwlen] = '\0';
    m->cjk_run = 1;
    for (i = 0; i < m->n; i++) {
        m->atoms[i].off -= (uint32_t)base;
        if (m->atoms[i].kind != FUPIN_ATOM_CJK || (i > 0 && !m->atoms[i].glued))
            m->cjk_run = 0;
        if (m->atoms[i].len > m->atoms[m->probe].len)
            m->probe = i;
    }
    m->atoms[0].glued = 0;
    st = 0;
done:
    if (st) {
        fupin_matcher_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

void fupin_matcher_free(fupin_matcher *m)
{
    if (!m)
        return;
    free(m->kw);
    free(m->atoms);
    free(m->ring);
    free(m);
}

int fupin_matcher_is_cjk_run(const fupin_matcher *m)
{
    return m ? m->cjk_run : 0;
}

size_t fupin_matcher_atoms(const fupin_matcher *m)
{
    return m ? m->n : 0;
}

const char *fupin_matcher_text(const fupin_matcher *m, size_t *len)
{
    if (len)
        *len = m ? m->kwlen : 0;
    return m ? m->kw : NULL;
}

static inline int same_atom(const fupin_matcher *m, const fupin_atom *t,
                            const fupin_atom *k)
{
    return t->kind == k->kind && t->len == k->len &&
           memcmp(m->text + t->off, m->kw + k->off, k->len) == 0;
}

static int walk_cb(void *ctx, const fupin_atom *a)
{
    fupin_matcher *m = ctx;
    size_t n = m->n, first, i;
    const fupin_atom *t0;

    m->ring[m->seen % n] = *a;
    m->seen++;
    if (m->seen < n || !same_atom(m, a, &m->atoms[n - 1]))
        return 0;
    first = m->seen - n;
    for (i = 0; i + 1 < n; i++) {
        const fupin_atom *t = &m->ring[(first + i) % n], *k = &m->atoms[i];
        if (!same_atom(m, t, k))
            return 0;
    }
    for (i = 1; i < n; i++) {
        const fupin_atom *k = &m->atoms[i];
        if (k->glued && !m->ring[(first + i) % n].glued)
            return 0;
    }
    t0 = &m->ring[first % n];
    if (m->spans) {
        m->spans[m->found].off = t0->off;
        m->spans[m->found].len = a->off + a->len - t0->off;
    }
    m->found++;
    m->seen = 0;                /* occurrences do not overlap */
    return m->found >= m->max;  /* stop when full */
}

size_t fupin_matcher_find(fupin_matcher *m, const char *text, size_t len,
                          fupin_span *spans, size_t max)
{
    const fupin_atom *p;

    if (!m || max == 0 || !text || len == 0)
        return 0;
    if (len > UINT32_MAX)
        len = UINT32_MAX;   /* spans are uint32_t: look at the first 4 GiB only */
    if (m->cjk_run) {
        const char *s = text, *end = text + len, *hit;
        size_t found = 0;
        while (found < max && (hit = memmem(s, (size_t)(end - s), m->kw, m->kwlen))) {
            if (spans) {
                spans[found].off = (uint32_t)(hit - text);
                spans[found].len = (uint32_t)m->kwlen;
            }
            found++;
            s = hit + m->kwlen;
        }
        return found;
    }
    p = &m->atoms[m->probe];
    if (!memmem(text, len, m->kw + p->off, p->len))
        return 0;
    m->text = text;
    m->spans = spans;
    m->max = max;
    m->found = 0;
    m->seen = 0;
    fupin_tokenize_atoms(text, len, walk_cb, m);
    m->text = NULL;
    m->spans = NULL;
    return m->found;
}

int fupin_matcher_test(fupin_matcher *m, const char *text, size_t len)
{
    return fupin_matcher_find(m, text, len, NULL, 1) > 0;
}
