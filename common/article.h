/* article.h - the article: what fupin indexes, stores and shows.
 *
 * An article is a set of (pointer, length) string views.  Whoever fills one
 * says who owns the bytes; the struct itself owns nothing.  Strings need not
 * be NUL-terminated.  A missing field has len 0 (ptr may then be NULL).
 */
#ifndef FUPIN_ARTICLE_H
#define FUPIN_ARTICLE_H

#include <stddef.h>

typedef struct fupin_str {
    const char *ptr;
    size_t len;
} fupin_str;

enum fupin_field {
    FUPIN_F_ID = 0,   /* stable unique id: the dump's id, else URL, else content hash */
    FUPIN_F_TITLE,
    FUPIN_F_SOURCE,   /* publisher, e.g. 湖南日报 */
    FUPIN_F_DATE,     /* as given in the input, e.g. "2019-12-21 10:48" */
    FUPIN_F_URL,
    FUPIN_F_BYLINE,   /* 记者/通讯员 lines, newline separated, where known */
    FUPIN_F_BODY,     /* the body text exactly as given */
    FUPIN_F_COUNT
};

typedef struct fupin_article {
    fupin_str f[FUPIN_F_COUNT];   /* indexed by enum fupin_field */
} fupin_article;

/* Field names as used in JSON output ("id", "title", ...); static strings. */
const char *fupin_article_field_name(int field);

/* Copies every field of a into one malloc'd block: *block (the caller frees
 * it) holds them back to back, out's fields point into it, *bytes is their
 * total length.  Returns 0, or FUPIN_ENOMEM with *block NULL. */
int fupin_article_copy(const fupin_article *a, fupin_article *out, char **block, size_t *bytes);

#endif
