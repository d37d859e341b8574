/* test_tokenize.c - atoms, tokens, the CJK class, goldens.
 *
 * Goldens: tests/golden/tokenize/NAME.txt is normalised (normalize.c) and
 * tokenized; NAME.out lists the atoms and tokens.  A NAME ending in ".allu"
 * is tokenized with FUPIN_TOK_ALL_UNIGRAMS, one ending in ".raw" without
 * normalising first.  FUPIN_GOLDEN_UPDATE=1 rewrites the .out files.
 * Tokens are also checked against a plain re-derivation from the atoms, on
 * random and ill-formed input (run under ASan: every buffer is exact-size).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "../common/normalize.h"
#include "../common/status.h"
#include "../common/tokenize.h"
#include "check.h"

typedef struct list {
    fupin_atom a[4096];
    fupin_token t[8192];
    size_t na, nt;
    int stop_at;    /* stop the walk at this many items (0: never) */
} list;

static int atom_cb(void *ctx, const fupin_atom *a)
{
    list *l = ctx;
    if (l->na < 4096)
        l->a[l->na] = *a;
    l->na++;
    return l->stop_at && (int)l->na == l->stop_at ? 42 : 0;
}

static int token_cb(void *ctx, const fupin_token *t)
{
    list *l = ctx;
    if (l->nt < 8192)
        l->t[l->nt] = *t;
    l->nt++;
    return l->stop_at && (int)l->nt == l->stop_at ? 43 : 0;
}

static void walk(const char *s, size_t n, unsigned flags, list *l)
{
    l->na = l->nt = 0;
    l->stop_at = 0;
    CHECK(fupin_tokenize_atoms(s, n, atom_cb, l) == 0, "atoms");
    CHECK(fupin_tokenize(s, n, flags, token_cb, l) == 0, "tokens");
}

static const char *KIND_A[] = { "?", "CJK", "WORD" };
static const char *KIND_T[] = { "?", "WORD", "BIGRAM", "UNIGRAM", "JOIN" };
#define KT(k) KIND_T[(unsigned)(k) <= 4 ? (unsigned)(k) : 0]

/* ---- invariants, and tokens re-derived from atoms ---- */

