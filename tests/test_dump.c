/* test_dump.c - the dump reader and its parts (reader, jsonl, plaintext):
 * fixtures in tests/data/dump/, generated trees in a temporary directory
 * (walk order, skipped names, symlink loops, 50 MB lines), the bundled
 * corpus/ and, when present, the shared corpus (../shared or $FUPIN_SHARED).
 */
#include "../indexer/dump.h"
#include "../indexer/jsonl.h"
#include "../indexer/plaintext.h"
#include "../indexer/reader.h"
#include "../common/status.h"
#include "check.h"

#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define DATA "tests/data/dump/"

/* ---- collecting what a dump yields ---- */

typedef struct rec {
    int rc;
    char *f[FUPIN_F_COUNT];   /* NUL-terminated copies */
    size_t len[FUPIN_F_COUNT];
    char *msg, *file;
    uint64_t line;
} rec;

typedef struct recs {
    rec *r;
    size_t n, articles, errors;
    fupin_dump_pos end;
    uint64_t total;
} recs;

static char *dup_n(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void recs_free(recs *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        for (int f = 0; f < FUPIN_F_COUNT; f++)
            free(rs->r[i].f[f]);
        free(rs->r[i].msg);
        free(rs->r[i].file);
    }
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}

static int collect(const char *const *paths, size_t n, recs *rs)
{
    fupin_dump *d;
    fupin_article a;
    size_t cap = 0;
    int rc;

    memset(rs, 0, sizeof *rs);
    if ((rc = fupin_dump_open(paths, n, &d)) < 0)
        return rc;
    if ((rc = fupin_dump_total_bytes(d, &rs->total)) < 0)
        return rc;
    while ((rc = fupin_dump_next(d, &a)) != 0) {
        fupin_dump_pos pos;
        if (rs->n == cap) {
            cap = cap ? 2 * cap : 16;
            rs->r = realloc(rs->r, cap * sizeof *rs->r);
        }
        rec *r = &rs->r[rs->n++];
        memset(r, 0, sizeof *r);
        r->rc = rc;
        fupin_dump_where(d, &pos);
        r->file = strdup(pos.file);
        r->line = pos.line;
        r->msg = strdup(fupin_dump_errmsg(d));
        for (int f = 0; f < FUPIN_F_COUNT; f++) {
            r->f[f] = dup_n(rc == 1 ? a.f[f].ptr : "", rc == 1 ? a.f[f].len : 0);
            r->len[f] = rc == 1 ? a.f[f].len : 0;
        }
        if (rc == 1)
            rs->articles++;
        else
            rs->errors++;
        if (rs->n > 200000)
            break;
    }
    fupin_dump_where(d, &rs->end);
    rs->end.file = NULL;
    CHECK(fupin_dump_next(d, &a) == 0, "next after the end stays 0");
    fupin_dump_close(d);
    return 0;
}

static int collect1(const char *path, recs *rs)
{
    return collect(&path, 1, rs);
}

