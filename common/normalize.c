/* normalize.c - NFKC + case folding with a map back to the original bytes.
 *
 * Owns the normalizer context: the output text, the two offset maps, scratch
 * buffers for one segment, and a cache of per-code-point classes for the BMP.
 *
 * The answer is by definition utf8proc_map(text, COMPOSE|COMPAT|CASEFOLD|
 * STABLE) of the text after each ill-formed sequence (each "maximal subpart",
 * as in Unicode ch. 3 and the WHATWG decoder) became U+FFFD.  utf8proc_map
 * would give that for a whole text, but it mallocs, rejects bad UTF-8 and
 * forgets where each output byte came from.  So the text is cut into
 * segments that utf8proc can never join: a segment starts at a character
 * whose decomposition begins with a "safe starter", a code point of combining
 * class 0 that is never the second half of a composition (hangul V and T
 * jamo compose algorithmically, so they are never safe).  Canonical
 * reordering only swaps non-starters and composition only joins a starter
 * with a later second, so neither crosses such a point and normalising
 * segment by segment gives exactly the whole-text answer; every output byte
 * of a segment maps to the segment's original bytes.  test_normalize proves
 * the equality on the corpus, on random strings and exhaustively per code
 * point and per canonical composition.
 *
 * Speed: almost every segment is one character that maps to itself (class
 * IDENT, cached per BMP code point) or an ASCII letter; those are copied
 * straight through.  Such a character is copied before we know whether a
 * combining mark follows; if one does, its bytes are taken back and it is
 * redone as the start of a slow segment (utf8proc_decompose_custom,
 * utf8proc_normalize_utf32 via utf8proc_reencode) on reusable buffers.
 *
 * Traditional -> simplified (t2s, unless FUPIN_NORM_NO_T2S) comes after
 * NFKC + case folding and works on single code points of its output: each
 * ideograph is given alone to OpenCC (t2s.json), so every output character
 * still comes from one input character (or from its NFKC segment) and the
 * offset map stays exact, and a query folds exactly as the text it is
 * matched against.  The price is OpenCC's phrase table (TSPhrases: 乾隆 stays
 * 乾隆 there, here it is 干隆; 於 in 樊於期 likewise): only the character
 * table counts, which is what both sides of a comparison see anyway.  A
 * result is kept only if it is one code point; it is put through NFKC +
 * case folding again (today's table is already stable) and then through
 * t2s again until it stops changing (薴 -> 苧 -> 苎), so normalising is
 * idempotent.  Only U+3400-9FFF and planes 2-3 are asked: t2s.json has no
 * key elsewhere (test_normalize checks every code point of planes 0-3).
 * Answers are cached per normalizer: two bitmaps (known to map to itself,
 * known to change) and a small hash table for the changed ones, filled
 * lazily, so simplified text costs one bit test per ideograph and a
 * normalizer costs ~1 ms to create (opencc_open) plus ~3 us per distinct
 * ideograph met, instead of converting the whole range up front (~35 ms).
 */
#include "normalize.h"

#include <opencc.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "status.h"
#include "tokenize.h"

#define NORM_OPTS ((utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_COMPAT | \
                                       UTF8PROC_CASEFOLD | UTF8PROC_STABLE))

/* Classes of a code point, by its decomposition under NORM_OPTS. */
enum {
    CLS_UNKNOWN = 0,  /* not yet computed (cache only) */
    CLS_IDENT,        /* safe starter that maps to itself */
    CLS_SAFE1,        /* safe starter to one other code point, no CJK involved */
    CLS_SAFE,         /* decomposition starts with a safe starter */
    CLS_UNSAFE        /* may join the segment before it */
};

/* Code points t2s may change: extension A and the URO, and planes 2-3. */
#define T2S_BMP_LO 0x3400
#define T2S_BMP_HI 0xA000
#define T2S_SUP_LO 0x20000
#define T2S_SUP_HI 0x40000
#define T2S_BITS ((T2S_BMP_HI - T2S_BMP_LO) + (T2S_SUP_HI - T2S_SUP_LO))
#define T2S_CHAIN 4   /* most t2s steps taken from one character */

typedef struct t2s_pair {
    uint32_t from, to;      /* from == 0: empty slot */
    uint8_t len, enc[4];    /* to in UTF-8, for the fast path */
} t2s_pair;

