/* test_reprint.c - reprint signatures, clustering, and collapsed search.
 *
 * Unit cases on written texts: an exact copy (other id), a re-wrapped copy
 * with full-width punctuation and a portal footer are one cluster; a
 * story and its follow-up (which quotes the story's lead) are not; two
 * instances of one short template are not, their exact copies are; near
 * copies pair only within FUPIN_REPRINT_MAX_DAYS, equal ones at any date;
 * value encoding round-trips; grouping does not depend on input order.
 *
 * On the corpus (tests/reprint_set.h; skipped with a message when
 * $FUPIN_SHARED/corpus is absent): precision and recall over pairs must be
 * at least 0.97.  Measured 0.989 and 0.990 (tests/tools/reprint_eval), so
 * the bound holds with room for small changes of the signature while a real
 * regression (a threshold off by a few positions, shingles that break on
 * line ends) takes either below it.  Precision here is strict: the 35 pairs
 * of corpus articles clustered count as errors though most are the same
 * Xinhua story as broadcast by 新闻联播 and printed by 人民日报.  Exact
 * copies and re-wrapped copies must all be found; no pair of same-source
 * reports on one place (3,579 pairs) may be joined beyond 1 in 1,000.
 *
 * In a database (single and 2 shards, built from a small JSONL file):
 * collapsed hits carry the count of matching copies; --no-collapse shows
 * every copy; articles without a cluster value are never collapsed by
 * Xapian; a title: query whose best-ranked copy fails verification still
 * finds the copy that passes; clusters follow re-indexing (a new smaller
 * id becomes the key, a rewritten article leaves its cluster); both
 * layouts give the same hits and counts.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "reprint_set.h"
#include "../common/status.h"
#include "../indexer/ingest.h"
#include "../searcher/search.h"

/* A written story, 12 lines, and a follow-up a week later that quotes its
 * lead sentence (the usual "据本台此前报道" recap) and then reports new facts. */
static const char story[] =
    "本台消息：湖南省人民政府日前发布公告，批准花垣县等十个县市退出贫困县序列。\n"
    "花垣县地处武陵山区腹地，是十八洞村所在地，也是精准扶贫首倡地。\n"
    "五年来，全县累计投入扶贫资金四十二亿元，实施产业扶贫项目一千三百多个，\n"
    "建成猕猴桃、茶叶、油茶等特色产业基地二十多万亩，带动贫困户两万三千多户。\n"
    "县里推行村集体经济股份合作，每个贫困村都有了稳定的集体收入来源。\n"
    "易地扶贫搬迁安置点配套建设了扶贫车间，搬迁群众在家门口就业。\n"
    "全县贫困发生率由百分之二十六点六降至百分之零点八九，\n"
    "农村居民人均可支配收入年均增长百分之十二以上。\n"
    "第三方评估显示，群众认可度达到百分之九十八点五。\n"
    "花垣县委负责人表示，摘帽不摘责任、不摘政策、不摘帮扶、不摘监管，\n"
    "下一步将巩固提升脱贫成果，推动乡村振兴，\n"
    "确保脱贫群众稳定增收、不返贫。\n";
static const char followup[] =
    "据本台此前报道，湖南省人民政府日前发布公告，批准花垣县等十个县市退出贫困县序列。\n"
    "摘帽之后，花垣县把工作重心转向防止返贫监测。本周，县里组织三百多名驻村干部，\n"
    "逐户走访脱贫户和边缘户，建立动态监测台账，发现风险及时纳入帮扶。\n"
    "在双龙镇，返乡青年创办的腊肉加工合作社吸纳了四十多名村民务工，\n"
    "合作社负责人说，订单已经排到了春节以后。\n"
    "县人社局还开设了电商培训班，首期学员一百二十人，\n"
    "教大家通过直播销售猕猴桃、黄金茶等农产品。\n"
    "县里同时设立了一千万元的产业发展基金，对新办的小微企业给予贴息支持。\n"
    "村民们说，日子有奔头，心里更踏实了。\n";

/* Two instances of one template (short): different books, same wording. */
static const char tmpl_a[] =
    "经中共中央批准，习近平《在深度贫困地区脱贫攻坚座谈会上的讲话》单行本，"
    "已由人民出版社出版，即日起在全国新华书店发行。";
