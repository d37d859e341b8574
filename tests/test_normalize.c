/* test_normalize.c - normalize.c against utf8proc_map, golden files, maps.
 *
 * The normalizer cuts text into segments and has fast paths, so the main
 * check is that its text always equals utf8proc_map(whole text, same options)
 * of the text after our own, independent U+FFFD repair: on the golden
 * inputs, every code point, every canonical/compat decomposition, thousands
 * of random strings and the fupin corpus.  With t2s (the default) the
 * reference then folds every code point of planes 0-3 alone with OpenCC,
 * without the normalizer's ranges and caches; the same suites run once with
 * and once without t2s.  A traditional corpus is made from the real one with
 * OpenCC's s2t.json.  Goldens: tests/golden/normalize/NAME.txt -> NAME.out
 * (default normalizer); FUPIN_GOLDEN_UPDATE=1 rewrites the .out files.
 * FUPIN_BENCH=1 also times the corpus (MB/s) and normalizer creation.
 */
#include <dirent.h>
#include <jansson.h>
#include <opencc.h>
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

#define OPTS (UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STABLE)

/* A normalizer under test and whether it folds t2s. */
typedef struct tnz {
    fupin_normalizer *nz;
    int t2s;
} tnz;

/* ---- reference: repair by Unicode table 3-7, then utf8proc_map ---- */

/* Rows of table 3-7: lead byte range, then the allowed range of each
 * following byte. */
static const struct { uint8_t lo, hi, n; uint8_t r[3][2]; } ROWS[] = {
    { 0x00, 0x7F, 0, {{0, 0}} },
    { 0xC2, 0xDF, 1, {{0x80, 0xBF}} },
    { 0xE0, 0xE0, 2, {{0xA0, 0xBF}, {0x80, 0xBF}} },
    { 0xE1, 0xEC, 2, {{0x80, 0xBF}, {0x80, 0xBF}} },
    { 0xED, 0xED, 2, {{0x80, 0x9F}, {0x80, 0xBF}} },
    { 0xEE, 0xEF, 2, {{0x80, 0xBF}, {0x80, 0xBF}} },
    { 0xF0, 0xF0, 3, {{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}} },
    { 0xF1, 0xF3, 3, {{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}} },
    { 0xF4, 0xF4, 3, {{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}} },
};

/* Writes s with each maximal ill-formed subpart replaced by U+FFFD into a
 * malloc'd buffer; *bad counts the replacements. */
static char *ref_repair(const char *s, size_t n, size_t *outlen, size_t *bad)
{
    char *o = malloc(3 * n + 1);
    size_t i = 0, k = 0;

    *bad = 0;
    while (i < n) {
        uint8_t b = (uint8_t)s[i];
        size_t r, got = 1;
        int row = -1;
        for (r = 0; r < sizeof ROWS / sizeof ROWS[0]; r++)
            if (b >= ROWS[r].lo && b <= ROWS[r].hi)
                row = (int)r;
        if (row >= 0) {
            while (got <= ROWS[row].n && i + got < n &&
                   (uint8_t)s[i + got] >= ROWS[row].r[got - 1][0] &&
                   (uint8_t)s[i + got] <= ROWS[row].r[got - 1][1])
                got++;
        }
        if (row >= 0 && got == (size_t)ROWS[row].n + 1) {
            memcpy(o + k, s + i, got);
            k += got;
        } else {
            memcpy(o + k, "\xEF\xBF\xBD", 3);
            k += 3;
            (*bad)++;
        }
        i += got;
    }
    o[k] = '\0';
    *outlen = k;
    return o;
}

/* ---- reference t2s: OpenCC on each code point alone, no ranges ---- */

#define REF_CPS 0x40000   /* planes 0-3; 4-16 hold no ideographs */

static struct {
    opencc_t cc;
    int32_t *to;          /* REF_CPS entries, 0 = not asked yet */
} ref;

static int32_t ref_decode1(const char *s, size_t n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    return k > 0 && (size_t)k == n ? cp : -1;
}

/* One step: OpenCC on cp alone; kept only when it is one code point whose
 * NFKC + case folding is one code point, itself stable. */
static int32_t ref_step(int32_t cp)
{
    char in[8], *o;
    size_t n = (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)in);
    int32_t u, v = cp;

    o = opencc_convert_utf8(ref.cc, in, n);
    if (!o)
        return cp;
    u = ref_decode1(o, strlen(o));
    opencc_convert_utf8_free(o);
    if (u >= 0 && u != cp) {
        utf8proc_uint8_t *m = NULL, *m2 = NULL;
        char e[8];
        size_t k = (size_t)utf8proc_encode_char(u, (utf8proc_uint8_t *)e);
        utf8proc_ssize_t ml = utf8proc_map((utf8proc_uint8_t *)e, (utf8proc_ssize_t)k, &m, OPTS);
        if (ml > 0 && ref_decode1((char *)m, (size_t)ml) >= 0 &&
            utf8proc_map(m, ml, &m2, OPTS) == ml && memcmp(m, m2, (size_t)ml) == 0)
            v = ref_decode1((char *)m, (size_t)ml);
        free(m);
        free(m2);
    }
    return v;
}

static int32_t ref_t2s(int32_t cp)
{
    int32_t t = cp, u;

    if (cp < 0x80 || cp >= REF_CPS)
        return cp;
    if (ref.to[cp])
        return ref.to[cp];
    for (int k = 0; k < 4 && t < REF_CPS; k++) {
        if ((u = ref_step(t)) == t)
            break;
        t = u;
    }
    return ref.to[cp] = t;
}

/* Folds s[0..n) (valid UTF-8) code point by code point into a new buffer. */
static char *ref_fold(const char *s, size_t n, size_t *outlen)
{
    char *o = malloc(2 * n + 1);
    size_t i = 0, k = 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t l;

    while (i < n) {
        l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (l <= 0)
            break;
        k += (size_t)utf8proc_encode_char(ref_t2s(cp), (utf8proc_uint8_t *)o + k);
        i += (size_t)l;
    }
    o[k] = '\0';
    *outlen = k;
    return o;
}

/* Checks our normaliser (with and without map) against the reference on
 * s[0..n); also checks the map. Returns 1 if all is well. */
static int check_map(const fupin_norm *r, size_t inlen, const char *what);
static int check_stable(const fupin_norm *r, const char *in, size_t inlen, const char *what);

