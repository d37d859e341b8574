/* plaintext.c - owns the lines of the plain-text article being collected and
 * the buffer its parsed fields are copied into (format in plaintext.h).
 *
 * Parsing works on spans of the collected text: the header (title, meta
 * line, byline) is recognised from the top, the footer from the bottom, and
 * only then are the chosen spans copied into one output buffer, in field
 * order.  The output never needs more bytes than the input plus one (every
 * join replaces a line end), so it is reserved once per article and field
 * pointers are fixed up from offsets at the end.
 */
#include "plaintext.h"
#include "../common/status.h"

#include <stdlib.h>
#include <string.h>

#define META_MAX_BYTES 600     /* a longer line is body text, not a meta line */
#define BYLINE_MAX_BYTES 120   /* about 40 CJK characters */
#define PAGE_NUMBER_MAX 4      /* digits of a lone page-number line */

typedef struct span {
    size_t off, len;
} span;

struct fupin_plaintext {
    char *block;            /* collected lines, each ending in "\n" */
    size_t block_len, block_cap;
    uint64_t block_first;   /* number of the block's first line */
    char *pending;          /* text after a form feed: the next article's start */
    size_t pending_len, pending_cap;
    uint64_t pending_line;
    int has_pending;
    span *lines;
    size_t nlines, lines_cap;
    char *out;
    size_t out_cap;
};

int fupin_plaintext_new(fupin_plaintext **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : FUPIN_ENOMEM;
}

void fupin_plaintext_free(fupin_plaintext *p)
{
    if (!p)
        return;
    free(p->block);
    free(p->pending);
    free(p->lines);
    free(p->out);
    free(p);
}

void fupin_plaintext_reset(fupin_plaintext *p)
{
    p->block_len = 0;
    p->block_first = 0;
    p->has_pending = 0;
    p->pending_len = 0;
}

static int reserve(char **buf, size_t *cap, size_t need)
{
    char *nb;
    size_t c = *cap ? *cap : 4096;

    if (need <= *cap)
        return 0;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return FUPIN_ENOMEM;
        c *= 2;
    }
    nb = realloc(*buf, c);
    if (!nb)
        return FUPIN_ENOMEM;
    *buf = nb;
    *cap = c;
    return 0;
}

/* ---- bytes and whitespace ---- */

/* Length of the whitespace character at s[0..n), 0 if none: ASCII blanks,
 * U+00A0, U+3000 and U+FEFF (a BOM left inside a concatenated file). */
static size_t ws_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' || u[0] == '\f' || u[0] == '\v'))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n >= 3 && ((u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
                   (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)))
        return 3;
    return 0;
}

/* Length of the whitespace character ending at s[n), 0 if none. */
static size_t ws_before(const char *s, size_t n)
{
    if (n >= 3 && ws_at(s + n - 3, 3) == 3)
        return 3;
    if (n >= 2 && ws_at(s + n - 2, 2) == 2)
        return 2;
    if (n >= 1 && ws_at(s + n - 1, 1) == 1)
        return 1;
    return 0;
}

static span trim(const char *text, span s)
{
    size_t k;
    while (s.len && (k = ws_at(text + s.off, s.len)) != 0) {
        s.off += k;
        s.len -= k;
    }
    while (s.len && (k = ws_before(text + s.off, s.len)) != 0)
        s.len -= k;
    return s;
}