struct fupin_normalizer {
    char *out;              /* cap + 1 bytes (room for the NUL) */
    size_t cap;
    uint32_t *start, *end;  /* mapcap entries each, allocated on first map use */
    size_t mapcap;
    utf8proc_int32_t *cps;  /* cpscap + 1 entries: utf8proc_reencode wants a spare */
    size_t cpscap;
    uint8_t *seg;           /* the current segment's bytes, repaired */
    size_t segcap;
    size_t replaced;
    int cjk_stable;
    int t2s;                /* fold traditional to simplified */
    opencc_t cc;            /* t2s converter; NULL without t2s, or when the
                             * bitmaps below are complete (a stored table) */
    int cc_borrowed;        /* cc belongs to the base of a sibling */
    t2s_pair *tab;          /* changed code points, open addressing */
    size_t tabcap, tabn;    /* tabcap is 0 or a power of two */
    int tab_borrowed;       /* tab, same and changed are a table base's */
    uint8_t *t2sbuf;        /* a slow segment's output after t2s */
    size_t t2scap;
    uint64_t *same;         /* t2s known to keep the code point */
    uint64_t *changed;      /* t2s known to change it: see tab */
    uint64_t own_same[T2S_BITS / 64], own_changed[T2S_BITS / 64];
    uint8_t cls[0x10000];   /* CLS_* per BMP code point, filled lazily */
};

static const uint8_t REPLACEMENT[3] = { 0xEF, 0xBF, 0xBD };

/* Decodes the character at s[0..n), n >= 1, and returns its length.  *cp is
 * -1 for an ill-formed sequence, whose length is then its maximal subpart:
 * the longest prefix of a well-formed sequence (Unicode table 3-7). */
static inline size_t utf8_decode(const uint8_t *s, size_t n, int32_t *cp)
{
    uint8_t b0 = s[0], lo = 0x80, hi = 0xBF;
    size_t need, k;
    int32_t c;

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    *cp = -1;
    if (b0 < 0xC2 || b0 > 0xF4)
        return 1;
    if (b0 < 0xE0) {
        need = 1;
    } else if (b0 < 0xF0) {
        need = 2;
        if (b0 == 0xE0) lo = 0xA0;
        else if (b0 == 0xED) hi = 0x9F;    /* surrogates */
    } else {
        need = 3;
        if (b0 == 0xF0) lo = 0x90;
        else if (b0 == 0xF4) hi = 0x8F;    /* above U+10FFFF */
    }
    if (n < 2 || s[1] < lo || s[1] > hi)
        return 1;
    c = ((int32_t)b0 & (0x3F >> need)) << 6 | (s[1] & 0x3F);
    for (k = 2; k <= need; k++) {
        if (k >= n || (s[k] & 0xC0) != 0x80)
            return k;
        c = c << 6 | (s[k] & 0x3F);
    }
    *cp = c;
    return need + 1;
}

static int safe_starter(utf8proc_int32_t u)
{
    const utf8proc_property_t *p;

    if (u >= 0x1160 && u < 0x1200)
        return 0;
    p = utf8proc_get_property(u);
    if (p->combining_class != 0)
        return 0;
#if UTF8PROC_VERSION_MAJOR > 2 || (UTF8PROC_VERSION_MAJOR == 2 && UTF8PROC_VERSION_MINOR >= 9)
    return !p->comb_issecond;
#else
    /* Up to 2.8 a possible second of a pair has comb_index >= 0x8000. */
    return p->comb_index == UINT16_MAX || p->comb_index < 0x8000;
#endif
}

static int classify(utf8proc_int32_t cp)
{
    utf8proc_int32_t buf[4];
    int bound = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, buf, 4, NORM_OPTS, &bound);

    if (n < 1 || !safe_starter(buf[0]))
        return CLS_UNSAFE;
    if (n == 1 && buf[0] == cp)
        return CLS_IDENT;
    if (n == 1 && !fupin_tokenize_is_cjk((uint32_t)cp) && !fupin_tokenize_is_cjk((uint32_t)buf[0]) &&
        !(buf[0] >= T2S_BMP_LO && buf[0] < T2S_BMP_HI))
        return CLS_SAFE1;    /* (the fast path does no t2s for it) */
    return CLS_SAFE;
}

