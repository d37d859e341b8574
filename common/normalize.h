/* normalize.h - Unicode normalisation of article and query text.
 *
 * fupin compares text in one normal form: NFKC + case folding (utf8proc),
 * so full-width "Ｇ２０" is "g20", "２．４４" is "2.44" and U+3000 is a space;
 * then, unless FUPIN_NORM_NO_T2S, traditional Chinese characters are folded
 * to simplified ones with OpenCC's t2s.json, character by character (each
 * output character comes from exactly one input character; OpenCC's phrase
 * table is not used), so "脫貧攻堅" is "脱贫攻坚".
 * Invalid UTF-8 is repaired: each bad sequence becomes U+FFFD and is counted.
 * Optionally a map from every normalised byte back to the original bytes that
 * produced it is kept, so snippets can highlight the original characters.
 *
 * A normalizer is a reusable context: its output buffers are reused by the
 * next call, so the result of fupin_normalizer_run() is valid only until the
 * next run or until the normalizer is freed.  One normalizer per thread.
 */
#ifndef FUPIN_NORMALIZE_H
#define FUPIN_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fupin_normalizer fupin_normalizer;

enum {
    FUPIN_NORM_WANT_MAP = 1u << 0,  /* run: fill start/end offset maps */
    FUPIN_NORM_NO_T2S = 1u << 1     /* new: no traditional -> simplified folding */
};

typedef struct fupin_norm {
    const char *text;      /* normalised UTF-8, NUL-terminated; owned by the normalizer */
    size_t len;            /* bytes in text, not counting the NUL */
    /* With FUPIN_NORM_WANT_MAP, for each normalised byte i in [0, len):
     * the original text's bytes [start[i], end[i]) produced it (the whole
     * source of its character, or of the composed group it came from).
     * NULL otherwise.  Owned by the normalizer. */
    const uint32_t *start;
    const uint32_t *end;
    size_t replaced;       /* invalid UTF-8 sequences replaced by U+FFFD */
    /* 1 when every CJK character in text stands, as the same code point, at
     * its own place in the original and adjacent CJK characters of text were
     * adjacent in the original: then a pure-CJK string occurs in text iff its
     * bytes occur in the original, and a caller may search the original.
     * So it is 0 as soon as t2s changed a character. */
    int cjk_stable;
} fupin_norm;

/* Creates a normalizer.  flags: 0 or FUPIN_NORM_NO_T2S.  Folding needs
 * OpenCC's data (Debian package libopencc-data, pulled in by opencc):
 * without it this fails with FUPIN_EUNSUPPORTED rather than index or search
 * in another normal form.  Returns 0 and sets *out, or FUPIN_ENOMEM,
 * FUPIN_EINVAL (unknown flags) or FUPIN_EUNSUPPORTED with *out = NULL. */
int fupin_normalizer_new(unsigned flags, fupin_normalizer **out);

/* Creates a normalizer that works exactly like base (same flags) and
 * shares its OpenCC converter, which makes it ~1000 times cheaper to
 * create.  base must stay alive until the sibling is freed; the two must
 * not be used at the same time from two threads.  Returns 0 and *out,
 * FUPIN_EINVAL (base NULL) or FUPIN_ENOMEM, with *out NULL on failure. */
int fupin_normalizer_new_sibling(const fupin_normalizer *base, fupin_normalizer **out);

/* Frees nz; NULL is fine. */
void fupin_normalizer_free(fupin_normalizer *nz);

/* nz's t2s answers for every code point it may change, as a table for
 * fupin_normalizer_new_t2s: "FT2S", a count and (from, to) pairs, 32-bit
 * little-endian, ascending (~4,100 pairs, 33 KB).  Asks OpenCC about the
 * whole range once (~35 ms).  Returns 0 with *out malloc'd (caller frees),
 * FUPIN_EINVAL when nz does no t2s or has no OpenCC, or FUPIN_ENOMEM. */
int fupin_normalizer_t2s_table(fupin_normalizer *nz, char **out, size_t *len);

/* Creates a normalizer (t2s on) whose t2s answers all come from table
 * (made by fupin_normalizer_t2s_table) instead of OpenCC, which it never
 * opens: a database stores the table, so a search process (a CGI request)
 * saves opening OpenCC (~5 ms) and folds queries exactly as the indexer
 * folded the text.  Siblings copy the table.  Returns 0 and *out, or
 * FUPIN_ECORRUPT (not such a table), FUPIN_ENOMEM, with *out NULL. */
int fupin_normalizer_new_t2s(const char *table, size_t len, fupin_normalizer **out);

/* Normalises text[0..len) (any bytes; need not be NUL-terminated) into *out.
 * opts: 0 or FUPIN_NORM_WANT_MAP.  Offsets are uint32_t: len must be below
 * 4 GiB (FUPIN_EINVAL otherwise).  Returns 0, FUPIN_ENOMEM or FUPIN_EINVAL.
 * *out points into nz and is valid until the next run on nz. */
int fupin_normalizer_run(fupin_normalizer *nz, const char *text, size_t len,
                         unsigned opts, fupin_norm *out);

#endif