#define F(rs, i, field) ((rs).r[i].f[FUPIN_F_##field])
#define FIELD_IS(a, field, s) \
    ((a).f[FUPIN_F_##field].len == strlen(s) && !memcmp((a).f[FUPIN_F_##field].ptr, s, strlen(s)))

/* ---- JSON Lines ---- */

static void check_good_bad(const char *path, const recs *rs)
{
    static const int want_rc[] = { 1, 1, 1, 1, FUPIN_EFORMAT, FUPIN_EFORMAT, FUPIN_EFORMAT,
                                   1, 1, FUPIN_EFORMAT, 1 };
    static const uint64_t want_line[] = { 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    const size_t n = sizeof want_rc / sizeof want_rc[0];
    char prefix[256];

    CHECK(rs->n == n, "%s: %zu results, want %zu", path, rs->n, n);
    if (rs->n != n)
        return;
    for (size_t i = 0; i < n; i++) {
        CHECK(rs->r[i].rc == want_rc[i], "%s: result %zu is %d", path, i, rs->r[i].rc);
        CHECK(rs->r[i].line == want_line[i], "%s: result %zu at line %" PRIu64, path, i, rs->r[i].line);
        if (want_rc[i] < 0) {
            snprintf(prefix, sizeof prefix, "%s:%" PRIu64 ": ", path, want_line[i]);
            CHECK(strncmp(rs->r[i].msg, prefix, strlen(prefix)) == 0, "message '%s' starts '%s'",
                  rs->r[i].msg, prefix);
        } else {
            CHECK(rs->r[i].msg[0] == '\0', "no message with an article: %s", rs->r[i].msg);
        }
    }
    CHECK(!strcmp(F(*rs, 0, ID), "t-1") && !strcmp(F(*rs, 0, TITLE), "第一书记进村") &&
          !strcmp(F(*rs, 0, SOURCE), "测试报") && !strcmp(F(*rs, 0, DATE), "2020-01-02") &&
          !strcmp(F(*rs, 0, URL), "https://example.org/1"), "%s: first record's fields", path);
    CHECK(!strcmp(F(*rs, 0, BODY), "第一段\n第二段"), "escaped newline in body: %s", F(*rs, 0, BODY));
    CHECK(!strcmp(F(*rs, 1, ID), "https://example.org/2"), "url as id: %s", F(*rs, 1, ID));
    /* FNV-1a 64 of "无编号无网址\n脱贫攻坚", computed independently (Python). */
    CHECK(!strcmp(F(*rs, 2, ID), "h3c1ddba210f5a337"), "hash id: %s", F(*rs, 2, ID));
    CHECK(!strcmp(F(*rs, 3, ID), "42"), "integer id: %s", F(*rs, 3, ID));
    CHECK(!strcmp(F(*rs, 3, BYLINE), "记者 张三\n通讯员 李四"), "byline: %s", F(*rs, 3, BYLINE));
    CHECK(strstr(rs->r[4].msg, "invalid JSON") && strstr(rs->r[4].msg, "column"),
          "jansson's words: %s", rs->r[4].msg);
    CHECK(strstr(rs->r[5].msg, "missing title and body") != NULL, "%s", rs->r[5].msg);
    CHECK(strstr(rs->r[6].msg, "not a JSON object") != NULL, "%s", rs->r[6].msg);
    CHECK(!strcmp(F(*rs, 7, ID), "t-9") && rs->r[7].len[FUPIN_F_TITLE] == 0 &&
          !strcmp(F(*rs, 7, BODY), "只有正文"), "null title is missing");
    CHECK(!strcmp(F(*rs, 8, TITLE), "bad \xEF\xBF\xBD byte"), "invalid UTF-8 repaired: %s", F(*rs, 8, TITLE));
    CHECK(strstr(rs->r[9].msg, "missing title and body") != NULL, "number title, empty body: %s",
          rs->r[9].msg);
    CHECK(!strcmp(F(*rs, 10, ID), "t-12") && !strcmp(F(*rs, 10, DATE), "2020-02-03 04:05"),
          "last line without newline");
    CHECK(rs->articles == 7 && rs->errors == 4, "%zu articles, %zu errors", rs->articles, rs->errors);
}

static void test_jsonl_files(void)
{
    recs plain, z, g;
    struct stat st;

    CHECK(collect1(DATA "good_bad.jsonl", &plain) == 0, "collect");
    check_good_bad(DATA "good_bad.jsonl", &plain);
    CHECK(collect1(DATA "good_bad.jsonl.zst", &z) == 0, "collect zst");
    check_good_bad(DATA "good_bad.jsonl.zst", &z);
    CHECK(collect1(DATA "good_bad.jsonl.gz", &g) == 0, "collect gz");
    check_good_bad(DATA "good_bad.jsonl.gz", &g);
    for (size_t i = 0; i < plain.n && i < z.n && i < g.n; i++)
        for (int f = 0; f < FUPIN_F_COUNT; f++)
            CHECK(!strcmp(plain.r[i].f[f], z.r[i].f[f]) && !strcmp(plain.r[i].f[f], g.r[i].f[f]),
                  "record %zu field %d the same from plain, zst and gz", i, f);
    stat(DATA "good_bad.jsonl.zst", &st);
    CHECK(z.end.bytes_read == (uint64_t)st.st_size && z.total == (uint64_t)st.st_size,
          "zst: bytes_read %" PRIu64 " total %" PRIu64 " size %lld", z.end.bytes_read, z.total,
          (long long)st.st_size);
    stat(DATA "good_bad.jsonl.gz", &st);
    CHECK(g.end.bytes_read == (uint64_t)st.st_size, "gz: bytes_read %" PRIu64, g.end.bytes_read);
    CHECK(z.end.files_done == 1 && g.end.files_done == 1, "one file done");
    recs_free(&plain);
    recs_free(&z);
    recs_free(&g);
}

static void test_truncated(void)
{
    /* Articles before the break come through, then one error naming the
     * file and the line being read when the stream broke. */
    static const struct {
        const char *path;
        size_t articles, results;
        const char *msg;
    } cases[] = {
        /* two zstd frames, cut inside the second (lines 6-12) */
        { DATA "truncated.jsonl.zst", 4, 5, DATA "truncated.jsonl.zst:6: truncated zstd stream" },
        /* one frame cut in its only block: nothing decodes, so no line */
        { DATA "truncated-early.jsonl.zst", 0, 1, DATA "truncated-early.jsonl.zst: truncated zstd stream" },
        /* gzip without its 8-byte trailer: the unterminated last line is not trusted */
        { DATA "truncated.jsonl.gz", 6, 11, DATA "truncated.jsonl.gz:12: truncated gzip stream" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        recs rs;
        CHECK(collect1(cases[k].path, &rs) == 0, "collect");
        CHECK(rs.articles == cases[k].articles && rs.n == cases[k].results,
              "%s: %zu articles, %zu results", cases[k].path, rs.articles, rs.n);
        if (rs.n > 0) {
            const rec *last = &rs.r[rs.n - 1];
            CHECK(last->rc == FUPIN_EFORMAT && strncmp(last->msg, cases[k].msg, strlen(cases[k].msg)) == 0,
                  "last result %d '%s'", last->rc, last->msg);
        }
        CHECK(rs.end.files_done == 1 && rs.end.bytes_read == rs.total, "file counted done");
        recs_free(&rs);
    }
}

/* ---- plain text ---- */

static void test_plaintext_files(void)
{
    recs rs;

    CHECK(collect1(DATA "seed-crlf-bom.txt", &rs) == 0, "collect");
    CHECK(rs.n == 1 && rs.articles == 1, "one article (%zu results: %s)", rs.n, rs.n ? rs.r[0].msg : "");
    if (rs.articles == 1) {
        CHECK(!strcmp(F(rs, 0, TITLE), "示例：青石村来了驻村工作队"), "title without BOM: '%s'", F(rs, 0, TITLE));
        CHECK(!strcmp(F(rs, 0, SOURCE), "示例日报"), "source: '%s'", F(rs, 0, SOURCE));
        CHECK(!strcmp(F(rs, 0, DATE), "2020-05-06 08:30"), "date: '%s'", F(rs, 0, DATE));
        CHECK(!strcmp(F(rs, 0, BYLINE), "示例日报记者 王小明\n通讯员 李四 实习生 赵五"), "byline: '%s'",
              F(rs, 0, BYLINE));
        CHECK(!strcmp(F(rs, 0, BODY),
                      "　　五月的青石村，茶园一片新绿。\n"
                      "　　驻村第一书记刘某带着工作队走村入户，逐户核对帮扶台账。\n"
                      "产业发展\n"
                      "　　今年村里新建茶叶加工厂一座，带动脱贫户务工增收。  "),
              "body kept exactly, no CR, no footer: '%s'", F(rs, 0, BODY));
        CHECK(F(rs, 0, ID)[0] == 'h' && strlen(F(rs, 0, ID)) == 17, "hash id %s", F(rs, 0, ID));
        CHECK(rs.r[0].line == 1, "title on line 1, got %" PRIu64, rs.r[0].line);
    }
    recs_free(&rs);

    /* GBK bytes: decoded, not skipped */
    CHECK(collect1(DATA "gbk.txt", &rs) == 0, "collect");
    CHECK(rs.n == 1 && rs.articles == 1 && !strcmp(F(rs, 0, TITLE), "扶贫车间开工了") &&
          !strcmp(F(rs, 0, BODY), "驻村第一书记带领村民发展产业，脱贫攻坚取得成效。"),
          "gbk.txt decoded: %zu results, title '%s'", rs.n, rs.n ? F(rs, 0, TITLE) : "");
    recs_free(&rs);

    CHECK(collect1(DATA "multi.txt", &rs) == 0, "collect");
    CHECK(rs.articles == 4 && rs.errors == 0, "4 articles: %zu, %zu errors", rs.articles, rs.errors);
    if (rs.articles == 4) {
        static const char *const titles[] = { "第一篇标题", "第二篇标题", "第三篇标题", "第四篇标题" };
        static const uint64_t lines[] = { 1, 8, 13, 19 };
        for (int i = 0; i < 4; i++) {
            CHECK(!strcmp(F(rs, i, TITLE), titles[i]), "title %d '%s'", i, F(rs, i, TITLE));
            CHECK(rs.r[i].line == lines[i], "article %d on line %" PRIu64, i, rs.r[i].line);
        }
        CHECK(!strcmp(F(rs, 0, SOURCE), "甲报") && !strcmp(F(rs, 0, DATE), "2019-01-01"), "meta 1");
        CHECK(!strcmp(F(rs, 0, BODY), "第一篇正文。"), "body 1 '%s'", F(rs, 0, BODY));
        CHECK(!strcmp(F(rs, 1, BODY), "第二篇正文第一段。\n第二篇正文第二段。"), "body 2 '%s'", F(rs, 1, BODY));
        CHECK(!strcmp(F(rs, 2, BYLINE), "记者 张三"), "byline 3 '%s'", F(rs, 2, BYLINE));
        CHECK(!strcmp(F(rs, 2, BODY), "第三篇正文，记者从会上获悉。"), "a sentence with 记者 is body: '%s'",
              F(rs, 2, BODY));
        CHECK(!strcmp(F(rs, 3, BODY), "正文四。\n====\n这一行不是分隔符。"), "four '=' are text: '%s'",
              F(rs, 3, BODY));
        CHECK(strcmp(F(rs, 0, ID), F(rs, 1, ID)) != 0, "different hash ids");
    }
    recs_free(&rs);
}

static void test_skipped_files(void)
{
    static const struct {
        const char *path;
        int rc;
        const char *words;
    } cases[] = {
        { DATA "empty.txt", FUPIN_EFORMAT, "empty file" },
        { DATA "blank.jsonl", FUPIN_EFORMAT, "empty file" },
        { DATA "binary.dat", FUPIN_EFORMAT, "binary file" },
        { DATA "page.html", FUPIN_EFORMAT, "no article text found in the page" },
        { DATA "no-such-file.txt", FUPIN_ENOTFOUND, "No such file" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        recs rs;
        CHECK(collect1(cases[i].path, &rs) == 0, "collect");
        CHECK(rs.n == 1 && rs.r[0].rc == cases[i].rc, "%s: %zu results, rc %d", cases[i].path, rs.n,
              rs.n ? rs.r[0].rc : 0);
        if (rs.n == 1) {
            char want[256];
            snprintf(want, sizeof want, "%s: ", cases[i].path);
            CHECK(strncmp(rs.r[0].msg, want, strlen(want)) == 0 && strstr(rs.r[0].msg, cases[i].words),
                  "message '%s'", rs.r[0].msg);
        }
        recs_free(&rs);
    }
}

/* The whole fixture directory: byte order, every file once. */
static void test_fixture_dir(void)
{
    recs rs;
    const char *prev = "";
    size_t files = 0;

    CHECK(collect1("tests/data/dump", &rs) == 0, "collect");
    for (size_t i = 0; i < rs.n; i++) {
        CHECK(strncmp(rs.r[i].file, "tests/data/dump/", 16) == 0, "path joined: %s", rs.r[i].file);
        CHECK(strcmp(prev, rs.r[i].file) <= 0, "byte order: %s after %s", rs.r[i].file, prev);
        if (strcmp(prev, rs.r[i].file) != 0)
            files++;
        prev = rs.r[i].file;
    }
    CHECK(files == 13, "13 fixture files seen, got %zu", files);
    /* 7 from each of good_bad.jsonl{,.zst,.gz}, 1 gbk.txt (decoded), 1 seed-crlf-bom,
     * 4 multi, 4 + 0 + 6 from the truncated files; errors: 4 in each good_bad,
     * 1 + 1 + 5 truncated, empty.txt, blank.jsonl, binary.dat, page.html (too short). */
    CHECK(rs.articles == 21 + 1 + 1 + 4 + 10, "articles add up: %zu", rs.articles);
    CHECK(rs.errors == 12 + 7 + 4, "errors add up: %zu", rs.errors);
    CHECK(rs.end.files_done == 13, "files_done %" PRIu64, rs.end.files_done);
    CHECK(rs.end.bytes_read == rs.total, "bytes_read %" PRIu64 " = total %" PRIu64, rs.end.bytes_read, rs.total);
    recs_free(&rs);

    CHECK(collect1("tests/data/dump/", &rs) == 0, "collect");
    CHECK(rs.n > 0 && !strcmp(rs.r[0].file, "tests/data/dump/binary.dat"), "trailing slash: %s",
          rs.n ? rs.r[0].file : "");
    recs_free(&rs);
}

/* ---- generated trees ---- */

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    CHECK(f != NULL, "create %s", path);
    if (!f)
        return;
    if (len)
        fwrite(data, 1, len, f);
    fclose(f);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_walk(const char *tmp)
{
    char dir[512], sub[600], path[700];
    recs rs;
    const char *a_txt = "甲文标题\n甲文正文。\n";
    const char *b_txt = "乙文标题\n乙文正文。\n";
    const char *c_jsonl = "{\"id\":\"c\",\"title\":\"丙\",\"body\":\"丙文\"}\n";

    snprintf(dir, sizeof dir, "%s/walk", tmp);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(dir, 0755);
    mkdir(sub, 0755);
    put_file(dir, "a.txt", a_txt, strlen(a_txt));
    put_file(dir, "B.txt", b_txt, strlen(b_txt));
    put_file(dir, "README.md", "# not an article\n", 17);
    put_file(dir, "MANIFEST.tsv", "x\ty\n", 4);
    put_file(dir, ".hidden.txt", "隐藏\n", 7);
    put_file(dir, "notes.txt~", "备份\n", 7);
    put_file(sub, "c.jsonl", c_jsonl, strlen(c_jsonl));
    snprintf(path, sizeof path, "%s/loop", dir);
    CHECK(symlink(".", path) == 0, "symlink loop");
    snprintf(path, sizeof path, "%s/broken", dir);
    CHECK(symlink("nowhere", path) == 0, "symlink broken");
    snprintf(path, sizeof path, "%s/up", sub);
    CHECK(symlink("..", path) == 0, "symlink up");

    CHECK(collect1(dir, &rs) == 0, "collect");
    /* B.txt < a.txt < broken < loop < sub/c.jsonl < sub/up */
    CHECK(rs.n == 6, "6 results, got %zu", rs.n);
    if (rs.n == 6) {
        CHECK(rs.r[0].rc == 1 && !strcmp(F(rs, 0, TITLE), "乙文标题"), "B.txt first (byte order)");
        CHECK(rs.r[1].rc == 1 && !strcmp(F(rs, 1, TITLE), "甲文标题"), "a.txt second");
        CHECK(rs.r[2].rc == FUPIN_ENOTFOUND && strstr(rs.r[2].msg, "/broken: broken symbolic link"),
              "broken link: %s", rs.r[2].msg);
        CHECK(rs.r[3].rc < 0 && strstr(rs.r[3].msg, "/loop: symlink loop"), "loop: %s", rs.r[3].msg);
        CHECK(rs.r[4].rc == 1 && !strcmp(F(rs, 4, ID), "c"), "sub/c.jsonl");
        CHECK(rs.r[5].rc < 0 && strstr(rs.r[5].msg, "sub/up: symlink loop"), "up: %s", rs.r[5].msg);
    }
    CHECK(rs.total == strlen(a_txt) + strlen(b_txt) + strlen(c_jsonl), "total_bytes %" PRIu64
          " counts only the files read", rs.total);
    CHECK(rs.end.bytes_read == rs.total && rs.end.files_done == 3, "progress at the end: %" PRIu64
          " bytes, %" PRIu64 " files", rs.end.bytes_read, rs.end.files_done);
    recs_free(&rs);

    /* The same directory twice, and an explicit README is read. */
    snprintf(path, sizeof path, "%s/README.md", dir);
    const char *two[] = { sub, dir, path };
    CHECK(collect(two, 3, &rs) == 0, "collect");
    size_t again = 0, readme = 0;
    for (size_t i = 0; i < rs.n; i++) {
        again += rs.r[i].rc < 0 && strstr(rs.r[i].msg, "already read") != NULL;
        readme += rs.r[i].rc == 1 && !strcmp(F(rs, i, TITLE), "# not an article");
    }
    CHECK(again == 1, "sub met again under dir is reported once (%zu)", again);
    CHECK(readme == 1, "explicit README read");
    CHECK(rs.articles == 4, "c, B, a, README: %zu", rs.articles);
    recs_free(&rs);

    if (geteuid() == 0) {
        printf("skip: unreadable file and directory tests (running as root, who can read anything)\n");
    } else {
        char locked[700];
        snprintf(locked, sizeof locked, "%s/locked.txt", sub);
        put_file(sub, "locked.txt", "x\n", 2);
        chmod(locked, 0);
        CHECK(collect1(locked, &rs) == 0, "collect");
        CHECK(rs.n == 1 && rs.r[0].rc == FUPIN_EIO && strstr(rs.r[0].msg, "Permission denied"),
              "unreadable file: %s", rs.n ? rs.r[0].msg : "");
        recs_free(&rs);
        chmod(sub, 0);
        CHECK(collect1(sub, &rs) == 0, "collect");
        CHECK(rs.n == 1 && rs.r[0].rc == FUPIN_EIO && strstr(rs.r[0].msg, "Permission denied"),
              "unreadable dir: %s", rs.n ? rs.r[0].msg : "");
        recs_free(&rs);
        chmod(sub, 0755);
    }
}

/* A file of nothing but bad JSON lines is the wrong format: after 100 the
 * rest is skipped with one last message. */
static void test_give_up(const char *tmp)
{
    char text[300 * 8], path[600];
    size_t k = 0;
    recs rs;

    for (int i = 0; i < 300; i++)
        k += (size_t)sprintf(text + k, "{oops\n");
    put_file(tmp, "junk.jsonl", text, k);
    snprintf(path, sizeof path, "%s/junk.jsonl", tmp);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.n == 100 && rs.errors == 100, "100 errors, then the file is dropped (%zu)", rs.n);
    if (rs.n == 100)
        CHECK(strstr(rs.r[99].msg, ":100: ") && strstr(rs.r[99].msg, "rest of file skipped"),
              "last message: %s", rs.r[99].msg);
    CHECK(rs.end.files_done == 1 && rs.end.bytes_read == rs.total, "file counted done");
    recs_free(&rs);

    /* one good line first: every bad line is reported */
    k = (size_t)sprintf(text, "{\"title\":\"ok\"}\n");
    for (int i = 0; i < 299; i++)
        k += (size_t)sprintf(text + k, "{oops\n");
    put_file(tmp, "mixed.jsonl", text, k);
    snprintf(path, sizeof path, "%s/mixed.jsonl", tmp);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.articles == 1 && rs.errors == 299, "after a good line no giving up: %zu, %zu", rs.articles,
          rs.errors);
    recs_free(&rs);
}

/* One 50 MB line, plain and zstd; a 20 MB plain-text paragraph. */
static void test_huge_lines(const char *tmp)
{
    const size_t body_len = 50u << 20;
    const char *pat = "脱贫攻坚ab\\n", *txt = "脱贫攻坚ab\n";   /* as JSON, as text */
    const size_t pl = strlen(pat), tl = strlen(txt);
    size_t json_len, k, zcap, zlen;
    char *json, *body, *z, path[600];
    recs rs;

    json = malloc(body_len + 256);
    body = malloc(body_len + 16);
    k = (size_t)sprintf(json, "{\"id\":\"big\",\"title\":\"大\",\"body\":\"");
    size_t b = 0;
    while (k + pl < body_len) {
        memcpy(json + k, pat, pl);
        memcpy(body + b, txt, tl);
        k += pl;
        b += tl;
    }
    k += (size_t)sprintf(json + k, "\"}\n");
    json_len = k;
    put_file(tmp, "big.jsonl", json, json_len);
    zcap = ZSTD_compressBound(json_len);
    z = malloc(zcap);
    zlen = ZSTD_compress(z, zcap, json, json_len, 1);
    CHECK(!ZSTD_isError(zlen), "compress");
    put_file(tmp, "big.jsonl.zst", z, zlen);
    free(z);

    const char *names[] = { "big.jsonl", "big.jsonl.zst" };
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
        CHECK(collect1(path, &rs) == 0, "collect");
        CHECK(rs.articles == 1 && rs.n == 1, "%s: one article (%s)", names[i], rs.n ? rs.r[0].msg : "");
        if (rs.articles == 1)
            CHECK(rs.r[0].len[FUPIN_F_BODY] == b && memcmp(rs.r[0].f[FUPIN_F_BODY], body, b) == 0,
                  "%s: %zu-byte body intact (%zu)", names[i], b, rs.r[0].len[FUPIN_F_BODY]);
        recs_free(&rs);
    }

    /* plain text: title, a 20 MB paragraph with no final newline */
    size_t para = 20u << 20;
    memcpy(json, "大标题\n\n", 11);
    memset(json + 11, 'x', para);
    memcpy(json + 11 + para - 6, "结尾", 6);
    put_file(tmp, "big.txt", json, 11 + para);
    snprintf(path, sizeof path, "%s/big.txt", tmp);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.articles == 1 && rs.r[0].len[FUPIN_F_BODY] == para &&
          !strcmp(rs.r[0].f[FUPIN_F_BODY] + para - 6, "结尾"), "20 MB paragraph intact");
    recs_free(&rs);
    free(json);
    free(body);
}

/* ---- the parts on their own ---- */

static void test_reader(void)
{
    const char text[] = "\xEF\xBB\xBF" "one\r\ntwo\n\nlast";
    fupin_reader *r;
    const char *p;
    size_t n;

    CHECK(fupin_reader_open_mem(text, sizeof text - 1, &r) == 0, "open mem");
    CHECK(fupin_reader_peek(r, 8192, &p, &n) == 0 && n == sizeof text - 4 && p[0] == 'o', "peek skips BOM");
    CHECK(fupin_reader_line(r, &p, &n) == 1 && n == 4 && !memcmp(p, "one\r", 4), "CR kept by the reader");
    CHECK(fupin_reader_peek(r, 1, &p, &n) == FUPIN_EINVAL, "no peek after lines");
    CHECK(fupin_reader_line(r, &p, &n) == 1 && n == 3 && !memcmp(p, "two", 3), "two");
    CHECK(fupin_reader_line(r, &p, &n) == 1 && n == 0, "empty line");
    CHECK(fupin_reader_line(r, &p, &n) == 1 && n == 4 && !memcmp(p, "last", 4), "last without newline");
    CHECK(fupin_reader_line(r, &p, &n) == 0 && fupin_reader_lineno(r) == 4, "end after 4 lines");
    fupin_reader_close(r);
    fupin_reader_close(NULL);

    CHECK(fupin_reader_open(DATA "good_bad.jsonl.gz", &r) == 0 && fupin_reader_kind(r) == FUPIN_READER_GZIP,
          "gzip by magic");
    fupin_reader_close(r);
    CHECK(fupin_reader_open(DATA "good_bad.jsonl.zst", &r) == 0 && fupin_reader_kind(r) == FUPIN_READER_ZSTD,
          "zstd by magic");
    fupin_reader_close(r);
    CHECK(fupin_reader_open(DATA "nope", &r) == FUPIN_ENOTFOUND && r == NULL, "missing file, NULL out");
}

static void test_jsonl_module(void)
{
    fupin_jsonl *j;
    fupin_article a;
    const char *l1 = "{\"title\":\"t\",\"body\":\"b\\u0000c\",\"unknown\":[1,{\"x\":2}]}\r";
    const char *l2 = "{\"title\":\"t\"} {\"title\":\"u\"}";
    const char *l3 = "\xEF\xBB\xBF{\"body\":\"x\"}";

    CHECK(fupin_jsonl_new(&j) == 0, "new");
    CHECK(fupin_jsonl_parse(j, " \t\r", 3, &a) == 0, "blank line is nothing");
    CHECK(fupin_jsonl_parse(j, l1, strlen(l1), &a) == 1 && a.f[FUPIN_F_BODY].len == 3 &&
          !memcmp(a.f[FUPIN_F_BODY].ptr, "b\0c", 3), "escaped NUL kept, CR and unknown keys fine");
    CHECK(fupin_jsonl_parse(j, l3, strlen(l3), &a) == 1 && FIELD_IS(a, BODY, "x"),
          "BOM at the start of a line (concatenated files)");
    CHECK(fupin_jsonl_parse(j, l2, strlen(l2), &a) == FUPIN_EFORMAT && a.f[FUPIN_F_TITLE].len == 0,
          "two objects on a line: %s", fupin_jsonl_errmsg(j));
    CHECK(fupin_jsonl_parse(j, "{\"title\":{}}", 12, &a) == FUPIN_EFORMAT, "object title is no title");
    CHECK(fupin_jsonl_parse(j, "\"str\"", 5, &a) == FUPIN_EFORMAT, "a string is not a record: %s",
          fupin_jsonl_errmsg(j));
    fupin_jsonl_free(j);
    fupin_jsonl_free(NULL);
}

static int pt(fupin_plaintext *p, const char *text, fupin_article *a)
{
    uint64_t line;
    return fupin_plaintext_parse(p, text, strlen(text), a, &line);
}


static void test_plaintext_module(void)
{
    fupin_plaintext *p;
    fupin_article a;
    uint64_t line;

    CHECK(fupin_plaintext_new(&p) == 0, "new");
    CHECK(pt(p, "\n \n　\n", &a) == 0, "only blank lines: nothing");
    CHECK(pt(p, "标题\n来源：新华网 | 发布时间：2020-01-01 09:00 | 浏览次数：12\n正文。\n", &a) == 1 &&
          FIELD_IS(a, SOURCE, "新华网") && FIELD_IS(a, DATE, "2020-01-01 09:00") && FIELD_IS(a, BODY, "正文。"),
          "full-width colons, 发布时间, separators, ignored key");
    CHECK(pt(p, "标题\n作者：张三  日期：2021-03-04\n记者 李四\n正文\n", &a) == 1 &&
          FIELD_IS(a, BYLINE, "张三\n记者 李四") && FIELD_IS(a, DATE, "2021-03-04") && a.f[FUPIN_F_SOURCE].len == 0,
          "author from the meta line joins the byline");
    CHECK(pt(p, "标题\n\n正文里的来源：某某。\n第二段\n", &a) == 1 && a.f[FUPIN_F_SOURCE].len == 0 &&
          FIELD_IS(a, BODY, "正文里的来源：某某。\n第二段"), "a meta line must start with its key");
    CHECK(pt(p, "标题\n1\n正文\n2019\n结尾\n\n3\n\n版权所有：某网\n京公网安备 1100号\n", &a) == 1 &&
          FIELD_IS(a, BODY, "1\n正文\n2019\n结尾"), "only the trailing run is footer");
    CHECK(pt(p, "标题\n通讯员 甲\n摄影 乙\n一、产业兴旺\n正文\n", &a) == 1 && FIELD_IS(a, BYLINE, "通讯员 甲\n摄影 乙") &&
          FIELD_IS(a, BODY, "一、产业兴旺\n正文"), "byline continuation words; a heading is body");
    CHECK(pt(p, "标题\n摄影 乙\n正文\n", &a) == 1 && a.f[FUPIN_F_BYLINE].len == 0 &&
          FIELD_IS(a, BODY, "摄影 乙\n正文"), "a byline starts with 记者 or 通讯员");
    CHECK(pt(p, "  标题　\n", &a) == 1 && FIELD_IS(a, TITLE, "标题") && a.f[FUPIN_F_BODY].len == 0,
          "title trimmed; title only");
    CHECK(pt(p, "标题\n您是第 位来访者\n", &a) == 1 && a.f[FUPIN_F_BODY].len == 0, "visitor counter");

    /* line by line with separators */
    fupin_plaintext_reset(p);
    CHECK(fupin_plaintext_add_line(p, "", 0, 1) == 0, "blank");
    CHECK(fupin_plaintext_add_line(p, "甲\r", 4, 2) == 0, "title");
    CHECK(fupin_plaintext_add_line(p, "\f乙", 4, 3) == 1, "form feed ends an article");
    CHECK(fupin_plaintext_take(p, &a, &line) == 1 && FIELD_IS(a, TITLE, "甲") && line == 2, "first");
    CHECK(fupin_plaintext_add_line(p, "======", 6, 4) == 1, "=== ends an article");
    CHECK(fupin_plaintext_take(p, &a, &line) == 1 && FIELD_IS(a, TITLE, "乙") && line == 3,
          "text after the form feed is the next article, line %" PRIu64, line);
    CHECK(fupin_plaintext_take(p, &a, &line) == 0, "nothing left");
    fupin_plaintext_free(p);
    fupin_plaintext_free(NULL);
}

static void test_api_edges(void)
{
    fupin_dump *d;
    fupin_article a;
    fupin_dump_pos pos;
    uint64_t bytes = 1;

    CHECK(fupin_dump_open(NULL, 0, &d) == 0 && d, "no paths");
    CHECK(fupin_dump_next(d, &a) == 0, "no paths: end at once");
    CHECK(fupin_dump_total_bytes(d, &bytes) == 0 && bytes == 0, "no bytes");
    fupin_dump_where(d, &pos);
    CHECK(pos.files_done == 0 && pos.bytes_read == 0 && pos.file && pos.file[0] == '\0', "where at start");
    CHECK(fupin_dump_next(NULL, &a) == FUPIN_EINVAL && fupin_dump_next(d, NULL) == FUPIN_EINVAL, "NULLs");
    fupin_dump_close(d);
    fupin_dump_close(NULL);
    CHECK(fupin_dump_open(NULL, 1, &d) == FUPIN_EINVAL && d == NULL, "NULL paths with n");
}


/* ---- encodings, joined files and web pages in a dump ---- */

/* The seed's footer, as the 红星网 scrape has it, CRLF. */
#define SEED_FOOTER "\r\n1\r\n\r\n主办单位:中共湖南省委组织部\r\n技术支持:湖南红网新媒体集团\r\n" \
                    "ICP备案号:湘ICP备17016663号-1\r\n\r\n欢迎您访问红星网\r\n您是第 位来访者\r\n"

static void test_joined_text(const char *tmp)
{
    /* three files joined with cat, each with its BOM, CRLF and footer, and
     * with "=====" (CRLF, BOM before it) and a form feed between them */
    static const char joined[] =
        "\xEF\xBB\xBF第一篇：村里来了工作队\r\n\r\n文章来源: 湖南日报  时间: 2019-12-21 10:48\r\n\r\n"
        "湖南日报记者 田育才\r\n\r\n　　深冬时节，工作队走村入户。\r\n　　全村脱贫。\r\n" SEED_FOOTER
        "\xEF\xBB\xBF=====\r\n"
        "\xEF\xBB\xBF第二篇：茶园新绿\r\n\r\n来源：示例日报 | 发布时间：2020-05-06 08:30\r\n\r\n茶叶加工厂开工。\r\n" SEED_FOOTER
        "\f\xEF\xBB\xBF第三篇：养蜂合作社\r\n\r\n合作社分红四万余元。\r\n";
    char dir[512], path[600];
    recs rs;

    snprintf(dir, sizeof dir, "%s/joined", tmp);
    mkdir(dir, 0700);
    put_file(dir, "joined.txt", joined, sizeof joined - 1);
    snprintf(path, sizeof path, "%s/joined.txt", dir);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.articles == 3 && rs.errors == 0, "joined: 3 articles (%zu, %zu errors%s%s)", rs.articles,
          rs.errors, rs.errors ? ": " : "", rs.errors ? rs.r[0].msg : "");
    if (rs.articles == 3) {
        static const char *const titles[] = { "第一篇：村里来了工作队", "第二篇：茶园新绿", "第三篇：养蜂合作社" };
        static const char *const bodies[] = { "　　深冬时节，工作队走村入户。\n　　全村脱贫。", "茶叶加工厂开工。",
                                              "合作社分红四万余元。" };
        static const uint64_t lines[] = { 1, 19, 33 };
        for (int i = 0; i < 3; i++) {
            CHECK(!strcmp(F(rs, i, TITLE), titles[i]), "title %d without BOM: '%s'", i, F(rs, i, TITLE));
            CHECK(!strcmp(F(rs, i, BODY), bodies[i]), "body %d without footer or CR: '%s'", i, F(rs, i, BODY));
            CHECK(rs.r[i].line == lines[i], "article %d at line %" PRIu64, i, rs.r[i].line);
        }
        CHECK(!strcmp(F(rs, 0, SOURCE), "湖南日报") && !strcmp(F(rs, 0, DATE), "2019-12-21 10:48") &&
              !strcmp(F(rs, 0, BYLINE), "湖南日报记者 田育才"), "first meta line and byline");
        CHECK(!strcmp(F(rs, 1, SOURCE), "示例日报") && !strcmp(F(rs, 1, DATE), "2020-05-06 08:30"),
              "second meta line: '%s' '%s'", F(rs, 1, SOURCE), F(rs, 1, DATE));
    }
    recs_free(&rs);
}