static const char tmpl_b[] =
    "经中共中央批准，习近平《在决战决胜脱贫攻坚座谈会上的讲话》单行本，"
    "已由人民出版社出版，即日起在全国新华书店发行。";

static fupin_reprint_sig sign(fupin_normalizer *nz, const char *title, const char *body)
{
    fupin_reprint_sig sig;
    fupin_norm n;
    char t[512];
    size_t tl;
    memset(&sig, 0, sizeof sig);
    if (fupin_normalizer_run(nz, title, strlen(title), 0, &n) != 0)
        return sig;
    tl = n.len < sizeof t ? n.len : sizeof t;
    memcpy(t, n.text, tl);
    if (fupin_normalizer_run(nz, body, strlen(body), 0, &n) == 0)
        CHECK(fupin_reprint_sign(t, tl, n.text, n.len, &sig) == 0, "sign");
    return sig;
}

/* Re-wrapped every 23 bytes-ish at character starts, with ASCII commas
 * turned full-width (the normaliser folds them back) and a portal footer. */
static char *portal_copy(const char *body)
{
    size_t len = strlen(body), col = 0;
    char *o = malloc(len * 2 + 512), *p = o;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)body[i];
        if (c == '\n')
            continue;
        if ((c & 0xc0) != 0x80 && col >= 60) {
            *p++ = '\n';
            col = 0;
        }
        *p++ = (char)c;
        col++;
    }
    strcpy(p, "\n【打印本页】【关闭窗口】\n责任编辑：李明\n主办单位：花垣县人民政府办公室");
    return o;
}