static int against_ref(const tnz *t, const char *s, size_t n, const char *what)
{
    fupin_normalizer *nz = t->nz;
    size_t rlen, bad, i;
    char *rep = ref_repair(s, n, &rlen, &bad);
    utf8proc_uint8_t *want = NULL;
    utf8proc_ssize_t wl = utf8proc_map((const utf8proc_uint8_t *)rep, (utf8proc_ssize_t)rlen,
                                       &want, OPTS);
    fupin_norm a, b;
    int ok = 1, st;

    CHECK(wl >= 0, "%s: utf8proc_map refused the repaired text: %s", what, utf8proc_errmsg(wl));
    if (wl >= 0 && t->t2s) {
        size_t fl;
        char *f = ref_fold((const char *)want, (size_t)wl, &fl);
        free(want);
        want = (utf8proc_uint8_t *)f;
        wl = (utf8proc_ssize_t)fl;
    }
    st = fupin_normalizer_run(nz, s, n, 0, &a);
    CHECK(st == 0, "%s: run: %d", what, st);
    if (wl < 0 || st != 0) {
        ok = 0;
        goto done;
    }
    if (a.len != (size_t)wl || memcmp(a.text, want, a.len) != 0 || a.text[a.len] != '\0') {
        ok = 0;
        for (i = 0; i < a.len && i < (size_t)wl && a.text[i] == (char)want[i]; i++)
            ;
        CHECK(0, "%s: differs from utf8proc_map at byte %zu (len %zu vs %zd)", what, i, a.len, wl);
    }
    if (a.replaced != bad) {
        ok = 0;
        CHECK(0, "%s: replaced %zu, reference %zu", what, a.replaced, bad);
    }
    {
        int stable = a.cjk_stable;
        char *copy = malloc(a.len + 1);
        memcpy(copy, a.text, a.len + 1);
        st = fupin_normalizer_run(nz, s, n, FUPIN_NORM_WANT_MAP, &b);
        if (st != 0 || b.len != a.len || memcmp(b.text, copy, a.len) != 0 ||
            b.replaced != bad || b.cjk_stable != stable) {
            ok = 0;
            CHECK(0, "%s: run with map gives another answer (st %d)", what, st);
        } else {
            ok &= check_map(&b, n, what);
            ok &= check_stable(&b, s, n, what);
        }
        if (ok && t->t2s) {
            /* t2s is iterated to its fixed point: normalising is idempotent */
            st = fupin_normalizer_run(nz, copy, a.len, 0, &b);
            if (st != 0 || b.len != a.len || memcmp(b.text, copy, a.len) != 0) {
                ok = 0;
                CHECK(0, "%s: normalising the output changes it (st %d)", what, st);
            }
        }
        free(copy);
    }
done:
    free(rep);
    free(want);
    return ok;
}

/* The map: each byte's span is inside the input; spans do not go back;
 * all bytes of a character share one span; the spans tile the input. */
static int check_map(const fupin_norm *r, size_t inlen, const char *what)
{
    size_t i, n;
    uint32_t covered = 0;
    utf8proc_int32_t cp;

    if (!r->start || !r->end) {
        CHECK(0, "%s: no map", what);
        return 0;
    }
    for (i = 0; i < r->len; i += n) {
        size_t k;
        n = (size_t)utf8proc_iterate((const utf8proc_uint8_t *)r->text + i,
                                     (utf8proc_ssize_t)(r->len - i), &cp);
        if (cp < 0) {
            CHECK(0, "%s: output not UTF-8 at %zu", what, i);
            return 0;
        }
        for (k = 1; k < n; k++)
            if (r->start[i + k] != r->start[i] || r->end[i + k] != r->end[i]) {
                CHECK(0, "%s: one character, two spans at %zu", what, i);
                return 0;
            }
        if (!(r->start[i] < r->end[i] && r->end[i] <= inlen)) {
            CHECK(0, "%s: bad span %u..%u at %zu (in %zu)", what, r->start[i], r->end[i], i, inlen);
            return 0;
        }
        if (r->start[i] != covered) {
            /* the same span again (a segment's next character), or the next one */
            if (!(i > 0 && r->start[i] == r->start[i - 1] && r->end[i] == r->end[i - 1])) {
                CHECK(0, "%s: span %u..%u at %zu does not follow %u", what, r->start[i],
                      r->end[i], i, covered);
                return 0;
            }
        }
        covered = r->end[i];
    }
    if (covered != inlen) {
        CHECK(0, "%s: spans cover %u of %zu bytes", what, covered, inlen);
        return 0;
    }
    return 1;
}

static int is_cjk_at(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);

    *len = k > 0 ? (size_t)k : 1;
    return cp >= 0 && fupin_tokenize_is_cjk((uint32_t)cp);
}

/* When cjk_stable says so: every maximal CJK run of the output is the same
 * bytes at its place in the input, and every CJK run of the input occurs in
 * the output. */
static int check_stable(const fupin_norm *r, const char *in, size_t inlen, const char *what)
{
    size_t i = 0, n, j;

    if (!r->cjk_stable)
        return 1;
    while (i < r->len) {
        if (!is_cjk_at(r->text + i, r->len - i, &n)) {
            i += n;
            continue;
        }
        for (j = i + n; j < r->len && is_cjk_at(r->text + j, r->len - j, &n); j += n)
            ;
        if (r->end[j - 1] - r->start[i] != j - i || memcmp(in + r->start[i], r->text + i, j - i)) {
            CHECK(0, "%s: cjk_stable but output run at %zu is not the input's", what, i);
            return 0;
        }
        i = j;
    }
    i = 0;
    while (i < inlen) {
        if (!is_cjk_at(in + i, inlen - i, &n)) {
            i += n;
            continue;
        }
        for (j = i + n; j < inlen && is_cjk_at(in + j, inlen - j, &n); j += n)
            ;
        if (!memmem(r->text, r->len, in + i, j - i)) {
            CHECK(0, "%s: cjk_stable but input run at %zu is not in the output", what, i);
            return 0;
        }
        i = j;
    }
    return 1;
}

/* ---- goldens ---- */

