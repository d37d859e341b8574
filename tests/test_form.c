/* test_form.c - web request parameters: decoding, checks, limits, encoding. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../searcher/form.h"
#include "../searcher/search.h"
#include "../common/status.h"

static int parse(const char *get, const char *post, fupin_form **f, char *err, size_t errlen)
{
    return fupin_form_parse(get, get ? strlen(get) : 0, post, post ? strlen(post) : 0, f,
                            err, errlen);
}

/* Parses get, expecting status want; returns the form (or NULL). */
static fupin_form *expect(const char *get, int want)
{
    fupin_form *f = (fupin_form *)1;
    char err[200] = "unset";
    int rc = parse(get, NULL, &f, err, sizeof err);
    CHECK(rc == want, "'%.60s': status %d, wanted %d (%s)", get, rc, want, err);
    if (rc) {
        CHECK(f == NULL, "'%.60s': form set on failure", get);
        CHECK(err[0] && strcmp(err, "unset") != 0, "'%.60s': no message", get);
    }
    return rc ? NULL : f;
}

static void test_decoding(void)
{
    fupin_form *f = expect("q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%e4%b9%a6%e8%ae%b0", 0);
    CHECK(f && strcmp(f->q, "驻村 第一书记") == 0 && f->qlen == strlen("驻村 第一书记"),
          "percent-decoding and '+': '%s'", f ? f->q : "");
    fupin_form_free(f);

    f = expect("q=a%2Bb%26c%3Dd", 0);
    CHECK(f && strcmp(f->q, "a+b&c=d") == 0, "escaped separators stay data: '%s'", f ? f->q : "");
    fupin_form_free(f);

    f = expect("q=扶贫", 0);   /* raw UTF-8, as some clients send it */
    CHECK(f && strcmp(f->q, "扶贫") == 0, "raw UTF-8 accepted");
    fupin_form_free(f);

    f = expect("", 0);
    CHECK(f && f->q && f->qlen == 0 && !f->source && !f->from && !f->to && !f->id,
          "empty request: everything absent");
    CHECK(f && f->limit == 10 && f->offset == 0 && f->sort == FUPIN_SORT_RELEVANCE &&
          f->format == FUPIN_FORM_HTML && !f->opensearch, "defaults");
    fupin_form_free(f);

    f = expect("q=&source=&from=&to=&sort=&format=&n=&page=", 0);
    CHECK(f && f->qlen == 0 && !f->source && !f->from && f->limit == 10 && f->offset == 0,
          "empty fields count as absent");
    fupin_form_free(f);

    expect("q=%E9%A9", FUPIN_EENCODING);      /* truncated UTF-8 */
    expect("q=%C0%80", FUPIN_EENCODING);      /* overlong NUL */
    expect("q=%ED%A0%80", FUPIN_EENCODING);   /* surrogate */
    expect("q=%FF", FUPIN_EENCODING);
    expect("q=a%00b", FUPIN_EENCODING);
    expect("q=%", FUPIN_EENCODING);
    expect("q=%4", FUPIN_EENCODING);
    expect("q=%zz", FUPIN_EENCODING);
    expect("source=%00", FUPIN_EENCODING);
    expect("id=x%FFy", FUPIN_EENCODING);
    expect("sort=date%00", FUPIN_EENCODING);
}

static void test_unknown(void)
{
    fupin_form *f = expect("utm=%FF%00%zz&q=x&&&=&x=%&collapse&q%00=y", 0);
    CHECK(f && strcmp(f->q, "x") == 0, "unknown and malformed names ignored: '%s'",
          f ? f->q : "");
    fupin_form_free(f);
    f = expect("Q=1&qq=2&q=3", 0);
    CHECK(f && strcmp(f->q, "3") == 0, "names are exact and case-sensitive");
    fupin_form_free(f);
}