static int check_walk(const char *s, size_t n, unsigned flags, const list *l, const char *what)
{
    size_t i, k = 0, prev_end = 0;
    fupin_token want[8192];
    uint32_t pos = 0;

    if (l->na > 4096 || l->nt > 8192)
        return 1;   /* too long to check here */
    for (i = 0; i < l->na; i++) {
        const fupin_atom *a = &l->a[i];
        if (a->len == 0 || a->off + (size_t)a->len > n || (i > 0 && a->off < prev_end) ||
            a->glued != (i > 0 && a->off == prev_end) ||
            (a->kind != FUPIN_ATOM_CJK && a->kind != FUPIN_ATOM_WORD)) {
            CHECK(0, "%s: bad atom %zu (%d %u+%u glued %d)", what, i, a->kind, a->off, a->len,
                  a->glued);
            return 0;
        }
        prev_end = a->off + a->len;
    }
    /* the header's rules, written the slow way */
    for (i = 0; i < l->na; i++) {
        const fupin_atom *a = &l->a[i];
        int cjk_prev = i > 0 && l->a[i - 1].kind == FUPIN_ATOM_CJK && a->glued;
        int cjk_next = i + 1 < l->na && l->a[i + 1].kind == FUPIN_ATOM_CJK && l->a[i + 1].glued;
        /* a join: a word and a CJK character glued, the word not cut */
        const fupin_atom *pa = i > 0 ? &l->a[i - 1] : NULL;
        int join = (flags & FUPIN_TOK_JOINS) && pa && a->glued && pa->kind != a->kind &&
                   (a->kind == FUPIN_ATOM_WORD ? a->len : pa->len) <= FUPIN_TOK_MAX_WORD;
        if (a->kind == FUPIN_ATOM_WORD) {
            uint32_t len = a->len;
            if (len > FUPIN_TOK_MAX_WORD)
                for (len = FUPIN_TOK_MAX_WORD; ((uint8_t)s[a->off + len] & 0xC0) == 0x80; len--)
                    ;
            want[k++] = (fupin_token){ FUPIN_TOKEN_WORD, s + a->off, len, a->off, pos++ };
            if (join)
                want[k++] = (fupin_token){ FUPIN_TOKEN_JOIN, s + pa->off,
                                           a->off + a->len - pa->off, pa->off, pos++ };
            continue;
        }
        if (join)
            want[k++] = (fupin_token){ FUPIN_TOKEN_JOIN, s + pa->off, a->off + a->len - pa->off,
                                       pa->off, pos++ };
        if (flags & FUPIN_TOK_ALL_UNIGRAMS)
            want[k++] = (fupin_token){ FUPIN_TOKEN_UNIGRAM, s + a->off, a->len, a->off, pos++ };
        if (cjk_next) {
            const fupin_atom *b = &l->a[i + 1];
            want[k++] = (fupin_token){ FUPIN_TOKEN_BIGRAM, s + a->off, b->off + b->len - a->off,
                                       a->off, pos++ };
        }
        if (!(flags & FUPIN_TOK_ALL_UNIGRAMS) && !cjk_next) {
            /* the run's last: its unigram after the bigram ending at it */
            (void)cjk_prev;
            want[k++] = (fupin_token){ FUPIN_TOKEN_UNIGRAM, s + a->off, a->len, a->off, pos++ };
        }
    }
    if (k != l->nt) {
        CHECK(0, "%s: %zu tokens, expected %zu", what, l->nt, k);
        return 0;
    }
    for (i = 0; i < k; i++) {
        const fupin_token *t = &l->t[i], *w = &want[i];
        if (t->kind != w->kind || t->off != w->off || t->len != w->len || t->pos != w->pos ||
            t->s != s + t->off ||
            (i > 0 && t->kind != FUPIN_TOKEN_JOIN && t->off < l->t[i - 1].off)) {
            CHECK(0, "%s: token %zu is %s %u+%u pos %u, expected %s %u+%u pos %u", what, i,
                  KT(t->kind), t->off, t->len, t->pos, KT(w->kind), w->off,
                  w->len, w->pos);
            return 0;
        }
    }
    return 1;
}

/* ---- goldens ---- */

static void put_escaped(FILE *f, const char *s, size_t n)
{
    size_t i = 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;

    fputc('"', f);
    while (i < n) {
        k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp < 0) {
            fprintf(f, "\\x%02X", (uint8_t)s[i++]);
            continue;
        }
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_CS:
            if (cp == '\n') fputs("\\n", f);
            else if (cp == '\t') fputs("\\t", f);
            else fprintf(f, "\\u{%04X}", (unsigned)cp);
            break;
        case UTF8PROC_CATEGORY_ZS:
            if (cp == ' ') fputc(' ', f);
            else fprintf(f, "\\u{%04X}", (unsigned)cp);
            break;
        default:
            if (cp == '"' || cp == '\\') fputc('\\', f);
            fwrite(s + i, 1, (size_t)k, f);
        }
        i += (size_t)k;
    }
    fputc('"', f);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_goldens(fupin_normalizer *nz, list *l)
{
    const char *dir = "tests/golden/tokenize";
    const char *upd = getenv("FUPIN_GOLDEN_UPDATE");
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[256];
    size_t nn = 0, i, k;

    CHECK(d != NULL, "cannot open %s (run from the repo root)", dir);
    if (!d)
        return;
    while ((e = readdir(d)) && nn < 256) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0)
            names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof names[0], cmp_names);
    CHECK(nn >= 12, "only %zu golden inputs", nn);
    for (i = 0; i < nn; i++) {
        char path[512], *in, *got = NULL, *want;
        size_t inlen, gotlen = 0, wantlen = 0, tlen;
        const char *text;
        unsigned flags = strstr(names[i], ".allu.") ? FUPIN_TOK_ALL_UNIGRAMS : 0;
        fupin_norm r;
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        in = read_file(path, &inlen);
        CHECK(in != NULL, "read %s", path);
        if (!in)
            continue;
        if (strstr(names[i], ".raw.")) {
            text = in;
            tlen = inlen;
        } else {
            CHECK(fupin_normalizer_run(nz, in, inlen, 0, &r) == 0, "normalise %s", path);
            text = r.text;
            tlen = r.len;
        }
        walk(text, tlen, flags, l);
        check_walk(text, tlen, flags, l, names[i]);
        f = open_memstream(&got, &gotlen);
        fprintf(f, "# tokenize golden: the input normalised%s, its atoms (kind off+len glued)\n"
                   "# and tokens (pos kind off+len); offsets are into the normalised text\n",
                flags ? ", FUPIN_TOK_ALL_UNIGRAMS" : "");
        fprintf(f, "norm ");
        put_escaped(f, text, tlen);
        fputc('\n', f);
        for (k = 0; k < l->na && k < 4096; k++) {
            fprintf(f, "atom %s %u+%u%s ", KIND_A[l->a[k].kind & 3], l->a[k].off, l->a[k].len,
                    l->a[k].glued ? " glued" : "");
            put_escaped(f, text + l->a[k].off, l->a[k].len);
            fputc('\n', f);
        }
        for (k = 0; k < l->nt && k < 8192; k++) {
            fprintf(f, "token %u %s %u+%u ", l->t[k].pos, KIND_T[l->t[k].kind & 3], l->t[k].off,
                    l->t[k].len);
            put_escaped(f, l->t[k].s, l->t[k].len);
            fputc('\n', f);
        }
        fclose(f);
        strcpy(path + strlen(path) - 4, ".out");
        if (upd && strcmp(upd, "1") == 0) {
            f = fopen(path, "wb");
            CHECK(f && fwrite(got, 1, gotlen, f) == gotlen, "write %s", path);
            if (f)
                fclose(f);
        }
        want = read_file(path, &wantlen);
        CHECK(want && wantlen == gotlen && memcmp(want, got, gotlen) == 0,
              "%s differs from the output (FUPIN_GOLDEN_UPDATE=1 rewrites it; then check by eye)",
              path);
        free(want);
        free(got);
        free(in);
        free(names[i]);
    }
}

