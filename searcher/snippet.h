/* snippet.h - a short extract of an article with its matches highlighted.
 *
 * The snippet is cut from the original text (not the normalised one) so
 * the user sees the characters as published, and exactly the characters a
 * query matched are marked.  It is about `width` characters long, centred on
 * the window holding the most distinct keywords (then the most matches),
 * cut on character boundaries (never a broken UTF-8 sequence), with "…"
 * where text was cut off, and runs of whitespace (newlines included) shown
 * as one space.  Without any match it is the start of the text.
 */
#ifndef FUPIN_SNIPPET_H
#define FUPIN_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

enum fupin_snippet_style {
    FUPIN_SNIPPET_BRACKETS = 0,  /* [match]            plain text, for pipes */
    FUPIN_SNIPPET_ANSI,          /* ESC[1m match ESC[0m  bold on a terminal */
    FUPIN_SNIPPET_HTML           /* <b>match</b> around HTML-escaped text */
};

/* A match in the original text: bytes [off, off+len), and which keyword
 * (0-based) it belongs to. */
typedef struct fupin_snippet_hit {
    uint32_t off, len;
    uint32_t kw;
} fupin_snippet_hit;

/* Makes a snippet of text[0..len) (UTF-8; invalid bytes, and control
 * characters other than whitespace, are shown as U+FFFD) with the given hits
 * (any order; overlapping hits are merged; parts outside the text ignored)
 * of width characters (0: the whole text).  Returns 0 and *out (malloc'd, NUL-terminated, caller frees)
 * with *out_len (out_len may be NULL), FUPIN_EINVAL (out NULL, text or hits
 * NULL with a nonzero count, unknown style) or FUPIN_ENOMEM; *out is NULL on
 * failure. */
int fupin_snippet_make(const char *text, size_t len, const fupin_snippet_hit *hits,
                       size_t nhits, size_t width, int style,
                       char **out, size_t *out_len);

#endif
