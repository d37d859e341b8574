/* web.c - HTML for the web endpoint: start page, results, article, errors,
 * and the OpenSearch description.
 *
 * Owns the page markup and the one HTML escaper every request or corpus
 * string goes through (esc): it escapes & < > " ', and shows invalid UTF-8
 * and control characters as U+FFFD, so no input can open a tag, leave an
 * attribute or smuggle bytes a browser would reinterpret.  Links are built
 * with fupin_form_encode from a changed copy of the request's form, so they
 * always parse back to the search they name.  Pages are built in one
 * growing buffer; a failed allocation is remembered and reported at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "web.h"
#include "../common/status.h"

typedef struct sb {
    char *p;
    size_t len, cap;
    int oom;
} sb;

static void grow(sb *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 8192;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void put(sb *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(sb *b, const char *s)
{
    put(b, s, strlen(s));
}

/* printf for markup and numbers only: never pass request or corpus text. */
static void putf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sb *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* HTML-escapes s[0..n), keeping newlines and tabs when keep_lines. */
static void esc_lines(sb *b, const char *s, size_t n, int keep_lines)
{
    grow(b, n + n / 2 + 16);
    for (size_t i = 0; i < n && !b->oom;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            puts_(b, "\xEF\xBF\xBD");
            i++;
            continue;
        }
        switch (cp) {
        case '&': puts_(b, "&amp;"); break;
        case '<': puts_(b, "&lt;"); break;
        case '>': puts_(b, "&gt;"); break;
        case '"': puts_(b, "&quot;"); break;
        case '\'': puts_(b, "&#39;"); break;
        default:
            if ((cp < 0x20 && !(keep_lines && (cp == '\n' || cp == '\t'))) ||
                (cp >= 0x7f && cp < 0xa0) || cp == '\r')
                puts_(b, cp == '\r' ? "" : "\xEF\xBF\xBD");
            else
                put(b, s + i, (size_t)k);
        }
        i += (size_t)k;
    }
}

static void esc(sb *b, const char *s, size_t n)
{
    esc_lines(b, s, n, 0);
}

static void escz(sb *b, const char *s)
{
    if (s)
        esc(b, s, strlen(s));
}

/* href="?..." for the search v (plus an extra, already encoded, pair). */
static void href(sb *b, const fupin_form *v, const char *extra_name, const char *extra,
                 size_t extra_len)
{
    char *qs = NULL;
    size_t ql = 0;
    if (fupin_form_encode(v, &qs, &ql) != 0) {
        b->oom = 1;
        return;
    }
    puts_(b, " href=\"?");
    esc(b, qs, ql);
    if (extra_name) {
        char *e = malloc(3 * extra_len + 1);
        if (!e) {
            b->oom = 1;
        } else {
            if (ql)
                puts_(b, "&amp;");
            puts_(b, extra_name);
            puts_(b, "=");
            esc(b, e, fupin_form_escape(extra, extra_len, e));
            free(e);
        }
    }
    puts_(b, "\"");
    free(qs);
}