static inline int class_of(fupin_normalizer *nz, int32_t cp)
{
    if (cp < 0x10000) {
        int c = nz->cls[cp];
        if (c == CLS_UNKNOWN)
            nz->cls[cp] = (uint8_t)(c = classify(cp));
        return c;
    }
    /* Han extensions B-H and the rest of planes 2-3, except the
     * compatibility ideographs, have no decomposition and no case. */
    if ((cp >= 0x20000 && cp < 0x2F800) || (cp >= 0x2FA20 && cp < 0x40000))
        return CLS_IDENT;
    return classify(cp);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t extra);

static inline int t2s_range(int32_t cp)
{
    return (cp >= T2S_BMP_LO && cp < T2S_BMP_HI) || (cp >= T2S_SUP_LO && cp < T2S_SUP_HI);
}

static inline size_t t2s_bit(int32_t cp)
{
    return cp < T2S_BMP_HI ? (size_t)(cp - T2S_BMP_LO)
                           : (size_t)(T2S_BMP_HI - T2S_BMP_LO) + (size_t)(cp - T2S_SUP_LO);
}

/* 1 if t2s is known to keep cp (in t2s_range): the hot path's only test. */
static inline int t2s_same(const fupin_normalizer *nz, int32_t cp)
{
    size_t b = t2s_bit(cp);
    return (int)(nz->same[b >> 6] >> (b & 63)) & 1;
}

static inline size_t t2s_slot(uint32_t cp, size_t cap)
{
    return (size_t)((cp * 2654435761u) >> 8) & (cap - 1);
}

static int t2s_put(fupin_normalizer *nz, uint32_t from, uint32_t to)
{
    size_t i;

    if (2 * (nz->tabn + 1) > nz->tabcap) {
        /* t2s.json changes ~4100 characters: the table stays small */
        size_t ncap = nz->tabcap ? 2 * nz->tabcap : 256;
        t2s_pair *nt = calloc(ncap, sizeof *nt);
        if (!nt)
            return FUPIN_ENOMEM;
        for (size_t k = 0; k < nz->tabcap; k++) {
            if (!nz->tab[k].from)
                continue;
            for (i = t2s_slot(nz->tab[k].from, ncap); nt[i].from; i = (i + 1) & (ncap - 1))
                ;
            nt[i] = nz->tab[k];
        }
        free(nz->tab);
        nz->tab = nt;
        nz->tabcap = ncap;
    }
    for (i = t2s_slot(from, nz->tabcap); nz->tab[i].from; i = (i + 1) & (nz->tabcap - 1))
        ;
    nz->tab[i].from = from;
    nz->tab[i].to = to;
    nz->tab[i].len = (uint8_t)utf8proc_encode_char((utf8proc_int32_t)to, nz->tab[i].enc);
    nz->tabn++;
    return 0;
}

/* The entry of cp (in t2s_range) if t2s is known to change it, else NULL. */
static inline const t2s_pair *t2s_find(const fupin_normalizer *nz, int32_t cp)
{
    size_t b = t2s_bit(cp), i;

    if (!((nz->changed[b >> 6] >> (b & 63)) & 1))
        return NULL;
    for (i = t2s_slot((uint32_t)cp, nz->tabcap); nz->tab[i].from != (uint32_t)cp;
         i = (i + 1) & (nz->tabcap - 1))
        ;
    return &nz->tab[i];
}

/* One t2s step: OpenCC on cp alone, then NFKC + case folding.  Anything but
 * one code point that is its own normal form leaves cp as it is. */
