/* form.h - the parameters of a web search request, parsed and checked.
 *
 * A request carries application/x-www-form-urlencoded name=value pairs in
 * its query string and, for POST, in its body.  fupin_form_parse reads both,
 * the query string first (a later value of a name replaces an earlier one).
 * Names the endpoint does not know are skipped unread.  Every known value is
 * percent-decoded ('+' is a space) and checked: valid UTF-8 with no NUL,
 * within its length limit; numbers are whole numbers; dates parse with
 * date.h; enumerations are known words.  An empty value counts as absent,
 * as browsers send empty form fields.
 *
 *   q        the query (at most FUPIN_FORM_MAX_QUERY bytes)
 *   page     1-based page of `n` hits; offset: hits to skip (wins over page)
 *   n        hits per page, clamped to 1..FUPIN_FORM_MAX_LIMIT (default 10)
 *   format   html (default) or json
 *   from, to dates (YYYY, YYYY-MM, YYYY-MM-DD, ...), from not after to
 *   source   exact source name, as shown in facets
 *   sort     relevance (default), date (newest first), date-asc
 *   collapse 1 (default): reprints collapse into one hit; 0: every copy
 *   id       an article to show instead of searching
 *   opensearch  present (any value): the OpenSearch description
 */
#ifndef FUPIN_FORM_H
#define FUPIN_FORM_H

#include <stddef.h>
#include <stdint.h>

#define FUPIN_FORM_MAX_QUERY 1000      /* bytes of q */
#define FUPIN_FORM_MAX_FIELD 1000      /* bytes of source, from, to */
#define FUPIN_FORM_MAX_ID 2048         /* bytes of id (ids may be URLs) */
#define FUPIN_FORM_MAX_LIMIT 100
#define FUPIN_FORM_DEFAULT_LIMIT 10
#define FUPIN_FORM_MAX_OFFSET 10000    /* deepest hit a page may start at */

enum fupin_form_format { FUPIN_FORM_HTML = 0, FUPIN_FORM_JSON };

/* Parsed values.  Strings are NUL-terminated, valid UTF-8 without NUL, and
 * owned by the form; NULL when absent (q is "" then).  A shallow copy with
 * fields changed may be passed to fupin_form_encode (how pages build links). */
typedef struct fupin_form {
    const char *q;
    size_t qlen;
    const char *source, *from, *to;
    const char *id;
    size_t idlen;
    uint32_t offset;
    uint32_t limit;
    int sort;                    /* enum fupin_sort (search.h) */
    int format;                  /* enum fupin_form_format */
    int no_collapse;             /* collapse=0 */
    int opensearch;
    void *own_;                  /* private: the memory behind the strings */
} fupin_form;

/* Parses query[0..qlen) then body[0..blen) (either may be NULL with length
 * 0).  Returns 0 and *out (free with fupin_form_free), or, with *out NULL and
 * a short English message in errbuf:
 *   FUPIN_EENCODING  a malformed %-escape, invalid UTF-8, or a NUL byte
 *   FUPIN_ELIMIT     a value over its length limit, or a page past the limit
 *   FUPIN_EFORMAT    a bad number, date, format or sort word; from after to
 *   FUPIN_ENOMEM */
int fupin_form_parse(const char *query, size_t qlen, const char *body, size_t blen,
                     fupin_form **out, char *errbuf, size_t errlen);
void fupin_form_free(fupin_form *f);

/* The query string ("q=...&source=...", no leading '?') that parses back to
 * f's search: q, source, from, to, sort, collapse, n and page (or offset when
 * it is not on a page boundary), format; defaults are left out, id and opensearch are
 * not included.  Returns 0 and *out (malloc'd, NUL-terminated; out_len may
 * be NULL), or FUPIN_ENOMEM with *out NULL. */
int fupin_form_encode(const fupin_form *f, char **out, size_t *out_len);

/* Appends s[0..len) percent-encoded (everything but A-Z a-z 0-9 - . _ ~,
 * space as '+') to dst, which must have room for 3 * len bytes; returns the
 * number of bytes written. */
size_t fupin_form_escape(const char *s, size_t len, char *dst);

#endif
