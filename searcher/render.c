/* render.c - JSON output with jansson (see render.h for the schema).
 * Strings from the corpus may hold invalid UTF-8, which jansson refuses;
 * they are repaired to U+FFFD here so one bad byte never loses a result. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "render.h"

/* A copy of s with every invalid UTF-8 sequence replaced by U+FFFD. */
static json_t *jstr(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    char *buf = malloc(len * 3 + 1), *o = buf;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = ((unsigned char)s[i + k] >> 6) == 2;
        if (ok && n > 1) {   /* overlongs and surrogates: let jansson judge */
            json_t *t = json_stringn(s + i, n);
            ok = t != NULL;
            json_decref(t);
        }
        if (ok && c != 0) {
            memcpy(o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += 1;
        }
    }
    j = json_stringn(buf, (size_t)(o - buf));
    free(buf);
    return j;
}

static json_t *jcstr(const char *s)
{
    return jstr(s ? s : "", s ? strlen(s) : 0);
}

static json_t *facets(const fupin_facet *f, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:o,s:I}", "value", jcstr(f[i].value),
                                           "count", (json_int_t)f[i].count));
    return a;
}

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

char *fupin_render_json(const char *q, size_t qlen, const fupin_result *r, int with_facets)
{
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < r->nhits; i++) {
        const fupin_hit *h = &r->hits[i];
        json_t *o = json_pack("{s:I,s:o,s:f,s:o,s:o,s:o,s:o,s:o}",
                              "rank", (json_int_t)h->rank, "id", jcstr(h->id), "score", h->score,
                              "title", jcstr(h->title), "date", jcstr(h->date),
                              "source", jcstr(h->source), "url", jcstr(h->url),
                              "snippet", h->snippet ? jcstr(h->snippet) : json_null());
        if (o)
            json_object_set_new(o, "copies", json_integer((json_int_t)h->copies));
        json_array_append_new(hits, o);
    }
    json_t *root = json_pack("{s:o,s:I,s:b,s:I,s:f,s:o}", "query", jstr(q, qlen),
                             "total", (json_int_t)r->total, "total_exact", r->total_exact,
                             "offset", (json_int_t)r->offset, "took_ms", r->took_ms, "hits", hits);
    if (root && with_facets)
        json_object_set_new(root, "facets",
                            json_pack("{s:o,s:o,s:b}", "source", facets(r->sources, r->nsources),
                                      "year", facets(r->years, r->nyears),
                                      "exact", r->facets_exact));
    return dump(root);
}

char *fupin_render_json_error(const char *q, size_t qlen, const char *msg, int status)
{
    return dump(json_pack("{s:o,s:o,s:i}", "query", jstr(q, qlen), "error", jcstr(msg),
                          "status", status));
}

char *fupin_render_json_article(const fupin_article *a)
{
    json_t *o = json_object();
    for (int f = 0; o && f < FUPIN_F_COUNT; f++)
        json_object_set_new(o, fupin_article_field_name(f), jstr(a->f[f].ptr, a->f[f].len));
    return dump(o);
}

char *fupin_render_json_show(const fupin_article *a, const fupin_result *copies)
{
    json_t *o = json_object();
    for (int f = 0; o && f < FUPIN_F_COUNT; f++)
        json_object_set_new(o, fupin_article_field_name(f), jstr(a->f[f].ptr, a->f[f].len));
    if (o && copies) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < copies->nhits; i++) {
            const fupin_hit *h = &copies->hits[i];
            if (a->f[FUPIN_F_ID].len == strlen(h->id) &&
                memcmp(a->f[FUPIN_F_ID].ptr, h->id, a->f[FUPIN_F_ID].len) == 0)
                continue;   /* the article itself */
            json_array_append_new(arr, json_pack("{s:o,s:o,s:o,s:o,s:o}", "id", jcstr(h->id),
                                                 "title", jcstr(h->title), "date", jcstr(h->date),
                                                 "source", jcstr(h->source), "url", jcstr(h->url)));
        }
        json_object_set_new(o, "copies", arr);
    }
    return dump(o);
}