/* Text files that are not UTF-8 (bytes written out by Python's codecs). */
static void test_encoded_text(const char *tmp)
{
    /* "扶贫车间\r\n\r\n脱贫攻坚。\r\n=====\r\n第二篇\r\n\r\n乡村振兴。\r\n" in GBK */
    static const char gbk[] = "\xB7\xF6\xC6\xB6\xB3\xB5\xBC\xE4\r\n\r\n\xCD\xD1\xC6\xB6\xB9\xA5\xBC\xE1\xA1\xA3\r\n"
                              "=====\r\n\xB5\xDA\xB6\xFE\xC6\xAA\r\n\r\n\xCF\xE7\xB4\xE5\xD5\xF1\xD0\xCB\xA1\xA3\r\n";
    /* "标题\n\n正文。\n" in UTF-16LE and UTF-16BE with their BOMs */
    static const char u16le[] = "\xFF\xFE\x07\x68\x98\x98\n\0\n\0\x63\x6B\x87\x65\x02\x30\n\0";
    static const char u16be[] = "\xFE\xFF\x68\x07\x98\x98\0\n\0\n\x6B\x63\x65\x87\x30\x02\0\n";
    /* "標題\n\n脫貧攻堅，鄉村振興。這是…村民。\n" in Big5: long enough for
     * uchardet to tell it from GBK, whose byte ranges it shares */
    static const char big5[] = "\xBC\xD0\xC3" "D\n\n\xB2\xE6\xB3h\xA7\xF0\xB0\xED\xA1" "A\xB6m\xA7\xF8\xAE\xB6\xBF\xB3\xA1" "C\xB3o\xACO\xA4@\xBDg\xC1" "c\xC5\xE9\xA4\xA4\xA4\xE5\xAA\xBA\xB7s\xBB" "D\xB3\xF8\xBE\xC9\xA1" "A\xB0O\xAA\xCC\xA6" "b\xB7\xED\xA6" "a\xB1\xC4\xB3X\xA4" "F\xB3\x5C\xA6h\xA7\xF8\xA5\xC1\xA1" "C\n";
    char dir[512], path[600];
    unsigned char junk[3000];
    recs rs;

    snprintf(dir, sizeof dir, "%s/enc", tmp);
    mkdir(dir, 0700);
    put_file(dir, "gbk-crlf.txt", gbk, sizeof gbk - 1);
    put_file(dir, "u16le.txt", u16le, sizeof u16le - 1);
    put_file(dir, "u16be.txt", u16be, sizeof u16be - 1);
    put_file(dir, "big5.txt", big5, sizeof big5 - 1);
    /* high bytes no charset makes sense of */
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i % 3 ? 0x80 + (i * 37) % 128 : 'a' + i % 26);
    put_file(dir, "junk.txt", junk, sizeof junk);

    snprintf(path, sizeof path, "%s/gbk-crlf.txt", dir);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.articles == 2 && rs.errors == 0, "GBK with CRLF and a separator: %zu articles", rs.articles);
    if (rs.articles == 2) {
        CHECK(!strcmp(F(rs, 0, TITLE), "扶贫车间") && !strcmp(F(rs, 0, BODY), "脱贫攻坚。"), "GBK article 1: '%s' '%s'",
              F(rs, 0, TITLE), F(rs, 0, BODY));
        CHECK(!strcmp(F(rs, 1, TITLE), "第二篇") && !strcmp(F(rs, 1, BODY), "乡村振兴。") && rs.r[1].line == 5,
              "GBK article 2 at line %" PRIu64 ": '%s'", rs.r[1].line, F(rs, 1, TITLE));
    }
    CHECK(rs.end.bytes_read == rs.total && rs.end.files_done == 1, "progress counts the file's own bytes");
    recs_free(&rs);

    static const char *const u16[] = { "u16le.txt", "u16be.txt" };
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, u16[k]);
        CHECK(collect1(path, &rs) == 0, "collect");
        CHECK(rs.articles == 1 && !strcmp(F(rs, 0, TITLE), "标题") && !strcmp(F(rs, 0, BODY), "正文。"),
              "%s: NUL bytes after a UTF-16 BOM are text, not binary (%zu results: %s)", u16[k], rs.n,
              rs.n ? (rs.articles ? F(rs, 0, TITLE) : rs.r[0].msg) : "");
        recs_free(&rs);
    }

    snprintf(path, sizeof path, "%s/big5.txt", dir);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.articles == 1 && !strcmp(F(rs, 0, TITLE), "標題") && !strcmp(F(rs, 0, BODY), "脫貧攻堅，鄉村振興。這是一篇繁體中文的新聞報導，記者在當地採訪了許多村民。"),
          "Big5 decoded, characters kept traditional: '%s'", rs.articles ? F(rs, 0, TITLE) : rs.r[0].msg);
    recs_free(&rs);

    snprintf(path, sizeof path, "%s/junk.txt", dir);
    CHECK(collect1(path, &rs) == 0, "collect");
    CHECK(rs.n == 1 && rs.r[0].rc == FUPIN_EENCODING, "undecodable: skipped, %zu results", rs.n);
    if (rs.n == 1) {
        char want[700];
        snprintf(want, sizeof want, "%s: cannot decode: ", path);
        CHECK(!strncmp(rs.r[0].msg, want, strlen(want)) && strstr(rs.r[0].msg, "skipped"),
              "message names the file: '%s'", rs.r[0].msg);
    }
    CHECK(rs.end.files_done == 1 && rs.end.bytes_read == rs.total, "skipped file counted done");
    recs_free(&rs);

    /* the whole directory: 2 + 1 + 1 + 1 articles, one skip, in name order */
    CHECK(collect1(dir, &rs) == 0, "collect");
    CHECK(rs.articles == 5 && rs.errors == 1, "enc/: %zu articles, %zu errors", rs.articles, rs.errors);
    recs_free(&rs);
}

