/* fuzz_snippet.c - libFuzzer target for fupin_snippet_make.
 *
 * Input: byte 0 picks the width (0..199, or 200.. for "whole text"),
 * byte 1 the number of hits (0..32), then 4 bytes per hit (offset u16 LE,
 * length u8, keyword u8; 0xFFFF / 0xFF / >= 0xF0 stand for huge values),
 * and the rest is the text.  Each input is cut in all three styles and the
 * outputs must be NUL-terminated valid UTF-8 without control bytes other
 * than our own markup, be well-formed markup, and say the same thing: once
 * the markup is replaced by the same two marks and HTML unescaped, all three
 * are equal.
 *
 *   clang -fsanitize=fuzzer,address,undefined ... tests/fuzz/fuzz_snippet.c
 *   gcc -DFUPIN_FUZZ_REPLAY_MAIN ... (replays files or directories given)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../searcher/snippet.h"

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char b = s[i], lo = 0x80, hi = 0xBF;
        size_t need;
        if (b < 0x80) { i++; continue; }
        if (b >= 0xC2 && b <= 0xDF) need = 1;
        else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) lo = 0xA0;
            if (b == 0xED) hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) lo = 0x90;
            if (b == 0xF4) hi = 0x8F;
        } else return 0;
        if (n - i <= need) return 0;
        for (size_t k = 1; k <= need; k++) {
            if (s[i + k] < lo || s[i + k] > hi) return 0;
            lo = 0x80; hi = 0xBF;
        }
        i += need + 1;
    }
    return 1;
}

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

/* Rewrites an ANSI or HTML snippet into plain text with \x01 / \x02 for the
 * highlight's start and end, checking the markup on the way.  Returns the
 * length; dst has room for n + 1 bytes (the rewrite never grows). */
static size_t canon(const char *s, size_t n, int style, char *dst)
{
    size_t i = 0, k = 0;
    int open = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (style == FUPIN_SNIPPET_ANSI && c == 0x1b) {
            if (!open && n - i >= 4 && memcmp(s + i, "\x1b[1m", 4) == 0) dst[k++] = 1;
            else if (open && n - i >= 4 && memcmp(s + i, "\x1b[0m", 4) == 0) dst[k++] = 2;
            else FAIL("stray ESC at %zu", i);
            open = !open;
            i += 4;
            continue;
        }
        if (style == FUPIN_SNIPPET_HTML && c == '<') {
            if (!open && n - i >= 3 && memcmp(s + i, "<b>", 3) == 0) { dst[k++] = 1; i += 3; }
            else if (open && n - i >= 4 && memcmp(s + i, "</b>", 4) == 0) { dst[k++] = 2; i += 4; }
            else FAIL("stray < at %zu", i);
            open = !open;
            continue;
        }
        if (style == FUPIN_SNIPPET_HTML && c == '&') {
            static const struct { const char *e; char c; } ents[] = {
                { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' }
            };
            size_t e;
            for (e = 0; e < 5; e++) {
                size_t el = strlen(ents[e].e);
                if (n - i >= el && memcmp(s + i, ents[e].e, el) == 0) {
                    dst[k++] = ents[e].c;
                    i += el;
                    break;
                }
            }
            if (e == 5)
                FAIL("stray & at %zu", i);
            continue;
        }
        if (style == FUPIN_SNIPPET_HTML && (c == '>' || c == '"' || c == '\''))
            FAIL("unescaped %c at %zu", c, i);
        if (c < 0x20 || c == 0x7f || (c == 0xC2 && n - i > 1 && (unsigned char)s[i + 1] < 0xA0))
            FAIL("control character 0x%02x at %zu", c, i);
        dst[k++] = (char)c;
        i++;
    }
    if (open)
        FAIL("highlight left open");
    dst[k] = '\0';
    return k;
}

static size_t code_points(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80 && s[i] != 1 && s[i] != 2;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fupin_snippet_hit hits[32];
    size_t width, nh, i, tlen, nvalid = 0;
    const char *text;
    char *out[3] = { NULL, NULL, NULL }, *plain[3] = { NULL, NULL, NULL };
    size_t olen[3], plen[3];

    if (size < 2)
        return 0;
    width = data[0] < 200 ? data[0] : 0;
    nh = data[1] % 33;
    data += 2;
    size -= 2;
    if (size < nh * 4)
        nh = size / 4;
    for (i = 0; i < nh; i++, data += 4, size -= 4) {
        uint32_t off = (uint32_t)data[0] | (uint32_t)data[1] << 8;
        hits[i].off = off == 0xFFFF ? 0xFFFFFFFFu : off;
        hits[i].len = data[2] == 0xFF ? 0xFFFFFFFFu : data[2];
        hits[i].kw = data[3] >= 0xF0 ? 0xFFFFFF00u | data[3] : data[3];
    }
    text = (const char *)data;
    tlen = size;
    for (i = 0; i < nh; i++)
        nvalid += hits[i].len > 0 && hits[i].off < tlen;

    for (int st = 0; st < 3; st++) {
        int rc = fupin_snippet_make(text, tlen, hits, nh, width, st, &out[st], &olen[st]);
        if (rc != 0 || !out[st])
            FAIL("style %d: rc %d", st, rc);
        if (out[st][olen[st]] != '\0' || strlen(out[st]) != olen[st])
            FAIL("style %d: length %zu, strlen %zu", st, olen[st], strlen(out[st]));
        if (!valid_utf8((const unsigned char *)out[st], olen[st]))
            FAIL("style %d: invalid UTF-8", st);
        plain[st] = malloc(olen[st] + 1);
        if (!plain[st])
            abort();
        if (st == FUPIN_SNIPPET_BRACKETS) {
            memcpy(plain[st], out[st], olen[st] + 1);
            plen[st] = olen[st];
            for (i = 0; i < olen[st]; i++)
                if ((unsigned char)out[st][i] < 0x20 || out[st][i] == 0x7f)
                    FAIL("brackets: control byte at %zu", i);
                else if ((unsigned char)out[st][i] == 0xC2 && (unsigned char)out[st][i + 1] < 0xA0)
                    FAIL("brackets: C1 control at %zu", i);
        } else {
            plen[st] = canon(out[st], olen[st], st, plain[st]);
        }
    }
    if (plen[1] != plen[2] || memcmp(plain[1], plain[2], plen[1]) != 0)
        FAIL("ANSI and HTML differ:\n%s\n%s", out[1], out[2]);
    for (i = 0; i < plen[1]; i++)
        if (plain[1][i] == 1) plain[1][i] = '[';
        else if (plain[1][i] == 2) plain[1][i] = ']';
    if (plen[1] != plen[0] || memcmp(plain[1], plain[0], plen[0]) != 0)
        FAIL("brackets differ:\n%s\n%s", out[0], out[1]);
    if (nvalid == 0 && memchr(out[1], 0x1b, olen[1]))
        FAIL("highlight without a hit");
    /* width + 10 of context + 20 for a sentence start + 2 ellipses */
    if (width > 0 && code_points(plain[2], plen[2]) > width + 32)
        FAIL("%zu characters for width %zu", code_points(plain[2], plen[2]), width);
    if (code_points(plain[2], plen[2]) > tlen + 2)
        FAIL("more characters than bytes in the text");
    for (int st = 0; st < 3; st++) {
        free(out[st]);
        free(plain[st]);
    }
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