/* Writes s[0..n) readably: invisible and ill-formed things as escapes. */
static void put_escaped(FILE *f, const char *s, size_t n)
{
    size_t i = 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;

    fputc('"', f);
    while (i < n) {
        k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp < 0) {
            fprintf(f, "\\x%02X", (uint8_t)s[i]);
            i++;
            continue;
        }
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_CS:
            if (cp == '\n') fputs("\\n", f);
            else if (cp == '\t') fputs("\\t", f);
            else if (cp == '\r') fputs("\\r", f);
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

static void golden_output(FILE *f, const fupin_norm *r, const char *in, size_t inlen)
{
    size_t i, n;
    utf8proc_int32_t cp;

    fprintf(f, "# normalize golden: input bytes -> normalised text; then per output\n"
               "# character: offset+bytes, code point, the original bytes [start,end)\n");
    fprintf(f, "in %zu bytes, out %zu bytes, replaced %zu, cjk_stable %d\ntext ", inlen, r->len,
            r->replaced, r->cjk_stable);
    put_escaped(f, r->text, r->len);
    fputc('\n', f);
    for (i = 0; i < r->len; i += n) {
        n = (size_t)utf8proc_iterate((const utf8proc_uint8_t *)r->text + i,
                                     (utf8proc_ssize_t)(r->len - i), &cp);
        if (cp < 0)
            n = 1;
        fprintf(f, "%zu+%zu U+%04X ", i, n, (unsigned)cp);
        put_escaped(f, r->text + i, n);
        fprintf(f, " <- %u..%u ", r->start[i], r->end[i]);
        put_escaped(f, in + r->start[i], r->end[i] - r->start[i]);
        fputc('\n', f);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_goldens(const tnz *t)
{
    fupin_normalizer *nz = t->nz;
    const char *dir = "tests/golden/normalize";
    const char *upd = getenv("FUPIN_GOLDEN_UPDATE");
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[256];
    size_t nn = 0, i;

    CHECK(d != NULL, "cannot open %s (run from the repo root)", dir);
    if (!d)
        return;
    while ((e = readdir(d)) && nn < 256) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
            names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof names[0], cmp_names);
    CHECK(nn >= 10, "only %zu golden inputs", nn);
    for (i = 0; i < nn; i++) {
        char path[512], *in, *got = NULL, *want;
        size_t inlen, gotlen = 0, wantlen = 0;
        fupin_norm r;
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        in = read_file(path, &inlen);
        CHECK(in != NULL, "read %s", path);
        if (!in)
            continue;
        against_ref(t, in, inlen, names[i]);
        CHECK(fupin_normalizer_run(nz, in, inlen, FUPIN_NORM_WANT_MAP, &r) == 0, "%s", path);
        f = open_memstream(&got, &gotlen);
        golden_output(f, &r, in, inlen);
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

static void expect(const tnz *t, const char *in, size_t inlen, const char *want,
                   size_t wantlen, size_t replaced, int stable)
{
    fupin_norm r;
    int st = fupin_normalizer_run(t->nz, in, inlen, 0, &r);

    CHECK(st == 0 && r.len == wantlen && memcmp(r.text, want, r.len) == 0,
          "normalise(%s) = %s, want %s", in, st ? "(error)" : r.text, want);
    CHECK(st == 0 && r.replaced == replaced, "%s: replaced %zu, want %zu", in, r.replaced, replaced);
    if (stable >= 0)
        CHECK(st == 0 && r.cjk_stable == stable, "%s: cjk_stable %d, want %d", in, r.cjk_stable,
              stable);
    against_ref(t, in, inlen, in);
}
#define EXPECT(t, in, want, rep, stable) \
    expect(t, in, sizeof(in) - 1, want, sizeof(want) - 1, rep, stable)

/* Without t2s (U+8C48 豈 is traditional for 岂). */
static void test_cases(const tnz *t)
{
    fupin_normalizer *nz = t->nz;
    fupin_norm r;
    fupin_normalizer *none = NULL;

    EXPECT(t, "", "", 0, 1);
    EXPECT(t, "\xEF\xBC\xA7\xEF\xBC\x92\xEF\xBC\x90", "g20", 0, 1);         /* Ｇ２０ */
    EXPECT(t, "\xEF\xBC\x92\xEF\xBC\x8E\xEF\xBC\x94\xEF\xBC\x94", "2.44", 0, 1); /* ２．４４ */
    EXPECT(t, "\xE3\x80\x80", " ", 0, 1);                                       /* U+3000 */
    EXPECT(t, "G20峰会", "g20峰会", 0, 1);
    EXPECT(t, "脱贫Ｇ２０攻坚", "脱贫g20攻坚", 0, 1);
    EXPECT(t, "Stra\xC3\x9F" "e", "strasse", 0, 1);
    EXPECT(t, "e\xCC\x81", "\xC3\xA9", 0, 1);                                   /* e + U+0301 */
    EXPECT(t, "\xE8\xB1\x88", "\xE8\xB1\x88", 0, 1);                            /* U+8C48 */
    EXPECT(t, "\xEF\xA4\x80", "\xE8\xB1\x88", 0, 0);     /* compat U+F900 -> U+8C48: not stable */
    EXPECT(t, "中\xCC\x81国", "中\xCC\x81国", 0, 0);     /* a mark on CJK: not stable */
    EXPECT(t, "\xEF\xBD\xB6\xEF\xBE\x9E", "\xE3\x82\xAC", 0, 0); /* ｶﾞ -> ガ */
    EXPECT(t, "\xE3\x81\x8B\xE3\x82\x99", "\xE3\x81\x8C", 0, 0); /* か + U+3099 -> が */
    EXPECT(t, "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", "\xED\x95\x9C", 0, 0); /* jamo -> 한 */
    EXPECT(t, "한국", "한국", 0, 1);
    EXPECT(t, "\xF0\xA0\x80\x80", "\xF0\xA0\x80\x80", 0, 1);                    /* U+20000 */
    /* ill-formed: each maximal subpart is one U+FFFD */
    EXPECT(t, "a\xC0\xAF" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD" "b", 2, 1);
    EXPECT(t, "\xE4\xB8", "\xEF\xBF\xBD", 1, 1);
    EXPECT(t, "\xE4\xB8" "中", "\xEF\xBF\xBD" "中", 1, 1);
    EXPECT(t, "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3, 1);   /* surrogate */
    EXPECT(t, "\xF0\x9F\x98" "!", "\xEF\xBF\xBD!", 1, 1);
    EXPECT(t, "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 4, 1);
    EXPECT(t, "\xFF\xCC\x81", "\xEF\xBF\xBD\xCC\x81", 1, 1);  /* a mark after a bad byte */
    /* controls and ignorables stay */
    EXPECT(t, "a\x00\x01\t\r\n\xE2\x80\x8B\xEF\xBB\xBF", "a\x00\x01\t\r\n\xE2\x80\x8B\xEF\xBB\xBF",
           0, 1);

    /* the map, by hand: "Ｇ中e\u0301" */
    {
        static const char in[] = "\xEF\xBC\xA7中e\xCC\x81";
        CHECK(fupin_normalizer_run(nz, in, sizeof in - 1, FUPIN_NORM_WANT_MAP, &r) == 0, "map run");
        CHECK(r.len == 6 && memcmp(r.text, "g中\xC3\xA9", 6) == 0, "map text");
        CHECK(r.start[0] == 0 && r.end[0] == 3, "Ｇ span %u..%u", r.start[0], r.end[0]);
        CHECK(r.start[1] == 3 && r.end[1] == 6 && r.start[3] == 3 && r.end[3] == 6, "中 span");
        CHECK(r.start[4] == 6 && r.end[4] == 9 && r.start[5] == 6 && r.end[5] == 9,
              "é span %u..%u", r.start[4], r.end[4]);
    }
    /* a run without the map has no map; the text is valid until the next run */
    CHECK(fupin_normalizer_run(nz, "ABC", 3, 0, &r) == 0 && !r.start && !r.end, "no map");
    CHECK(strcmp(r.text, "abc") == 0, "abc");
    CHECK(fupin_normalizer_run(nz, "x", 1, 0x100, &r) == FUPIN_EINVAL && r.text == NULL,
          "unknown opts");
    CHECK(fupin_normalizer_run(nz, NULL, 5, 0, &r) == FUPIN_EINVAL, "NULL text");
    CHECK(fupin_normalizer_run(NULL, "x", 1, 0, &r) == FUPIN_EINVAL, "NULL normalizer");
    CHECK(fupin_normalizer_run(nz, NULL, 0, 0, &r) == 0 && r.len == 0 && r.text[0] == '\0',
          "NULL empty text");
    if (sizeof(size_t) > 4)
        CHECK(fupin_normalizer_run(nz, "x", (size_t)UINT32_MAX + 1, 0, &r) == FUPIN_EINVAL,
              "4 GiB input must be refused before reading it");
    fupin_normalizer_free(NULL);
    CHECK(fupin_normalizer_new(0, &none) == 0 && none, "new");
    fupin_normalizer_free(none);
}

/* ---- exhaustive: every code point, every decomposition ---- */

static size_t put_cp(char *b, utf8proc_int32_t cp)
{
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)b);
}

static void test_every_code_point(const tnz *t)
{
    utf8proc_int32_t cp, dec[64];
    char buf[512], what[64];
    size_t n, bad = 0, k;
    int bound = 0;
    utf8proc_ssize_t m;
    long checked = 0;

    for (cp = 0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        /* in context: after a starter, before a mark */
        n = 0;
        buf[n++] = 'A';
        n += put_cp(buf + n, cp);
        n += put_cp(buf + n, 0x301);
        snprintf(what, sizeof what, "A U+%04X U+0301", (unsigned)cp);
        bad += !against_ref(t, buf, n, what);
        checked++;
        /* alone, as the fast path sees it */
        n = 0;
        buf[n++] = 'A';
        n += put_cp(buf + n, cp);
        buf[n++] = 'b';
        snprintf(what, sizeof what, "A U+%04X b", (unsigned)cp);
        bad += !against_ref(t, buf, n, what);
        checked++;
        /* its canonical and compat decompositions, composed back by us */
        for (k = 0; k < 2; k++) {
            m = utf8proc_decompose_char(cp, dec, 64,
                                        UTF8PROC_DECOMPOSE | (k ? UTF8PROC_COMPAT : 0), &bound);
            if (m < 2 || m > 40)
                continue;
            n = 0;
            for (size_t j = 0; j < (size_t)m; j++)
                n += put_cp(buf + n, dec[j]);
            n += put_cp(buf + n, 0x300);
            snprintf(what, sizeof what, "decomposed U+%04X (%s)", (unsigned)cp, k ? "compat" : "canonical");
            bad += !against_ref(t, buf, n, what);
            checked++;
        }
        if (bad > 20)
            break;
    }
    CHECK(bad == 0, "%zu of %ld code point cases differ", bad, checked);
}

/* ---- random strings ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static size_t random_piece(char *b)
{
    static const utf8proc_int32_t pick[] = {
        0x3000, 0x00A0, 0x0130, 0x03A3, 0x00DF, 0x1E9B, 0x0344, 0x0F73, 0x212A, 0x2126,
        0x212B, 0x2160, 0x2460, 0x3231, 0x338F, 0x2103, 0xFDFA, 0xFB01, 0x309B, 0x3099,
        0x309A, 0x30FC, 0x3007, 0x200D, 0x200B, 0xFEFF, 0xFE0F, 0x1F3FD, 0x1F44D, 0x1F468,
        0x0B3E, 0x0B47, 0x09BE, 0x09C7, 0x1100, 0x1161, 0x11A7, 0x11A8, 0x11C2, 0xAC00,
        0xD7A3, 0x0345, 0x05B0, 0x0591, 0x0E31, 0x1D15E, 0x1D165, 0x0300, 0x0323, 0x0315,
    };
    uint32_t r = rnd() % 22;
    switch (r) {
    case 0: case 1: b[0] = (char)(0x20 + rnd() % 0x5F); return 1;
    case 2: b[0] = (char)('A' + rnd() % 26); return 1;
    case 3: b[0] = (char)(rnd() % 0x20); return 1;
    case 4: case 5: return put_cp(b, 0x4E00 + (utf8proc_int32_t)(rnd() % 0x5200));
    case 6: return put_cp(b, 0xFF01 + (utf8proc_int32_t)(rnd() % 0xBE));   /* full/half width */
    case 7: return put_cp(b, 0x0300 + (utf8proc_int32_t)(rnd() % 0x70));   /* marks */
    case 8: return put_cp(b, 0x1100 + (utf8proc_int32_t)(rnd() % 0x100));  /* jamo */
    case 9: return put_cp(b, 0xAC00 + (utf8proc_int32_t)(rnd() % 11172));  /* syllables */
    case 10: return put_cp(b, 0x3040 + (utf8proc_int32_t)(rnd() % 0x1C0)); /* kana, jamo */
    case 11: return put_cp(b, 0xF900 + (utf8proc_int32_t)(rnd() % 0x200)); /* compat ideographs */
    case 12: return put_cp(b, 0x2F800 + (utf8proc_int32_t)(rnd() % 0x220));
    case 13: return put_cp(b, 0x20000 + (utf8proc_int32_t)(rnd() % 0x12400));
    case 14: case 15: return put_cp(b, pick[rnd() % (sizeof pick / sizeof pick[0])]);
    case 16: b[0] = (char)(0x80 + rnd() % 0x80); return 1;                  /* stray byte */
    case 17: {                                                              /* cut sequence */
        char t[4];
        size_t n = put_cp(t, 0x800 + (utf8proc_int32_t)(rnd() % 0xF000));
        size_t k = 1 + rnd() % (n - 1);
        memcpy(b, t, k);
        return k;
    }
    case 18: return put_cp(b, 0x00C0 + (utf8proc_int32_t)(rnd() % 0x250)); /* Latin ext. */
    case 19: return put_cp(b, 0x1E00 + (utf8proc_int32_t)(rnd() % 0x300)); /* Latin/Greek ext. */
    default: {
        utf8proc_int32_t cp;
        do
            cp = (utf8proc_int32_t)(rnd() % 0x110000);
        while (cp >= 0xD800 && cp < 0xE000);
        return put_cp(b, cp);
    }
    }
}

static void test_random(const tnz *t)
{
    char buf[1024], what[32];
    int i, bad = 0;

    for (i = 0; i < 5000 && bad < 10; i++) {
        size_t n = 0, want = 1 + rnd() % 60;
        while (want-- && n < sizeof buf - 8)
            n += random_piece(buf + n);
        snprintf(what, sizeof what, "random #%d", i);
        bad += !against_ref(t, buf, n, what);
    }
    CHECK(bad == 0, "%d random strings differ", bad);
}

/* ---- corpus ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: the machine is shared */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Traditional text made from real text: OpenCC s2t.json, malloc'd. */
static char *to_traditional(opencc_t s2t, const char *s, size_t n, size_t *outlen)
{
    char *o = opencc_convert_utf8(s2t, s, n), *c;

    if (!o)
        return NULL;
    *outlen = strlen(o);
    c = malloc(*outlen + 1);
    memcpy(c, o, *outlen + 1);
    opencc_convert_utf8_free(o);
    return c;
}

/* Times passes over texts; best of reps (the machine is shared).  Returns
 * MB/s. */
static double bench(fupin_normalizer *nz, char **texts, size_t n, size_t total, int mode)
{
    double t = 1e9;

    for (int rep = 0; rep < 7; rep++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            fupin_norm r;
            if (mode < 2) {
                fupin_normalizer_run(nz, texts[i], strlen(texts[i]),
                                     mode ? FUPIN_NORM_WANT_MAP : 0, &r);
            } else {
                utf8proc_uint8_t *o;
                utf8proc_map((const utf8proc_uint8_t *)texts[i],
                             (utf8proc_ssize_t)strlen(texts[i]), &o, OPTS);
                free(o);
            }
        }
        if (now() - t0 < t)
            t = now() - t0;
    }
    return total / 1e6 / t;
}

/* Counts characters of a and b (same number of them) that differ; -1 when
 * the character counts differ. */
static long char_diff(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    long d = 0;
    utf8proc_int32_t x, y;

    while (i < an && j < bn) {
        i += (size_t)utf8proc_iterate((const utf8proc_uint8_t *)a + i, (utf8proc_ssize_t)(an - i), &x);
        j += (size_t)utf8proc_iterate((const utf8proc_uint8_t *)b + j, (utf8proc_ssize_t)(bn - j), &y);
        d += x != y;
    }
    return i == an && j == bn ? d : -1;
}

/* The traditional version of real articles: the reference holds, nearly all
 * characters fold back to the simplified original, each output character's
 * span is the one traditional character that folds to it. */
static void test_traditional(const tnz *tt, opencc_t s2t, char **texts, size_t ntexts)
{
    size_t i, n, nt, chars = 0, sl;
    long diff = 0, d;
    int bad = 0, unstable = 0, key = 0, keyfound = 0, spans_bad = 0, nbody = 0;
    fupin_norm r;
    fupin_normalizer *one = NULL;

    CHECK(fupin_normalizer_new(0, &one) == 0, "second normalizer");
    if (!one)
        return;
    for (i = 1; i < ntexts && nbody < 300; i += 2) {      /* bodies */
        char *trad = to_traditional(s2t, texts[i], strlen(texts[i]), &nt), *simp;
        CHECK(trad != NULL, "s2t failed: %s", opencc_error());
        if (!trad)
            break;
        nbody++;
        bad += !against_ref(tt, trad, nt, "traditional body");
        if (fupin_normalizer_run(tt->nz, texts[i], strlen(texts[i]), 0, &r) != 0)
            break;
        simp = malloc(r.len + 1);
        memcpy(simp, r.text, r.len + 1);
        sl = r.len;
        if (fupin_normalizer_run(tt->nz, trad, nt, FUPIN_NORM_WANT_MAP, &r) != 0)
            break;
        unstable += !r.cjk_stable;
        d = char_diff(simp, sl, r.text, r.len);
        CHECK(d >= 0, "traditional body %zu: not as many characters as the original", i);
        if (d >= 0) {
            diff += d;
            chars += sl;
        }
        if (memmem(simp, sl, "脱贫攻坚", strlen("脱贫攻坚"))) {
            key++;
            keyfound += memmem(r.text, r.len, "脱贫攻坚", strlen("脱贫攻坚")) != NULL;
        }
        /* every output ideograph from a one-character span: that character
         * alone normalises to it */
        for (size_t k = 0; k < r.len; k += n) {
            utf8proc_int32_t cp;
            fupin_norm q;
            n = (size_t)utf8proc_iterate((const utf8proc_uint8_t *)r.text + k,
                                         (utf8proc_ssize_t)(r.len - k), &cp);
            if (!fupin_tokenize_is_cjk((uint32_t)cp))
                continue;
            if (fupin_normalizer_run(one, trad + r.start[k], r.end[k] - r.start[k], 0, &q) != 0 ||
                q.len != n || memcmp(q.text, r.text + k, n) != 0)
                spans_bad++;
        }
        free(simp);
        free(trad);
    }
    fupin_normalizer_free(one);
    CHECK(nbody >= 300, "only %d traditional bodies", nbody);
    CHECK(bad == 0, "%d traditional bodies differ from the reference", bad);
    CHECK(unstable == nbody, "%d of %d traditional bodies cjk_stable", nbody - unstable, nbody);
    CHECK(spans_bad == 0, "%d output ideographs whose span is not their character", spans_bad);
    CHECK(key > 20 && keyfound == key, "脱贫攻坚 in %d bodies, found in %d traditional ones", key,
          keyfound);
    /* s2t then t2s, both by OpenCC's tables, loses a little: 乾/干, 著/着... */
    CHECK(chars > 0 && diff * 1000 < (long)chars, "%ld of %zu characters differ after s2t, t2s",
          diff, chars);
    printf("traditional: %d bodies, %d with 脱贫攻坚 (all found), %ld of %zu characters differ "
           "from the simplified original after s2t and folding\n", nbody, key, diff, chars);
}

static void test_corpus(const tnz *tt, const tnz *tp)
{
    const char *shared = getenv("FUPIN_SHARED");
    char cmd[1024], *line = NULL, **texts = NULL;
    size_t cap = 0, ntexts = 0, total = 0, i;
    ssize_t got;
    FILE *p;
    int articles = 0, bad = 0, stable = 0, stable_t2s = 0;
    opencc_t s2t;

    snprintf(cmd, sizeof cmd, "%s/corpus/fupin/xwlb-fupin-2012-2026.jsonl.zst",
             shared ? shared : "../shared");
    p = fopen(cmd, "rb");
    if (!p) {
        printf("skip corpus: %s not found\n", cmd);
        return;
    }
    fclose(p);
    snprintf(cmd, sizeof cmd, "zstd -dc '%s/corpus/fupin/xwlb-fupin-2012-2026.jsonl.zst'",
             shared ? shared : "../shared");
    p = popen(cmd, "r");
    CHECK(p != NULL, "popen %s", cmd);
    if (!p)
        return;
    texts = malloc(2 * 4000 * sizeof *texts);
    while ((got = getline(&line, &cap, p)) > 0 && articles < 4000) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err);
        const char *keys[2] = { "title", "body" };
        CHECK(o != NULL, "json line %d: %s", articles + 1, err.text);
        if (!o)
            break;
        for (int k = 0; k < 2; k++) {
            json_t *v = json_object_get(o, keys[k]);
            const char *s = json_string_value(v);
            size_t n = json_string_length(v);
            CHECK(s != NULL, "article %d has no %s", articles + 1, keys[k]);
            if (!s)
                continue;
            if (articles < 2000) {
                fupin_norm r;
                bad += !against_ref(tp, s, n, keys[k]);
                bad += !against_ref(tt, s, n, keys[k]);
                if (k == 1 && fupin_normalizer_run(tp->nz, s, n, 0, &r) == 0)
                    stable += r.cjk_stable;
                if (k == 1 && fupin_normalizer_run(tt->nz, s, n, 0, &r) == 0)
                    stable_t2s += r.cjk_stable;
            }
            texts[ntexts] = malloc(n + 1);
            memcpy(texts[ntexts++], s, n + 1);
            total += n;
        }
        json_decref(o);
        articles++;
    }
    free(line);
    CHECK(pclose(p) == 0, "zstd failed");
    CHECK(articles >= 2000, "only %d articles", articles);
    CHECK(bad == 0, "%d corpus texts differ from the reference", bad);
    CHECK(stable > 1900, "only %d of 2000 bodies cjk_stable", stable);
    /* simplified news text rarely holds a character t2s changes */
    CHECK(stable_t2s > 1900, "only %d of 2000 bodies cjk_stable with t2s", stable_t2s);
    printf("corpus: %d articles checked, %d of 2000 bodies cjk_stable (%d with t2s)\n",
           articles < 2000 ? articles : 2000, stable, stable_t2s);

    s2t = opencc_open("s2t.json");
    CHECK(s2t != (opencc_t)-1, "cannot open OpenCC's s2t.json: %s", opencc_error());
    if (s2t != (opencc_t)-1)
        test_traditional(tt, s2t, texts, ntexts);

    if (getenv("FUPIN_BENCH") && s2t != (opencc_t)-1) {
        char **trad = malloc(ntexts * sizeof *trad);
        size_t ttotal = 0, n;
        double t0, t;
        fupin_normalizer *nz;
        int reps = 20;

        for (i = 0; i < ntexts; i++) {
            trad[i] = to_traditional(s2t, texts[i], strlen(texts[i]), &n);
            ttotal += n;
        }
        printf("bench: simplified %.1f MB, traditional (s2t) %.1f MB, %zu texts\n", total / 1e6,
               ttotal / 1e6, ntexts);
        printf("bench: simplified   t2s    no map %4.0f MB/s, map %4.0f MB/s\n",
               bench(tt->nz, texts, ntexts, total, 0), bench(tt->nz, texts, ntexts, total, 1));
        printf("bench: simplified   no t2s no map %4.0f MB/s, map %4.0f MB/s\n",
               bench(tp->nz, texts, ntexts, total, 0), bench(tp->nz, texts, ntexts, total, 1));
        printf("bench: traditional  t2s    no map %4.0f MB/s, map %4.0f MB/s\n",
               bench(tt->nz, trad, ntexts, ttotal, 0), bench(tt->nz, trad, ntexts, ttotal, 1));
        printf("bench: traditional  no t2s no map %4.0f MB/s, map %4.0f MB/s\n",
               bench(tp->nz, trad, ntexts, ttotal, 0), bench(tp->nz, trad, ntexts, ttotal, 1));
        printf("bench: utf8proc_map (simplified)  %4.0f MB/s\n",
               bench(tp->nz, texts, ntexts, total, 2));
        for (int mode = 0; mode < 2; mode++) {
            t0 = now();
            for (int k = 0; k < reps; k++) {
                fupin_normalizer_new(mode ? FUPIN_NORM_NO_T2S : 0, &nz);
                fupin_normalizer_free(nz);
            }
            printf("bench: fupin_normalizer_new + free (%s): %.3f ms\n", mode ? "no t2s" : "t2s",
                   (now() - t0) / reps * 1e3);
        }
        /* what the lazy cache costs: a fresh normalizer's first pass */
        for (int which = 0; which < 2; which++) {
            char **v = which ? trad : texts;
            fupin_norm r;
            fupin_normalizer_new(0, &nz);
            t0 = now();
            for (i = 0; i < ntexts; i++)
                fupin_normalizer_run(nz, v[i], strlen(v[i]), 0, &r);
            t = now() - t0;
            printf("bench: first pass of a new normalizer, %s: %.1f ms (warm %.1f ms)\n",
                   which ? "traditional" : "simplified", t * 1e3,
                   (which ? ttotal : total) / 1e6 / bench(nz, v, ntexts, which ? ttotal : total, 0) * 1e3);
            fupin_normalizer_free(nz);
        }
        for (i = 0; i < ntexts; i++)
            free(trad[i]);
        free(trad);
    }
    if (s2t != (opencc_t)-1)
        opencc_close(s2t);
    for (i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
}

/* ---- t2s: focused cases ---- */

static void expect_map(const tnz *t, const char *in, const char *want,
                       const uint32_t *spans, size_t nspans, int stable)
{
    fupin_norm r;
    size_t i, n, k = 0;
    int st = fupin_normalizer_run(t->nz, in, strlen(in), FUPIN_NORM_WANT_MAP, &r);
    utf8proc_int32_t cp;

    CHECK(st == 0 && r.len == strlen(want) && memcmp(r.text, want, r.len) == 0,
          "normalise(%s) = %s, want %s", in, st ? "(error)" : r.text, want);
    if (st || r.len != strlen(want))
        return;
    CHECK(r.cjk_stable == stable, "%s: cjk_stable %d, want %d", in, r.cjk_stable, stable);
    for (i = 0; i < r.len && k < nspans; i += n, k++) {
        n = (size_t)utf8proc_iterate((const utf8proc_uint8_t *)r.text + i,
                                     (utf8proc_ssize_t)(r.len - i), &cp);
        CHECK(r.start[i] == spans[2 * k] && r.end[i] == spans[2 * k + 1],
              "%s: output character %zu from %u..%u, want %u..%u", in, k, r.start[i], r.end[i],
              spans[2 * k], spans[2 * k + 1]);
    }
    CHECK(k == nspans && i == r.len, "%s: %zu output characters, want %zu", in, k, nspans);
    against_ref(t, in, strlen(in), in);
}

static void test_t2s(const tnz *tt, const tnz *tp)
{
    fupin_normalizer *nz = NULL;
    fupin_norm r;

    EXPECT(tt, "脫貧攻堅", "脱贫攻坚", 0, 0);
    EXPECT(tt, "發展", "发展", 0, 0);
    EXPECT(tt, "脱贫攻坚", "脱贫攻坚", 0, 1);
    EXPECT(tt, "发展", "发展", 0, 1);
    EXPECT(tp, "脫貧攻堅", "脫貧攻堅", 0, 1);          /* FUPIN_NORM_NO_T2S keeps it */
    EXPECT(tp, "發展", "發展", 0, 1);
    /* mixed, with full width and Latin around */
    EXPECT(tt, "精準扶贫Ｇ２０峰會，脫贫攻堅戰", "精准扶贫g20峰会,脱贫攻坚战", 0, 0);
    /* characters t2s maps to themselves: simplified, shared, and the ones
     * t2s.json lists as their own simplification (阪 瞭 藉 覆) */
    EXPECT(tt, "中国人民扶贫", "中国人民扶贫", 0, 1);
    EXPECT(tt, "阪瞭藉覆", "阪瞭藉覆", 0, 1);
    EXPECT(tt, "攻", "攻", 0, 1);
    /* a character only: phrases are not used (t2s.json's 乾隆 keeps 乾) */
    EXPECT(tt, "乾隆", "干隆", 0, 0);
    /* t2s iterated: 薴 -> 苧 -> 苎; idempotent on its output */
    EXPECT(tt, "薴", "苎", 0, 0);
    EXPECT(tt, "苧", "苎", 0, 0);
    /* compat ideograph: NFKC first (U+F900 -> 豈), then t2s (-> 岂) */
    EXPECT(tt, "\xEF\xA4\x80", "岂", 0, 0);
    EXPECT(tp, "\xEF\xA4\x80", "豈", 0, 0);
    /* Kangxi radical U+2F08 is NFKC 人, which t2s keeps */
    EXPECT(tt, "\xE2\xBC\x88", "人", 0, 0);
    /* a mark on a traditional character: the slow path folds it too */
    EXPECT(tt, "發\xCC\x81展", "发\xCC\x81展", 0, 0);
    /* a 3-byte character to a 4-byte one (鈇 -> U+2B4E7), many of them so
     * the output outgrows the input */
    EXPECT(tt, "鈇鈇鈇鈇鈇鈇", "𫓧𫓧𫓧𫓧𫓧𫓧", 0, 0);
    EXPECT(tt, "鈇\xCC\x81", "𫓧\xCC\x81", 0, 0);
    /* extension A to a 4-byte one, extension B to the BMP, B to C-F */
    EXPECT(tt, "\xE4\x82\x8E", "\xF0\xA5\x8E\x9D", 0, 0);          /* 䂎 -> 𥎝 */
    EXPECT(tt, "\xF0\xA1\xBB\x95", "岁", 0, 0);                      /* 𡻕 -> 岁 */
    EXPECT(tt, "\xF0\xA9\x80\xA8", "\xF0\xAB\x95\x9A", 0, 0);      /* 𩀨 -> 𫕚 */
    /* extension B that stays */
    EXPECT(tt, "\xF0\xA0\x80\x80", "\xF0\xA0\x80\x80", 0, 1);
    /* bad UTF-8 next to traditional characters */
    EXPECT(tt, "發\xE4\xB8" "展\xFF", "发\xEF\xBF\xBD展\xEF\xBF\xBD", 2, 0);

    /* offsets point at the original traditional characters */
    {
        static const uint32_t sp[] = { 0, 3, 3, 6, 6, 9, 9, 12 };
        expect_map(tt, "脫貧攻堅", "脱贫攻坚", sp, 4, 0);
    }
    {
        /* 「扶貧」Ｇ２０ 發展 in traditional; "「" stays (not t2s.json's) */
        static const char in[] = "「扶貧」工作：Ｇ２０與發展";
        static const char want[] = "「扶贫」工作:g20与发展";
        static const uint32_t sp[] = { 0, 3, 3, 6, 6, 9, 9, 12, 12, 15, 15, 18, 18, 21,
                                       21, 24, 24, 27, 27, 30, 30, 33, 33, 36, 36, 39 };
        expect_map(tt, in, want, sp, 13, 0);
    }
    {
        /* a traditional paragraph, checked character by character against
         * the span: each output ideograph's span holds exactly one input
         * character, the traditional one */
        static const char in[] =
            "習近平強調，脫貧攻堅戰取得了全面勝利。現行標準下9899萬農村貧困人口全部脫貧，"
            "832個貧困縣全部摘帽，12.8萬個貧困村全部出列，區域性整體貧困得到解決。";
        static const char want[] =
            "习近平强调,脱贫攻坚战取得了全面胜利。现行标准下9899万农村贫困人口全部脱贫,"
            "832个贫困县全部摘帽,12.8万个贫困村全部出列,区域性整体贫困得到解决。";
        size_t i, n, inl = strlen(in);
        int bad = 0;
        CHECK(fupin_normalizer_run(tt->nz, in, inl, FUPIN_NORM_WANT_MAP, &r) == 0 &&
              r.len == strlen(want) && memcmp(r.text, want, r.len) == 0 && !r.cjk_stable,
              "traditional paragraph: %s", r.text);
        for (i = 0; i < r.len; i += n) {
            utf8proc_int32_t a, b;
            n = (size_t)utf8proc_iterate((const utf8proc_uint8_t *)r.text + i,
                                         (utf8proc_ssize_t)(r.len - i), &a);
            utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)in + r.start[i],
                                                  (utf8proc_ssize_t)(inl - r.start[i]), &b);
            /* the span is one whole input character, and the k-th output
             * character comes from the k-th input character */
            bad += m <= 0 || r.end[i] != r.start[i] + (uint32_t)m ||
                   (i > 0 && r.start[i] != r.end[i - 1]);
        }
        CHECK(bad == 0, "traditional paragraph: %d spans are not one input character", bad);
        /* 勝 at input bytes 48..51 gave 胜 at output byte 46 (after ， -> ,) */
        CHECK(memcmp(in + 48, "勝", 3) == 0 && memcmp(r.text + 46, "胜", 3) == 0 &&
              r.start[46] == 48 && r.end[46] == 51 && r.start[48] == 48 && r.end[48] == 51,
              "勝 -> 胜 span %u..%u", r.start[46], r.end[46]);
        against_ref(tt, in, inl, "traditional paragraph");
    }

    /* 85 x 鈇 is 255 bytes, which a new normalizer's 256-byte buffer holds;
     * their 340 bytes of output make the fast path grow it mid-loop */
    for (int map = 0; map < 2; map++) {
        char in[3 * 85], want[4 * 85];
        int bad = 0;
        for (int k = 0; k < 85; k++) {
            memcpy(in + 3 * k, "鈇", 3);
            memcpy(want + 4 * k, "𫓧", 4);
        }
        CHECK(fupin_normalizer_new(0, &nz) == 0, "new");
        if (!nz)
            break;
        CHECK(fupin_normalizer_run(nz, in, sizeof in, map ? FUPIN_NORM_WANT_MAP : 0, &r) == 0 &&
              r.len == sizeof want && memcmp(r.text, want, r.len) == 0 && r.text[r.len] == '\0',
              "85 x 鈇 (map %d)", map);
        for (size_t i = 0; map && i < r.len; i++)
            bad += r.start[i] != i / 4 * 3 || r.end[i] != i / 4 * 3 + 3;
        CHECK(bad == 0, "85 x 鈇: %d bytes with a wrong span", bad);
        fupin_normalizer_free(nz);
        nz = NULL;
    }

    /* flags */
    CHECK(fupin_normalizer_new(0x4, &nz) == FUPIN_EINVAL && nz == NULL, "unknown flag");
    CHECK(fupin_normalizer_new(FUPIN_NORM_WANT_MAP, &nz) == FUPIN_EINVAL && nz == NULL,
          "a run option is no flag of new");
    CHECK(fupin_normalizer_new(FUPIN_NORM_NO_T2S, NULL) == FUPIN_EINVAL, "NULL out");
    CHECK(fupin_normalizer_run(tt->nz, "x", 1, FUPIN_NORM_NO_T2S, &r) == FUPIN_EINVAL,
          "NO_T2S is no run option");
}

