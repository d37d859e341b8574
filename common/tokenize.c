/* tokenize.c - atoms and index tokens of normalised text.
 *
 * Owns the definition of the CJK character class and of atoms (see
 * tokenize.h) and the way atoms become tokens.  One scanner, next_atom(),
 * serves both walks; it decodes UTF-8 inline because the text is almost all
 * 3-byte CJK and ASCII, and asks utf8proc for the general category of
 * everything else.
 *
 * Choices the header leaves open:
 *  - a combining mark attaches to a word atom it follows; after a CJK
 *    character, or with no atom before it, a mark is a separator, so a CJK
 *    atom is always exactly one character and a run of glued CJK atoms is a
 *    plain substring (what the matcher's memmem relies on);
 *  - "digit" around '.' and ',' means general category Nd;
 *  - with FUPIN_TOK_ALL_UNIGRAMS a character's unigram comes before the
 *    bigram starting at it (both have its offset);
 *  - ill-formed UTF-8 is a one-byte separator (never read past len).
 */
#include "tokenize.h"

#include <string.h>
#include <utf8proc.h>

#include "status.h"

enum { C_SEP, C_CJK, C_LETTER, C_DIGIT, C_MARK, C_DOTCOMMA };

static inline int is_cjk(uint32_t c)
{
    if (c >= 0x4E00 && c <= 0x9FFF)
        return 1;                                   /* URO first: most text */
    if (c < 0x1100)
        return 0;
    if (c <= 0x11FF)
        return 1;                                   /* hangul jamo */
    if (c < 0x3007)
        return 0;
    if (c == 0x3007)
        return 1;                                   /* ideographic zero */
    if (c >= 0x3040 && c <= 0x30FF)
        return 1;                                   /* hiragana, katakana */
    if (c >= 0x3100 && c <= 0x318F)
        return 1;                                   /* bopomofo, compat jamo */
    if (c >= 0x31A0 && c <= 0x31BF)
        return 1;                                   /* bopomofo extended */
    if (c >= 0x31F0 && c <= 0x31FF)
        return 1;                                   /* katakana phonetic ext. */
    if (c >= 0x3400 && c <= 0x4DBF)
        return 1;                                   /* extension A */
    if (c >= 0xAC00 && c <= 0xD7AF)
        return 1;                                   /* hangul syllables */
    if (c >= 0xF900 && c <= 0xFAFF)
        return 1;                                   /* compatibility ideographs */
    return c >= 0x20000 && c <= 0x323AF;            /* ext. B-H, compat suppl. */
}

int fupin_tokenize_is_cjk(uint32_t cp)
{
    return is_cjk(cp);
}

/* Decodes a well-formed character at s[0..n), n >= 1; returns its length, or
 * 1 with *cp = -1 for anything ill-formed. */