static void write_gz(const char *path, const char *data, size_t len)
{
    gzFile g = gzopen(path, "wb");
    CHECK(g != NULL, "gzopen %s", path);
    if (!g)
        return;
    gzwrite(g, data, (unsigned)len);
    gzclose(g);
}

static void test_pages(const char *tmp)
{
    static const char page[] =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>村里来了工作队_红星网</title>"
        "<link rel=\"canonical\" href=\"https://example.org/a/1.html\"></head><body>"
        "<div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/x\">工作动态</a></div>"
        "<h1>村里来了工作队</h1><div class=\"info\">来源：湖南日报 发布时间：2019-12-21 10:48</div>"
        "<div class=\"content\"><p>深冬时节，张家界市的驻村工作队走村入户，逐户核对帮扶台账。</p>"
        "<p>工作队和村支两委一起议定了三件事，合作社去年分红四万余元。</p></div>"
        "<div class=\"footer\">主办单位：中共湖南省委组织部 技术支持：红网</div></body></html>";
    /* the same page declaring gb2312 but saved as UTF-8 */
    char declared[sizeof page + 64];
    const char *cs = strstr(page, "utf-8");
    /* and in GBK, declaring gbk: "<title>扶贫车间</title>...<p>驻村第一书记带领村民发展产业，脱贫攻坚取得成效。</p>" */
    static const char gbk_page[] =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">"
        "<title>\xB7\xF6\xC6\xB6\xB3\xB5\xBC\xE4</title></head><body><h1>\xB7\xF6\xC6\xB6\xB3\xB5\xBC\xE4</h1><p>"
        "\xD7\xA4\xB4\xE5\xB5\xDA\xD2\xBB\xCA\xE9\xBC\xC7\xB4\xF8\xC1\xEC\xB4\xE5\xC3\xF1\xB7\xA2\xD5\xB9\xB2\xFA"
        "\xD2\xB5\xA3\xAC\xCD\xD1\xC6\xB6\xB9\xA5\xBC\xE1\xC8\xA1\xB5\xC3\xB3\xC9\xD0\xA7\xA1\xA3</p></body></html>";
    char dir[512], sub[600], path[700];
    recs rs;

    snprintf(declared, sizeof declared, "%.*sgb2312%s", (int)(cs - page), page, cs + 5);
    snprintf(dir, sizeof dir, "%s/site", tmp);
    snprintf(sub, sizeof sub, "%s/news", dir);
    mkdir(dir, 0700);
    mkdir(sub, 0700);
    put_file(dir, "a.html", page, sizeof page - 1);
    put_file(sub, "b.htm", declared, strlen(declared));
    put_file(sub, "c.shtml", gbk_page, sizeof gbk_page - 1);
    put_file(sub, "d.dat", page, sizeof page - 1);                 /* sniffed by its <!DOCTYPE */
    put_file(sub, "e.xhtml", "<html><body><p>短</p></body></html>", 37);
    snprintf(path, sizeof path, "%s/f.html.gz", sub);
    write_gz(path, page, sizeof page - 1);

    CHECK(collect1(dir, &rs) == 0, "collect");
    CHECK(rs.articles == 5 && rs.errors == 1, "site/: 5 pages, 1 without an article (%zu, %zu)", rs.articles,
          rs.errors);
    if (rs.n == 6) {
        static const char *const ids[] = { "page:site/a.html", "page:site/news/b.htm", "page:site/news/c.shtml",
                                           "page:site/news/d.dat", NULL, "page:site/news/f.html.gz" };
        for (int i = 0; i < 6; i++) {
            if (!ids[i])
                continue;
            CHECK(rs.r[i].rc == 1 && !strcmp(F(rs, i, ID), ids[i]), "page %d id '%s', want %s", i, F(rs, i, ID), ids[i]);
            CHECK(rs.r[i].line == 1, "page %d at line 1", i);
        }
        for (int i = 0; i < 6; i++) {
            if (i == 2 || i == 4)
                continue;
            CHECK(!strcmp(F(rs, i, TITLE), "村里来了工作队") && !strcmp(F(rs, i, SOURCE), "湖南日报") &&
                  !strcmp(F(rs, i, DATE), "2019-12-21 10:48") && !strcmp(F(rs, i, URL), "https://example.org/a/1.html"),
                  "page %d fields: '%s' '%s' '%s' '%s'", i, F(rs, i, TITLE), F(rs, i, SOURCE), F(rs, i, DATE), F(rs, i, URL));
            CHECK(!strcmp(F(rs, i, BODY), "深冬时节，张家界市的驻村工作队走村入户，逐户核对帮扶台账。\n"
                                          "工作队和村支两委一起议定了三件事，合作社去年分红四万余元。"),
                  "page %d body without menu or footer: '%s'", i, F(rs, i, BODY));
        }
        CHECK(!strcmp(F(rs, 2, TITLE), "扶贫车间") &&
              !strcmp(F(rs, 2, BODY), "驻村第一书记带领村民发展产业，脱贫攻坚取得成效。"),
              "GBK page decoded: '%s' '%s'", F(rs, 2, TITLE), F(rs, 2, BODY));
        char want[800];
        snprintf(want, sizeof want, "%s/news/e.xhtml: no article text found", dir);
        CHECK(rs.r[4].rc == FUPIN_EFORMAT && !strncmp(rs.r[4].msg, want, strlen(want)),
              "page without an article reported: '%s'", rs.r[4].msg);
    }
    CHECK(rs.end.files_done == 6 && rs.end.bytes_read == rs.total, "pages counted: %" PRIu64, rs.end.files_done);
    recs_free(&rs);

    /* a page given by itself: its base name; a root given as "dir/." its real name */
    snprintf(path, sizeof path, "%s/a.html", dir);
    CHECK(collect1(path, &rs) == 0 && rs.articles == 1 && !strcmp(F(rs, 0, ID), "page:a.html"),
          "lone page id '%s'", rs.articles ? F(rs, 0, ID) : "");
    recs_free(&rs);
    snprintf(path, sizeof path, "%s/news/.", dir);
    CHECK(collect1(path, &rs) == 0 && rs.articles == 4 && !strcmp(F(rs, 0, ID), "page:news/b.htm"),
          "root '.' named by its directory: '%s'", rs.articles ? F(rs, 0, ID) : "");
    recs_free(&rs);
}