/* A sibling folds exactly like its base, alone, and outlives nothing. */
static void test_sibling(fupin_normalizer *base, fupin_normalizer *plain)
{
    static const char *texts[] = { "脫貧攻堅，驻村幫扶", "Ｇ２０峰會 ２．４４萬人", "臺灣 薴" };
    fupin_normalizer *sib = NULL, *psib = NULL;
    fupin_norm a, b;

    CHECK(fupin_normalizer_new_sibling(NULL, &sib) == FUPIN_EINVAL && !sib, "sibling of NULL");
    CHECK(fupin_normalizer_new_sibling(base, &sib) == 0 && sib, "sibling");
    CHECK(fupin_normalizer_new_sibling(plain, &psib) == 0 && psib, "sibling of a no-t2s one");
    for (size_t i = 0; sib && psib && i < sizeof texts / sizeof texts[0]; i++) {
        char want[256];
        size_t n = strlen(texts[i]);
        fupin_normalizer_run(base, texts[i], n, 0, &a);
        snprintf(want, sizeof want, "%.*s", (int)a.len, a.text);
        fupin_normalizer_run(sib, texts[i], n, 0, &b);
        CHECK(b.len == strlen(want) && memcmp(b.text, want, b.len) == 0,
              "sibling folds \"%s\" as \"%.*s\", base as \"%s\"", texts[i], (int)b.len, b.text, want);
        fupin_normalizer_run(plain, texts[i], n, 0, &a);
        snprintf(want, sizeof want, "%.*s", (int)a.len, a.text);
        fupin_normalizer_run(psib, texts[i], n, 0, &b);
        CHECK(b.len == strlen(want) && memcmp(b.text, want, b.len) == 0,
              "no-t2s sibling folds \"%s\" as \"%.*s\"", texts[i], (int)b.len, b.text);
    }
    CHECK(fupin_normalizer_run(sib, "脫貧", strlen("脫貧"), 0, &b) == 0 &&
          b.len == strlen("脱贫") && memcmp(b.text, "脱贫", b.len) == 0, "sibling does t2s");
    fupin_normalizer_free(sib);
    fupin_normalizer_free(psib);
    /* the base still works after its sibling is gone */
    CHECK(fupin_normalizer_run(base, "脫貧", strlen("脫貧"), 0, &b) == 0 &&
          b.len == strlen("脱贫") && memcmp(b.text, "脱贫", b.len) == 0, "base after sibling");
}