static int t2s_step(fupin_normalizer *nz, int32_t cp, int32_t *to)
{
    uint8_t in[4];
    size_t n = (size_t)utf8proc_encode_char(cp, in), rl;
    /* not opencc_convert_utf8_to_buffer: it strcpy's a result of any length */
    char *r;
    int32_t u;

    *to = cp;
    if (!nz->cc)
        return 0;   /* a complete table has no entry for it: it stays */
    r = opencc_convert_utf8(nz->cc, (const char *)in, n);
    if (!r)
        return FUPIN_ENOMEM;   /* OpenCC's only failure on valid UTF-8 */
    rl = strlen(r);
    if (rl > 0 && utf8_decode((const uint8_t *)r, rl, &u) == rl && u >= 0 && u != cp) {
        if (class_of(nz, u) != CLS_IDENT) {
            utf8proc_int32_t m[4];
            int bound = 0;
            if (utf8proc_decompose_char(u, m, 4, NORM_OPTS, &bound) == 1 &&
                class_of(nz, m[0]) == CLS_IDENT)
                u = m[0];
            else
                u = cp;
        }
        *to = u;
    }
    opencc_convert_utf8_free(r);
    return 0;
}

/* Asks OpenCC about cp (in t2s_range, not yet known) and records the
 * answer; *e is its entry, or NULL when t2s keeps cp. */
static int t2s_learn(fupin_normalizer *nz, int32_t cp, const t2s_pair **e)
{
    size_t b = t2s_bit(cp);
    int32_t t = cp, u;
    int st;

    *e = NULL;
    if (!nz->cc)
        return 0;   /* a complete table (perhaps shared): nothing to learn */
    for (int k = 0; k < T2S_CHAIN && t2s_range(t); k++) {
        if ((st = t2s_step(nz, t, &u)))
            return st;
        if (u == t)
            break;
        t = u;
    }
    if (t == cp) {
        nz->same[b >> 6] |= 1ull << (b & 63);
    } else {
        if ((st = t2s_put(nz, (uint32_t)cp, (uint32_t)t)))
            return st;
        nz->changed[b >> 6] |= 1ull << (b & 63);
        *e = t2s_find(nz, cp);
    }
    return 0;
}

/* The entry of cp (in t2s_range, not known to stay the same) or NULL when
 * t2s keeps it, asking OpenCC the first time. */
static inline int t2s_get(fupin_normalizer *nz, int32_t cp, const t2s_pair **e)
{
    *e = t2s_find(nz, cp);
    return *e ? 0 : t2s_learn(nz, cp, e);
}

/* Applies t2s to a slow segment's output src[0..*n) (valid UTF-8); if it
 * changes anything, *src becomes nz->t2sbuf. */
