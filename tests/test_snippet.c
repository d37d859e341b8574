/* test_snippet.c - snippet choice, cutting, highlighting and escaping.
 *
 * Expected strings are written out in full.  The filler "零一二三四五六七八九"
 * (character i is digit i mod 10) makes window positions easy to count. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../searcher/snippet.h"
#include "../common/status.h"
#include "check.h"

#define F10 "零一二三四五六七八九"
#define FFFD "\xEF\xBF\xBD"
#define ELL "\xE2\x80\xA6"

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char b = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
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

/* Makes a snippet, checking what every output must satisfy. */
static char *snip_n(const char *t, size_t tl, const fupin_snippet_hit *h, size_t nh,
                    size_t width, int style)
{
    char *out = (char *)"x";
    size_t olen = 12345;
    int rc = fupin_snippet_make(t, tl, h, nh, width, style, &out, &olen);

    CHECK(rc == 0, "rc %d", rc);
    if (rc != 0)
        return NULL;
    CHECK(out != NULL, "out NULL");
    CHECK(strlen(out) == olen, "strlen %zu != out_len %zu", strlen(out), olen);
    CHECK(valid_utf8((const unsigned char *)out, olen), "invalid UTF-8 out: %s", out);
    return out;
}

static char *snip(const char *t, const fupin_snippet_hit *h, size_t nh, size_t width, int style)
{
    return snip_n(t, strlen(t), h, nh, width, style);
}

#define EXPECT(got, want) do { \
    char *g_ = (got); \
    CHECK(g_ && strcmp(g_, (want)) == 0, "\n  got  \"%s\"\n  want \"%s\"", g_ ? g_ : "(null)", (want)); \
    free(g_); \
} while (0)

/* The hit on the nth (0-based) occurrence of needle in t. */
static fupin_snippet_hit hit_of(const char *t, const char *needle, int nth, uint32_t kw)
{
    const char *p = t;
    fupin_snippet_hit h = { 0, 0, kw };

    for (;;) {
        p = strstr(p, needle);
        if (!p || nth-- == 0)
            break;
        p++;
    }
    CHECK(p != NULL, "needle %s not in text", needle);
    if (p) {
        h.off = (uint32_t)(p - t);
        h.len = (uint32_t)strlen(needle);
    }
    return h;
}

static void test_no_hits(void)
{
    EXPECT(snip(F10 F10 F10, NULL, 0, 10, FUPIN_SNIPPET_BRACKETS), F10 ELL);
    EXPECT(snip(F10, NULL, 0, 10, FUPIN_SNIPPET_BRACKETS), F10);
    EXPECT(snip(F10, NULL, 0, 3, FUPIN_SNIPPET_HTML), "零一二" ELL);
    EXPECT(snip("  \n" F10, NULL, 0, 6, FUPIN_SNIPPET_BRACKETS), "零一二" ELL);
    /* the cut falls in trailing whitespace: nothing visible was cut */
    EXPECT(snip("abc   \n\n", NULL, 0, 4, FUPIN_SNIPPET_BRACKETS), "abc");
    EXPECT(snip("", NULL, 0, 10, FUPIN_SNIPPET_BRACKETS), "");
    EXPECT(snip_n(NULL, 0, NULL, 0, 10, FUPIN_SNIPPET_BRACKETS), "");
    EXPECT(snip(" \n\t\xe3\x80\x80 ", NULL, 0, 10, FUPIN_SNIPPET_BRACKETS), "");
    EXPECT(snip(F10 F10, NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), F10 F10);
}