static void number(sb *b, uint32_t n)
{
    char d[16];
    int k = snprintf(d, sizeof d, "%u", (unsigned)n);
    for (int i = 0; i < k; i++) {
        if (i && (k - i) % 3 == 0)
            put(b, ",", 1);
        put(b, d + i, 1);
    }
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.6 system-ui,-apple-system,\"Noto Sans CJK SC\",\"PingFang SC\","
    "\"Microsoft YaHei\",sans-serif;color:#1f2328;background:#fafaf7}"
    "a{color:#1a4fa0;text-decoration:none}a:hover{text-decoration:underline}"
    "header{background:#fff;border-bottom:1px solid #e4e2dc;padding:14px 24px}"
    ".logo{font-size:22px;font-weight:700;color:#b3261e;margin-right:18px;white-space:nowrap}"
    ".logo small{font-size:13px;color:#6b6b6b;font-weight:400;margin-left:6px}"
    "form.search{display:inline-block;vertical-align:middle;max-width:760px;width:100%}"
    ".box{display:flex;gap:8px}.box input{flex:1;font-size:17px;padding:8px 12px;"
    "border:1px solid #bbb;border-radius:6px}.box button{font-size:16px;padding:8px 20px;"
    "border:0;border-radius:6px;background:#b3261e;color:#fff;cursor:pointer}"
    ".opts{margin-top:6px;font-size:13px;color:#555}.opts label{margin-right:10px}"
    ".opts input,.opts select{font-size:13px;padding:2px 4px;border:1px solid #ccc;border-radius:4px}"
    ".wrap{display:flex;gap:32px;max-width:1100px;padding:16px 24px}"
    "main{flex:1;min-width:0}aside{width:230px;font-size:14px}"
    "aside h3{font-size:14px;margin:12px 0 4px;color:#555}aside ul{list-style:none;margin:0;padding:0}"
    "aside li{display:flex;justify-content:space-between;gap:8px}aside .n{color:#888}"
    "aside .on a{font-weight:700;color:#b3261e}"
    ".stats{color:#666;font-size:14px;margin:4px 0 12px}"
    ".chips a{display:inline-block;background:#f1e3e1;color:#7a1b15;border-radius:12px;"
    "padding:0 10px;margin:0 6px 8px 0;font-size:13px}"
    "ol.hits{list-style:none;margin:0;padding:0}.hit{margin:0 0 22px}"
    ".hit h2{font-size:18px;font-weight:500;margin:0}.meta{font-size:13px;color:#2f7d32}"
    ".copies{font-size:13px}.copies a{color:#6b6b6b}"
    "section.copies{margin-top:24px;border-top:1px solid #e4e2dc}section.copies h2{font-size:16px}"
    "section.copies ul{padding-left:1.2em}section.copies a{color:#1a4fa0}"
    ".snippet{margin:2px 0;color:#333}.snippet b,mark{color:#b3261e;background:none;font-weight:700}"
    ".pager{margin:24px 0;font-size:15px}.pager a,.pager span{display:inline-block;"
    "min-width:32px;padding:2px 8px;margin-right:4px;text-align:center;border-radius:4px}"
    ".pager span.cur{background:#b3261e;color:#fff}"
    "article{max-width:760px;background:#fff;padding:20px 28px;border:1px solid #e4e2dc;border-radius:8px}"
    "article h1{font-size:24px;line-height:1.4;margin:0 0 8px}article p{text-indent:2em;margin:0 0 .9em}"
    "article .byline{color:#555;font-size:14px;white-space:pre-line;text-indent:0}"
    ".help{color:#444;font-size:14px}.help code{background:#f0eee8;padding:0 4px;border-radius:3px}"
    ".err{color:#b3261e}footer{color:#888;font-size:12px;padding:16px 24px}"
    "@media(max-width:760px){.wrap{flex-direction:column}aside{width:auto}}";

static void head(sb *b, const char *title_prefix, const char *t, size_t tlen)
{
    puts_(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"referrer\" content=\"same-origin\">\n<title>");
    if (title_prefix)
        puts_(b, title_prefix);
    if (t && tlen) {
        esc(b, t, tlen);
        puts_(b, " - ");
    }
    puts_(b, "扶贫新闻检索</title>\n"
             "<link rel=\"search\" type=\"application/opensearchdescription+xml\" "
             "title=\"扶贫新闻检索\" href=\"?opensearch=1\">\n<style>");
    puts_(b, css);
    puts_(b, "</style>\n</head>\n<body>\n");
}

static void search_form(sb *b, const fupin_form *f)
{
    static const char *const sorts[][2] = {
        { "relevance", "相关度" }, { "date", "最新在前" }, { "date-asc", "最早在前" } };
    puts_(b, "<header><a class=\"logo\" href=\"?\">扶贫新闻检索<small>fupin</small></a>"
             "<form class=\"search\" method=\"get\" role=\"search\" accept-charset=\"utf-8\">"
             "<div class=\"box\"><input type=\"search\" name=\"q\" maxlength=\"1000\" "
             "placeholder=\"输入关键词，如：驻村 第一书记\" aria-label=\"关键词\" value=\"");
    if (f)
        esc(b, f->q, f->qlen);
    puts_(b, "\"><button type=\"submit\">搜索</button></div>\n<div class=\"opts\">"
             "<label>来源 <input name=\"source\" size=\"12\" value=\"");
    if (f)
        escz(b, f->source);
    puts_(b, "\"></label><label>从 <input name=\"from\" size=\"10\" placeholder=\"2019\" value=\"");
    if (f)
        escz(b, f->from);
    puts_(b, "\"></label><label>到 <input name=\"to\" size=\"10\" placeholder=\"2020-06\" value=\"");
    if (f)
        escz(b, f->to);
    puts_(b, "\"></label><label>排序 <select name=\"sort\">");
    for (int i = 0; i < 3; i++)
        putf(b, "<option value=\"%s\"%s>%s</option>", sorts[i][0],
             f && f->sort == i ? " selected" : "", sorts[i][1]);
    puts_(b, "</select></label>");
    putf(b, "<label><input type=\"checkbox\" name=\"collapse\" value=\"0\"%s> 显示全部转载</label>",
         f && f->no_collapse ? " checked" : "");
    if (f && f->limit != FUPIN_FORM_DEFAULT_LIMIT)
        putf(b, "<input type=\"hidden\" name=\"n\" value=\"%u\">", (unsigned)f->limit);
    puts_(b, "</div></form></header>\n");
}

static void foot(sb *b)
{
    puts_(b, "<footer>fupin 全文检索 · 中文关键词精确匹配 · "
             "<a href=\"?opensearch=1\">添加到浏览器搜索引擎</a></footer>\n</body>\n</html>\n");
}

static int finish(sb *b, char **out, size_t *out_len)
{
    if (b->oom) {
        free(b->p);
        *out = NULL;
        return FUPIN_ENOMEM;
    }
    *out = b->p;
    if (out_len)
        *out_len = b->len;
    return 0;
}

int fupin_web_home(const fupin_form *f, char **out, size_t *out_len)
{
    static const char *const examples[] = {
        "驻村 第一书记", "\"脱贫攻坚\" 湖南", "易地扶贫搬迁", "十八洞", "乡村振兴 -疫情",
        "title:精准扶贫" };
    sb b = { 0 };
    fupin_form v = { 0 };
    head(&b, NULL, NULL, 0);
    search_form(&b, f);
    puts_(&b, "<div class=\"wrap\"><main>\n<p>检索扶贫、脱贫攻坚、驻村帮扶、乡村振兴相关新闻报道。"
              "中文关键词按原文精确匹配。</p>\n<p>试试：");
    v.limit = FUPIN_FORM_DEFAULT_LIMIT;
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        v.q = examples[i];
        v.qlen = strlen(examples[i]);
        puts_(&b, i ? " · <a" : "<a");
        href(&b, &v, NULL, NULL, 0);
        puts_(&b, ">");
        escz(&b, examples[i]);
        puts_(&b, "</a>");
    }
    puts_(&b, "</p>\n<div class=\"help\"><h3>查询语法</h3><ul>"
              "<li><code>驻村 第一书记</code> 同时包含所有关键词</li>"
              "<li><code>\"脱贫攻坚 战\"</code> 短语</li>"
              "<li><code>扶贫 OR 脱贫</code> 任一关键词；<code>-疫情</code> 排除</li>"
              "<li><code>title:扶贫</code> <code>source:人民日报</code> 限定字段</li>"
              "<li><code>date:2019</code> <code>date:2019-01..2019-06</code> 日期范围</li>"
              "</ul></div>\n</main></div>\n");
    foot(&b);
    return finish(&b, out, out_len);
}