/* ---- real data ---- */

static void test_bundled_corpus(void)
{
    recs rs;
    size_t samples = 0, plain_samples = 0, seed = 0, readme = 0;
    static const char *const terms[] = { "驻村", "第一书记", "脱贫攻坚", "扶贫" };
    size_t with[4] = { 0 };

    CHECK(collect1("corpus", &rs) == 0, "collect");
    CHECK(rs.errors == 0, "bundled corpus reads clean (%zu errors%s%s)", rs.errors,
          rs.errors ? ": " : "", rs.errors ? rs.r[0].msg : "");
    for (size_t i = 0; i < rs.n; i++) {
        if (rs.r[i].rc != 1)
            continue;
        samples += strncmp(F(rs, i, ID), "sample-", 7) == 0;
        plain_samples += strstr(rs.r[i].file, "/sample-") != NULL;
        seed += strstr(rs.r[i].file, "/hnrb-") != NULL;
        readme += strstr(rs.r[i].file, "README") != NULL;
        CHECK(rs.r[i].len[FUPIN_F_TITLE] > 0 && rs.r[i].len[FUPIN_F_BODY] > 0 &&
              rs.r[i].len[FUPIN_F_SOURCE] > 0 && rs.r[i].len[FUPIN_F_DATE] > 0,
              "%s:%" PRIu64 " has title, body, source and date", rs.r[i].file, rs.r[i].line);
        for (int t = 0; t < 4; t++)
            with[t] += strstr(F(rs, i, BODY), terms[t]) || strstr(F(rs, i, TITLE), terms[t]);
    }
    CHECK(samples == 5, "samples.jsonl has 5 articles: %zu", samples);
    CHECK(plain_samples >= 4 && plain_samples <= 6, "4-6 plain-text samples: %zu", plain_samples);
    CHECK(seed == 1 && readme == 0, "the seed once, README not read");
    for (int t = 0; t < 4; t++)
        CHECK(with[t] >= 3, "%s in several articles (%zu)", terms[t], with[t]);
    recs_free(&rs);
}