/* ---- focused cases ---- */

/* Tokens of s as "KIND:bytes KIND:bytes ...". */
static void expect_tokens(list *l, const char *s, unsigned flags, const char *want)
{
    char got[2048];
    size_t k, n = 0;

    walk(s, strlen(s), flags, l);
    check_walk(s, strlen(s), flags, l, s);
    got[0] = '\0';
    for (k = 0; k < l->nt && n < sizeof got - 100; k++)
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%c:%.*s", k ? " " : "",
                              KT(l->t[k].kind)[0], (int)l->t[k].len, l->t[k].s);
    CHECK(strcmp(got, want) == 0, "tokens of \"%s\":\n  got  %s\n  want %s", s, got, want);
}

static void test_cases(list *l)
{
    static const uint32_t in[][2] = {
        { 0x4E00, 0x9FFF }, { 0x3400, 0x4DBF }, { 0x20000, 0x323AF }, { 0xF900, 0xFAFF },
        { 0x2F800, 0x2FA1F }, { 0x3007, 0x3007 }, { 0x3040, 0x309F }, { 0x30A0, 0x30FF },
        { 0x31F0, 0x31FF }, { 0xAC00, 0xD7AF }, { 0x1100, 0x11FF }, { 0x3130, 0x318F },
        { 0x3100, 0x312F }, { 0x31A0, 0x31BF },
    };
    static const uint32_t out[] = { 0x4DFF, 0xA000, 0x33FF, 0x1FFFF, 0x323B0, 0xF8FF, 0xFB00,
                                    0x3006, 0x3008, 0x303F, 0x3190, 0x319F, 0x31C0, 0x31EF,
                                    0x10FF, 0x1200, 0xABFF, 0xD7B0, 0x3200, 0x323B0 + 1, 0, 'a',
                                    0x3000, 0xFF10, 0x110000, 0xFFFFFFFF };
    size_t i;
    uint32_t c;
    int ok = 1;

    for (i = 0; i < sizeof in / sizeof in[0]; i++)
        for (c = in[i][0]; c <= in[i][1]; c++)
            ok &= fupin_tokenize_is_cjk(c);
    CHECK(ok, "a listed CJK range is not all CJK");
    for (i = 0; i < sizeof out / sizeof out[0]; i++)
        CHECK(!fupin_tokenize_is_cjk(out[i]), "U+%04X is not CJK", out[i]);

    expect_tokens(l, "g20峰会", 0, "W:g20 B:峰会 U:会");
    expect_tokens(l, "2.44万人", 0, "W:2.44 B:万人 U:人");
    expect_tokens(l, "1,000元", 0, "W:1,000 U:元");
    expect_tokens(l, "脱贫攻坚", 0, "B:脱贫 B:贫攻 B:攻坚 U:坚");
    expect_tokens(l, "脱贫攻坚", FUPIN_TOK_ALL_UNIGRAMS,
                  "U:脱 B:脱贫 U:贫 B:贫攻 U:攻 B:攻坚 U:坚");
    expect_tokens(l, "中", 0, "U:中");
    expect_tokens(l, "中 国", 0, "U:中 U:国");
    expect_tokens(l, "扶贫，攻坚。", 0, "B:扶贫 U:贫 B:攻坚 U:坚");
    expect_tokens(l, "a.b 1.b a.1 1..2 .5 5. 1,2,3 x1.5", 0,
                  "W:a W:b W:1 W:b W:a W:1 W:1 W:2 W:5 W:5 W:1,2,3 W:x1.5");
    expect_tokens(l, "naïve cafe\xCC\x81 \xCC\x81x", 0, "W:naïve W:cafe\xCC\x81 W:x");
    expect_tokens(l, "中\xCC\x81国", 0, "U:中 U:国");          /* a mark after CJK separates */
    expect_tokens(l, "ひらがなカタカナ한국", 0,
                  "B:ひら B:らが B:がな B:なカ B:カタ B:タカ B:カナ B:ナ한 B:한국 U:국");
    expect_tokens(l, "〇〇七 々", 0, "B:〇〇 B:〇七 U:七 W:々");
    /* joins: a number with its unit or ordinal is one term */
    expect_tokens(l, "2019年12月", FUPIN_TOK_JOINS,
                  "W:2019 J:2019年 U:年 W:12 J:年12 J:12月 U:月");
    expect_tokens(l, "第5名", FUPIN_TOK_JOINS | FUPIN_TOK_ALL_UNIGRAMS, "U:第 W:5 J:第5 J:5名 U:名");
    expect_tokens(l, "g20峰会", FUPIN_TOK_JOINS, "W:g20 J:g20峰 B:峰会 U:会");
    expect_tokens(l, "3 人", FUPIN_TOK_JOINS, "W:3 U:人");
    expect_tokens(l, "3，人", FUPIN_TOK_JOINS, "W:3 U:人");
    expect_tokens(l, "emoji👍🏽ok ©2020", 0, "W:emoji W:ok W:2020");
    expect_tokens(l, "under_score don't e-mail", 0, "W:under W:score W:don W:t W:e W:mail");
    expect_tokens(l, "", 0, "");
    expect_tokens(l, " ，。 ", 0, "");
    expect_tokens(l, "Ab9", 0, "W:Ab9");           /* upper case is a letter too */
    expect_tokens(l, "αβγ123кириллица", 0, "W:αβγ123кириллица");
    expect_tokens(l, "٣.١٤", 0, "W:٣.١٤");          /* Nd digits of other scripts */

    /* long words are cut on a character boundary */
    {
        char w[200];
        memset(w, 'a', 70);
        w[70] = '\0';
        walk(w, 70, 0, l);
        CHECK(l->nt == 1 && l->t[0].len == 64 && l->na == 1 && l->a[0].len == 70, "70 a's");
        w[0] = 'b';
        for (i = 0; i < 40; i++)
            memcpy(w + 1 + 2 * i, "\xC3\xA9", 2);   /* b é*40: 81 bytes */
        walk(w, 81, 0, l);
        CHECK(l->nt == 1 && l->t[0].len == 63 && l->a[0].len == 81, "bé.. cut at %u",
              l->nt ? l->t[0].len : 0);
    }
    /* callbacks stop the walk with their value */
    l->na = l->nt = 0;
    l->stop_at = 2;
    CHECK(fupin_tokenize_atoms("a b c", 5, atom_cb, l) == 42 && l->na == 2, "atom stop");
    CHECK(fupin_tokenize("a b c", 5, 0, token_cb, l) == 43 && l->nt == 2, "token stop");
    l->stop_at = 0;
    CHECK(fupin_tokenize_atoms("a", 1, NULL, l) == FUPIN_EINVAL, "NULL cb");
    CHECK(fupin_tokenize(NULL, 3, 0, token_cb, l) == FUPIN_EINVAL, "NULL text");
    CHECK(fupin_tokenize(NULL, 0, 0, token_cb, l) == 0, "empty NULL text");
    if (sizeof(size_t) > 4)
        CHECK(fupin_tokenize("a", (size_t)UINT32_MAX + 1, 0, token_cb, l) == FUPIN_EINVAL,
              "4 GiB refused");
}