static void test_limits(void)
{
    char *big = malloc(200000);
    strcpy(big, "q=");
    memset(big + 2, 'a', 1000);
    big[1002] = '\0';
    fupin_form *f = expect(big, 0);
    CHECK(f && f->qlen == 1000, "a 1000-byte query is allowed");
    fupin_form_free(f);
    memset(big + 2, 'a', 1001);
    big[1003] = '\0';
    expect(big, FUPIN_ELIMIT);
    /* 100 KB of escapes: decoded, then refused by length. */
    for (size_t i = 0; i < 11000; i++)
        memcpy(big + 2 + 9 * i, "%E6%89%B6", 9);
    big[2 + 9 * 11000] = '\0';
    expect(big, FUPIN_ELIMIT);
    free(big);

    f = expect("n=0", 0);
    CHECK(f && f->limit == 1, "n=0 clamps to 1 (%u)", f ? f->limit : 0);
    fupin_form_free(f);
    f = expect("n=100000000000000000000", 0);
    CHECK(f && f->limit == 100, "huge n clamps to 100 (%u)", f ? f->limit : 0);
    fupin_form_free(f);
    expect("n=-1", FUPIN_EFORMAT);
    expect("n=ten", FUPIN_EFORMAT);
    expect("n=1e3", FUPIN_EFORMAT);
    expect("page=+1", FUPIN_EFORMAT);

    f = expect("page=3&n=20", 0);
    CHECK(f && f->offset == 40 && f->limit == 20, "page 3 of 20: offset %u", f ? f->offset : 0);
    fupin_form_free(f);
    f = expect("n=20&page=3", 0);
    CHECK(f && f->offset == 40, "order of page and n does not matter");
    fupin_form_free(f);
    f = expect("page=0", 0);
    CHECK(f && f->offset == 0, "page 0 is the first page");
    fupin_form_free(f);
    f = expect("offset=7&page=9", 0);
    CHECK(f && f->offset == 7, "offset wins over page");
    fupin_form_free(f);
    f = expect("offset=10000", 0);
    CHECK(f && f->offset == 10000, "offset at the limit");
    fupin_form_free(f);
    expect("offset=10001", FUPIN_ELIMIT);
    expect("page=99999999999", FUPIN_ELIMIT);
    expect("page=1002", FUPIN_ELIMIT);
}

static void test_values(void)
{
    fupin_form *f = expect("from=2019&to=2020-06&source=%E4%BA%BA%E6%B0%91%E6%97%A5%E6%8A%A5"
                           "&sort=date&format=json&id=rmrb-20200525-19-01&opensearch", 0);
    CHECK(f && strcmp(f->from, "2019") == 0 && strcmp(f->to, "2020-06") == 0, "dates kept");
    CHECK(f && strcmp(f->source, "人民日报") == 0, "source");
    CHECK(f && f->sort == FUPIN_SORT_DATE_DESC && f->format == FUPIN_FORM_JSON, "sort, format");
    CHECK(f && f->id && strcmp(f->id, "rmrb-20200525-19-01") == 0 && f->idlen == 19, "id");
    CHECK(f && f->opensearch, "opensearch without a value");
    fupin_form_free(f);
    f = expect("sort=date-asc&sort=relevance", 0);
    CHECK(f && f->sort == FUPIN_SORT_RELEVANCE, "the last value wins");
    fupin_form_free(f);
    expect("from=2019-13", FUPIN_EFORMAT);
    expect("to=yesterday", FUPIN_EFORMAT);
    expect("from=2019-02-30", FUPIN_EFORMAT);
    expect("from=2020&to=2019", FUPIN_EFORMAT);
    f = expect("from=2019&to=2019", 0);
    CHECK(f != NULL, "one year is from=Y&to=Y");
    fupin_form_free(f);
    f = expect("q=x", 0);
    CHECK(f && !f->no_collapse, "reprints collapse by default");
    fupin_form_free(f);
    f = expect("q=x&collapse=0", 0);
    CHECK(f && f->no_collapse, "collapse=0");
    fupin_form_free(f);
    f = expect("q=x&collapse=0&collapse=1", 0);
    CHECK(f && !f->no_collapse, "collapse=1");
    fupin_form_free(f);
    expect("collapse=no", FUPIN_EFORMAT);
    expect("collapse=00", FUPIN_EFORMAT);
    expect("format=xml", FUPIN_EFORMAT);
    expect("sort=random", FUPIN_EFORMAT);
    expect("format=jsonjsonjsonjsonjson", FUPIN_EFORMAT);
}

