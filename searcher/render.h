/* render.h - search results as JSON (the --json and CGI schema).
 *
 * {"query", "total", "total_exact", "offset", "took_ms",
 *  "hits": [{"rank", "id", "score", "title", "date", "source", "url", "snippet",
 *            "copies"}],       (copies: reprints collapsed into the hit)
 *  "facets": {"source": [{"value", "count"}], "year": [...]}}   (facets only when asked)
 */
#ifndef FUPIN_RENDER_H
#define FUPIN_RENDER_H

#include <stddef.h>
#include "search.h"

/* Renders r for query q[0..qlen) as one line of JSON (no trailing newline).
 * Returns a malloc'd NUL-terminated string (caller frees), or NULL when out
 * of memory.  Invalid UTF-8 in q is shown as U+FFFD. */
char *fupin_render_json(const char *q, size_t qlen, const fupin_result *r, int with_facets);

/* An error as JSON: {"query": q, "error": msg, "status": code}. */
char *fupin_render_json_error(const char *q, size_t qlen, const char *msg, int status);

/* The stored article as JSON: {"id", "title", "source", "date", "url", "byline", "body"}. */
char *fupin_render_json_article(const fupin_article *a);

/* The article with its reprints (fupin_search_copies): the fields of
 * fupin_render_json_article plus "copies": [{"id", "title", "date",
 * "source", "url"}] of the other articles of its cluster.  copies may be
 * NULL (then no "copies" key). */
char *fupin_render_json_show(const fupin_article *a, const fupin_result *copies);

#endif