/* A "filter ×" chip that removes one filter from the search. */
static void chip(sb *b, const fupin_form *without, const char *label, const char *value)
{
    puts_(b, "<a title=\"去掉这个条件\"");
    href(b, without, NULL, NULL, 0);
    puts_(b, ">");
    puts_(b, label);
    escz(b, value);
    puts_(b, " ×</a>");
}

static void chips(sb *b, const fupin_form *f)
{
    if (!f->source && !f->from && !f->to && !f->no_collapse)
        return;
    fupin_form v = *f;
    v.offset = 0;
    puts_(b, "<p class=\"chips\">");
    if (f->source) {
        v.source = NULL;
        chip(b, &v, "来源：", f->source);
        v.source = f->source;
    }
    if (f->from || f->to) {
        v.from = v.to = NULL;
        puts_(b, "<a title=\"去掉这个条件\"");
        href(b, &v, NULL, NULL, 0);
        puts_(b, ">日期：");
        escz(b, f->from ? f->from : "…");
        puts_(b, " 至 ");
        escz(b, f->to ? f->to : "…");
        puts_(b, " ×</a>");
        v.from = f->from;
        v.to = f->to;
    }
    if (f->no_collapse) {
        v.no_collapse = 0;
        puts_(b, "<a title=\"合并相似报道\"");
        href(b, &v, NULL, NULL, 0);
        puts_(b, ">显示全部转载 ×</a>");
    }
    puts_(b, "</p>\n");
}