/* ---- random and ill-formed input, exact-size buffers ---- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void test_random(list *l)
{
    static const char *pieces[] = {
        "中", "国", "脱", "贫", "ひ", "カ", "한", "\xF0\xA0\x80\x80", "a", "Z", "1", "9", ".",
        ",", " ", "，", "\xCC\x81", "\xE2\x80\x8B", "👍", "é", "\n", "\xE4\xB8", "\xF0\x9F",
        "\xC3", "\xFF", "\x80", "\xED\xA0\x80", "_", "٣", "\xEF\xBC\xA7",
    };
    int i, bad = 0;

    for (i = 0; i < 20000 && bad < 5; i++) {
        char tmp[512], *buf, what[32];
        size_t n = 0, k = 1 + rnd() % 40;
        while (k--) {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            memcpy(tmp + n, p, strlen(p));
            n += strlen(p);
        }
        if (rnd() % 4 == 0)   /* sometimes cut the last character short */
            n -= n > 1 ? 1 : 0;
        buf = malloc(n);      /* exact size: ASan catches any read past n */
        memcpy(buf, tmp, n);
        snprintf(what, sizeof what, "random #%d", i);
        /* every combination of flags in turn */
        walk(buf, n, (unsigned)i & 3, l);
        bad += !check_walk(buf, n, (unsigned)i & 3, l, what);
        free(buf);
    }
    CHECK(bad == 0, "%d random texts broke an invariant", bad);
}