static int t2s_segment(fupin_normalizer *nz, const uint8_t **src, size_t *n)
{
    const uint8_t *s = *src;
    const t2s_pair *e = NULL;
    size_t k, j, w;
    int32_t cp;
    int st;

    for (k = 0; k < *n; k += j) {
        j = utf8_decode(s + k, *n - k, &cp);
        if (t2s_range(cp) && !t2s_same(nz, cp)) {
            if ((st = t2s_get(nz, cp, &e)))
                return st;
            if (e)
                break;
        }
    }
    if (k == *n)
        return 0;
    /* a 3-byte ideograph may become a 4-byte one */
    if ((st = grow((void **)&nz->t2sbuf, &nz->t2scap, *n / 3 * 4 + 4, 1, 0)))
        return st;
    memcpy(nz->t2sbuf, s, k);
    for (w = k; k < *n; k += j) {
        j = utf8_decode(s + k, *n - k, &cp);
        e = NULL;
        if (t2s_range(cp) && !t2s_same(nz, cp) && (st = t2s_get(nz, cp, &e)))
            return st;
        if (e) {
            memcpy(nz->t2sbuf + w, e->enc, e->len);
            w += e->len;
        } else {
            memcpy(nz->t2sbuf + w, s + k, j);
            w += j;
        }
    }
    *src = nz->t2sbuf;
    *n = w;
    nz->cjk_stable = 0;
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t extra)
{
    size_t n = *cap ? *cap : 64;
    void *q;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    q = realloc(*p, (n + extra) * elem);
    if (!q)
        return FUPIN_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

/* Makes room for need output bytes (and map entries when want_map). */
static inline int reserve(fupin_normalizer *nz, size_t need, int want_map)
{
    size_t c;

    if (need > nz->cap) {
        c = nz->cap;
        if (grow((void **)&nz->out, &c, need, 1, 1))
            return FUPIN_ENOMEM;
        nz->cap = c;
    }
    if (want_map && nz->mapcap < nz->cap) {
        uint32_t *s = realloc(nz->start, nz->cap * sizeof *s);
        if (!s)
            return FUPIN_ENOMEM;
        nz->start = s;
        s = realloc(nz->end, nz->cap * sizeof *s);
        if (!s)
            return FUPIN_ENOMEM;
        nz->end = s;
        nz->mapcap = nz->cap;
    }
    return 0;
}

/* shared: a sibling's base (its converter and what it knows of t2s are
 * taken); no_cc: t2s answers will all come from a table. */
static int create(unsigned flags, const fupin_normalizer *shared, int no_cc,
                  fupin_normalizer **out)
{
    fupin_normalizer *nz = NULL;
    int st = FUPIN_EINVAL;

    if (!out)
        return FUPIN_EINVAL;
    *out = NULL;
    if (flags & ~(unsigned)FUPIN_NORM_NO_T2S)
        goto done;
    st = FUPIN_ENOMEM;
    nz = calloc(1, sizeof *nz);
    if (!nz)
        goto done;
    /* scratch buffers exist from the start: utf8proc wants real pointers */
    if (reserve(nz, 256, 0) || grow((void **)&nz->cps, &nz->cpscap, 64, sizeof *nz->cps, 1) ||
        grow((void **)&nz->seg, &nz->segcap, 64, 1, 0))
        goto done;
    nz->out[0] = '\0';
    nz->t2s = !(flags & FUPIN_NORM_NO_T2S);
    nz->same = nz->own_same;
    nz->changed = nz->own_changed;
    if (shared && nz->t2s && !shared->cc) {
        /* a complete table is read-only: shared, not copied (each copy
         * is pages a CGI request would fault in) */
        nz->same = shared->same;
        nz->changed = shared->changed;
        nz->tab = shared->tab;
        nz->tabcap = shared->tabcap;
        nz->tabn = shared->tabn;
        nz->tab_borrowed = 1;
    } else if (shared && nz->t2s) {
        nz->cc = shared->cc;
        nz->cc_borrowed = 1;
    } else if (nz->t2s && !no_cc) {
        /* found in OpenCC's data directory (/usr/share/opencc) */
        opencc_t cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
        if (cc == (opencc_t)-1) {
            st = FUPIN_EUNSUPPORTED;
            goto done;
        }
        nz->cc = cc;
    }
    *out = nz;
    nz = NULL;
    st = 0;
done:
    fupin_normalizer_free(nz);
    return st;
}

int fupin_normalizer_new(unsigned flags, fupin_normalizer **out)
{
    return create(flags, NULL, 0, out);
}

#define T2S_MAGIC "FT2S"

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int fupin_normalizer_t2s_table(fupin_normalizer *nz, char **out, size_t *len)
{
    const t2s_pair *e;
    unsigned char *buf;
    size_t n = 0;
    int st;

    if (!out || !len)
        return FUPIN_EINVAL;
    *out = NULL;
    *len = 0;
    if (!nz || !nz->t2s || !nz->cc)
        return FUPIN_EINVAL;
    for (int32_t cp = T2S_BMP_LO; cp < T2S_SUP_HI; cp++) {
        if (cp == T2S_BMP_HI)
            cp = T2S_SUP_LO;
        if (!t2s_same(nz, cp) && (st = t2s_get(nz, cp, &e)))
            return st;
    }
    if (!(buf = malloc(8 + 8 * nz->tabn)))
        return FUPIN_ENOMEM;
    memcpy(buf, T2S_MAGIC, 4);
    for (int32_t cp = T2S_BMP_LO; cp < T2S_SUP_HI; cp++) {
        if (cp == T2S_BMP_HI)
            cp = T2S_SUP_LO;
        if (!t2s_same(nz, cp) && (e = t2s_find(nz, cp)) != NULL) {
            put32(buf + 8 + 8 * n, e->from);
            put32(buf + 12 + 8 * n, e->to);
            n++;
        }
    }
    put32(buf + 4, (uint32_t)n);
    *out = (char *)buf;
    *len = 8 + 8 * n;
    return 0;
}

int fupin_normalizer_new_t2s(const char *table, size_t len, fupin_normalizer **out)
{
    const unsigned char *p = (const unsigned char *)table;
    fupin_normalizer *nz = NULL;
    int st;

    if (!out)
        return FUPIN_EINVAL;
    *out = NULL;
    if (!table || len < 8 || memcmp(p, T2S_MAGIC, 4) != 0 || (len - 8) % 8 != 0 ||
        get32(p + 4) != (len - 8) / 8)
        return FUPIN_ECORRUPT;
    if ((st = create(0, NULL, 1, &nz)) != 0)
        return st;
    memset(nz->same, 0xff, sizeof nz->own_same);
    /* sized once: t2s_put would otherwise rehash it five times */
    nz->tabcap = 256;
    while (nz->tabcap < 2 * ((len - 8) / 8 + 1))
        nz->tabcap *= 2;
    if (!(nz->tab = calloc(nz->tabcap, sizeof *nz->tab))) {
        st = FUPIN_ENOMEM;
        goto done;
    }
    for (size_t k = 8; k < len; k += 8) {
        uint32_t from = get32(p + k), to = get32(p + k + 4);
        if (!t2s_range((int32_t)from) || to == 0 || to >= 0x110000 ||
            (to >= 0xD800 && to < 0xE000) || t2s_find(nz, (int32_t)from)) {
            st = FUPIN_ECORRUPT;
            goto done;
        }
        size_t b = t2s_bit((int32_t)from);
        nz->same[b >> 6] &= ~(1ull << (b & 63));
        nz->changed[b >> 6] |= 1ull << (b & 63);
        if ((st = t2s_put(nz, from, to)) != 0)
            goto done;
    }
    *out = nz;
    nz = NULL;
done:
    fupin_normalizer_free(nz);
    return st;
}

int fupin_normalizer_new_sibling(const fupin_normalizer *base, fupin_normalizer **out)
{
    if (!base) {
        if (out)
            *out = NULL;
        return FUPIN_EINVAL;
    }
    /* loading OpenCC's tables is most of a normaliser's 1.2 ms start */
    return create(base->t2s ? 0 : FUPIN_NORM_NO_T2S, base, 0, out);
}

void fupin_normalizer_free(fupin_normalizer *nz)
{
    if (!nz)
        return;
    free(nz->out);
    free(nz->start);
    free(nz->end);
    free(nz->cps);
    free(nz->seg);
    if (nz->cc && !nz->cc_borrowed)
        opencc_close(nz->cc);
    if (!nz->tab_borrowed)
        free(nz->tab);
    free(nz->t2sbuf);
    free(nz);
}

/* Decomposes cp onto nz->cps[*ncps...]. */
static int push_decomposed(fupin_normalizer *nz, utf8proc_int32_t cp, size_t *ncps)
{
    int bound = 0;
    utf8proc_ssize_t n;

    for (;;) {
        n = utf8proc_decompose_char(cp, nz->cps + *ncps,
                                    (utf8proc_ssize_t)(nz->cpscap - *ncps),
                                    NORM_OPTS, &bound);
        if (n < 0)
            return FUPIN_EINVAL;   /* cannot happen for a valid code point */
        if ((size_t)n <= nz->cpscap - *ncps)
            break;
        if (grow((void **)&nz->cps, &nz->cpscap, *ncps + (size_t)n, sizeof *nz->cps, 1))
            return FUPIN_ENOMEM;
    }
    *ncps += (size_t)n;
    return 0;
}

/* Normalises the segment starting at s[seg] (its first character whatever
 * it is, then every following character of class UNSAFE), appends the
 * result at *o and sets *next to the segment's end. */
static int slow_segment(fupin_normalizer *nz, const uint8_t *s, size_t len,
                        size_t seg, size_t *next, size_t *o, int want_map)
{
    size_t p = seg, nchars = 0, ncps = 0, nseg = 0, nout, n, k;
    int32_t cp, first = -1;
    int any_cjk = 0, st;
    const uint8_t *src;
    uint8_t one[4];

    while (p < len) {
        n = utf8_decode(s + p, len - p, &cp);
        if (nchars > 0 && (cp < 0 || class_of(nz, cp) != CLS_UNSAFE))
            break;
        if (cp < 0) {
            nz->replaced++;
            src = REPLACEMENT;
            k = 3;
        } else {
            src = s + p;
            k = n;
            any_cjk |= fupin_tokenize_is_cjk((uint32_t)cp);
        }
        if (nchars == 0)
            first = cp < 0 ? 0xFFFD : cp;
        if ((st = push_decomposed(nz, cp < 0 ? 0xFFFD : cp, &ncps)))
            return st;
        if ((st = grow((void **)&nz->seg, &nz->segcap, nseg + k, 1, 0)))
            return st;
        memcpy(nz->seg + nseg, src, k);
        nseg += k;
        nchars++;
        p += n;
    }

    if (nchars == 1 && ncps == 1) {
        /* A lone character to a lone code point: nothing to compose. */
        nout = (size_t)utf8proc_encode_char(nz->cps[0], one);
        src = one;
        if (nz->cps[0] != first && (any_cjk || fupin_tokenize_is_cjk((uint32_t)nz->cps[0])))
            nz->cjk_stable = 0;
    } else if (nchars == 1 && first >= 0xAC00 && first <= 0xD7A3) {
        /* A hangul syllable alone recomposes to itself. */
        src = nz->seg;
        nout = nseg;
    } else {
        utf8proc_ssize_t r;
        for (;;) {
            r = utf8proc_decompose_custom(nz->seg, (utf8proc_ssize_t)nseg, nz->cps,
                                          (utf8proc_ssize_t)nz->cpscap, NORM_OPTS,
                                          NULL, NULL);
            if (r < 0)
                return FUPIN_EINVAL;   /* cannot happen: seg is valid UTF-8 */
            if ((size_t)r <= nz->cpscap)
                break;
            if (grow((void **)&nz->cps, &nz->cpscap, (size_t)r, sizeof *nz->cps, 1))
                return FUPIN_ENOMEM;
        }
        r = utf8proc_reencode(nz->cps, r, NORM_OPTS);
        if (r < 0)
            return FUPIN_EINVAL;
        src = (const uint8_t *)nz->cps;
        nout = (size_t)r;
        if (!any_cjk) {
            for (k = 0; k < nout; k += n) {
                n = utf8_decode(src + k, nout - k, &cp);
                if (cp >= 0 && fupin_tokenize_is_cjk((uint32_t)cp)) {
                    any_cjk = 1;
                    break;
                }
            }
        }
        if (any_cjk)
            nz->cjk_stable = 0;
    }
    if (nz->t2s && (st = t2s_segment(nz, &src, &nout)))
        return st;

    if ((st = reserve(nz, *o + nout + (len - p), want_map)))
        return st;
    memcpy(nz->out + *o, src, nout);
    if (want_map) {
        for (k = *o; k < *o + nout; k++) {
            nz->start[k] = (uint32_t)seg;
            nz->end[k] = (uint32_t)p;
        }
    }
    *o += nout;
    *next = p;
    return 0;
}

/* The main loop; want_map is a constant at each call so that the compiler
 * makes a copy of the fast loop without the map stores. */
static inline int run_text(fupin_normalizer *nz, const uint8_t *s, size_t len,
                           const int want_map, size_t *olen)
{
    size_t i = 0, o = 0, last = SIZE_MAX, last_o = 0, n;
    int32_t cp = 0;
    int st, c, fold = 0;
    const int t2s = nz->t2s;
    uint8_t *dst;
    uint32_t *ms, *me;

    while (i < len) {
        /* Fast output grows only by t2s to a 4-byte ideograph (which
         * reserves again): one reserve covers the whole loop. */
        if ((st = reserve(nz, o + (len - i), want_map)))
            return st;
        dst = (uint8_t *)nz->out;
        ms = nz->start;
        me = nz->end;
        c = CLS_UNSAFE;
        while (i < len) {
            uint8_t b = s[i];
            if (b < 0x80) {
                dst[o] = (uint8_t)(b - 'A') < 26 ? (uint8_t)(b + 32) : b;
                if (want_map) {
                    ms[o] = (uint32_t)i;
                    me[o] = (uint32_t)i + 1;
                }
                last = i++;
                last_o = o++;
                continue;
            }
            if (b >= 0xE4 && b <= 0xE9 && i + 2 < len &&
                (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80 &&
                (b > 0xE4 || s[i + 1] >= 0xB8)) {
                /* CJK Unified Ideographs U+4E00-9FFF: no NFKC mapping, starters. */
                c = CLS_IDENT;
                n = 3;
                if (t2s) {
                    cp = (int32_t)(b & 0x0F) << 12 | (int32_t)(s[i + 1] & 0x3F) << 6 |
                         (int32_t)(s[i + 2] & 0x3F);
                    fold = !t2s_same(nz, cp);
                }
            } else {
                n = utf8_decode(s + i, len - i, &cp);
                if (cp < 0)
                    break;
                c = class_of(nz, cp);
                if (c == CLS_SAFE1) {
                    /* e.g. full-width punctuation: one code point for
                     * another, as long as it is not longer */
                    utf8proc_int32_t m;
                    int bound = 0;
                    uint8_t enc[4];
                    size_t k;
                    utf8proc_decompose_char(cp, &m, 1, NORM_OPTS, &bound);
                    k = (size_t)utf8proc_encode_char(m, enc);
                    if (k > n)
                        break;
                    memcpy(dst + o, enc, k);
                    if (want_map) {
                        size_t j;
                        for (j = 0; j < k; j++) {
                            ms[o + j] = (uint32_t)i;
                            me[o + j] = (uint32_t)(i + n);
                        }
                    }
                    last = i;
                    last_o = o;
                    i += n;
                    o += k;
                    continue;
                }
                if (c != CLS_IDENT)
                    break;
                fold = t2s && t2s_range(cp) && !t2s_same(nz, cp);
            }
            if (fold) {
                const t2s_pair *e;
                size_t k;
                if ((st = t2s_get(nz, cp, &e)))
                    return st;
                if (e) {
                    k = e->len;
                    if (k > n) {
                        if ((st = reserve(nz, o + k + (len - i - n), want_map)))
                            return st;
                        dst = (uint8_t *)nz->out;
                        ms = nz->start;
                        me = nz->end;
                    }
                    memcpy(dst + o, e->enc, k);
                    if (want_map) {
                        size_t j;
                        for (j = 0; j < k; j++) {
                            ms[o + j] = (uint32_t)i;
                            me[o + j] = (uint32_t)(i + n);
                        }
                    }
                    nz->cjk_stable = 0;
                    last = i;
                    last_o = o;
                    i += n;
                    o += k;
                    continue;
                }
            }
            memcpy(dst + o, s + i, n);
            if (want_map) {
                size_t k;
                for (k = 0; k < n; k++) {
                    ms[o + k] = (uint32_t)i;
                    me[o + k] = (uint32_t)(i + n);
                }
            }
            last = i;
            last_o = o;
            i += n;
            o += n;
        }
        if (i >= len)
            break;
        /* s[i] is bad UTF-8 or of class SAFE or UNSAFE. */
        if (cp >= 0 && c == CLS_UNSAFE && last != SIZE_MAX) {
            o = last_o;         /* take back the starter it may join */
            i = last;
        }
        if ((st = slow_segment(nz, s, len, i, &i, &o, want_map)))
            return st;
        last = SIZE_MAX;
    }
    nz->out[o] = '\0';
    *olen = o;
    return 0;
}

int fupin_normalizer_run(fupin_normalizer *nz, const char *text, size_t len,
                         unsigned opts, fupin_norm *out)
{
    size_t olen = 0;
    int st;

    if (out)
        memset(out, 0, sizeof *out);
    if (!nz || !out || (!text && len) || (opts & ~(unsigned)FUPIN_NORM_WANT_MAP) ||
        len > UINT32_MAX)
        return FUPIN_EINVAL;
    nz->replaced = 0;
    nz->cjk_stable = 1;
    if (opts & FUPIN_NORM_WANT_MAP) {
        /* start/end must exist even for an empty text */
        if ((st = reserve(nz, len, 1)))
            return st;
        st = run_text(nz, (const uint8_t *)text, len, 1, &olen);
    } else {
        st = run_text(nz, (const uint8_t *)text, len, 0, &olen);
    }
    if (st) {
        nz->out[0] = '\0';
        return st;
    }
    out->text = nz->out;
    out->len = olen;
    if (opts & FUPIN_NORM_WANT_MAP) {
        out->start = nz->start;
        out->end = nz->end;
    }
    out->replaced = nz->replaced;
    out->cjk_stable = nz->cjk_stable;
    return 0;
}