static void hit(sb *b, const fupin_form *f, const fupin_hit *h)
{
    fupin_form v = *f;
    v.offset = 0;
    puts_(b, "<li class=\"hit\"><h2><a");
    href(b, &v, "id", h->id, strlen(h->id));
    puts_(b, ">");
    if (h->title && h->title[0])
        escz(b, h->title);
    else
        puts_(b, "（无标题）");
    puts_(b, "</a></h2>\n<div class=\"meta\">");
    escz(b, h->date);
    if (h->source && h->source[0]) {
        puts_(b, " · ");
        escz(b, h->source);
    }
    puts_(b, "</div>\n");
    if (h->copies) {
        /* The article view lists the copies. */
        puts_(b, "<div class=\"copies\"><a");
        href(b, &v, "id", h->id, strlen(h->id));
        putf(b, ">另有 %u 篇相似报道</a></div>\n", (unsigned)h->copies);
    }
    if (h->snippet) {
        /* Already escaped by the library (FUPIN_SNIPPET_HTML), with <b> marks. */
        puts_(b, "<p class=\"snippet\">");
        puts_(b, h->snippet);
        puts_(b, "</p>\n");
    }
    puts_(b, "</li>\n");
}

static void pager(sb *b, const fupin_form *f, const fupin_result *r)
{
    uint32_t lim = f->limit ? f->limit : FUPIN_FORM_DEFAULT_LIMIT;
    uint64_t last = r->total ? (r->total - 1) / lim : 0;
    uint32_t cur = f->offset / lim;
    if (last > FUPIN_FORM_MAX_OFFSET / lim)
        last = FUPIN_FORM_MAX_OFFSET / lim;
    if (last == 0 && f->offset == 0)
        return;
    fupin_form v = *f;
    puts_(b, "<nav class=\"pager\" aria-label=\"分页\">");
    if (f->offset > 0) {
        v.offset = f->offset >= lim ? (cur - (f->offset % lim == 0)) * lim : 0;
        puts_(b, "<a rel=\"prev\"");
        href(b, &v, NULL, NULL, 0);
        puts_(b, ">‹ 上一页</a>");
    }
    uint32_t lo = cur > 4 ? cur - 4 : 0;
    uint64_t hi = (uint64_t)cur + 5 < last ? (uint64_t)cur + 5 : last;
    for (uint32_t p = lo; p <= hi; p++) {
        if (p == cur && f->offset % lim == 0) {
            putf(b, "<span class=\"cur\">%u</span>", (unsigned)p + 1);
            continue;
        }
        v.offset = p * lim;
        puts_(b, "<a");
        href(b, &v, NULL, NULL, 0);
        putf(b, ">%u</a>", (unsigned)p + 1);
    }
    if ((uint64_t)f->offset + lim < r->total && cur < last) {
        v.offset = (cur + 1) * lim;
        puts_(b, "<a rel=\"next\"");
        href(b, &v, NULL, NULL, 0);
        puts_(b, ">下一页 ›</a>");
    }
    puts_(b, "</nav>\n");
}

static int cmp_year_desc(const void *a, const void *b)
{
    const fupin_facet *x = *(const fupin_facet *const *)a, *y = *(const fupin_facet *const *)b;
    return strcmp(y->value, x->value);
}

static void facets(sb *b, const fupin_form *f, const fupin_result *r)
{
    if (!r->nsources && !r->nyears)
        return;
    fupin_form v = *f;
    v.offset = 0;
    puts_(b, "<aside class=\"facets\">");
    if (r->nsources) {
        puts_(b, "<h3>来源</h3><ul>");
        for (size_t i = 0; i < r->nsources && i < 12; i++) {
            const fupin_facet *x = &r->sources[i];
            int on = f->source && strcmp(f->source, x->value) == 0;
            v.source = x->value;
            puts_(b, on ? "<li class=\"on\"><a" : "<li><a");
            href(b, &v, NULL, NULL, 0);
            puts_(b, ">");
            escz(b, x->value);
            puts_(b, "</a><span class=\"n\">");
            number(b, x->count);
            puts_(b, "</span></li>");
        }
        puts_(b, "</ul>");
        v.source = f->source;
    }
    const fupin_facet **ys = r->nyears ? malloc(r->nyears * sizeof *ys) : NULL;
    if (r->nyears && !ys)
        b->oom = 1;
    if (ys) {
        for (size_t i = 0; i < r->nyears; i++)
            ys[i] = &r->years[i];
        qsort(ys, r->nyears, sizeof *ys, cmp_year_desc);
        puts_(b, "<h3>年份</h3><ul>");
        for (size_t i = 0; i < r->nyears; i++) {
            int on = f->from && f->to && strcmp(f->from, ys[i]->value) == 0 &&
                     strcmp(f->to, ys[i]->value) == 0;
            v.from = v.to = ys[i]->value;
            puts_(b, on ? "<li class=\"on\"><a" : "<li><a");
            href(b, &v, NULL, NULL, 0);
            puts_(b, ">");
            escz(b, ys[i]->value);
            puts_(b, "</a><span class=\"n\">");
            number(b, ys[i]->count);
            puts_(b, "</span></li>");
        }
        puts_(b, "</ul>");
        free(ys);
    }
    if (!r->facets_exact)
        puts_(b, "<p class=\"n\">计数为候选文章数，可能略多于精确结果。</p>");
    puts_(b, "</aside>\n");
}