static void test_one_hit_middle(void)
{
    const char *t = F10 F10 F10 F10 F10 "扶贫" F10 F10 F10 F10 F10;
    fupin_snippet_hit h = hit_of(t, "扶贫", 0, 0);

    /* width 20: 2 for the hit, 9 either side */
    EXPECT(snip(t, &h, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "一二三四五六七八九[扶贫]零一二三四五六七八" ELL);
    /* width 4: the hit, 1 before (a quarter of the width), 1 after */
    EXPECT(snip(t, &h, 1, 4, FUPIN_SNIPPET_BRACKETS), ELL "九[扶贫]零" ELL);
    /* width 2: only the hit; the context is width/4 = 0 */
    EXPECT(snip(t, &h, 1, 2, FUPIN_SNIPPET_BRACKETS), ELL "[扶贫]" ELL);
    /* width 1: the hit is clipped to the window */
    EXPECT(snip(t, &h, 1, 1, FUPIN_SNIPPET_BRACKETS), ELL "[扶]" ELL);
}

static void test_window_choice(void)
{
    /* 扶贫 (kw 0) alone early; far later 脱贫 (kw 1) and 扶贫 close together */
    const char *t = "零一二三四扶贫" F10 F10 F10 F10 F10 F10 "脱贫零一扶贫" F10 F10 F10;
    fupin_snippet_hit h[3] = { hit_of(t, "扶贫", 0, 0), hit_of(t, "脱贫", 0, 1),
                               hit_of(t, "扶贫", 1, 0) };
    fupin_snippet_hit rev[3] = { h[2], h[1], h[0] };

    /* span 6, 7 characters either side */
    EXPECT(snip(t, h, 3, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "三四五六七八九[脱贫]零一[扶贫]零一二三四五六" ELL);
    /* hits in any order */
    EXPECT(snip(t, rev, 3, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "三四五六七八九[脱贫]零一[扶贫]零一二三四五六" ELL);
    /* keyword numbers need not be small */
    h[0].kw = h[2].kw = 4000000000u;
    h[1].kw = 7;
    EXPECT(snip(t, h, 3, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "三四五六七八九[脱贫]零一[扶贫]零一二三四五六" ELL);
    /* the same keyword everywhere: the window with more hits wins */
    h[0].kw = h[1].kw = h[2].kw = 3;
    EXPECT(snip(t, h, 3, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "三四五六七八九[脱贫]零一[扶贫]零一二三四五六" ELL);
    /* one keyword in each window: the earliest wins; from the text start
     * the window shows more after the hit instead */
    {
        fupin_snippet_hit two[2] = { hit_of(t, "扶贫", 0, 0), hit_of(t, "扶贫", 1, 1) };
        EXPECT(snip(t, two, 2, 20, FUPIN_SNIPPET_BRACKETS),
               "零一二三四[扶贫]零一二三四五六七八九零一二" ELL);
    }
    /* more distinct keywords beat more hits: 3 x kw 0 early vs kw 0 + kw 1 */
    {
        const char *u = "甲甲甲" F10 F10 F10 "甲乙" F10 F10;
        fupin_snippet_hit k[5] = { hit_of(u, "甲", 0, 0), hit_of(u, "甲", 1, 0),
                                   hit_of(u, "甲", 2, 0), hit_of(u, "甲", 3, 0),
                                   hit_of(u, "乙", 0, 1) };
        EXPECT(snip(u, k, 5, 10, FUPIN_SNIPPET_BRACKETS), ELL "六七八九[甲乙]零一二三" ELL);
        EXPECT(snip(u, k, 4, 10, FUPIN_SNIPPET_BRACKETS), "[甲甲甲]零一二三四五六" ELL);
    }
}

static void test_exact_highlight(void)
{
    const char *t = "The G20 summit in Hangzhou";
    fupin_snippet_hit h = hit_of(t, "G20", 0, 0);
    fupin_snippet_hit part = hit_of(t, "summ", 0, 0);
    const char *c = "扶贫开发";
    fupin_snippet_hit mid1 = { 1, 1, 0 }, mid2 = { 2, 2, 0 };

    EXPECT(snip(t, &h, 1, 0, FUPIN_SNIPPET_BRACKETS), "The [G20] summit in Hangzhou");
    EXPECT(snip(t, &part, 1, 0, FUPIN_SNIPPET_BRACKETS), "The G20 [summ]it in Hangzhou");
    /* a hit that cuts a character marks the whole character */
    EXPECT(snip(c, &mid1, 1, 0, FUPIN_SNIPPET_BRACKETS), "[扶]贫开发");
    EXPECT(snip(c, &mid2, 1, 0, FUPIN_SNIPPET_BRACKETS), "[扶贫]开发");
}

static void test_merge(void)
{
    const char *t = "脱贫攻坚战";
    fupin_snippet_hit ov[2] = { hit_of(t, "脱贫攻", 0, 0), hit_of(t, "攻坚", 0, 1) };
    fupin_snippet_hit adj[2] = { hit_of(t, "攻坚", 0, 1), hit_of(t, "脱贫", 0, 0) };
    fupin_snippet_hit nest[2] = { hit_of(t, "脱贫攻坚战", 0, 0), hit_of(t, "贫攻", 0, 1) };
    fupin_snippet_hit apart[2] = { hit_of(t, "脱", 0, 0), hit_of(t, "攻", 0, 1) };
    fupin_snippet_hit dup[2] = { hit_of(t, "贫攻", 0, 0), hit_of(t, "贫攻", 0, 1) };

    EXPECT(snip(t, ov, 2, 0, FUPIN_SNIPPET_BRACKETS), "[脱贫攻坚]战");
    EXPECT(snip(t, adj, 2, 0, FUPIN_SNIPPET_BRACKETS), "[脱贫攻坚]战");
    EXPECT(snip(t, nest, 2, 0, FUPIN_SNIPPET_BRACKETS), "[脱贫攻坚战]");
    EXPECT(snip(t, apart, 2, 0, FUPIN_SNIPPET_BRACKETS), "[脱]贫[攻]坚战");
    EXPECT(snip(t, dup, 2, 0, FUPIN_SNIPPET_HTML), "脱<b>贫攻</b>坚战");
    EXPECT(snip(t, ov, 2, 3, FUPIN_SNIPPET_BRACKETS), "[脱贫攻]" ELL);
}

static void test_html(void)
{
    const char *t = "<script>alert(\"x&y\")</script> & 'q'";
    fupin_snippet_hit h = hit_of(t, "\"x&y\"", 0, 0);
    fupin_snippet_hit q = hit_of(t, "'q'", 0, 0);

    EXPECT(snip(t, &h, 1, 0, FUPIN_SNIPPET_HTML),
           "&lt;script&gt;alert(<b>&quot;x&amp;y&quot;</b>)&lt;/script&gt; &amp; &#39;q&#39;");
    EXPECT(snip(t, &q, 1, 0, FUPIN_SNIPPET_HTML),
           "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; &amp; <b>&#39;q&#39;</b>");
    /* brackets leave the text alone */
    EXPECT(snip(t, &h, 1, 0, FUPIN_SNIPPET_BRACKETS),
           "<script>alert([\"x&y\"])</script> & 'q'");
    EXPECT(snip(t, NULL, 0, 8, FUPIN_SNIPPET_HTML), "&lt;script&gt;" ELL);
}

static void test_ansi(void)
{
    const char *t = "贫困户脱贫";
    fupin_snippet_hit h = hit_of(t, "脱贫", 0, 0);

    EXPECT(snip(t, &h, 1, 0, FUPIN_SNIPPET_ANSI), "贫困户\x1b[1m脱贫\x1b[0m");
    /* an escape sequence in the text never reaches the terminal, nor a NUL a C string */
    EXPECT(snip("a\x1b[31mb", NULL, 0, 0, FUPIN_SNIPPET_ANSI), "a" FFFD "[31mb");
    EXPECT(snip_n("a\0b\x7f", 4, NULL, 0, 0, FUPIN_SNIPPET_ANSI), "a" FFFD "b" FFFD);
    EXPECT(snip("x\xc2\x9by", NULL, 0, 0, FUPIN_SNIPPET_ANSI), "x" FFFD "y");
}

static void test_invalid_utf8(void)
{
    const char *t1 = "ab\xff" "cd";
    fupin_snippet_hit h1 = { 2, 2, 0 };
    /* "\xe5\xbc" is 开 (E5 BC 80) cut short: one U+FFFD */
    const char *t2 = "扶贫\xe5\xbc开发";
    fupin_snippet_hit h2 = { 3, 8, 0 };
    fupin_snippet_hit h3 = { 7, 1, 0 };   /* only the broken sequence's 2nd byte */

    EXPECT(snip(t1, &h1, 1, 0, FUPIN_SNIPPET_BRACKETS), "ab[" FFFD "c]d");
    EXPECT(snip(t2, &h2, 1, 0, FUPIN_SNIPPET_BRACKETS), "扶[贫" FFFD "开]发");
    EXPECT(snip(t2, &h3, 1, 0, FUPIN_SNIPPET_BRACKETS), "扶贫[" FFFD "]开发");
    /* maximal subparts: overlong, surrogate, above U+10FFFF, cut at the end */
    EXPECT(snip("a\xc0\x80" "b", NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), "a" FFFD FFFD "b");
    EXPECT(snip("a\xed\xa0\x80" "b", NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), "a" FFFD FFFD FFFD "b");
    EXPECT(snip("a\xf4\x90\x80\x80" "b", NULL, 0, 0, FUPIN_SNIPPET_BRACKETS),
           "a" FFFD FFFD FFFD FFFD "b");
    EXPECT(snip("ab\xe6\x89", NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), "ab" FFFD);
    EXPECT(snip("\x80\x80\x80\x80\x80" "a", NULL, 0, 3, FUPIN_SNIPPET_BRACKETS),
           FFFD FFFD FFFD ELL);
    EXPECT(snip("\xf0\x9f\x98\x80\xf0\x9f\x98" "a", NULL, 0, 0, FUPIN_SNIPPET_HTML),
           "\xf0\x9f\x98\x80" FFFD "a");
    /* stray continuation bytes after a whole character are characters of their own */
    {
        const char *t = F10 "扶\x80\x80贫" F10;
        fupin_snippet_hit h = hit_of(t, "贫", 0, 0);
        fupin_snippet_hit stray = { 34, 1, 0 };
        EXPECT(snip(t, &h, 1, 5, FUPIN_SNIPPET_BRACKETS), ELL FFFD FFFD "[贫]零一" ELL);
        EXPECT(snip(t, &stray, 1, 0, FUPIN_SNIPPET_BRACKETS), F10 "扶" FFFD "[" FFFD "]贫" F10);
    }
    /* a window whose edges fall next to broken bytes, around a hit */
    {
        const char *t = F10 "\xff\xfe" F10 "\xe6\x89" "扶贫" "\x80" F10 "\xc3" F10;
        fupin_snippet_hit h = hit_of(t, "扶贫", 0, 0);
        EXPECT(snip(t, &h, 1, 6, FUPIN_SNIPPET_BRACKETS), ELL "九" FFFD "[扶贫]" FFFD "零" ELL);
        EXPECT(snip(t, &h, 1, 16, FUPIN_SNIPPET_BRACKETS),
               ELL "四五六七八九" FFFD "[扶贫]" FFFD "零一二三四五" ELL);
    }
}

static void test_edges(void)
{
    const char *t = F10 F10 F10 F10 F10;
    fupin_snippet_hit first = { 0, 6, 0 };             /* 零一 */
    fupin_snippet_hit last = { 48 * 3, 6, 0 };         /* 八九 */

    EXPECT(snip(t, &first, 1, 20, FUPIN_SNIPPET_BRACKETS),
           "[零一]二三四五六七八九零一二三四五六七八九" ELL);
    EXPECT(snip(t, &last, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "零一二三四五六七八九零一二三四五六七[八九]");
    /* hits filling nearly all the width: the window grows to keep 10
     * characters of context before them (width 40, span 35, 45 shown) */
    {
        const char *u = F10 F10 "甲" F10 F10 F10 "零一二乙" F10;
        fupin_snippet_hit h[2] = { hit_of(u, "甲", 0, 0), hit_of(u, "乙", 0, 1) };
        EXPECT(snip(u, h, 2, 40, FUPIN_SNIPPET_BRACKETS),
               ELL F10 "[甲]" F10 F10 F10 "零一二[乙]" ELL);
    }
    /* width larger than the text: all of it, no ellipsis */
    {
        const char *u = "扶贫开发";
        fupin_snippet_hit h = hit_of(u, "开发", 0, 0);
        EXPECT(snip(u, &h, 1, 100, FUPIN_SNIPPET_BRACKETS), "扶贫[开发]");
        EXPECT(snip(u, &h, 1, 4, FUPIN_SNIPPET_BRACKETS), "扶贫[开发]");
        EXPECT(snip(u, &h, 1, (size_t)-1, FUPIN_SNIPPET_BRACKETS), "扶贫[开发]");
    }
}

static void test_whitespace(void)
{
    const char *t = "第一段。\n\n第二段\xe3\x80\x80\xe3\x80\x80内容  end \xc2\xa0x\t\ty";
    const char *ab = "a  \n b";
    fupin_snippet_hit all = { 0, 6, 0 };
    fupin_snippet_hit a_sp = { 0, 2, 0 };
    fupin_snippet_hit sp = { 1, 2, 0 };

    EXPECT(snip(t, NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), "第一段。 第二段 内容 end x y");
    EXPECT(snip("\n  abc \n", NULL, 0, 0, FUPIN_SNIPPET_BRACKETS), "abc");
    /* a space is marked when all of the run it stands for is */
    EXPECT(snip(ab, &all, 1, 0, FUPIN_SNIPPET_BRACKETS), "[a b]");
    EXPECT(snip(ab, &a_sp, 1, 0, FUPIN_SNIPPET_BRACKETS), "[a] b");
    EXPECT(snip(ab, &sp, 1, 0, FUPIN_SNIPPET_BRACKETS), "a b");
    /* whitespace counts towards the width before it is collapsed */
    EXPECT(snip("ab\n\n\n\ncd", NULL, 0, 5, FUPIN_SNIPPET_BRACKETS), "ab" ELL);
}

static void test_out_of_range(void)
{
    const char *t = "abc";
    fupin_snippet_hit h[6] = {
        { 2, 100, 0 }, { 3, 1, 1 }, { 0xFFFFFFFFu, 0xFFFFFFFFu, 2 },
        { 1, 0, 3 }, { 100, 5, 4 }, { 0, 0, 5 }
    };
    fupin_snippet_hit tail = { 1, 0xFFFFFFFFu, 0 };

    EXPECT(snip(t, h, 6, 0, FUPIN_SNIPPET_BRACKETS), "ab[c]");
    EXPECT(snip(t, h, 6, 2, FUPIN_SNIPPET_BRACKETS), ELL "b[c]");
    EXPECT(snip(t, h + 1, 5, 2, FUPIN_SNIPPET_BRACKETS), "ab" ELL);
    EXPECT(snip(t, &tail, 1, 0, FUPIN_SNIPPET_HTML), "a<b>bc</b>");
}

static void test_sentence(void)
{
    /* the window would start on the 。: it starts after it and ends later */
    const char *t1 = F10 F10 "。甲乙丙丁戊己庚辛扶贫" F10 F10;
    /* a 。 6 characters before the window: it starts there and ends earlier */
    const char *t2 = F10 "零一二三四。甲乙丙丁戊己庚辛壬癸子丑寅卯辰扶贫" F10 F10;
    /* no sentence end within 20 characters: cut as laid out */
    const char *t3 = "。" F10 F10 F10 "扶贫" F10 F10;
    /* a paragraph break counts too */
    const char *t4 = F10 F10 "\n甲乙丙丁戊己庚辛扶贫" F10 F10;
    fupin_snippet_hit h1 = hit_of(t1, "扶贫", 0, 0), h2 = hit_of(t2, "扶贫", 0, 0);
    fupin_snippet_hit h3 = hit_of(t3, "扶贫", 0, 0), h4 = hit_of(t4, "扶贫", 0, 0);

    EXPECT(snip(t1, &h1, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "甲乙丙丁戊己庚辛[扶贫]零一二三四五六七八九" ELL);
    EXPECT(snip(t2, &h2, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "甲乙丙丁戊己庚辛壬癸子丑寅卯辰[扶贫]零一二" ELL);
    EXPECT(snip(t3, &h3, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "一二三四五六七八九[扶贫]零一二三四五六七八" ELL);
    EXPECT(snip(t4, &h4, 1, 20, FUPIN_SNIPPET_BRACKETS),
           ELL "甲乙丙丁戊己庚辛[扶贫]零一二三四五六七八九" ELL);
}

static void test_bad_args(void)
{
    char *out = (char *)"x";
    size_t olen = 7;
    fupin_snippet_hit h = { 0, 1, 0 };

    CHECK(fupin_snippet_make("ab", 2, &h, 1, 10, 3, &out, &olen) == FUPIN_EINVAL, "style 3");
    CHECK(out == NULL && olen == 0, "out reset");
    CHECK(fupin_snippet_make("ab", 2, &h, 1, 10, 0, NULL, &olen) == FUPIN_EINVAL, "out NULL");
    CHECK(fupin_snippet_make(NULL, 2, &h, 1, 10, 0, &out, &olen) == FUPIN_EINVAL, "text NULL");
    CHECK(fupin_snippet_make("ab", 2, NULL, 1, 10, 0, &out, &olen) == FUPIN_EINVAL, "hits NULL");
    CHECK(fupin_snippet_make("ab", 2, &h, 1, 10, 0, &out, NULL) == 0 && out &&
          strcmp(out, "[a]b") == 0, "out_len may be NULL");
    free(out);
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
    return *s;
}

/* HTML output is well formed: only our tags, unnested, closed; only our entities. */
static int html_ok(const char *s)
{
    int open = 0;

    for (; *s; s++) {
        if (*s == '<') {
            if (!open && strncmp(s, "<b>", 3) == 0) { open = 1; s += 2; }
            else if (open && strncmp(s, "</b>", 4) == 0) { open = 0; s += 3; }
            else return 0;
        } else if (*s == '>' || *s == '"' || *s == '\'') {
            return 0;
        } else if (*s == '&') {
            if (strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) &&
                strncmp(s, "&quot;", 6) && strncmp(s, "&#39;", 5))
                return 0;
        }
    }
    return !open;
}

/* Random texts from a small alphabet of tricky pieces, random hits, every style. */
static void test_random(void)
{
    static const char *const pieces[] = {
        "扶", "贫", "。", "\n", " ", "\xe3\x80\x80", "a", "<", "&", "\"", "\xff",
        "\xe6\x89", "\x80", "\xf0\x9f\x98\x80", "\x1b", "\xc2\xa0", "！"
    };
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char text[600];
    fupin_snippet_hit hits[16];
    int bad = 0, badhtml = 0;

    for (int round = 0; round < 3000; round++) {
        size_t n = 0, np = rng(&seed) % 120, nh = rng(&seed) % 16;
        for (size_t i = 0; i < np; i++) {
            const char *p = pieces[rng(&seed) % (sizeof pieces / sizeof *pieces)];
            memcpy(text + n, p, strlen(p));
            n += strlen(p);
        }
        for (size_t i = 0; i < nh; i++) {
            hits[i].off = (uint32_t)(rng(&seed) % (n + 4));
            hits[i].len = (uint32_t)(rng(&seed) % 12);
            hits[i].kw = (uint32_t)(rng(&seed) % 4);
        }
        for (int style = 0; style < 3; style++) {
            char *out = NULL;
            size_t olen = 0, width = rng(&seed) % 40;
            int rc = fupin_snippet_make(text, n, hits, nh, width, style, &out, &olen);
            if (rc != 0 || !out || strlen(out) != olen ||
                !valid_utf8((const unsigned char *)out, olen))
                bad++;
            else if (style == FUPIN_SNIPPET_HTML && !html_ok(out))
                badhtml++;
            free(out);
        }
    }
    CHECK(bad == 0, "%d random snippets failed", bad);
    CHECK(badhtml == 0, "%d random HTML snippets malformed", badhtml);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SLOW_BUILD 1
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD 0
#endif

/* 1 MB of Chinese text with 10,000 hits; the close pair near the end wins. */
static void test_big(void)
{
    size_t n = 0, cap = 1 << 20, nh = 0, i;
    char *t = malloc(cap + 64);
    fupin_snippet_hit *h = malloc(10000 * sizeof *h), *rev = malloc(10000 * sizeof *rev);
    const char *unit = F10 "扶贫" F10 F10 "零一";   /* 34 characters, 102 bytes */
    double best = 1e9, best_rev = 1e9;
    char *out = NULL;

    for (; nh < 9999; nh++, n += 102) {
        memcpy(t + n, unit, 102);
        h[nh].off = (uint32_t)(n + 30);
        h[nh].len = 6;
        h[nh].kw = 0;
    }
    memcpy(t + n, "脱贫", 6);
    h[nh].off = (uint32_t)n;
    h[nh].len = 6;
    h[nh].kw = 1;
    nh++;
    n += 6;
    while (n < cap) {
        memcpy(t + n, F10, 30);
        n += 30;
    }
    CHECK(nh == 10000, "nh %zu", nh);
    for (i = 0; i < nh; i++)
        rev[i] = h[nh - 1 - i];
    for (int r = 0; r < 20; r++) {
        double t0 = now_ms(), t1;
        size_t olen;
        int rc = fupin_snippet_make(t, n, h, nh, 100, FUPIN_SNIPPET_HTML, &out, &olen);
        t1 = now_ms();
        if (t1 - t0 < best)
            best = t1 - t0;
        CHECK(rc == 0 && out, "rc %d", rc);
        if (r == 0 && out) {
            CHECK(valid_utf8((unsigned char *)out, olen), "utf8");
            /* the pair (kw 0 then kw 1) shares a window; centred on the two hits */
            CHECK(strstr(out, "<b>扶贫</b>" F10 F10 "零一<b>脱贫</b>")
                  != NULL, "pair window: %s", out);
        }
        free(out);
        out = NULL;
        t0 = now_ms();
        rc = fupin_snippet_make(t, n, rev, nh, 100, FUPIN_SNIPPET_HTML, &out, &olen);
        t1 = now_ms();
        if (t1 - t0 < best_rev)
            best_rev = t1 - t0;
        free(out);
        out = NULL;
    }
    printf("1 MB, 10000 hits, width 100: %.3f ms sorted, %.3f ms reversed (best of 20)\n",
           best, best_rev);
    CHECK(best < (SLOW_BUILD ? 25.0 : 5.0), "too slow: %.3f ms", best);
    CHECK(best_rev < (SLOW_BUILD ? 25.0 : 5.0), "too slow: %.3f ms", best_rev);
    {
        double t0 = now_ms(), t1;
        size_t olen;
        int rc = fupin_snippet_make(t, n, h, nh, 0, FUPIN_SNIPPET_HTML, &out, &olen);
        t1 = now_ms();
        CHECK(rc == 0 && out && valid_utf8((unsigned char *)out, olen), "whole 1 MB");
        printf("1 MB, 10000 hits, whole text: %.3f ms, %zu bytes out\n", t1 - t0, olen);
        free(out);
    }
    free(t);
    free(h);
    free(rev);
}

int main(void)
{
    test_no_hits();
    test_one_hit_middle();
    test_window_choice();
    test_exact_highlight();
    test_merge();
    test_html();
    test_ansi();
    test_invalid_utf8();
    test_edges();
    test_whitespace();
    test_out_of_range();
    test_sentence();
    test_bad_args();
    test_random();
    test_big();
    return TEST_DONE();
}