static void test_post(void)
{
    fupin_form *f = NULL;
    char err[200];
    int rc = parse("q=get&n=5", "q=%E6%89%B6%E8%B4%AB&page=2", &f, err, sizeof err);
    CHECK(rc == 0 && f && strcmp(f->q, "扶贫") == 0, "the body's q replaces the query string's");
    CHECK(f && f->limit == 5 && f->offset == 5, "both parts count: n=%u offset=%u",
          f ? f->limit : 0, f ? f->offset : 0);
    fupin_form_free(f);
    rc = parse(NULL, "q=%FF", &f, err, sizeof err);
    CHECK(rc == FUPIN_EENCODING && !f, "the body is checked too");
    rc = parse("q=a", NULL, &f, NULL, 0);
    CHECK(rc == 0 && f, "errbuf may be NULL");
    fupin_form_free(f);
    fupin_form_free(NULL);
}

/* encode(parse(x)) parses back to the same search. */
static void roundtrip(const char *get)
{
    fupin_form *f = expect(get, 0), *g = NULL;
    char *qs = NULL;
    size_t len = 0;
    if (!f)
        return;
    CHECK(fupin_form_encode(f, &qs, &len) == 0 && qs && strlen(qs) == len, "encode '%s'", get);
    CHECK(qs && parse(qs, NULL, &g, NULL, 0) == 0 && g, "encoded '%s' parses", qs ? qs : "");
    if (f && g) {
        CHECK(f->qlen == g->qlen && memcmp(f->q, g->q, f->qlen) == 0, "q survives: %s", qs);
        CHECK((!f->source && !g->source) || (f->source && g->source && !strcmp(f->source, g->source)),
              "source survives: %s", qs);
        CHECK((!f->from) == (!g->from) && (!f->to) == (!g->to), "dates survive: %s", qs);
        CHECK(f->limit == g->limit && f->offset == g->offset && f->sort == g->sort &&
              f->format == g->format && f->no_collapse == g->no_collapse,
              "numbers and words survive: %s", qs);
        CHECK(!g->id && !g->opensearch, "id and opensearch are not carried: %s", qs);
    }
    for (const char *p = qs; p && *p; p++)
        CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%+&=", *p),
              "only URL-safe bytes in '%s'", qs);
    free(qs);
    fupin_form_free(f);
    fupin_form_free(g);
}

static void test_encode(void)
{
    fupin_form *f = expect("q=%22%E8%84%B1%E8%B4%AB%E6%94%BB%E5%9D%9A%22+%E6%B9%96%E5%8D%97"
                           "&source=a%26b&page=2", 0);
    char *qs = NULL;
    CHECK(f && fupin_form_encode(f, &qs, NULL) == 0, "encode");
    CHECK(qs && strcmp(qs, "q=%22%E8%84%B1%E8%B4%AB%E6%94%BB%E5%9D%9A%22+%E6%B9%96%E5%8D%97"
                           "&source=a%26b&page=2") == 0, "canonical form: '%s'", qs ? qs : "");
    free(qs);
    fupin_form_free(f);
    f = expect("collapse=0&sort=date&q=x&collapse=0", 0);
    CHECK(f && fupin_form_encode(f, &qs, NULL) == 0, "encode");
    CHECK(qs && strcmp(qs, "q=x&sort=date&collapse=0") == 0, "collapse=0 kept: '%s'", qs ? qs : "");
    free(qs);
    fupin_form_free(f);

    char buf[16];
    CHECK(fupin_form_escape("a b/<", 5, buf) == 9 && memcmp(buf, "a+b%2F%3C", 9) == 0,
          "escape");

    roundtrip("q=x&n=7&offset=3");
    roundtrip("q=x&n=7&page=4&sort=date-asc&format=json");
    roundtrip("q=x&collapse=0&page=2");
    roundtrip("source=%E4%BA%BA%E6%B0%91%E6%97%A5%E6%8A%A5&from=2019&to=2019-12-31");
    roundtrip("q=%3Cscript%3E%22%27%26+-%E7%96%AB%E6%83%85&sort=date&id=x&opensearch=1");
    roundtrip("");
}

int main(void)
{
    test_decoding();
    test_unknown();
    test_limits();
    test_values();
    test_post();
    test_encode();
    return TEST_DONE();
}
