/* form.c - web request parameters: decoding, checking, and encoding back.
 *
 * Owns the one place where bytes from a request become values: percent-
 * decoding, the UTF-8 and NUL checks, length limits, number and date
 * syntax (see form.h for the parameters).  Only names we know are decoded
 * at all, so junk in unknown parameters cannot fail a request.  The inverse,
 * fupin_form_encode, is what pages use to build their links, so a link
 * always parses back to the search it stands for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "form.h"
#include "search.h"
#include "../common/date.h"
#include "../common/status.h"

/* The strings a form owns; each replaced value is freed at once. */
typedef struct form_own {
    char *q, *source, *from, *to, *id;
} form_own;

/* Parse state beyond the public fields: page and offset are combined once
 * every pair has been read, since n may come after page. */
typedef struct form_state {
    fupin_form *f;
    form_own *own;
    uint32_t page;
    int have_offset;
    char *err;
    size_t errlen;
} form_state;

enum { P_UNKNOWN, P_Q, P_PAGE, P_OFFSET, P_N, P_FORMAT, P_FROM, P_TO, P_SOURCE, P_SORT,
       P_ID, P_OPENSEARCH, P_COLLAPSE };

static const struct { const char *name; int p; } names[] = {
    { "q", P_Q }, { "page", P_PAGE }, { "offset", P_OFFSET }, { "n", P_N },
    { "format", P_FORMAT }, { "from", P_FROM }, { "to", P_TO }, { "source", P_SOURCE },
    { "sort", P_SORT }, { "id", P_ID }, { "opensearch", P_OPENSEARCH },
    { "collapse", P_COLLAPSE },
};

static int fail(form_state *st, int rc, const char *msg)
{
    if (st->err && st->errlen)
        snprintf(st->err, st->errlen, "%s", msg);
    return rc;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into dst (room for n bytes); returns the length, or -1
 * for a malformed escape. */
static long decode(const char *s, size_t n, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+') {
            dst[o++] = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            dst[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            dst[o++] = (char)c;
        }
    }
    return (long)o;
}