/* FUPIN_BENCH=1: tokens per second on the corpus. */
static int count_cb(void *ctx, const fupin_token *t)
{
    (void)t;
    ++*(size_t *)ctx;
    return 0;
}

static void bench(fupin_normalizer *nz)
{
    const char *shared = getenv("FUPIN_SHARED");
    char cmd[1024], *line = NULL, *all = NULL;
    size_t cap = 0, used = 0, allcap = 0, tokens = 0;
    ssize_t got;
    FILE *p;
    struct timespec t0, t1;
    double t = 1e9;

    if (!getenv("FUPIN_BENCH"))
        return;
    snprintf(cmd, sizeof cmd, "zstd -dc '%s/corpus/fupin/xwlb-fupin-2012-2026.jsonl.zst' 2>/dev/null",
             shared ? shared : "../shared");
    p = popen(cmd, "r");
    if (!p)
        return;
    while ((got = getline(&line, &cap, p)) > 0) {   /* the JSON lines are text enough */
        if (used + (size_t)got > allcap) {
            allcap = 2 * (used + (size_t)got);
            all = realloc(all, allcap);
        }
        memcpy(all + used, line, (size_t)got);
        used += (size_t)got;
    }
    pclose(p);
    free(line);
    if (used) {
        fupin_norm r;
        fupin_normalizer_run(nz, all, used, 0, &r);
        for (int rep = 0; rep < 5; rep++) {
            tokens = 0;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
            fupin_tokenize(r.text, r.len, 0, count_cb, &tokens);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
            double d = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            if (d < t)
                t = d;
        }
        printf("bench: tokenize %.1f MB, %zu tokens in %.3f s CPU: %.0f MB/s\n", r.len / 1e6,
               tokens, t, r.len / 1e6 / t);
    }
    free(all);
}

int main(void)
{
    fupin_normalizer *nz = NULL;
    list *l = calloc(1, sizeof *l);

    CHECK(fupin_normalizer_new(0, &nz) == 0, "normalizer");
    test_cases(l);
    test_goldens(nz, l);
    test_random(l);
    bench(nz);
    fupin_normalizer_free(nz);
    free(l);
    return TEST_DONE();
}