static const char *shared_dir(void)
{
    const char *s = getenv("FUPIN_SHARED");
    return s && *s ? s : "../shared";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_shared_fupin(void)
{
    char dir[512];
    struct stat st;
    recs rs;
    struct timespec t0, t1;

    snprintf(dir, sizeof dir, "%s/corpus/fupin", shared_dir());
    if (stat(dir, &st) != 0) {
        printf("skip: %s not found\n", dir);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(collect1(dir, &rs) == 0, "collect");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(rs.articles == 3263 && rs.errors == 0, "fupin: %zu articles (want 2336 + 927), %zu errors",
          rs.articles, rs.errors);
    size_t xwlb = 0, rmrb = 0, complete = 0;
    char **ids = malloc((rs.n ? rs.n : 1) * sizeof *ids);
    for (size_t i = 0; i < rs.n; i++) {
        xwlb += strstr(rs.r[i].file, "/xwlb-fupin-") != NULL;
        rmrb += strstr(rs.r[i].file, "/rmrb-fupin-") != NULL;
        complete += rs.r[i].len[FUPIN_F_ID] && rs.r[i].len[FUPIN_F_TITLE] && rs.r[i].len[FUPIN_F_BODY] &&
                    rs.r[i].len[FUPIN_F_DATE] >= 10 && rs.r[i].len[FUPIN_F_SOURCE];
        ids[i] = rs.r[i].f[FUPIN_F_ID];
    }
    CHECK(xwlb == 2336 && rmrb == 927, "per file: %zu + %zu", xwlb, rmrb);
    CHECK(complete == rs.n, "every article has id, title, body, date, source (%zu of %zu)", complete, rs.n);
    qsort(ids, rs.n, sizeof *ids, cmp_str);
    size_t dups = 0;
    for (size_t i = 1; i < rs.n; i++)
        dups += strcmp(ids[i - 1], ids[i]) == 0;
    CHECK(dups == 0, "ids unique (%zu duplicates)", dups);
    free(ids);
    CHECK(rs.end.bytes_read == rs.total && rs.end.files_done == 2, "progress ends at total_bytes");
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("fupin/: %zu articles in %.2f s (collecting copies included)\n", rs.articles, secs);
    recs_free(&rs);
}

static void test_shared_seed(void)
{
    char pattern[512];
    glob_t g;
    recs rs;

    snprintf(pattern, sizeof pattern, "%s/corpus/seed/*.txt", shared_dir());
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        printf("skip: no %s\n", pattern);
        return;
    }
    CHECK(collect(( const char *const *)g.gl_pathv, g.gl_pathc, &rs) == 0, "collect");
    CHECK(rs.articles == 1 && rs.n == 1, "seed: one article");
    if (rs.articles == 1) {
        const char *body = F(rs, 0, BODY);
        size_t bl = rs.r[0].len[FUPIN_F_BODY];
        const char *end = "实现全市整体脱贫。";
        CHECK(!strcmp(F(rs, 0, TITLE), "“驻村铁军”践初心 ——张家界市开展驻村帮扶工作纪实"), "title '%s'",
              F(rs, 0, TITLE));
        CHECK(!strcmp(F(rs, 0, SOURCE), "湖南日报"), "source '%s'", F(rs, 0, SOURCE));
        CHECK(!strcmp(F(rs, 0, DATE), "2019-12-21 10:48"), "date '%s'", F(rs, 0, DATE));
        CHECK(strstr(F(rs, 0, BYLINE), "湖南日报记者田育才") && strstr(F(rs, 0, BYLINE), "通讯员杜龙程赵舶帆"),
              "byline '%s'", F(rs, 0, BYLINE));
        CHECK(strncmp(body, "深冬时节", strlen("深冬时节")) == 0, "body starts 深冬时节");
        CHECK(bl >= strlen(end) && !strcmp(body + bl - strlen(end), end), "body ends 实现全市整体脱贫。");
        CHECK(!strstr(body, "主办单位") && !strstr(body, "ICP") && !strstr(body, "来访者") &&
              !strstr(body, "\n\n") && !strstr(body, "\r"), "no footer, no blank lines");
        CHECK(strstr(body, "\n尽锐出战,奋战扶贫一线\n") != NULL, "section heading kept as a paragraph");
        CHECK(rs.r[0].line == 1 && F(rs, 0, ID)[0] == 'h', "line 1, hash id");
    }
    recs_free(&rs);
    globfree(&g);
}

int main(void)
{
    char tmp[] = "/tmp/fupin-test-dump-XXXXXX";

    test_reader();
    test_jsonl_module();
    test_plaintext_module();
    test_api_edges();
    test_jsonl_files();
    test_truncated();
    test_plaintext_files();
    test_skipped_files();
    test_fixture_dir();
    if (mkdtemp(tmp)) {
        test_walk(tmp);
        test_give_up(tmp);
        test_huge_lines(tmp);
        test_joined_text(tmp);
        test_encoded_text(tmp);
        test_pages(tmp);
        rm_tree(tmp);
    } else {
        CHECK(0, "mkdtemp: %s", strerror(errno));
    }
    test_bundled_corpus();
    test_shared_fupin();
    test_shared_seed();
    return TEST_DONE();
}