static int valid_utf8(const char *s, size_t n)
{
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

/* Decodes and checks a text value into a new string in *slot (freeing the
 * old one); an empty value clears the slot. */
static int text_value(form_state *st, const char *name, const char *v, size_t n, size_t max,
                      char **slot, size_t *out_len)
{
    char msg[120];
    char *d = malloc(n + 1);
    if (!d)
        return fail(st, FUPIN_ENOMEM, "out of memory");
    long k = decode(v, n, d);
    if (k < 0) {
        free(d);
        snprintf(msg, sizeof msg, "malformed %%-escape in '%s'", name);
        return fail(st, FUPIN_EENCODING, msg);
    }
    if ((size_t)k > max) {
        free(d);
        snprintf(msg, sizeof msg, "'%s' is too long (at most %zu bytes)", name, max);
        return fail(st, FUPIN_ELIMIT, msg);
    }
    if (!valid_utf8(d, (size_t)k)) {
        free(d);
        snprintf(msg, sizeof msg, "'%s' is not valid UTF-8 text (or holds a NUL byte)", name);
        return fail(st, FUPIN_EENCODING, msg);
    }
    d[k] = '\0';
    free(*slot);
    *slot = k ? d : NULL;
    if (!k)
        free(d);
    if (out_len)
        *out_len = (size_t)k;
    return 0;
}

/* A whole number (digits only), saturating at UINT32_MAX; an empty value
 * gives *present 0. */
static int number_value(form_state *st, const char *name, const char *v, size_t n,
                        uint32_t *out, int *present)
{
    char msg[120];
    char *d = malloc(n + 1);
    uint64_t x = 0;
    if (!d)
        return fail(st, FUPIN_ENOMEM, "out of memory");
    long k = decode(v, n, d);
    *present = k > 0;
    for (long i = 0; i < k; i++) {
        if (d[i] < '0' || d[i] > '9') {
            k = -1;
            break;
        }
        x = x * 10 + (uint64_t)(d[i] - '0');
        if (x > UINT32_MAX)
            x = UINT32_MAX;
    }
    free(d);
    if (k < 0) {
        *present = 0;
        snprintf(msg, sizeof msg, "'%s' wants a whole number", name);
        return fail(st, FUPIN_EFORMAT, msg);
    }
    *out = (uint32_t)x;
    return 0;
}

/* A short word value (format, sort): decoded into buf; "" when absent. */
static int word_value(form_state *st, const char *name, const char *v, size_t n, char buf[16])
{
    char msg[120];
    long k = n < 16 ? decode(v, n, buf) : -1;
    if (k < 0) {
        snprintf(msg, sizeof msg, "unknown value of '%s'", name);
        return fail(st, FUPIN_EFORMAT, msg);
    }
    buf[k] = '\0';
    if ((size_t)k != strlen(buf))
        return fail(st, FUPIN_EENCODING, "NUL byte in a parameter");
    return 0;
}

static int pair(form_state *st, const char *name, size_t nlen, const char *v, size_t vlen)
{
    fupin_form *f = st->f;
    char key[16], word[16];
    int p = P_UNKNOWN, rc = 0, present;
    long kl = nlen < sizeof key ? decode(name, nlen, key) : -1;
    if (kl > 0) {
        key[kl] = '\0';
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(key, names[i].name) == 0 && strlen(key) == (size_t)kl)
                p = names[i].p;
    }
    switch (p) {
    case P_Q:
        rc = text_value(st, "q", v, vlen, FUPIN_FORM_MAX_QUERY, &st->own->q, &f->qlen);
        break;
    case P_SOURCE:
        rc = text_value(st, "source", v, vlen, FUPIN_FORM_MAX_FIELD, &st->own->source, NULL);
        break;
    case P_FROM:
        rc = text_value(st, "from", v, vlen, FUPIN_FORM_MAX_FIELD, &st->own->from, NULL);
        break;
    case P_TO:
        rc = text_value(st, "to", v, vlen, FUPIN_FORM_MAX_FIELD, &st->own->to, NULL);
        break;
    case P_ID:
        rc = text_value(st, "id", v, vlen, FUPIN_FORM_MAX_ID, &st->own->id, &f->idlen);
        break;
    case P_PAGE: {
        uint32_t x;
        if ((rc = number_value(st, "page", v, vlen, &x, &present)) == 0 && present)
            st->page = x ? x : 1;
        break;
    }
    case P_OFFSET: {
        uint32_t x;
        if ((rc = number_value(st, "offset", v, vlen, &x, &present)) == 0 && present) {
            f->offset = x;
            st->have_offset = 1;
        }
        break;
    }
    case P_N: {
        uint32_t x;
        if ((rc = number_value(st, "n", v, vlen, &x, &present)) == 0 && present)
            f->limit = x < 1 ? 1 : x > FUPIN_FORM_MAX_LIMIT ? FUPIN_FORM_MAX_LIMIT : x;
        break;
    }
    case P_FORMAT:
        if ((rc = word_value(st, "format", v, vlen, word)) != 0)
            break;
        if (strcmp(word, "json") == 0)
            f->format = FUPIN_FORM_JSON;
        else if (strcmp(word, "html") == 0 || !word[0])
            f->format = FUPIN_FORM_HTML;
        else
            rc = fail(st, FUPIN_EFORMAT, "format is html or json");
        break;
    case P_SORT:
        if ((rc = word_value(st, "sort", v, vlen, word)) != 0)
            break;
        if (strcmp(word, "relevance") == 0 || !word[0])
            f->sort = FUPIN_SORT_RELEVANCE;
        else if (strcmp(word, "date") == 0)
            f->sort = FUPIN_SORT_DATE_DESC;
        else if (strcmp(word, "date-asc") == 0)
            f->sort = FUPIN_SORT_DATE_ASC;
        else
            rc = fail(st, FUPIN_EFORMAT, "sort is relevance, date or date-asc");
        break;
    case P_COLLAPSE:
        if ((rc = word_value(st, "collapse", v, vlen, word)) != 0)
            break;
        if (strcmp(word, "1") == 0 || !word[0])
            f->no_collapse = 0;
        else if (strcmp(word, "0") == 0)
            f->no_collapse = 1;
        else
            rc = fail(st, FUPIN_EFORMAT, "collapse is 0 or 1");
        break;
    case P_OPENSEARCH:
        f->opensearch = 1;
        break;
    default:
        break;
    }
    return rc;
}

static int pairs(form_state *st, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        const char *eq = memchr(s + i, '=', end - i);
        size_t nend = eq ? (size_t)(eq - s) : end;
        size_t vbeg = eq ? nend + 1 : end;
        if (end > i) {
            int rc = pair(st, s + i, nend - i, s + vbeg, end - vbeg);
            if (rc)
                return rc;
        }
        i = end + 1;
    }
    return 0;
}

