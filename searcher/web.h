/* web.h - the HTML pages of the web endpoint, and its OpenSearch document.
 *
 * Pages are whole documents in Chinese (lang zh-CN, UTF-8) with a search
 * form; every link is relative ("?q=...") so the same pages work under any
 * script path, for CGI and FastCGI alike.  Every string that came from the
 * request or the corpus is HTML-escaped, with invalid UTF-8 and control
 * characters shown as U+FFFD; snippets are the one exception, since the
 * library makes them already escaped (FUPIN_SNIPPET_HTML) with <b> marks.
 * The pages use no script, so they can be sent with a strict
 * Content-Security-Policy.
 *
 * Each function returns 0 and *out (malloc'd, NUL-terminated, caller frees)
 * with *out_len (out_len may be NULL), or FUPIN_ENOMEM with *out NULL.
 */
#ifndef FUPIN_WEB_H
#define FUPIN_WEB_H

#include <stddef.h>
#include "form.h"
#include "search.h"
#include "../common/article.h"

/* The start page: the search form, a few example queries, the syntax. */
int fupin_web_home(const fupin_form *f, char **out, size_t *out_len);

/* The results of f's search: count and time, hits (title linking to the
 * article view, date, source, the number of reprints collapsed into the hit
 * as a link to that view, snippet), paging, and the source and year
 * facets of r (when it has them) as links that narrow the search. */
int fupin_web_results(const fupin_form *f, const fupin_result *r, char **out, size_t *out_len);

/* The stored article a: title, source, date, link to the original (http and
 * https URLs only), byline, body paragraphs; a link back to f's search; and
 * the other articles of copies (fupin_search_copies: a's reprint cluster,
 * a itself is skipped) as links.  copies may be NULL. */
int fupin_web_article(const fupin_form *f, const fupin_article *a, const fupin_result *copies,
                      char **out, size_t *out_len);

/* An error page for HTTP status code http_status with message msg (any
 * bytes; escaped).  f may be NULL (the form could not be parsed). */
int fupin_web_error(const fupin_form *f, int http_status, const char *msg,
                    char **out, size_t *out_len);

/* The OpenSearch 1.1 description, with search URLs built on base[0..len),
 * the absolute URL of the endpoint (e.g. "http://host/cgi-bin/fupin.cgi"). */
int fupin_web_opensearch(const char *base, size_t len, char **out, size_t *out_len);

#endif
