/* tokenize.h - splits normalised text into atoms and index tokens.
 *
 * Input is text already normalised by normalize.h (valid UTF-8).
 *
 * Atoms are the units a query keyword is matched on:
 *  - a CJK atom is one character of a CJK script: Han (URO, extensions A-H,
 *    compatibility ideographs, U+3007), kana, hangul, bopomofo;
 *  - a word atom is a maximal run of other letters/digits (Unicode L*, N*,
 *    with M* marks attached), Latin or otherwise, split where the script
 *    changes to or from CJK.  A '.' or ',' between two digits stays inside a
 *    word ("2.44", "1,000"); any other punctuation, symbol, emoji, space or
 *    control character separates atoms and is not itself an atom.
 *  Each atom says whether it is glued to the previous atom (nothing at all
 *  between them in the text).
 *
 * Tokens are what the index holds: every word atom as a word token (words
 * longer than FUPIN_TOK_MAX_WORD bytes are cut at a character boundary);
 * in every run of glued CJK atoms each adjacent pair is a bigram token, and
 * the run's last character is also a unigram token (so a run of one
 * character gives just that unigram).  With FUPIN_TOK_ALL_UNIGRAMS every CJK
 * character gives a unigram.  No token spans punctuation, space or a script
 * change, except joins: with FUPIN_TOK_JOINS, a word glued to a CJK
 * character gives a join token of the two ("2019年" in "2019年", "第5" in
 * "第5名"), so that a number with its unit is one term: the searcher
 * decides such keywords exactly without reading the text.  Words longer
 * than FUPIN_TOK_MAX_WORD bytes give no join.
 */
#ifndef FUPIN_TOKENIZE_H
#define FUPIN_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#define FUPIN_TOK_MAX_WORD 64

enum fupin_atom_kind { FUPIN_ATOM_CJK = 1, FUPIN_ATOM_WORD = 2 };

typedef struct fupin_atom {
    int kind;          /* enum fupin_atom_kind */
    uint32_t off;      /* byte offset in the text */
    uint32_t len;      /* byte length in the text */
    int glued;         /* 1 if it directly follows the previous atom */
} fupin_atom;

enum fupin_token_kind {
    FUPIN_TOKEN_WORD = 1,
    FUPIN_TOKEN_BIGRAM = 2,
    FUPIN_TOKEN_UNIGRAM = 3,
    FUPIN_TOKEN_JOIN = 4
};

typedef struct fupin_token {
    int kind;          /* enum fupin_token_kind */
    const char *s;     /* token bytes, pointing into the text (not NUL-terminated) */
    uint32_t len;      /* bytes (words already cut to FUPIN_TOK_MAX_WORD) */
    uint32_t off;      /* byte offset of the token in the text */
    uint32_t pos;      /* 0-based ordinal of the token in the text */
} fupin_token;

enum { FUPIN_TOK_ALL_UNIGRAMS = 1u << 0, FUPIN_TOK_JOINS = 1u << 1 };

/* Callbacks return 0 to go on; any other value stops the walk and is
 * returned by the walking function. */
typedef int (*fupin_atom_cb)(void *ctx, const fupin_atom *a);
typedef int (*fupin_token_cb)(void *ctx, const fupin_token *t);

/* Calls cb for each atom of text[0..len) in order.  Returns 0, or the first
 * non-zero value returned by cb; FUPIN_EINVAL (status.h) without a call when
 * cb is NULL or len is 4 GiB or more (offsets are uint32_t). */
int fupin_tokenize_atoms(const char *text, size_t len, fupin_atom_cb cb, void *ctx);

/* Calls cb for each token of text[0..len) in order of offset (a run's
 * unigram comes after the bigram that ends at it; a join comes after the
 * word, or before the bigram, that it ends with).  flags: 0 or any of
 * FUPIN_TOK_ALL_UNIGRAMS, FUPIN_TOK_JOINS.  Returns 0, or the first non-zero value of cb;
 * FUPIN_EINVAL as for fupin_tokenize_atoms(). */
int fupin_tokenize(const char *text, size_t len, unsigned flags,
                   fupin_token_cb cb, void *ctx);

/* 1 if code point cp is in a CJK script as defined above, else 0. */
int fupin_tokenize_is_cjk(uint32_t cp);

#endif