static void test_units(void)
{
    fupin_normalizer *nz = NULL;
    CHECK(fupin_normalizer_new(0, &nz) == 0, "normalizer");
    if (!nz)
        return;
    fupin_reprint_sig s = sign(nz, "花垣县脱贫摘帽", story);
    fupin_reprint_sig dup = sign(nz, "花垣县脱贫摘帽", story);
    fupin_reprint_sig retitled = sign(nz, "湘西花垣县正式退出贫困县序列", story);
    char *pc = portal_copy(story);
    fupin_reprint_sig portal = sign(nz, "花垣县脱贫摘帽", pc);
    free(pc);
    fupin_reprint_sig follow = sign(nz, "花垣县织密防返贫监测网", followup);
    fupin_reprint_sig ta = sign(nz, "单行本出版", tmpl_a), tb = sign(nz, "单行本出版", tmpl_b);
    fupin_reprint_sig ta2 = sign(nz, "单行本出版", tmpl_a);
    fupin_reprint_sig empty = sign(nz, "", "……");

    CHECK(s.kind == FUPIN_REPRINT_NEAR, "a 12-line story gets a MinHash signature");
    CHECK(memcmp(&s, &dup, sizeof s) == 0, "the same text signs the same");
    CHECK(memcmp(&s, &retitled, sizeof s) == 0, "the title does not count for a long body");
    CHECK(fupin_reprint_same(&s, &portal), "re-wrapped copy with footer: agree %u",
          fupin_reprint_agree(&s, &portal));
    CHECK(!fupin_reprint_same(&s, &follow), "story vs its follow-up: agree %u",
          fupin_reprint_agree(&s, &follow));
    CHECK(fupin_reprint_agree(&s, &follow) < FUPIN_REPRINT_AGREE / 2,
          "the follow-up is far from the threshold: agree %u", fupin_reprint_agree(&s, &follow));
    CHECK(!fupin_reprint_same(&ta, &tb), "two instances of a template: agree %u (%s)",
          fupin_reprint_agree(&ta, &tb), ta.kind == FUPIN_REPRINT_EXACT ? "exact" : "near");
    CHECK(fupin_reprint_same(&ta, &ta2), "exact copies of a short text");
    /* Dates: near copies pair within FUPIN_REPRINT_MAX_DAYS, equal ones always. */
    fupin_reprint_sig d0 = s, d3 = portal, d60 = portal, x60 = dup;
    d0.day = fupin_reprint_day("20190401", 8);
    d3.day = fupin_reprint_day("201904040930", 12);
    d60.day = fupin_reprint_day("20190531", 8);
    x60.day = d60.day;
    CHECK(d0.day == 17987 && d3.day - d0.day == 3 && d60.day - d0.day == 60,
          "days %d %d %d", d0.day, d3.day, d60.day);
    CHECK(fupin_reprint_day("00000000", 8) == 0 && fupin_reprint_day("2019", 4) == 0 &&
          fupin_reprint_day("20191301", 8) == 0, "unknown dates are 0");
    CHECK(fupin_reprint_same(&d0, &d3), "a near copy 3 days later");
    CHECK(!fupin_reprint_same(&d0, &d60), "a near copy 60 days later is another story");
    CHECK(fupin_reprint_same(&d0, &x60), "an exact copy 60 days later");
    CHECK(empty.kind == FUPIN_REPRINT_NONE, "no atoms, no signature");
    CHECK(!fupin_reprint_same(&empty, &empty), "articles without signature never pair");

    /* Encoding. */
    fupin_reprint_sig back;
    char v[FUPIN_REPRINT_VALUE_MAX];
    const fupin_reprint_sig *all[] = { &s, &ta, &follow };
    for (size_t i = 0; i < 3; i++) {
        size_t vl = fupin_reprint_encode(all[i], v);
        CHECK(vl > 0 && fupin_reprint_decode(v, vl, &back) == 0 &&
              memcmp(&back, all[i], sizeof back) == 0, "round trip %zu", i);
    }
    CHECK(fupin_reprint_encode(&empty, v) == 0, "no value for no signature");
    CHECK(fupin_reprint_decode("m123", 4, &back) == FUPIN_EFORMAT && back.kind == FUPIN_REPRINT_NONE,
          "a short value is refused");
    v[0] = 'q';
    CHECK(fupin_reprint_decode(v, 1 + 2 * FUPIN_REPRINT_K, &back) == FUPIN_EFORMAT, "bad tag");

    /* Grouping: exact copies, near copies, strangers; and the same
     * partition whatever the order. */
    fupin_reprint_sig in[7] = { follow, s, ta, portal, tb, dup, ta2 };
    uint32_t comp[7];
    CHECK(fupin_reprint_group(in, 7, comp) == 0, "group");
    CHECK(comp[1] == 1 && comp[3] == 1 && comp[5] == 1, "story, portal copy, duplicate: %u %u %u",
          comp[1], comp[3], comp[5]);
    CHECK(comp[0] == 0, "the follow-up stands alone");
    CHECK(comp[2] == 2 && comp[6] == 2 && comp[4] == 4, "template copies %u %u, other %u",
          comp[2], comp[6], comp[4]);
    fupin_reprint_sig rev[7];
    uint32_t rcomp[7];
    for (int i = 0; i < 7; i++)
        rev[i] = in[6 - i];
    CHECK(fupin_reprint_group(rev, 7, rcomp) == 0, "group reversed");
    int same_part = 1;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++)
            same_part &= (comp[i] == comp[j]) == (rcomp[6 - i] == rcomp[6 - j]);
    CHECK(same_part, "the partition does not depend on input order");
    CHECK(fupin_reprint_group(NULL, 0, comp) == 0, "nothing to group");

    /* Many unrelated signatures: LSH must not join strangers. */
    enum { N = 3000 };
    fupin_reprint_sig *many = calloc(N, sizeof *many);
    uint32_t *mc = malloc(N * sizeof *mc);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; many && i < N; i++) {
        many[i].kind = FUPIN_REPRINT_NEAR;
        for (int k = 0; k < FUPIN_REPRINT_K; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            many[i].v[k] = (uint16_t)x;
        }
    }
    many[N - 1] = many[0];
    int alone = 0;
    CHECK(many && mc && fupin_reprint_group(many, N, mc) == 0, "group many");
    for (int i = 1; many && mc && i < N - 1; i++)
        alone += mc[i] == (uint32_t)i;
    CHECK(alone == N - 2 && mc[N - 1] == 0, "random signatures stay alone (%d of %d)", alone, N - 2);
    free(many);
    free(mc);
    fupin_normalizer_free(nz);
}

