/* decode.h - decoding: the bytes of a text file or web page to UTF-8.
 *
 * The charset is chosen in this order:
 *  1. a byte order mark: UTF-16LE (FF FE), UTF-16BE (FE FF), or UTF-8
 *     (EF BB BF) when what follows is UTF-8 by the test of step 2 (else
 *     the mark is dropped and the rest examined);
 *  2. the content itself when it is UTF-8: no invalid sequence, or at most
 *     one per hundred good non-ASCII characters (stray bytes are left for
 *     the normaliser to repair).  This wins over any declaration, because
 *     pages re-saved as UTF-8 often still declare gb2312;
 *  3. libuchardet's guess, when it names a Chinese charset (GB*, Big5,
 *     EUC-TW);
 *  4. for HTML (FUPIN_DECODE_HTML), the page's declaration when it names a
 *     Chinese charset: <meta charset=X>, <meta http-equiv=Content-Type
 *     content="...; charset=X"> or an XML declaration's encoding, in the
 *     first 16 KB;
 *  5. GB18030, when the bytes read as GB18030 without a single error and
 *     mostly fall in the GB2312 range (short GBK text is often taken for
 *     Korean or Latin-1 by uchardet, and old Chinese sites declare
 *     iso-8859-1 for GBK pages);
 *  6. any other declared charset, then uchardet's non-Chinese guess, but
 *     only when both agree or fewer than one byte in ten is non-ASCII
 *     (every byte string converts "cleanly" from Latin-1, so one witness
 *     is not enough: in a Chinese archive such bytes are broken GBK).
 * Any GB2312/GBK/GB18030 name is decoded as GB18030 (their superset), any
 * Big5 name as BIG5-HKSCS; the conversion is iconv's.  A candidate is taken
 * only if it converts cleanly: at most one invalid sequence per 200
 * converted non-ASCII characters (each replaced by U+FFFD).  When no
 * candidate does - say uchardet is unsure, nothing is declared and the
 * bytes are neither UTF-8 nor clean GB18030 - the input is refused with
 * FUPIN_EENCODING rather than indexed as mojibake.
 */
#ifndef FUPIN_DECODE_H
#define FUPIN_DECODE_H

#include <stddef.h>

typedef struct fupin_decode fupin_decode;

enum fupin_decode_flag {
    FUPIN_DECODE_HTML = 1   /* the input is a web page: honour its charset declaration */
};

/* Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_decode_new(fupin_decode **out);
void fupin_decode_free(fupin_decode *d);

/* Decodes data[0..len) (flags from enum fupin_decode_flag).  Returns 0 with
 * the UTF-8 text in *text, *text_len (no BOM, not NUL-terminated; it points
 * into data when the input was UTF-8 already, else into d, valid until the
 * next call);
 * FUPIN_EENCODING when the input cannot be decoded cleanly, with the reason
 * and the detected charset in fupin_decode_errmsg; or FUPIN_ENOMEM.  On
 * failure *text is NULL and *text_len 0. */
int fupin_decode_to_utf8(fupin_decode *d, const char *data, size_t len, unsigned flags,
                         const char **text, size_t *text_len);

/* The charset the last successful call decoded from, as an iconv name
 * ("UTF-8", "GB18030", "BIG5-HKSCS", "UTF-16LE", ...); "" before any. */
const char *fupin_decode_charset(const fupin_decode *d);

/* How it was chosen: "bom", "content", "uchardet", "declared", "gb-check";
 * "" before any call. */
const char *fupin_decode_how(const fupin_decode *d);

/* Why the last call failed, e.g. "cannot be decoded as GB18030 (detected by
 * uchardet): 37 invalid sequences in 2000 characters"; "" after success. */
const char *fupin_decode_errmsg(const fupin_decode *d);

/* Counts, in p[0..n), the valid non-ASCII characters (*good) and the
 * invalid UTF-8 sequences (*bad).  With cut, an incomplete character in the
 * last 3 bytes is not counted (p is a window cut from a longer text). */
void fupin_decode_utf8_counts(const char *p, size_t n, int cut, size_t *good, size_t *bad);

/* The charset a page declares in data[0..len) (first 16 KB looked at),
 * copied into name (lower case, at most cap - 1 bytes); returns its length,
 * 0 when none is declared. */
size_t fupin_decode_declared(const char *data, size_t len, char *name, size_t cap);

#endif