static int blank(const char *text, span s)
{
    return trim(text, s).len == 0;
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static int has(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

/* ---- the meta line ---- */

enum { META_SOURCE, META_DATE, META_AUTHOR, META_OTHER };

static const struct {
    const char *key;
    int what;
} meta_keys[] = {
    { "文章来源", META_SOURCE }, { "信息来源", META_SOURCE }, { "新闻来源", META_SOURCE },
    { "稿件来源", META_SOURCE }, { "来源", META_SOURCE },
    { "发布时间", META_DATE }, { "发表时间", META_DATE }, { "更新时间", META_DATE },
    { "发布日期", META_DATE }, { "时间", META_DATE }, { "日期", META_DATE },
    { "作者", META_AUTHOR },
    { "责任编辑", META_OTHER }, { "编辑", META_OTHER }, { "浏览次数", META_OTHER },
    { "阅读次数", META_OTHER }, { "点击数", META_OTHER }, { "点击量", META_OTHER },
    { "访问量", META_OTHER }, { "浏览", META_OTHER }, { "字号", META_OTHER },
};

/* A key followed by a colon at s[0..n): sets *what and *value (offset of
 * the value after the colon and blanks) and returns 1. */
static int meta_key(const char *s, size_t n, int *what, size_t *value)
{
    for (size_t k = 0; k < sizeof meta_keys / sizeof meta_keys[0]; k++) {
        size_t q = strlen(meta_keys[k].key), w;
        if (n < q || memcmp(s, meta_keys[k].key, q) != 0)
            continue;
        while ((w = ws_at(s + q, n - q)) != 0)
            q += w;
        if (q < n && s[q] == ':')
            q += 1;
        else if (starts(s + q, n - q, "："))
            q += 3;
        else
            continue;
        *what = meta_keys[k].what;
        *value = q;
        return 1;
    }
    return 0;
}

typedef struct header {
    span title, source, date, author;
    size_t title_line;
} header;

/* Values of "key: value key: value" in line, each up to the next key. */
static int parse_meta(const char *text, span line, header *h)
{
    span t = trim(text, line);
    const char *s = text + t.off;
    int what, next_what;
    size_t vstart, pos, next_value;

    if (t.len > META_MAX_BYTES || !meta_key(s, t.len, &what, &vstart))
        return 0;
    pos = vstart;
    for (;;) {
        int found = 0;
        for (; pos < t.len; pos++)
            if (meta_key(s + pos, t.len - pos, &next_what, &next_value)) {
                found = 1;
                break;
            }
        span v = trim(text, (span){ t.off + vstart, pos - vstart });
        while (v.len && (text[v.off + v.len - 1] == '|' || text[v.off + v.len - 1] == '/'))
            v = trim(text, (span){ v.off, v.len - 1 });
        span *dst = what == META_SOURCE ? &h->source : what == META_DATE ? &h->date
                  : what == META_AUTHOR ? &h->author : NULL;
        if (dst && dst->len == 0)
            *dst = v;
        if (!found)
            return 1;
        what = next_what;
        vstart = pos + next_value;
        pos = vstart;
    }
}

/* ---- byline and footer ---- */

static int byline_line(const char *text, span line, int first)
{
    static const char *const stops[] = { "。", "，", "！", "？", "；", ",", ";", "!", "?" };
    static const char *const more[] = { "实习生", "摄影", "作者", "特约" };
    span t = trim(text, line);
    const char *s = text + t.off;
    int ok;

    if (t.len == 0 || t.len > BYLINE_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (has(s, t.len, stops[i]))
            return 0;
    ok = has(s, t.len, "记者") || has(s, t.len, "通讯员");
    for (size_t i = 0; !ok && !first && i < sizeof more / sizeof more[0]; i++)
        ok = has(s, t.len, more[i]);
    return ok;
}

static int footer_line(const char *text, span line)
{
    static const char *const prefixes[] = {
        "主办单位", "承办单位", "技术支持", "ICP备案号", "网站标识码", "版权所有",
        "欢迎您访问", "欢迎访问"
    };
    span t = trim(text, line);
    const char *s = text + t.off;
    size_t i;

    if (t.len == 0)
        return 1;
    for (i = 0; i < t.len && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    if (i == t.len && t.len <= PAGE_NUMBER_MAX)
        return 1;
    for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (starts(s, t.len, prefixes[i]))
            return 1;
    if (starts(s, t.len, "您是第") && has(s, t.len, "访"))
        return 1;
    return has(s, t.len, "ICP备") || has(s, t.len, "公网安备");
}

/* ---- the article ---- */

static int split_lines(fupin_plaintext *p, const char *text, size_t len)
{
    size_t pos = 0;

    p->nlines = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t stop = nl ? (size_t)(nl - text) : len;
        span s = { pos, stop - pos };
        while (s.len && text[s.off + s.len - 1] == '\r')   /* "\r\r\n" from double conversion too */
            s.len--;
        if (p->nlines == p->lines_cap) {
            size_t c = p->lines_cap ? 2 * p->lines_cap : 256;
            span *nb = realloc(p->lines, c * sizeof *nb);
            if (!nb)
                return FUPIN_ENOMEM;
            p->lines = nb;
            p->lines_cap = c;
        }
        p->lines[p->nlines++] = s;
        pos = stop + 1;
    }
    return 0;
}

static size_t next_nonblank(const fupin_plaintext *p, const char *text, size_t i)
{
    while (i < p->nlines && blank(text, p->lines[i]))
        i++;
    return i;
}

/* Appends text's span to out at *o, after sep when *o is past start. */
static void put(char *out, size_t *o, size_t start, const char *text, span s)
{
    if (*o > start)
        out[(*o)++] = '\n';
    memcpy(out + *o, text + s.off, s.len);
    *o += s.len;
}

int fupin_plaintext_parse(fupin_plaintext *p, const char *text, size_t len,
                          fupin_article *a, uint64_t *line)
{
    header h;
    size_t i, k, by0, by1, body_end, o = 0, off[FUPIN_F_COUNT] = { 0 };
    int rc;

    memset(&h, 0, sizeof h);
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        a->f[f].ptr = "";
        a->f[f].len = 0;
    }
    *line = 0;
    if ((rc = split_lines(p, text, len)) < 0)
        return rc;
    i = next_nonblank(p, text, 0);
    if (i == p->nlines)
        return 0;
    if ((rc = reserve(&p->out, &p->out_cap, len + 1)) < 0)
        return rc;

    h.title = trim(text, p->lines[i]);
    h.title_line = i++;
    k = next_nonblank(p, text, i);
    if (k < p->nlines && parse_meta(text, p->lines[k], &h))
        i = k + 1;
    by0 = by1 = i;
    k = next_nonblank(p, text, i);
    if (k < p->nlines && byline_line(text, p->lines[k], 1)) {
        by0 = k;
        while (k < p->nlines && byline_line(text, p->lines[k], 0))
            k = next_nonblank(p, text, k + 1);
        by1 = i = k;
    }
    body_end = p->nlines;
    while (body_end > i && footer_line(text, p->lines[body_end - 1]))
        body_end--;

    /* Copy out in field order; the sum of the spans is at most len + 1. */
    off[FUPIN_F_TITLE] = o;
    put(p->out, &o, o, text, h.title);
    a->f[FUPIN_F_TITLE].len = h.title.len;
    off[FUPIN_F_SOURCE] = o;
    put(p->out, &o, o, text, h.source);
    a->f[FUPIN_F_SOURCE].len = h.source.len;
    off[FUPIN_F_DATE] = o;
    put(p->out, &o, o, text, h.date);
    a->f[FUPIN_F_DATE].len = h.date.len;
    off[FUPIN_F_BYLINE] = o;
    if (h.author.len)
        put(p->out, &o, off[FUPIN_F_BYLINE], text, h.author);
    for (k = by0; k < by1; k++)
        if (!blank(text, p->lines[k]))
            put(p->out, &o, off[FUPIN_F_BYLINE], text, trim(text, p->lines[k]));
    a->f[FUPIN_F_BYLINE].len = o - off[FUPIN_F_BYLINE];
    off[FUPIN_F_BODY] = o;
    for (k = i; k < body_end; k++)
        if (!blank(text, p->lines[k]))
            put(p->out, &o, off[FUPIN_F_BODY], text, p->lines[k]);
    a->f[FUPIN_F_BODY].len = o - off[FUPIN_F_BODY];

    for (int f = FUPIN_F_TITLE; f < FUPIN_F_COUNT; f++)
        if (a->f[f].len)
            a->f[f].ptr = p->out + off[f];
    *line = h.title_line + 1;
    return 1;
}

static int block_add(fupin_plaintext *p, const char *line, size_t len, uint64_t lineno)
{
    int rc;

    if (len > SIZE_MAX - p->block_len - 1)
        return FUPIN_ENOMEM;
    if ((rc = reserve(&p->block, &p->block_cap, p->block_len + len + 1)) < 0)
        return rc;
    if (p->block_len == 0)
        p->block_first = lineno;
    if (len)
        memcpy(p->block + p->block_len, line, len);
    p->block_len += len;
    p->block[p->block_len++] = '\n';
    return 0;
}

/* A separator line: returns 1 and in *rest where the next article's text
 * starts on this line (len when it does not). */
static int separator(const char *s, size_t len, size_t *rest)
{
    size_t i = 0, j = len, n;

    /* a BOM left where two files were concatenated */
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && s[i] == '\f') {
        while (i < len && s[i] == '\f')
            i++;
        *rest = i;
        return 1;
    }
    while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\r'))
        j--;
    for (n = i; n < j && s[n] == '='; n++)
        ;
    if (n == j && j - i >= 5) {
        *rest = len;
        return 1;
    }
    return 0;
}

int fupin_plaintext_add_line(fupin_plaintext *p, const char *line, size_t len, uint64_t lineno)
{
    size_t rest;
    int rc;

    if (!separator(line, len, &rest))
        return block_add(p, line, len, lineno);
    p->has_pending = rest < len;
    if (p->has_pending) {
        if ((rc = reserve(&p->pending, &p->pending_cap, len - rest)) < 0)
            return rc;
        memcpy(p->pending, line + rest, len - rest);
        p->pending_len = len - rest;
        p->pending_line = lineno;
    }
    return 1;
}

int fupin_plaintext_take(fupin_plaintext *p, fupin_article *a, uint64_t *line)
{
    int rc = fupin_plaintext_parse(p, p->block ? p->block : "", p->block_len, a, line);

    if (rc == 1)
        *line += p->block_first - 1;
    p->block_len = 0;
    p->block_first = 0;
    if (p->has_pending) {
        p->has_pending = 0;
        int rc2 = block_add(p, p->pending, p->pending_len, p->pending_line);
        if (rc2 < 0)
            rc = rc2;
    }
    return rc;
}