/* A normaliser made from a stored t2s table must fold exactly like the
 * OpenCC one it was exported from: every code point, random text, the
 * goldens and a sibling; a damaged table is refused. */
static void test_table(fupin_normalizer *nz, fupin_normalizer *plain)
{
    char *tab = NULL, *bad = NULL;
    size_t len = 0, n;
    fupin_normalizer *tn = NULL, *x = NULL;

    CHECK(fupin_normalizer_t2s_table(plain, &tab, &len) == FUPIN_EINVAL && !tab,
          "no table from a no-t2s normaliser");
    CHECK(fupin_normalizer_t2s_table(nz, &tab, &len) == 0 && tab && len > 8 + 8 * 3000 &&
          (len - 8) % 8 == 0, "table: %zu bytes", len);
    if (!tab)
        return;
    n = (len - 8) / 8;
    printf("t2s table: %zu pairs, %zu bytes\n", n, len);
    CHECK(fupin_normalizer_new_t2s(tab, len, &tn) == 0 && tn, "normaliser from the table");
    if (tn) {
        const tnz tb = { tn, 1 };
        test_every_code_point(&tb);
        test_random(&tb);
        test_goldens(&tb);
        test_sibling(tn, plain);
    }
    fupin_normalizer_free(tn);
    bad = malloc(len);
    if (bad) {
        struct { const char *what; size_t at, newlen; unsigned char v; } cases[] = {
            { "bad magic", 0, 0, 'X' },
            { "count off by one", 4, 0, (unsigned char)(tab[4] + 1) },
            { "from outside the range", 8, 0, 0x00 },       /* U+xx00xx.. -> below 0x3400 */
            { "to a surrogate", 12 + 2, 0, 0x00 },
            { "cut short", 0, len - 3, 0 },
            { "duplicate from", 16, 0, 0 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            size_t l = cases[i].newlen ? cases[i].newlen : len;
            memcpy(bad, tab, len);
            if (i == 3) {   /* to = 0xD800 */
                bad[12] = 0x00; bad[13] = (char)0xD8; bad[14] = 0; bad[15] = 0;
            } else if (i == 5) {
                memcpy(bad + 16, bad + 8, 8);
            } else if (i == 2) {
                bad[8] = 0x41; bad[9] = 0; bad[10] = 0; bad[11] = 0;
            } else if (!cases[i].newlen) {
                bad[cases[i].at] = (char)cases[i].v;
            }
            x = (fupin_normalizer *)1;
            CHECK(fupin_normalizer_new_t2s(bad, l, &x) == FUPIN_ECORRUPT && x == NULL,
                  "damaged table refused: %s", cases[i].what);
        }
        free(bad);
    }
    free(tab);
}

int main(void)
{
    fupin_normalizer *nz = NULL, *plain = NULL;
    int st;

    st = fupin_normalizer_new(0, &nz);
    CHECK(st == 0 && nz, "new: %s (is OpenCC's t2s.json installed? scripts/install-deps)",
          fupin_strerror(st));
    CHECK(fupin_normalizer_new(FUPIN_NORM_NO_T2S, &plain) == 0 && plain, "new, no t2s");
    ref.cc = opencc_open("t2s.json");
    CHECK(ref.cc != (opencc_t)-1, "reference: opencc_open(t2s.json): %s", opencc_error());
    ref.to = calloc(REF_CPS, sizeof *ref.to);
    if (nz && plain && ref.cc != (opencc_t)-1) {
        const tnz tt = { nz, 1 }, tp = { plain, 0 };
        test_cases(&tp);
        test_t2s(&tt, &tp);
        test_goldens(&tt);
        test_random(&tt);
        test_random(&tp);
        test_every_code_point(&tt);
        test_every_code_point(&tp);
        test_corpus(&tt, &tp);
        test_sibling(nz, plain);
        test_table(nz, plain);
    }
    if (ref.cc != (opencc_t)-1)
        opencc_close(ref.cc);
    free(ref.to);
    fupin_normalizer_free(nz);
    fupin_normalizer_free(plain);
    return TEST_DONE();
}
