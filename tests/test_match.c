/* test_match.c - keyword occurrence: hand cases, spans, and a brute-force
 * reference on random texts over a small alphabet (so matches are common).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/match.h"
#include "../common/normalize.h"
#include "../common/status.h"
#include "../common/tokenize.h"
#include "check.h"

static int occurs(const char *kw, const char *text)
{
    fupin_matcher *m = NULL;
    int st = fupin_matcher_new(kw, strlen(kw), &m), r;

    CHECK(st == 0 && m, "compile \"%s\": %d", kw, st);
    if (!m)
        return -1;
    r = fupin_matcher_test(m, text, strlen(text));
    fupin_matcher_free(m);
    return r;
}

#define YES(kw, text) CHECK(occurs(kw, text) == 1, "\"%s\" should occur in \"%s\"", kw, text)
#define NO(kw, text) CHECK(occurs(kw, text) == 0, "\"%s\" should not occur in \"%s\"", kw, text)

/* Normalises both sides first, as callers do. */
static int occurs_norm(fupin_normalizer *nz, const char *kw, const char *text)
{
    fupin_norm r;
    char *k;
    size_t kl;
    fupin_matcher *m = NULL;
    int res = -1;

    if (fupin_normalizer_run(nz, kw, strlen(kw), 0, &r))
        return -1;
    kl = r.len;
    k = malloc(kl + 1);
    memcpy(k, r.text, kl + 1);
    if (fupin_matcher_new(k, kl, &m) == 0 && fupin_normalizer_run(nz, text, strlen(text), 0, &r) == 0)
        res = fupin_matcher_test(m, r.text, r.len);
    fupin_matcher_free(m);
    free(k);
    return res;
}

static void test_cases(fupin_normalizer *nz)
{
    fupin_matcher *m = (fupin_matcher *)1;
    size_t len;
    const char *t;

    /* a CJK keyword is an exact run */
    YES("脱贫攻坚", "今年脱贫攻坚取得决定性胜利");
    YES("脱贫攻坚", "脱贫攻坚");
    NO("脱贫攻坚", "脱贫，攻坚");
    NO("脱贫攻坚", "脱贫 攻坚");
    NO("脱贫攻坚", "我们要脱贫，也要攻坚");
    NO("脱贫攻坚", "攻坚脱贫");
    NO("脱贫攻坚", "脱贫攻");
    YES("中", "中\xCC\x81国");                 /* a substring, mark or not */
    NO("中国", "中\xCC\x81国");

    /* word atoms are whole words */
    NO("g20", "g2000");
    NO("g20", "ag20");
    NO("g20", "g20x");
    YES("g20", "g20峰会");
    YES("g20", "the g20.");
    YES("2.44", "减少贫困人口2.44万人");
    NO("44", "减少贫困人口2.44万人");
    NO("2.44", "12.44万人");
    YES("1,000", "1,000元");
    NO("1,000", "1,0001");
    NO("1", "1,000");

    /* between atoms the keyword separates, any gap */
    YES("g20 峰会", "g20峰会");
    YES("g20 峰会", "g20 峰会");
    YES("g20 峰会", "g20，峰会");
    NO("g20峰会", "g20 峰会");     /* glued in the keyword: glued in the text */
    YES("g20峰会", "杭州g20峰会");
    YES("3人", "共3人");
    NO("3人", "13人");
    NO("3人", "3 人");
    NO("3人", "3名工人");
    NO("2019年", "2019 年");
    YES("2019 年", "2019年");
    YES("g20 峰会", "杭州g20峰会议");
    NO("g20 峰会", "g20峰");
    NO("g20 峰会", "g20 高 峰会");
    YES("峰会 g20", "峰会g20");
    YES("脱贫 攻坚", "脱贫攻坚");
    YES("脱贫 攻坚", "脱贫、攻坚");
    NO("脱贫 攻坚", "脱贫和攻坚");
    YES("2.44万人", "人口2.44万人。");
    NO("2.44万人", "人口2.44万 人");
    NO("iphone 15 pro", "iphone15pro");     /* one word in the text */
    NO("iphone 15", "iphone15pro");
    YES("a b", "a, b");

    /* full-width keyword against half-width text, via the normaliser */
    CHECK(occurs_norm(nz, "Ｇ２０ 峰会", "G20峰会在杭州召开") == 1, "Ｇ２０ 峰会");
    CHECK(occurs_norm(nz, "２．４４万人", "减少2.44万人") == 1, "２．４４万人");
    CHECK(occurs_norm(nz, "ＰＲＯ", "iPhone Pro") == 1, "ＰＲＯ");

    /* compiling */
    CHECK(fupin_matcher_new("，。！ ", strlen("，。！ "), &m) == FUPIN_EINVAL && m == NULL,
          "punctuation only");
    m = (fupin_matcher *)1;
    CHECK(fupin_matcher_new("", 0, &m) == FUPIN_EINVAL && m == NULL, "empty");
    CHECK(fupin_matcher_new(NULL, 0, &m) == FUPIN_EINVAL && m == NULL, "NULL empty");
    CHECK(fupin_matcher_new("  \xF0\x9F\x91\x8D ", 7, &m) == FUPIN_EINVAL && m == NULL, "emoji only");
    fupin_matcher_free(NULL);

    CHECK(fupin_matcher_new(" 脱贫攻坚。", strlen(" 脱贫攻坚。"), &m) == 0, "compile");
    CHECK(fupin_matcher_is_cjk_run(m) == 1, "cjk run");
    CHECK(fupin_matcher_atoms(m) == 4, "4 atoms");
    t = fupin_matcher_text(m, &len);
    CHECK(len == 12 && memcmp(t, "脱贫攻坚", 12) == 0, "text trimmed to the atoms");
    fupin_matcher_free(m);

    CHECK(fupin_matcher_new("g20 峰会", strlen("g20 峰会"), &m) == 0, "compile");
    CHECK(!fupin_matcher_is_cjk_run(m) && fupin_matcher_atoms(m) == 3, "g20 峰会: 3 atoms");
    fupin_matcher_free(m);
    CHECK(fupin_matcher_new("脱贫 攻坚", strlen("脱贫 攻坚"), &m) == 0, "compile");
    CHECK(!fupin_matcher_is_cjk_run(m), "脱贫 攻坚 is not one run");
    fupin_matcher_free(m);
    CHECK(fupin_matcher_new("中", 3, &m) == 0, "compile");
    CHECK(fupin_matcher_is_cjk_run(m) && fupin_matcher_atoms(m) == 1, "中");
    CHECK(fupin_matcher_test(m, "", 0) == 0 && fupin_matcher_test(m, NULL, 0) == 0, "empty text");
    fupin_matcher_free(m);
}