static void test_corpus(const char *shared)
{
    rs_set set;
    rs_metrics m;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/corpus/fupin/rmrb-fupin-2019-2020.jsonl.zst", shared);
    if (access(probe, R_OK) != 0) {
        printf("skip: %s absent, no precision/recall measurement\n", probe);
        return;
    }
    CHECK(rs_build(&set, shared) == 0, "building the test set from %s", shared);
    CHECK(rs_measure(&set, &m) == 0, "measuring");
    printf("corpus set: %zu documents, precision %.4f, recall %.4f, same-topic pairs %llu joined %llu\n",
           set.n, m.precision, m.recall, (unsigned long long)m.hard_pairs,
           (unsigned long long)m.hard_joined);
    CHECK(set.originals == RS_ORIGINALS, "%zu originals", set.originals);
    CHECK(m.precision >= 0.97, "precision %.4f", m.precision);
    CHECK(m.recall >= 0.97, "recall %.4f", m.recall);
    CHECK(m.found[RS_DUP] == m.variants[RS_DUP], "exact copies %u/%u", m.found[RS_DUP], m.variants[RS_DUP]);
    CHECK(m.found[RS_REWRAP] == m.variants[RS_REWRAP], "re-wrapped %u/%u", m.found[RS_REWRAP],
          m.variants[RS_REWRAP]);
    CHECK(m.found[RS_PORTAL] * 100 >= m.variants[RS_PORTAL] * 98, "portal copies %u/%u",
          m.found[RS_PORTAL], m.variants[RS_PORTAL]);
    CHECK(m.hard_pairs > 1000 && m.hard_joined * 1000 <= m.hard_pairs,
          "same-topic pairs joined: %llu of %llu", (unsigned long long)m.hard_joined,
          (unsigned long long)m.hard_pairs);
    rs_free(&set);
}

/* ---------- in a database ---------- */

static void put(FILE *f, const char *id, const char *title, const char *date, const char *body)
{
    fprintf(f, "{\"id\":\"%s\",\"title\":\"%s\",\"source\":\"测试\",\"date\":\"%s\",\"url\":\"\",\"body\":\"",
            id, title, date);
    for (const char *p = body; *p; p++)
        fputs(*p == '\n' ? "\\n" : (char[2]){ *p, 0 }, f);
    fputs("\"}\n", f);
}

static int index_file(const char *db, int shards, const char *file)
{
    fupin_ingest_opts o = { 0 };
    char err[1024];
    const char *paths[1] = { file };
    o.db = db;
    o.jobs = 1;
    o.shards = shards;
    o.dict_size = 4096;
    int rc = fupin_ingest_run(&o, paths, 1, NULL, err, sizeof err);
    CHECK(rc == 0, "indexing %s into %s: %s", file, db, err);
    return rc;
}

static fupin_result *query(fupin_search *s, const char *q, int no_collapse)
{
    fupin_search_opts o = { 0 };
    fupin_result *r = NULL;
    o.no_collapse = no_collapse;
    o.exact_total = 1;
    o.no_snippets = 1;
    int rc = fupin_search_run(s, q, strlen(q), &o, &r);
    CHECK(rc == 0, "query %s: %s", q, fupin_search_errmsg(s));
    return r;
}

static const fupin_hit *hit_of(const fupin_result *r, const char *id)
{
    for (size_t i = 0; r && i < r->nhits; i++)
        if (strcmp(r->hits[i].id, id) == 0)
            return &r->hits[i];
    return NULL;
}

