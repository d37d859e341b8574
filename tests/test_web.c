/* test_web.c - the HTML pages: structure, escaping of hostile request and
 * corpus strings, links that parse back to their search, OpenSearch. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../searcher/form.h"
#include "../searcher/web.h"
#include "../common/status.h"

static const char evil[] = "<script>alert(1)</script>\"'&amp;\x01\xff";

static fupin_form *form(const char *get)
{
    fupin_form *f = NULL;
    char err[200];
    int rc = fupin_form_parse(get, strlen(get), NULL, 0, &f, err, sizeof err);
    CHECK(rc == 0 && f, "parse '%s': %s", get, err);
    return f;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* No raw markup from the evil string anywhere, and the page is whole. */
static void safe_page(const char *page, const char *what)
{
    CHECK(page && strncmp(page, "<!DOCTYPE html>", 15) == 0, "%s: doctype", what);
    CHECK(page && strstr(page, "<html lang=\"zh-CN\">"), "%s: lang", what);
    CHECK(page && strstr(page, "<meta charset=\"utf-8\">"), "%s: charset", what);
    CHECK(page && strstr(page, "</html>\n"), "%s: complete", what);
    CHECK(page && !strstr(page, "<script"), "%s: no <script>", what);
    CHECK(page && !strstr(page, "\"'"), "%s: no raw quotes from input", what);
    CHECK(page && !strchr(page, '\x01') && !strchr(page, '\xff'), "%s: no raw bad bytes", what);
    CHECK(page && strstr(page, "rel=\"search\""), "%s: OpenSearch link", what);
}

static void test_results(void)
{
    fupin_form *f = form("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27&n=2&page=3&source=S%26S");
    fupin_hit hits[2] = {
        { .rank = 5, .score = 1.0, .id = "id&1", .title = (char *)evil,
          .date = "2019-12-21 10:48", .source = (char *)evil, .url = "javascript:x",
          .snippet = "…<b>驻村</b>&lt;i&gt;…", .copies = 3 },
        { .rank = 6, .score = 0.5, .id = "id/2", .title = "", .date = "2020-01-02",
          .source = "人民日报", .url = "" },
    };
    fupin_facet srcs[2] = { { (char *)evil, 7 }, { "人民日报", 12345 } };
    fupin_facet years[3] = { { "2019", 3 }, { "2021", 9 }, { "2020", 1 } };
    fupin_result r = { 0 };
    r.total = 1234567;
    r.total_exact = 0;
    r.offset = 4;
    r.hits = hits;
    r.nhits = 2;
    r.sources = srcs;
    r.nsources = 2;
    r.years = years;
    r.nyears = 3;
    r.took_ms = 3.25;
    char *page = NULL;
    size_t len = 0;
    int rc = fupin_web_results(f, &r, &page, &len);
    CHECK(rc == 0 && page && strlen(page) == len, "results page built");
    safe_page(page, "results");
    if (!page) {
        fupin_form_free(f);
        return;
    }
    CHECK(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;amp;\xEF\xBF\xBD"
                       "\xEF\xBF\xBD"), "evil title escaped, bad bytes as U+FFFD");
    CHECK(strstr(page, "约 <strong>1,234,567</strong> 篇"), "estimated total with separators");
    CHECK(strstr(page, "3.2 毫秒") || strstr(page, "3.3 毫秒"), "time shown");
    CHECK(strstr(page, "<ol class=\"hits\" start=\"5\">"), "numbering from the offset");
    CHECK(count(page, "<li class=\"hit\">") == 2, "two hits");
    CHECK(strstr(page, "<p class=\"snippet\">…<b>驻村</b>&lt;i&gt;…</p>"),
          "library snippet passed through as made");
    CHECK(strstr(page, "（无标题）"), "empty title has a stand-in");
    CHECK(!strstr(page, "javascript:"), "non-web URLs are never linked");
    /* The hit link carries the search and the escaped id. */
    CHECK(strstr(page, "href=\"?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27&amp;"
                       "source=S%26S&amp;n=2&amp;id=id%261\""), "article link");
    CHECK(strstr(page, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\""),
          "query escaped in the search box");
    CHECK(strstr(page, "rel=\"prev\" href=\"?q=") && strstr(page, "rel=\"next\""), "paging");
    CHECK(strstr(page, "<span class=\"cur\">3</span>"), "current page marked");
    CHECK(strstr(page, "&amp;n=2&amp;page=4\""), "next page link");
    CHECK(strstr(page, "source=%E4%BA%BA%E6%B0%91%E6%97%A5%E6%8A%A5"), "source facet link");
    CHECK(strstr(page, "12,345"), "facet count");
    CHECK(strstr(page, "from=2021&amp;to=2021"), "year facet narrows to one year");
    const char *y21 = strstr(page, ">2021<"), *y19 = strstr(page, ">2019<");
    CHECK(y21 && y19 && y21 < y19, "years newest first");
    CHECK(strstr(page, "来源：S&amp;S ×"), "active source shown as a removable chip");
    CHECK(count(page, "篇相似报道") == 1 &&
          strstr(page, "<div class=\"copies\"><a href=\"?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
                       "%22%27&amp;source=S%26S&amp;n=2&amp;id=id%261\">另有 3 篇相似报道</a></div>"),
          "collapsed copies counted, linking to the article view");
    CHECK(!strstr(page, "显示全部转载 ×") && !strstr(page, "value=\"0\" checked"),
          "collapsing is on");
    free(page);
    fupin_form_free(f);

    f = form("q=x&collapse=0&page=2");
    CHECK(fupin_web_results(f, &r, &page, NULL) == 0 && page, "results without collapsing");
    CHECK(page && strstr(page, "name=\"collapse\" value=\"0\" checked>"), "box ticked");
    CHECK(page && strstr(page, "<a title=\"合并相似报道\" href=\"?q=x\">显示全部转载 ×</a>"),
          "chip that turns collapsing back on");
    CHECK(page && strstr(page, "href=\"?q=x&amp;collapse=0&amp;page=3\""),
          "paging keeps collapse=0");
    free(page);
    fupin_form_free(f);

    f = form("q=%E9%93%81%E5%86%9B%E9%A9%BB%E6%9D%91");
    fupin_result none = { 0 };
    CHECK(fupin_web_results(f, &none, &page, NULL) == 0 && page, "empty result page");
    CHECK(page && strstr(page, "没有找到与“<strong>铁军驻村</strong>”相符的文章"), "says nothing found");
    CHECK(page && !strstr(page, "class=\"pager\""), "no paging without hits");
    free(page);
    fupin_form_free(f);
}

