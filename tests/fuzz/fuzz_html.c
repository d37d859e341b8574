/* fuzz_html.c - libFuzzer target for web pages: decoding, extraction and
 * the page-line rules, on arbitrary bytes.
 *
 * Each input goes four ways:
 *  1. fupin_decode_to_utf8, as a page and as text: 0 with a charset and no
 *     message, or FUPIN_EENCODING with a message and no text; text that was
 *     converted (not passed through as UTF-8) is valid UTF-8;
 *  2. fupin_html_parse on the raw bytes and on the decoded text: 1 with
 *     fields that are valid UTF-8 without NUL, CR, tab or blank lines, a date
 *     of the form YYYY-MM-DD[ HH:MM], a body of at least 20 characters; or 0
 *     with a message and empty fields; never anything else;
 *  3. parsing the same page again after another gives the same article (no
 *     state leaks from page to page);
 *  4. pagemeta on the input as one line: dates of the promised form, source
 *     spans inside the line, strip_site no longer than the title.
 * Any broken promise aborts.
 *
 * libFuzzer (clang): scripts/fuzz builds it (FUZZ_TARGETS=html make fuzz).
 * Replay saved inputs with any compiler:
 *   build/fuzz/replay_html tests/fuzz/corpus/html
 */
#include "../../indexer/decode.h"
#include "../../indexer/html.h"
#include "../../indexer/pagemeta.h"
#include "../../common/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "broken: %s (%s:%d)\n", #c, \
                                    __FILE__, __LINE__); abort(); } } while (0)

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static int date_form(const char *d, size_t n)
{
    static const char pat[] = "dddd-dd-dd dd:dd";

    if (n != 0 && n != 10 && n != 16)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (pat[i] == 'd' ? !(d[i] >= '0' && d[i] <= '9') : d[i] != pat[i])
            return 0;
    return 1;
}

static void check_article(int rc, const fupin_html *h, const fupin_article *a)
{
    REQUIRE(rc == 0 || rc == 1);
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        const fupin_str *s = &a->f[f];
        REQUIRE(s->ptr != NULL);
        if (rc == 0) {
            REQUIRE(s->len == 0);
            continue;
        }
        REQUIRE(valid_utf8(s->ptr, s->len));
        REQUIRE(memchr(s->ptr, '\0', s->len) == NULL && memchr(s->ptr, '\r', s->len) == NULL &&
                memchr(s->ptr, '\t', s->len) == NULL);
        if (f != FUPIN_F_BODY)
            REQUIRE(memchr(s->ptr, '\n', s->len) == NULL);
    }
    if (rc == 0) {
        REQUIRE(fupin_html_errmsg(h)[0] != '\0');
        return;
    }
    REQUIRE(fupin_html_errmsg(h)[0] == '\0');
    REQUIRE(a->f[FUPIN_F_ID].len == 0 && a->f[FUPIN_F_BYLINE].len == 0);
    REQUIRE(date_form(a->f[FUPIN_F_DATE].ptr, a->f[FUPIN_F_DATE].len));
    const fupin_str *b = &a->f[FUPIN_F_BODY];
    REQUIRE(b->len >= 20);
    REQUIRE(b->ptr[0] != '\n' && b->ptr[b->len - 1] != '\n' && memmem(b->ptr, b->len, "\n\n", 2) == NULL);
    REQUIRE(b->ptr[0] != ' ' && b->ptr[b->len - 1] != ' ');
}

typedef struct copy {
    char *f[FUPIN_F_COUNT];
    size_t len[FUPIN_F_COUNT];
} copy;

static void keep(copy *c, const fupin_article *a)
{
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        c->len[f] = a->f[f].len;
        c->f[f] = malloc(a->f[f].len + 1);
        REQUIRE(c->f[f] != NULL);
        memcpy(c->f[f], a->f[f].ptr, a->f[f].len);
    }
}

static void same(copy *c, const fupin_article *a)
{
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        REQUIRE(c->len[f] == a->f[f].len && memcmp(c->f[f], a->f[f].ptr, c->len[f]) == 0);
        free(c->f[f]);
    }
}

static void run_pagemeta(const char *s, size_t n)
{
    char out[17];
    size_t off, len, end;

    if (fupin_pagemeta_find_date(s, n, out))
        REQUIRE(date_form(out, strlen(out)) && strlen(out) >= 10);
    if (fupin_pagemeta_labelled_date(s, n, out))
        REQUIRE(date_form(out, strlen(out)) && strlen(out) >= 10);
    if (n > 0 && fupin_pagemeta_date_at(s, n, 0, &end, out))
        REQUIRE(end <= n && strlen(out) >= 10);
    if (fupin_pagemeta_labelled_source(s, n, &off, &len))
        REQUIRE(len > 0 && off + len <= n);
    REQUIRE(fupin_pagemeta_strip_site(s, n) <= n);
    (void)fupin_pagemeta_furniture(s, n);
}

static fupin_decode *dec;
static fupin_html *html;

static void cleanup(void)
{
    fupin_decode_free(dec);
    fupin_html_free(html);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char other[] = "<html><body><h1>另一页</h1><p>另一篇文章的正文，用来确认前一页的状态不会留下。</p></body></html>";
    const char *raw = (const char *)data, *text;
    size_t tlen;
    fupin_article a;
    copy c;
    int rc;

    if (!dec) {
        REQUIRE(fupin_decode_new(&dec) == 0 && fupin_html_new(&html) == 0);
        atexit(cleanup);
    }
    /* 2, raw bytes; 3 */
    rc = fupin_html_parse(html, raw, size, &a);
    check_article(rc, html, &a);
    keep(&c, &a);
    REQUIRE(fupin_html_parse(html, other, sizeof other - 1, &a) == 1);
    REQUIRE(fupin_html_parse(html, raw, size, &a) == rc);
    same(&c, &a);

    /* 1, both ways, then 2 on what was decoded */
    for (unsigned flags = 0; flags <= FUPIN_DECODE_HTML; flags += FUPIN_DECODE_HTML) {
        rc = fupin_decode_to_utf8(dec, raw, size, flags, &text, &tlen);
        REQUIRE(rc == 0 || rc == FUPIN_EENCODING);
        if (rc < 0) {
            REQUIRE(text == NULL && tlen == 0 && fupin_decode_errmsg(dec)[0] && !fupin_decode_charset(dec)[0]);
            continue;
        }
        REQUIRE(text != NULL && tlen <= size * 4 + 16 && fupin_decode_charset(dec)[0] && !fupin_decode_errmsg(dec)[0]);
        if (strcmp(fupin_decode_charset(dec), "UTF-8") != 0)
            REQUIRE(valid_utf8(text, tlen));
        rc = fupin_html_parse(html, text, tlen, &a);
        check_article(rc, html, &a);
    }

    /* 4 */
    run_pagemeta(raw, size);
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