static void check_db(fupin_search *s, const char *what)
{
    /* "花垣县" is in the story, its 2 copies and the follow-up. */
    fupin_result *c = query(s, "花垣县", 0), *all = query(s, "花垣县", 1);
    if (c && all) {
        CHECK(all->total == 4 && all->nhits == 4, "%s: no collapse: %u", what, all->total);
        CHECK(c->total == 2 && c->nhits == 2, "%s: collapsed total %u", what, c->total);
        const fupin_hit *f = hit_of(c, "follow");
        CHECK(f && f->copies == 0 && !f->cluster, "%s: the follow-up is its own hit", what);
        const fupin_hit *h = c->hits[0].cluster ? &c->hits[0] : &c->hits[1];
        CHECK(h->cluster && strcmp(h->cluster, "a-story") == 0 && h->copies == 2,
              "%s: one hit for the story, 2 copies (%s, %u)", what, h->cluster ? h->cluster : "-",
              h->copies);
        for (size_t i = 0; i < all->nhits; i++)
            CHECK(all->hits[i].copies == 0, "%s: no copies counted without collapse", what);
    }
    fupin_search_result_free(c);
    fupin_search_result_free(all);

    /* The same through Xapian's collapse: a bigram needs no verification. */
    c = query(s, "花垣", 0);
    CHECK(c && c->total == 2 && c->nhits == 2 && (c->hits[0].copies == 2 || c->hits[1].copies == 2),
          "%s: Xapian collapse: total %u", what, c ? c->total : 0);
    fupin_search_result_free(c);

    /* Articles without cluster values (the two templates) are not collapsed
     * by Xapian: a query needing no verification (a word) finds both. */
    c = query(s, "book", 0);
    CHECK(c && c->total == 2 && c->nhits == 2, "%s: unclustered articles stay apart", what);
    fupin_search_result_free(c);

    /* title: verification: every copy has 十八洞村 in its body, only one
     * has it in its title; it must be found though others rank first. */
    c = query(s, "title:十八洞村", 0);
    CHECK(c && c->nhits == 1 && strcmp(c->hits[0].id, "c-retitled") == 0 && c->hits[0].copies == 0,
          "%s: the copy that passes verification stands for the cluster (%zu hits, %s)", what,
          c ? c->nhits : 0, c && c->nhits ? c->hits[0].id : "-");
    fupin_search_result_free(c);

    fupin_result *cp = NULL;
    CHECK(fupin_search_copies(s, "b-dup", 5, &cp) == 0, "%s: copies", what);
    CHECK(cp && cp->nhits == 3 && strcmp(cp->hits[0].id, "a-story") == 0 &&
          cp->hits[0].copies == 2, "%s: the cluster listed in date order", what);
    fupin_search_result_free(cp);
    cp = NULL;
    CHECK(fupin_search_copies(s, "follow", 6, &cp) == 0 && cp && cp->nhits == 1 &&
          cp->hits[0].copies == 0, "%s: an article alone lists itself", what);
    fupin_search_result_free(cp);
    CHECK(fupin_search_copies(s, "nope", 4, &cp) == FUPIN_ENOTFOUND, "%s: unknown id", what);
}

/* Output of `$BIN/fupin-search ARGS` (malloc'd), or NULL. */
static char *cli(const char *args)
{
    const char *bin = getenv("BIN") && *getenv("BIN") ? getenv("BIN") : "bin";
    char cmd[1024], *out = NULL;
    size_t len = 0, cap = 0, n;
    snprintf(cmd, sizeof cmd, "%s/fupin-search %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            cap = (len + 4096 + 1) * 2;
            out = realloc(out, cap);
        }
        n = fread(out + len, 1, 4096, p);
        len += n;
    } while (n > 0);
    out[len] = '\0';
    pclose(p);
    return out;
}

