/* jsonl.h - one JSON Lines record to an article.
 *
 * A record is one JSON object on one line.  The string members id, title,
 * source, date, url, body and byline become the article's fields; other
 * members are ignored, as are members whose value is null or not a string
 * (except an integer id, which is used in decimal).  A record needs a title
 * or a body.  Parsing is jansson's (json_loadb); a line with invalid UTF-8
 * is parsed again with each bad sequence replaced by U+FFFD, so one stray
 * byte does not lose the article.
 */
#ifndef FUPIN_JSONL_H
#define FUPIN_JSONL_H

#include <stddef.h>
#include "../common/article.h"

typedef struct fupin_jsonl fupin_jsonl;

/* Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_jsonl_new(fupin_jsonl **out);
void fupin_jsonl_free(fupin_jsonl *j);

/* Parses line[0..len) (no NUL needed; a leading BOM and a trailing "\r" are
 * fine) into *a.
 * Returns 1 and the article (fields point into j, valid until the next parse
 * or free; a missing field is ("", 0)), 0 for a blank line, or FUPIN_EFORMAT
 * (message in fupin_jsonl_errmsg) or FUPIN_ENOMEM. */
int fupin_jsonl_parse(fupin_jsonl *j, const char *line, size_t len, fupin_article *a);

/* Why the last parse failed, e.g. "invalid JSON: '[' or '{' expected near
 * 'x' (column 1)"; owned by j. */
const char *fupin_jsonl_errmsg(const fupin_jsonl *j);

/* Invalid UTF-8 sequences the last parse replaced by U+FFFD (0 when the
 * line was valid UTF-8). */
size_t fupin_jsonl_repaired(const fupin_jsonl *j);

#endif