static int check_dates(form_state *st)
{
    fupin_form *f = st->f;
    char from[13] = "", to[13] = "";
    if (f->from && fupin_date_parse(f->from, strlen(f->from), 0, from) != 0)
        return fail(st, FUPIN_EFORMAT, "bad date in 'from' (use YYYY, YYYY-MM or YYYY-MM-DD)");
    if (f->to && fupin_date_parse(f->to, strlen(f->to), 1, to) != 0)
        return fail(st, FUPIN_EFORMAT, "bad date in 'to' (use YYYY, YYYY-MM or YYYY-MM-DD)");
    if (from[0] && to[0] && strcmp(from, to) > 0)
        return fail(st, FUPIN_EFORMAT, "'from' is after 'to'");
    return 0;
}

int fupin_form_parse(const char *query, size_t qlen, const char *body, size_t blen,
                     fupin_form **out, char *errbuf, size_t errlen)
{
    fupin_form *f = calloc(1, sizeof *f);
    form_own *own = calloc(1, sizeof *own);
    form_state st = { f, own, 1, 0, errbuf, errlen };
    int rc = 0;

    *out = NULL;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!f || !own) {
        free(f);
        free(own);
        return fail(&st, FUPIN_ENOMEM, "out of memory");
    }
    f->own_ = own;
    f->limit = FUPIN_FORM_DEFAULT_LIMIT;
    if ((query && (rc = pairs(&st, query, qlen)) != 0) ||
        (body && (rc = pairs(&st, body, blen)) != 0))
        goto done;
    f->q = own->q ? own->q : "";
    if (!own->q)
        f->qlen = 0;
    f->source = own->source;
    f->from = own->from;
    f->to = own->to;
    f->id = own->id;
    if (!own->id)
        f->idlen = 0;
    if ((rc = check_dates(&st)) != 0)
        goto done;
    if (!st.have_offset) {
        uint64_t off = (uint64_t)(st.page - 1) * f->limit;
        f->offset = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
    }
    if (f->offset > FUPIN_FORM_MAX_OFFSET)
        rc = fail(&st, FUPIN_ELIMIT, "page too far: results after the first 10000 are not shown");
done:
    if (rc)
        fupin_form_free(f);
    else
        *out = f;
    return rc;
}

void fupin_form_free(fupin_form *f)
{
    if (!f)
        return;
    form_own *own = f->own_;
    if (own) {
        free(own->q);
        free(own->source);
        free(own->from);
        free(own->to);
        free(own->id);
        free(own);
    }
    free(f);
}

size_t fupin_form_escape(const char *s, size_t len, char *dst)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            dst[o++] = (char)c;
        } else if (c == ' ') {
            dst[o++] = '+';
        } else {
            dst[o++] = '%';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
        }
    }
    return o;
}

int fupin_form_encode(const fupin_form *f, char **out, size_t *out_len)
{
    static const char *const sorts[] = { NULL, "date", "date-asc" };
    const char *fields[4][2] = { { "q", f->qlen ? f->q : NULL }, { "source", f->source },
                                 { "from", f->from }, { "to", f->to } };
    size_t lens[4] = { f->qlen, f->source ? strlen(f->source) : 0,
                       f->from ? strlen(f->from) : 0, f->to ? strlen(f->to) : 0 };
    size_t cap = 128;
    for (int i = 0; i < 4; i++)
        cap += 3 * lens[i] + 16;
    char *buf = malloc(cap), *p = buf;

    *out = NULL;
    if (!buf)
        return FUPIN_ENOMEM;
    for (int i = 0; i < 4; i++) {
        if (!fields[i][1] || !lens[i])
            continue;
        p += sprintf(p, "%s%s=", p > buf ? "&" : "", fields[i][0]);
        p += fupin_form_escape(fields[i][1], lens[i], p);
    }
    if (f->sort > 0 && f->sort < 3)
        p += sprintf(p, "%ssort=%s", p > buf ? "&" : "", sorts[f->sort]);
    if (f->no_collapse)
        p += sprintf(p, "%scollapse=0", p > buf ? "&" : "");
    if (f->limit != FUPIN_FORM_DEFAULT_LIMIT)
        p += sprintf(p, "%sn=%u", p > buf ? "&" : "", (unsigned)f->limit);
    if (f->offset && f->limit && f->offset % f->limit == 0)
        p += sprintf(p, "%spage=%u", p > buf ? "&" : "", (unsigned)(f->offset / f->limit + 1));
    else if (f->offset)
        p += sprintf(p, "%soffset=%u", p > buf ? "&" : "", (unsigned)f->offset);
    if (f->format == FUPIN_FORM_JSON)
        p += sprintf(p, "%sformat=json", p > buf ? "&" : "");
    *p = '\0';
    if (out_len)
        *out_len = (size_t)(p - buf);
    *out = buf;
    return 0;
}