int fupin_web_results(const fupin_form *f, const fupin_result *r, char **out, size_t *out_len)
{
    sb b = { 0 };
    head(&b, NULL, f->q, f->qlen);
    search_form(&b, f);
    puts_(&b, "<div class=\"wrap\"><main>\n");
    chips(&b, f);
    if (r->total == 0 && r->nhits == 0) {
        puts_(&b, "<p class=\"stats\">没有找到");
        if (f->qlen) {
            puts_(&b, "与“<strong>");
            esc(&b, f->q, f->qlen);
            puts_(&b, "</strong>”相符的");
        }
        putf(&b, "文章（用时 %.1f 毫秒）。</p>\n<p class=\"help\">请检查用字，"
                 "减少关键词或去掉筛选条件再试。</p>\n", r->took_ms);
    } else {
        puts_(&b, "<p class=\"stats\">找到");
        puts_(&b, r->total_exact ? " " : "约 ");
        puts_(&b, "<strong>");
        number(&b, r->total);
        putf(&b, "</strong> 篇文章，用时 %.1f 毫秒", r->took_ms);
        if (r->nhits)
            putf(&b, "，显示第 %u–%u 篇", (unsigned)r->offset + 1,
                 (unsigned)(r->offset + r->nhits));
        puts_(&b, "</p>\n");
        if (r->nhits)
            putf(&b, "<ol class=\"hits\" start=\"%u\">\n", (unsigned)r->offset + 1);
        for (size_t i = 0; i < r->nhits; i++)
            hit(&b, f, &r->hits[i]);
        if (r->nhits)
            puts_(&b, "</ol>\n");
        pager(&b, f, r);
    }
    puts_(&b, "</main>\n");
    facets(&b, f, r);
    puts_(&b, "</div>\n");
    foot(&b);
    return finish(&b, out, out_len);
}

/* Paragraphs of body text: one <p> per non-empty line. */
static void paragraphs(sb *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n, a = i, z = end;
        while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\r'))
            z--;
        if (z > a) {
            puts_(b, "<p>");
            esc(b, s + a, z - a);
            puts_(b, "</p>\n");
        }
        i = end + 1;
    }
}

static int web_url(const fupin_str *u)
{
    return (u->len > 7 && strncasecmp(u->ptr, "http://", 7) == 0) ||
           (u->len > 8 && strncasecmp(u->ptr, "https://", 8) == 0);
}

/* The other articles of a's reprint cluster, as links to their views. */
static void copies(sb *b, const fupin_form *f, const fupin_article *a, const fupin_result *c)
{
    const fupin_str *id = &a->f[FUPIN_F_ID];
    size_t n = 0;
    for (size_t i = 0; c && i < c->nhits; i++)
        n += !(strlen(c->hits[i].id) == id->len && memcmp(c->hits[i].id, id->ptr, id->len) == 0);
    if (!n)
        return;
    fupin_form v = { 0 };
    if (f)
        v = *f;
    v.offset = 0;
    putf(b, "<section class=\"copies\" id=\"copies\"><h2>相似报道（%zu 篇）</h2><ul>\n", n);
    for (size_t i = 0; i < c->nhits; i++) {
        const fupin_hit *h = &c->hits[i];
        if (strlen(h->id) == id->len && memcmp(h->id, id->ptr, id->len) == 0)
            continue;
        puts_(b, "<li><a");
        href(b, &v, "id", h->id, strlen(h->id));
        puts_(b, ">");
        if (h->title && h->title[0])
            escz(b, h->title);
        else
            puts_(b, "（无标题）");
        puts_(b, "</a> <span class=\"meta\">");
        escz(b, h->date);
        if (h->source && h->source[0]) {
            puts_(b, " · ");
            escz(b, h->source);
        }
        puts_(b, "</span></li>\n");
    }
    puts_(b, "</ul></section>\n");
}