static void test_find(void)
{
    fupin_matcher *m = NULL;
    fupin_span sp[8];
    size_t n;
    const char *text = "脱贫攻坚，脱贫攻坚战，攻坚";

    CHECK(fupin_matcher_new("脱贫攻坚", strlen("脱贫攻坚"), &m) == 0, "compile");
    n = fupin_matcher_find(m, text, strlen(text), sp, 8);
    CHECK(n == 2 && sp[0].off == 0 && sp[0].len == 12 && sp[1].off == 15 && sp[1].len == 12,
          "two spans, got %zu", n);
    CHECK(fupin_matcher_find(m, text, strlen(text), sp, 1) == 1, "max 1");
    CHECK(fupin_matcher_find(m, text, strlen(text), sp, 0) == 0, "max 0");
    CHECK(fupin_matcher_find(m, text, strlen(text), NULL, 8) == 2, "count without spans");
    fupin_matcher_free(m);

    CHECK(fupin_matcher_new("哈哈", 6, &m) == 0, "compile");
    CHECK(fupin_matcher_find(m, "哈哈哈", 9, sp, 8) == 1, "non-overlapping, run");
    CHECK(fupin_matcher_find(m, "哈哈哈哈", 12, sp, 8) == 2 && sp[1].off == 6, "two of four");
    fupin_matcher_free(m);

    CHECK(fupin_matcher_new("a a", 3, &m) == 0, "compile");
    CHECK(fupin_matcher_find(m, "a a a", 5, sp, 8) == 1, "non-overlapping, atoms");
    n = fupin_matcher_find(m, "a a a a", 7, sp, 8);
    CHECK(n == 2 && sp[0].off == 0 && sp[0].len == 3 && sp[1].off == 4 && sp[1].len == 3,
          "two of four words");
    fupin_matcher_free(m);

    text = "g20峰会和g20 峰会，g2000峰会";
    CHECK(fupin_matcher_new("g20 峰会", strlen("g20 峰会"), &m) == 0, "compile");
    n = fupin_matcher_find(m, text, strlen(text), sp, 8);
    CHECK(n == 2, "g20 峰会 twice, got %zu", n);
    if (n == 2) {
        CHECK(sp[0].off == 0 && sp[0].len == 9, "first span %u+%u", sp[0].off, sp[0].len);
        CHECK(sp[1].off == 12 && sp[1].len == 10 && memcmp(text + sp[1].off, "g20 峰会", 10) == 0,
              "second span %u+%u", sp[1].off, sp[1].len);
    }
    fupin_matcher_free(m);
}