static size_t count_of(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; s && (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* The command line: collapsed hit with its count, --no-collapse, --show
 * listing the copies, JSON with "copies". */
static void test_cli(const char *db)
{
    const char *bin = getenv("BIN") && *getenv("BIN") ? getenv("BIN") : "bin";
    char path[512], args[1024];
    snprintf(path, sizeof path, "%s/fupin-search", bin);
    if (access(path, X_OK) != 0) {
        printf("skip: %s not built, no command-line checks\n", path);
        return;
    }
    snprintf(args, sizeof args, "-d '%s' 花垣县", db);
    char *o = cli(args);
    CHECK(o && strstr(o, "2 articles") && strstr(o, "+ 2 similar copies (fupin-search --show "),
          "collapsed text output: %s", o ? o : "-");
    free(o);
    snprintf(args, sizeof args, "-d '%s' --no-collapse 花垣县", db);
    o = cli(args);
    CHECK(o && strstr(o, "4 articles") && !strstr(o, "similar"), "--no-collapse: %s", o ? o : "-");
    free(o);
    snprintf(args, sizeof args, "-d '%s' --json 花垣县", db);
    o = cli(args);
    CHECK(o && strstr(o, "\"copies\":2") && count_of(o, "\"copies\":0") == 1, "JSON copies: %s",
          o ? o : "-");
    free(o);
    snprintf(args, sizeof args, "-d '%s' --show b-dup", db);
    o = cli(args);
    CHECK(o && strstr(o, "2 similar copies (reprints):") && strstr(o, "  a-story  2019-04-01  测试  花垣县脱贫摘帽") &&
          strstr(o, "  c-retitled  ") && !strstr(o, "  b-dup  "), "--show lists the copies: %s",
          o ? o : "-");
    free(o);
    snprintf(args, sizeof args, "-d '%s' --json --show b-dup", db);
    o = cli(args);
    CHECK(o && strstr(o, "\"copies\":[{\"id\":\"a-story\"") && count_of(o, "\"id\":") == 3,
          "--show --json: %s", o ? o : "-");
    free(o);
}

static void test_db(void)
{
    char dir[] = "/tmp/fupin-reprint-XXXXXX", file[256], file2[256], one[256], two[256];
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    snprintf(file, sizeof file, "%s/a.jsonl", dir);
    snprintf(file2, sizeof file2, "%s/b.jsonl", dir);
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(two, sizeof two, "%s/two", dir);
    FILE *f = fopen(file, "w");
    char *pc = portal_copy(story);
    put(f, "a-story", "花垣县脱贫摘帽", "2019-04-01", story);
    put(f, "b-dup", "花垣县脱贫摘帽", "2019-04-02", story);
    put(f, "c-retitled", "十八洞村所在的花垣县摘帽了", "2019-04-03", pc);
    put(f, "follow", "花垣县织密防返贫监测网", "2019-04-09", followup);
    put(f, "t1", "book 单行本出版", "2017-09-06", tmpl_a);
    put(f, "t2", "book 单行本出版", "2020-03-09", tmpl_b);
    fclose(f);
    free(pc);
    if (index_file(one, 1, file) || index_file(two, 2, file))
        goto done;
    fupin_search *s1 = NULL, *s2 = NULL;
    char err[512];
    CHECK(fupin_search_open(one, NULL, &s1, err, sizeof err) == 0, "open: %s", err);
    CHECK(fupin_search_open(two, NULL, &s2, err, sizeof err) == 0, "open: %s", err);
    if (s1)
        check_db(s1, "single");
    if (s2)
        check_db(s2, "2 shards");
    fupin_search_close(s1);
    fupin_search_close(s2);
    test_cli(one);

    /* A second run: a copy with a smaller id joins (it becomes the key of
     * every member), and b-dup is rewritten into another story. */
    f = fopen(file2, "w");
    put(f, "0-early", "花垣县脱贫摘帽", "2019-04-01", story);
    put(f, "b-dup", "花垣县织密防返贫监测网（二）", "2019-04-10", followup);
    fclose(f);
    const char *dbs[2] = { one, two };
    for (int i = 0; i < 2; i++) {
        fupin_search *s = NULL;
        fupin_result *cp = NULL;
        if (index_file(dbs[i], 0, file2) ||
            fupin_search_open(dbs[i], NULL, &s, err, sizeof err) != 0)
            continue;
        CHECK(fupin_search_copies(s, "a-story", 7, &cp) == 0 && cp && cp->nhits == 3 &&
              strcmp(cp->hits[0].cluster, "0-early") == 0 && !hit_of(cp, "b-dup"),
              "%s: key moves to the new smallest id, the rewritten article leaves",
              dbs[i]);
        fupin_search_result_free(cp);
        cp = NULL;
        /* b-dup now has the follow-up's text: it clusters with "follow". */
        CHECK(fupin_search_copies(s, "follow", 6, &cp) == 0 && cp && cp->nhits == 2 &&
              strcmp(cp->hits[0].cluster, "b-dup") == 0, "%s: new cluster keyed b-dup", dbs[i]);
        fupin_search_result_free(cp);
        fupin_search_close(s);
    }
done:;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
}

int main(void)
{
    const char *shared = getenv("FUPIN_SHARED") && *getenv("FUPIN_SHARED")
                       ? getenv("FUPIN_SHARED") : "../shared";
    test_units();
    test_db();
    test_corpus(shared);
    return TEST_DONE();
}
