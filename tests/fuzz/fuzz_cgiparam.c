/* fuzz_cgiparam.c - libFuzzer target for the web endpoint's parameter parser
 * (searcher/form.c) and the pages that echo parameters (searcher/web.c).
 *
 * The input is a query string, optionally followed by '\n' and a POST body.
 * On success every promise of form.h must hold (strings valid UTF-8 with no
 * NUL and within their limits, n in 1..100, offset within the limit, dates
 * that parse), encoding the form must give URL-safe bytes that parse back to
 * the same search, and the start and error pages built from the form must
 * hold exactly as many '<', '>' and '"' as those built from an empty form,
 * so no value can add markup.  On failure the form must be NULL with a
 * message and a documented status.  Any broken promise aborts.
 *
 * libFuzzer: scripts/fuzz builds it with the library (make fuzz).
 * Replay saved inputs with any compiler (files or directories as arguments):
 *   build/fuzz/replay_cgiparam tests/fuzz/corpus/cgiparam
 */
#include "../../searcher/form.h"
#include "../../searcher/search.h"
#include "../../searcher/web.h"
#include "../../common/date.h"
#include "../../common/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "broken: %s (%s:%d)\n", #c, \
                                    __FILE__, __LINE__); abort(); } } while (0)

static int valid_text(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp == 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static void check_field(const char *s, size_t max)
{
    if (s)
        REQUIRE(*s && valid_text(s, strlen(s)) && strlen(s) <= max);
}

static void markup_counts(const char *page, size_t n[3])
{
    n[0] = n[1] = n[2] = 0;
    for (const char *p = page; *p; p++)
        n[0] += *p == '<', n[1] += *p == '>', n[2] += *p == '"';
}

/* Pages from f carry no more markup than pages from an empty form. */
static void check_pages(const fupin_form *f)
{
    fupin_form empty = *f;
    char *a = NULL, *b = NULL;
    size_t na[3], nb[3], la, lb;
    empty.q = "";
    empty.qlen = 0;
    empty.source = empty.from = empty.to = NULL;
    REQUIRE(fupin_web_home(f, &a, &la) == 0 && fupin_web_home(&empty, &b, &lb) == 0);
    REQUIRE(valid_text(a, la));
    markup_counts(a, na);
    markup_counts(b, nb);
    REQUIRE(memcmp(na, nb, sizeof na) == 0);
    free(a);
    free(b);
    REQUIRE(fupin_web_error(f, 400, f->q, &a, &la) == 0 && fupin_web_error(&empty, 400, "", &b, &lb) == 0);
    REQUIRE(valid_text(a, la));
    markup_counts(a, na);
    markup_counts(b, nb);
    REQUIRE(memcmp(na, nb, sizeof na) == 0);
    free(a);
    free(b);
}

static void check_roundtrip(const fupin_form *f)
{
    char *qs = NULL;
    size_t len = 0;
    fupin_form *g = NULL;
    REQUIRE(fupin_form_encode(f, &qs, &len) == 0 && qs && strlen(qs) == len);
    for (size_t i = 0; i < len; i++)
        REQUIRE(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%+&=",
                       qs[i]));
    REQUIRE(fupin_form_parse(qs, len, NULL, 0, &g, NULL, 0) == 0 && g);
    REQUIRE(g->qlen == f->qlen && memcmp(g->q, f->q, f->qlen) == 0);
    REQUIRE((!g->source && !f->source) || (g->source && f->source && !strcmp(g->source, f->source)));
    REQUIRE((!g->from && !f->from) || (g->from && f->from && !strcmp(g->from, f->from)));
    REQUIRE((!g->to && !f->to) || (g->to && f->to && !strcmp(g->to, f->to)));
    REQUIRE(g->offset == f->offset && g->limit == f->limit && g->sort == f->sort &&
            g->format == f->format && g->no_collapse == f->no_collapse && !g->id &&
            !g->opensearch);
    fupin_form_free(g);
    free(qs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data, *nl = memchr(in, '\n', size);
    size_t glen = nl ? (size_t)(nl - in) : size;
    const char *body = nl ? nl + 1 : NULL;
    size_t blen = nl ? size - glen - 1 : 0;
    fupin_form *f = (fupin_form *)1;
    char err[200];
    char stamp[13];

    memset(err, 'X', sizeof err);
    int rc = fupin_form_parse(in, glen, body, blen, &f, err, sizeof err);
    if (rc) {
        REQUIRE(f == NULL);
        REQUIRE(rc == FUPIN_EENCODING || rc == FUPIN_ELIMIT || rc == FUPIN_EFORMAT ||
                rc == FUPIN_ENOMEM);
        REQUIRE(memchr(err, '\0', sizeof err) && err[0] && valid_text(err, strlen(err)));
        return 0;
    }
    REQUIRE(f && f->q && valid_text(f->q, f->qlen) && f->qlen <= FUPIN_FORM_MAX_QUERY);
    check_field(f->source, FUPIN_FORM_MAX_FIELD);
    check_field(f->from, FUPIN_FORM_MAX_FIELD);
    check_field(f->to, FUPIN_FORM_MAX_FIELD);
    REQUIRE(!f->id || (f->idlen && valid_text(f->id, f->idlen) && f->idlen <= FUPIN_FORM_MAX_ID));
    REQUIRE(f->id || f->idlen == 0);
    REQUIRE(f->from == NULL || fupin_date_parse(f->from, strlen(f->from), 0, stamp) == 0);
    REQUIRE(f->to == NULL || fupin_date_parse(f->to, strlen(f->to), 1, stamp) == 0);
    REQUIRE(f->limit >= 1 && f->limit <= FUPIN_FORM_MAX_LIMIT);
    REQUIRE(f->offset <= FUPIN_FORM_MAX_OFFSET);
    REQUIRE(f->sort >= FUPIN_SORT_RELEVANCE && f->sort <= FUPIN_SORT_DATE_ASC);
    REQUIRE(f->format == FUPIN_FORM_HTML || f->format == FUPIN_FORM_JSON);
    check_roundtrip(f);
    check_pages(f);
    fupin_form_free(f);
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
