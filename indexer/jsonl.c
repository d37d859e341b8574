/* jsonl.c - owns the jansson tree of the last parsed JSON Lines record.
 *
 * Fields are handed out as views of jansson's own strings (zero copy); the
 * tree is kept until the next parse so the views stay valid.  The only copy
 * made is the repaired line when jansson refuses invalid UTF-8, into a
 * buffer reused from record to record.
 */
#include "jsonl.h"
#include "../common/status.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct fupin_jsonl {
    json_t *root;
    char *fix;           /* the line with invalid UTF-8 replaced */
    size_t fix_cap;
    char idbuf[32];      /* decimal form of an integer id */
    size_t repaired;     /* invalid UTF-8 sequences replaced in the last parse */
    char msg[320];
};

int fupin_jsonl_new(fupin_jsonl **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : FUPIN_ENOMEM;
}

void fupin_jsonl_free(fupin_jsonl *j)
{
    if (!j)
        return;
    json_decref(j->root);
    free(j->fix);
    free(j);
}

const char *fupin_jsonl_errmsg(const fupin_jsonl *j) { return j->msg; }

size_t fupin_jsonl_repaired(const fupin_jsonl *j) { return j->repaired; }

/* Copies line into j->fix with every invalid UTF-8 sequence replaced by
 * U+FFFD (3 bytes for at most 1 bad byte, hence 3 * len). */
static int repair_utf8(fupin_jsonl *j, const char *line, size_t len, size_t *out_len)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)line;
    size_t i = 0, o = 0;

    if (len > (SIZE_MAX - 1) / 3)
        return FUPIN_ENOMEM;
    if (j->fix_cap < 3 * len + 1) {
        char *nb = realloc(j->fix, 3 * len + 1);
        if (!nb)
            return FUPIN_ENOMEM;
        j->fix = nb;
        j->fix_cap = 3 * len + 1;
    }
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n;
        if (s[i] < 0x80) {
            j->fix[o++] = (char)s[i++];
            continue;
        }
        n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            memcpy(j->fix + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            j->repaired++;
        } else {
            memcpy(j->fix + o, s + i, (size_t)n);
            o += (size_t)n;
            i += (size_t)n;
        }
    }
    *out_len = o;
    return 0;
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

int fupin_jsonl_parse(fupin_jsonl *j, const char *line, size_t len, fupin_article *a)
{
    json_error_t e;
    int rc = 0;

    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        a->f[f].ptr = "";
        a->f[f].len = 0;
    }
    json_decref(j->root);
    j->root = NULL;
    j->msg[0] = '\0';
    j->repaired = 0;
    /* a BOM where files were concatenated */
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (is_blank(line, len))
        goto done;

    j->root = json_loadb(line, len, JSON_ALLOW_NUL, &e);
    if (!j->root && json_error_code(&e) == json_error_invalid_utf8) {
        size_t fixed_len;
        if ((rc = repair_utf8(j, line, len, &fixed_len)) < 0) {
            snprintf(j->msg, sizeof j->msg, "out of memory");
            goto done;
        }
        j->root = json_loadb(j->fix, fixed_len, JSON_ALLOW_NUL, &e);
    }
    if (!j->root) {
        snprintf(j->msg, sizeof j->msg, "invalid JSON: %s (column %d)", e.text, e.column);
        rc = FUPIN_EFORMAT;
        goto done;
    }
    if (!json_is_object(j->root)) {
        snprintf(j->msg, sizeof j->msg, "not a JSON object");
        rc = FUPIN_EFORMAT;
        goto done;
    }
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        json_t *v = json_object_get(j->root, fupin_article_field_name(f));
        if (json_is_string(v)) {
            a->f[f].ptr = json_string_value(v);
            a->f[f].len = json_string_length(v);
        } else if (f == FUPIN_F_ID && json_is_integer(v)) {
            int n = snprintf(j->idbuf, sizeof j->idbuf, "%" JSON_INTEGER_FORMAT,
                             json_integer_value(v));
            a->f[f].ptr = j->idbuf;
            a->f[f].len = (size_t)n;
        }
    }
    if (a->f[FUPIN_F_TITLE].len == 0 && a->f[FUPIN_F_BODY].len == 0) {
        snprintf(j->msg, sizeof j->msg, "missing title and body (no non-empty string \"title\" or \"body\")");
        rc = FUPIN_EFORMAT;
        goto done;
    }
    rc = 1;
done:
    if (rc <= 0)
        for (int f = 0; f < FUPIN_F_COUNT; f++) {
            a->f[f].ptr = "";
            a->f[f].len = 0;
        }
    return rc;
}