static void test_article(void)
{
    fupin_form *f = form("q=%E9%A9%BB%E6%9D%91&id=a1");
#define S(x) { x, sizeof x - 1 }
    fupin_article a = { { S("a1"), S(evil), S("人民日报"), S("2019-12-21"),
                          S("https://example.org/a?b=1&c=\"2\""), S("记者 张三\n通讯员 李四"),
                          S("第一段。\n\n  第二段<b>不是标记</b>。\r\n") } };
#undef S
    fupin_hit ch[3] = {
        { .id = "a0", .title = (char *)evil, .date = "2019-12-20", .source = "新华社", .copies = 2 },
        { .id = "a1", .title = "self", .date = "2019-12-21", .source = "人民日报", .copies = 2 },
        { .id = "a2", .title = "", .date = "2019-12-22", .source = "", .copies = 2 },
    };
    fupin_result cr = { .total = 3, .total_exact = 1, .hits = ch, .nhits = 3 };
    char *page = NULL;
    CHECK(fupin_web_article(f, &a, &cr, &page, NULL) == 0 && page, "article page built");
    safe_page(page, "article with copies");
    CHECK(page && strstr(page, "相似报道（2 篇）"), "copies listed, the article itself not");
    CHECK(page && !strstr(page, ">self<"), "the article is not its own copy");
    CHECK(page && strstr(page, "<li><a href=\"?q=%E9%A9%BB%E6%9D%91&amp;id=a0\">&lt;script&gt;"),
          "copy linked, title escaped");
    CHECK(page && strstr(page, "id=a2\">（无标题）</a> <span class=\"meta\">2019-12-22</span>"),
          "untitled copy");
    free(page);
    cr.nhits = 0;
    CHECK(fupin_web_article(f, &a, &cr, &page, NULL) == 0 && page && !strstr(page, "相似报道"),
          "no copies, no list");
    free(page);
    CHECK(fupin_web_article(f, &a, NULL, &page, NULL) == 0 && page, "article page built");
    safe_page(page, "article");
    if (page) {
        CHECK(strstr(page, "<h1>&lt;script&gt;"), "title escaped");
        CHECK(count(page, "<p>") == 2, "two paragraphs, blank lines dropped");
        CHECK(strstr(page, "<p>第一段。</p>") && strstr(page, "<p>第二段&lt;b&gt;不是标记&lt;/b&gt;。</p>"),
              "body escaped and trimmed");
        CHECK(strstr(page, "href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;\">原文</a>"),
              "original link escaped");
        CHECK(strstr(page, "记者 张三\n通讯员 李四"), "byline keeps its lines");
        CHECK(strstr(page, "返回搜索结果"), "way back to the search");
        CHECK(strstr(page, "href=\"?q=%E9%A9%BB%E6%9D%91\">‹"), "back link is the search");
    }
    free(page);
    fupin_form_free(f);
}

static void test_other(void)
{
    char *page = NULL;
    size_t len;
    CHECK(fupin_web_error(NULL, 400, evil, &page, &len) == 0 && page, "error page");
    safe_page(page, "error");
    CHECK(page && strstr(page, "请求有误（400）"), "error heading");
    free(page);
    CHECK(fupin_web_error(NULL, 503, "x", &page, &len) == 0 && page && strstr(page, "暂时不可用"),
          "503 page");
    free(page);
    fupin_form *f = form("q=%22%27");
    CHECK(fupin_web_home(f, &page, &len) == 0 && page, "home page");
    safe_page(page, "home");
    CHECK(page && strstr(page, "href=\"?q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0\""),
          "example query link");
    free(page);
    fupin_form_free(f);

    const char base[] = "http://h:8080/cgi-bin/fupin.cgi\"<&";
    CHECK(fupin_web_opensearch(base, sizeof base - 1, &page, &len) == 0 && page, "opensearch");
    CHECK(page && strstr(page, "xmlns=\"http://a9.com/-/spec/opensearch/1.1/\""), "namespace");
    CHECK(page && strstr(page, "template=\"http://h:8080/cgi-bin/fupin.cgi&quot;&lt;&amp;"
                               "?q={searchTerms}&amp;page={startPage?}\""), "escaped template");
    CHECK(page && count(page, "<Url ") == 3, "html, json and self URLs");
    free(page);
}

int main(void)
{
    test_results();
    test_article();
    test_other();
    return TEST_DONE();
}