/* ---- brute force against the header's words ---- */

typedef struct atoms { fupin_atom a[512]; size_t n; } atoms;

static int grab(void *ctx, const fupin_atom *a)
{
    atoms *l = ctx;
    if (l->n < 512)
        l->a[l->n++] = *a;
    return 0;
}

static size_t ref_find(const char *kw, size_t kl, const char *text, size_t tl, fupin_span *sp,
                       size_t max)
{
    atoms *k = calloc(1, sizeof *k), *t = calloc(1, sizeof *t);
    size_t i, j, found = 0;

    fupin_tokenize_atoms(kw, kl, grab, k);
    fupin_tokenize_atoms(text, tl, grab, t);
    for (j = 0; k->n && j + k->n <= t->n && found < max; j++) {
        int ok = 1;
        for (i = 0; i < k->n && ok; i++) {
            const fupin_atom *x = &k->a[i], *y = &t->a[j + i];
            ok = x->kind == y->kind && x->len == y->len &&
                 memcmp(kw + x->off, text + y->off, x->len) == 0;
            if (ok && i > 0 && x->glued)
                ok = y->glued;
        }
        if (ok) {
            const fupin_atom *last = &t->a[j + k->n - 1];
            sp[found].off = t->a[j].off;
            sp[found].len = last->off + last->len - t->a[j].off;
            found++;
            j += k->n - 1;
        }
    }
    free(k);
    free(t);
    return found;
}

static uint64_t rng_state = 0xD1B54A32D192ED03ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static size_t random_text(char *b, size_t pieces)
{
    static const char *alpha[] = { "脱", "贫", "攻", "坚", "a", "g20", "1", ".", ",", " ",
                                   "，", "2", "\xCC\x81", "b" };
    size_t n = 0;
    while (pieces--) {
        const char *p = alpha[rnd() % (sizeof alpha / sizeof alpha[0])];
        memcpy(b + n, p, strlen(p));
        n += strlen(p);
    }
    return n;
}

static void test_random(void)
{
    int i, bad = 0, hits = 0;

    for (i = 0; i < 20000 && bad < 5; i++) {
        char kw[64], text[256];
        size_t kl = random_text(kw, 1 + rnd() % 4), tl = random_text(text, rnd() % 40);
        fupin_span a[16], b[16];
        fupin_matcher *m = NULL;
        size_t na, nb, k;
        int st = fupin_matcher_new(kw, kl, &m);

        if (st == FUPIN_EINVAL)
            continue;
        CHECK(st == 0, "compile: %d", st);
        if (st)
            break;
        na = fupin_matcher_find(m, text, tl, a, 16);
        nb = ref_find(kw, kl, text, tl, b, 16);
        hits += na > 0;
        if (na != nb || fupin_matcher_test(m, text, tl) != (nb > 0)) {
            bad++;
            CHECK(0, "\"%.*s\" in \"%.*s\": %zu found, reference %zu", (int)kl, kw, (int)tl, text,
                  na, nb);
        } else {
            for (k = 0; k < na; k++)
                if (a[k].off != b[k].off || a[k].len != b[k].len) {
                    bad++;
                    CHECK(0, "\"%.*s\" in \"%.*s\": span %zu is %u+%u, reference %u+%u", (int)kl,
                          kw, (int)tl, text, k, a[k].off, a[k].len, b[k].off, b[k].len);
                    break;
                }
        }
        fupin_matcher_free(m);
    }
    CHECK(bad == 0, "%d random cases differ from the reference", bad);
    CHECK(hits > 1000, "only %d random cases matched: the test is too weak", hits);
}

int main(void)
{
    fupin_normalizer *nz = NULL;

    CHECK(fupin_normalizer_new(0, &nz) == 0, "normalizer");
    test_cases(nz);
    test_find();
    test_random();
    fupin_normalizer_free(nz);
    return TEST_DONE();
}