int fupin_web_article(const fupin_form *f, const fupin_article *a, const fupin_result *c,
                      char **out, size_t *out_len)
{
    sb b = { 0 };
    const fupin_str *t = &a->f[FUPIN_F_TITLE], *u = &a->f[FUPIN_F_URL];
    head(&b, NULL, t->ptr, t->len);
    search_form(&b, f);
    puts_(&b, "<div class=\"wrap\"><main>\n");
    if (f && (f->qlen || f->source || f->from || f->to)) {
        puts_(&b, "<p class=\"stats\"><a");
        href(&b, f, NULL, NULL, 0);
        puts_(&b, ">‹ 返回搜索结果</a></p>\n");
    }
    puts_(&b, "<article>\n<h1>");
    if (t->len)
        esc(&b, t->ptr, t->len);
    else
        puts_(&b, "（无标题）");
    puts_(&b, "</h1>\n<div class=\"meta\">");
    esc(&b, a->f[FUPIN_F_SOURCE].ptr, a->f[FUPIN_F_SOURCE].len);
    if (a->f[FUPIN_F_SOURCE].len && a->f[FUPIN_F_DATE].len)
        puts_(&b, " · ");
    esc(&b, a->f[FUPIN_F_DATE].ptr, a->f[FUPIN_F_DATE].len);
    if (web_url(u)) {
        puts_(&b, " · <a rel=\"noopener noreferrer\" href=\"");
        esc(&b, u->ptr, u->len);
        puts_(&b, "\">原文</a>");
    }
    puts_(&b, "</div>\n");
    if (a->f[FUPIN_F_BYLINE].len) {
        puts_(&b, "<p class=\"byline\">");
        esc_lines(&b, a->f[FUPIN_F_BYLINE].ptr, a->f[FUPIN_F_BYLINE].len, 1);
        puts_(&b, "</p>\n");
    }
    paragraphs(&b, a->f[FUPIN_F_BODY].ptr, a->f[FUPIN_F_BODY].len);
    copies(&b, f, a, c);
    puts_(&b, "</article>\n</main></div>\n");
    foot(&b);
    return finish(&b, out, out_len);
}

int fupin_web_error(const fupin_form *f, int http_status, const char *msg,
                    char **out, size_t *out_len)
{
    sb b = { 0 };
    const char *what = http_status == 404 ? "找不到这篇文章"
                     : http_status == 503 ? "检索服务暂时不可用"
                     : http_status >= 500 ? "服务器出错"
                     : "请求有误";
    head(&b, what, NULL, 0);
    search_form(&b, f);
    putf(&b, "<div class=\"wrap\"><main>\n<h1 class=\"err\">%s（%d）</h1>\n<p>", what,
         http_status);
    if (msg)
        escz(&b, msg);
    puts_(&b, "</p>\n<p><a href=\"?\">回到首页</a></p>\n</main></div>\n");
    foot(&b);
    return finish(&b, out, out_len);
}

static void xml_url(sb *b, const char *base, size_t len, const char *rest)
{
    esc(b, base, len);
    puts_(b, rest);
}

int fupin_web_opensearch(const char *base, size_t len, char **out, size_t *out_len)
{
    sb b = { 0 };
    puts_(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
              "<ShortName>扶贫新闻检索</ShortName>\n"
              "<Description>扶贫、脱贫攻坚、乡村振兴新闻全文检索（fupin）</Description>\n"
              "<Language>zh-CN</Language>\n<InputEncoding>UTF-8</InputEncoding>\n"
              "<OutputEncoding>UTF-8</OutputEncoding>\n"
              "<Url type=\"text/html\" method=\"get\" template=\"");
    xml_url(&b, base, len, "?q={searchTerms}&amp;page={startPage?}\"/>\n"
                           "<Url type=\"application/json\" method=\"get\" template=\"");
    xml_url(&b, base, len, "?q={searchTerms}&amp;page={startPage?}&amp;format=json\"/>\n"
                           "<Url type=\"application/opensearchdescription+xml\" rel=\"self\" "
                           "template=\"");
    xml_url(&b, base, len, "?opensearch=1\"/>\n</OpenSearchDescription>\n");
    return finish(&b, out, out_len);
}
