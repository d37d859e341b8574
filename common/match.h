/* match.h - finds a query keyword in normalised text, exactly.
 *
 * This is what makes fupin's answers exact: the index proposes candidates,
 * and a keyword matches a document only if this module finds it in the
 * document's normalised title or body.
 *
 * A keyword (already normalised) is compiled to its atom sequence (see
 * tokenize.h).  It occurs in a text where the text has the same atoms
 * consecutively, such that wherever two keyword atoms are glued, the
 * text's atoms are glued too (a CJK keyword matches exactly that run of
 * characters, a substring of the text; "3人" does not match "3 人" or
 * "3名工人"); where the keyword separates two atoms (space, punctuation), any
 * separator or none is accepted in the text ("G20 峰会" matches "g20峰会").
 * Word atoms compare as whole words ("g20" does not occur in "g2000", "10"
 * not in "10.9": a decimal point between digits is inside a word).
 */
#ifndef FUPIN_MATCH_H
#define FUPIN_MATCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct fupin_matcher fupin_matcher;

typedef struct fupin_span {
    uint32_t off, len;     /* byte range in the searched text */
} fupin_span;

/* Compiles keyword kw[0..len) (normalised UTF-8).  Returns 0 and *out,
 * FUPIN_EINVAL when kw has no atom at all (only punctuation/space), or
 * FUPIN_ENOMEM; *out is NULL on failure.  The matcher copies what it needs. */
int fupin_matcher_new(const char *kw, size_t len, fupin_matcher **out);

/* Frees m; NULL is fine. */
void fupin_matcher_free(fupin_matcher *m);

/* 1 if the keyword consists of CJK atoms only, all glued (a plain CJK run):
 * then it occurs in a text iff its bytes occur in it (memmem), and the text
 * may be any text for which that holds (see fupin_norm.cjk_stable). */
int fupin_matcher_is_cjk_run(const fupin_matcher *m);

/* Number of atoms of the keyword. */
size_t fupin_matcher_atoms(const fupin_matcher *m);

/* The keyword's normalised bytes, as compiled (not NUL-terminated). */
const char *fupin_matcher_text(const fupin_matcher *m, size_t *len);

/* 1 if the keyword occurs in text[0..len) (normalised UTF-8), else 0. */
int fupin_matcher_test(fupin_matcher *m, const char *text, size_t len);

/* Finds up to max non-overlapping occurrences in text, left to right, writing
 * their byte spans (first atom start to last atom end) to spans.  Returns the
 * number found (0..max).  Never fails. */
size_t fupin_matcher_find(fupin_matcher *m, const char *text, size_t len,
                          fupin_span *spans, size_t max);

#endif