static inline size_t decode(const uint8_t *s, size_t n, int32_t *cp)
{
    uint8_t b = s[0];
    int32_t c;

    *cp = -1;
    if (b < 0xE0) {
        if (b < 0xC2 || n < 2 || (s[1] & 0xC0) != 0x80)
            return 1;
        *cp = (b & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (b < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 1;
        c = (b & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
            return 1;
        *cp = c;
        return 3;
    }
    if (b > 0xF4 || n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
        return 1;
    c = (b & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    if (c < 0x10000 || c > 0x10FFFF)
        return 1;
    *cp = c;
    return 4;
}

static inline int ascii_class(uint8_t b)
{
    if ((uint8_t)((b | 0x20) - 'a') < 26)
        return C_LETTER;
    if ((uint8_t)(b - '0') < 10)
        return C_DIGIT;
    if (b == '.' || b == ',')
        return C_DOTCOMMA;
    return C_SEP;
}

/* Class of the character at s[i], i < len; its length in *n. */
static inline int char_class(const uint8_t *s, size_t len, size_t i, size_t *n)
{
    int32_t cp;

    if (s[i] < 0x80) {
        *n = 1;
        return ascii_class(s[i]);
    }
    *n = decode(s + i, len - i, &cp);
    if (cp < 0)
        return C_SEP;
    if (is_cjk((uint32_t)cp))
        return C_CJK;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    default:
        return C_SEP;
    }
}

typedef struct scanner {
    const uint8_t *s;
    size_t len, i, prev_end;
    int have_prev;
} scanner;

/* Finds the next atom at or after sc->i; 0 at the end of the text. */
static inline int next_atom(scanner *sc, fupin_atom *a)
{
    const uint8_t *s = sc->s;
    size_t len = sc->len, i = sc->i, n, start;
    int c;

    for (;;) {
        if (i >= len) {
            sc->i = i;
            return 0;
        }
        c = char_class(s, len, i, &n);
        if (c == C_CJK || c == C_LETTER || c == C_DIGIT)
            break;
        i += n;
    }
    start = i;
    i += n;
    if (c == C_CJK) {
        a->kind = FUPIN_ATOM_CJK;
    } else {
        int digit = c == C_DIGIT;
        a->kind = FUPIN_ATOM_WORD;
        while (i < len) {
            c = char_class(s, len, i, &n);
            if (c == C_LETTER) {
                digit = 0;
            } else if (c == C_DIGIT) {
                digit = 1;
            } else if (c == C_DOTCOMMA) {
                size_t n2;
                if (!digit || i + 1 >= len || char_class(s, len, i + 1, &n2) != C_DIGIT)
                    break;
            } else if (c != C_MARK) {
                break;
            }
            i += n;
        }
    }
    a->off = (uint32_t)start;
    a->len = (uint32_t)(i - start);
    a->glued = sc->have_prev && sc->prev_end == start;
    sc->have_prev = 1;
    sc->prev_end = i;
    sc->i = i;
    return 1;
}

int fupin_tokenize_atoms(const char *text, size_t len, fupin_atom_cb cb, void *ctx)
{
    scanner sc = { (const uint8_t *)text, len, 0, 0, 0 };
    fupin_atom a;
    int r;

    if (!cb || (!text && len) || len > UINT32_MAX)
        return FUPIN_EINVAL;
    while (next_atom(&sc, &a))
        if ((r = cb(ctx, &a)))
            return r;
    return 0;
}

/* Longest prefix of a word of at most FUPIN_TOK_MAX_WORD bytes that ends on
 * a character boundary. */
static inline uint32_t word_cut(const uint8_t *w, uint32_t len)
{
    uint32_t cut = FUPIN_TOK_MAX_WORD;

    if (len <= FUPIN_TOK_MAX_WORD)
        return len;
    while (cut > 0 && (w[cut] & 0xC0) == 0x80)
        cut--;
    return cut ? cut : FUPIN_TOK_MAX_WORD;
}

#define EMIT(k, o, l) do { \
        t.kind = (k); t.off = (o); t.len = (l); t.s = text + t.off; t.pos = pos++; \
        if ((r = cb(ctx, &t))) return r; \
    } while (0)

int fupin_tokenize(const char *text, size_t len, unsigned flags,
                   fupin_token_cb cb, void *ctx)
{
    scanner sc = { (const uint8_t *)text, len, 0, 0, 0 };
    fupin_atom a, prev = { 0, 0, 0, 0 }, last = { 0, 0, 0, 0 };
    fupin_token t;
    uint32_t pos = 0;
    int have_cjk = 0, have_last = 0, r;
    const int all = (flags & FUPIN_TOK_ALL_UNIGRAMS) != 0;
    const int joins = (flags & FUPIN_TOK_JOINS) != 0;

    if (!cb || (!text && len) || len > UINT32_MAX)
        return FUPIN_EINVAL;
    while (next_atom(&sc, &a)) {
        /* a word glued to a CJK character, either way round, and not cut */
        int join = joins && have_last && a.glued && last.kind != a.kind &&
                   (a.kind == FUPIN_ATOM_WORD ? a.len : last.len) <= FUPIN_TOK_MAX_WORD;
        if (a.kind == FUPIN_ATOM_CJK) {
            int cont = have_cjk && a.glued;
            if (have_cjk && !cont && !all)
                EMIT(FUPIN_TOKEN_UNIGRAM, prev.off, prev.len);
            if (join)
                EMIT(FUPIN_TOKEN_JOIN, last.off, a.off + a.len - last.off);
            if (cont)
                EMIT(FUPIN_TOKEN_BIGRAM, prev.off, a.off + a.len - prev.off);
            if (all)
                EMIT(FUPIN_TOKEN_UNIGRAM, a.off, a.len);
            prev = a;
            have_cjk = 1;
        } else {
            if (have_cjk && !all)
                EMIT(FUPIN_TOKEN_UNIGRAM, prev.off, prev.len);
            have_cjk = 0;
            EMIT(FUPIN_TOKEN_WORD, a.off, word_cut((const uint8_t *)text + a.off, a.len));
            if (join)
                EMIT(FUPIN_TOKEN_JOIN, last.off, a.off + a.len - last.off);
        }
        last = a;
        have_last = 1;
    }
    if (have_cjk && !all)
        EMIT(FUPIN_TOKEN_UNIGRAM, prev.off, prev.len);
    return 0;
}
