/* test_docstore.c - round trips, dictionaries and damaged records for
 * common/docstore.c.  The corpus part reads $FUPIN_SHARED/corpus/fupin/
 * (default ../shared) and is skipped with a message when it is missing. */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zstd.h>

#include "check.h"
#include "docstore_corpus.h"
#include "../common/docstore.h"
#include "../common/status.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int same_str(fupin_str a, fupin_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int same_article(const fupin_article *a, const fupin_article *b)
{
    for (int i = 0; i < FUPIN_F_COUNT; i++)
        if (!same_str(a->f[i], b->f[i]))
            return 0;
    return 1;
}

static fupin_str S(const char *s)
{
    fupin_str r = { s, strlen(s) };
    return r;
}

/* Encodes and decodes a with enc/dec and checks everything comes back. */
static void round_trip(fupin_docenc *enc, fupin_docdec *dec, const fupin_article *a,
                       unsigned flags, const char *what)
{
    const char *rec;
    size_t len;
    int rc = fupin_docenc_encode(enc, a, flags, &rec, &len);
    CHECK(rc == 0, "%s: encode %s", what, fupin_strerror(rc));
    if (rc)
        return;
    unsigned pf = 99;
    uint32_t pid = 1;
    CHECK(fupin_docdec_peek(rec, len, &pf, &pid) == 0 && pf == flags,
          "%s: peek flags %u", what, pf);
    fupin_article out;
    unsigned of = 99;
    rc = fupin_docdec_decode(dec, rec, len, &out, &of);
    CHECK(rc == 0, "%s: decode %s", what, fupin_strerror(rc));
    CHECK(of == flags, "%s: flags %u != %u", what, of, flags);
    CHECK(rc == 0 && same_article(a, &out), "%s: fields differ", what);
}

static void corrupt_all(fupin_docdec *dec, const char *rec, size_t len, const fupin_article *orig,
                        unsigned oflags, const char *what);

static void test_basic(void)
{
    char key[32];
    fupin_docstore_dict_key(0x1a2b3c4du, key);
    CHECK(strcmp(key, "fupin.dict.1a2b3c4d") == 0, "key %s", key);
    fupin_docstore_dict_key(7, key);
    CHECK(strcmp(key, "fupin.dict.00000007") == 0, "key %s", key);

    fupin_docenc *enc = (fupin_docenc *)1;
    fupin_docdec *dec = (fupin_docdec *)1;
    CHECK(fupin_docenc_new(NULL, 0, 3, &enc) == 0 && enc, "encoder without dictionary");
    CHECK(fupin_docdec_new(&dec) == 0 && dec, "decoder");
    CHECK(fupin_docdec_has_dict(dec, 0) == 1, "dict 0 is always held");
    CHECK(fupin_docdec_has_dict(dec, 12345) == 0, "dict 12345 is not held");

    fupin_article empty;
    memset(&empty, 0, sizeof empty);
    round_trip(enc, dec, &empty, 0, "all fields empty");
    round_trip(enc, dec, &empty, FUPIN_REC_CJK_STABLE, "empty, cjk_stable");

    fupin_article a;
    memset(&a, 0, sizeof a);
    a.f[FUPIN_F_ID] = S("xwlb-1");
    a.f[FUPIN_F_TITLE] = S("驻村第一书记的一天");
    a.f[FUPIN_F_SOURCE] = S("湖南日报");
    a.f[FUPIN_F_DATE] = S("2019-12-21 10:48");
    a.f[FUPIN_F_BODY] = S("张家界市驻村帮扶工作队\n记者 某某");
    round_trip(enc, dec, &a, FUPIN_REC_CJK_STABLE, "some fields empty");
    const char *r0;
    size_t l0;
    if (fupin_docenc_encode(enc, &a, FUPIN_REC_CJK_STABLE, &r0, &l0) == 0) {
        char *copy = malloc(l0);
        memcpy(copy, r0, l0);
        corrupt_all(dec, copy, l0, &a, FUPIN_REC_CJK_STABLE, "small record");
        free(copy);
    }

    unsigned char bin[256 * 3];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i % 3 == 0 ? 0 : i);
    static const char nul[] = "a\0b\0\0c";
    fupin_article b;
    for (int i = 0; i < FUPIN_F_COUNT; i++) {
        b.f[i].ptr = (const char *)bin + i;
        b.f[i].len = sizeof bin - (size_t)i * 50;
    }
    b.f[FUPIN_F_DATE].ptr = nul;
    b.f[FUPIN_F_DATE].len = sizeof nul;
    round_trip(enc, dec, &b, 0, "binary and NUL bytes");

    /* 5 MB body: CJK-like UTF-8 with repeats, then random bytes. */
    size_t big = 5u << 20;
    char *body = malloc(big);
    for (size_t i = 0; i < big;) {
        if (i + 3 <= big && (rnd() & 7)) {
            unsigned cp = 0x4E00 + rnd() % 800;
            body[i++] = (char)(0xE0 | cp >> 12);
            body[i++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            body[i++] = (char)(0x80 | (cp & 0x3F));
        } else {
            body[i++] = (char)rnd();
        }
    }
    fupin_article l = a;
    l.f[FUPIN_F_BODY].ptr = body;
    l.f[FUPIN_F_BODY].len = big;
    round_trip(enc, dec, &l, 0, "5 MB body");
    for (size_t i = 0; i < big; i++)
        body[i] = (char)rnd();
    round_trip(enc, dec, &l, 0, "5 MB random body");
    memset(body, 'x', big);
    round_trip(enc, dec, &l, 0, "5 MB of one byte");
    free(body);

    /* Bad arguments to encode. */
    const char *rec = (const char *)1;
    size_t rl = 1;
    fupin_article huge = a;
    huge.f[FUPIN_F_BODY].len = ((size_t)1 << 30) + 1;   /* never read */
    CHECK(fupin_docenc_encode(enc, &huge, 0, &rec, &rl) == FUPIN_EINVAL && !rec && !rl,
          "field over 1 GiB");
    fupin_article nullp = a;
    nullp.f[FUPIN_F_URL].ptr = NULL;
    nullp.f[FUPIN_F_URL].len = 3;
    CHECK(fupin_docenc_encode(enc, &nullp, 0, &rec, &rl) == FUPIN_EINVAL, "NULL with length");
    CHECK(fupin_docenc_encode(enc, &a, 0x80, &rec, &rl) == FUPIN_EINVAL, "unknown flag");

    fupin_docenc *bad = (fupin_docenc *)1;
    CHECK(fupin_docenc_new(NULL, 0, 1000, &bad) == FUPIN_EINVAL && !bad, "level 1000");

    fupin_docenc_free(enc);
    fupin_docdec_free(dec);
    fupin_docenc_free(NULL);
    fupin_docdec_free(NULL);
}

/* Builds a record by hand around the given payload, so each rule of the
 * format can be broken on its own.  opts: 1 = no checksum, 2 = frame with a
 * dictionary id, 4 = no content size, 8 = two frames. */
static size_t craft(unsigned char *out, size_t cap, const void *payload, size_t n,
                    unsigned flags, uint64_t declared, unsigned opts)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, !(opts & 1));
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, !(opts & 4));
    size_t at = 0;
    out[at++] = 0xF5;
    out[at++] = 1;
    out[at++] = (unsigned char)flags;
    for (int i = 0; i < 4; i++)
        out[at++] = 0;
    do {
        out[at++] = (unsigned char)(declared | (declared >= 0x80 ? 0x80 : 0));
        declared >>= 7;
    } while (declared);
    size_t z;
    if (opts & 4) {
        /* The streaming API leaves the content size out. */
        ZSTD_inBuffer in = { payload, n, 0 };
        ZSTD_outBuffer o = { out + at, cap - at, 0 };
        z = ZSTD_compressStream2(c, &o, &in, ZSTD_e_end);
        z = ZSTD_isError(z) ? z : o.pos;
    } else {
        z = ZSTD_compress2(c, out + at, cap - at, payload, n);
    }
    if (ZSTD_isError(z))
        z = 0;
    at += z;
    if (opts & 2) {
        /* dictID flag 1: one byte of id after the descriptor. */
        size_t fs = at - z;
        memmove(out + fs + 6, out + fs + 5, z - 5);
        out[fs + 4] |= 1;
        out[fs + 5] = 0x42;
        at++;
    }
    if (opts & 8)
        at += ZSTD_compress2(c, out + at, cap - at, payload, n);
    ZSTD_freeCCtx(c);
    return at;
}

static void test_crafted(void)
{
    fupin_docdec *dec;
    fupin_docdec_new(&dec);
    unsigned char rec[512];
    fupin_article a;
    unsigned f;
    /* flags, then 7 fields: "id", "" x5, "body" */
    static const unsigned char good[] = { 1, 2, 'i', 'd', 0, 0, 0, 0, 0, 4, 'b', 'o', 'd', 'y' };
    size_t n = craft(rec, sizeof rec, good, sizeof good, 1, sizeof good, 0);
    CHECK(fupin_docdec_decode(dec, (char *)rec, n, &a, &f) == 0 && f == 1 &&
          a.f[FUPIN_F_BODY].len == 4 && memcmp(a.f[FUPIN_F_BODY].ptr, "body", 4) == 0,
          "hand-made record decodes");

    struct { const char *what; const unsigned char *p; size_t n; unsigned flags;
             uint64_t declared; unsigned opts; } cases[] = {
        { "payload flags differ from header", good, sizeof good, 0, sizeof good, 0 },
        { "declared length too long", good, sizeof good, 1, sizeof good + 1, 0 },
        { "declared length too short", good, sizeof good, 1, sizeof good - 1, 0 },
        { "no checksum", good, sizeof good, 1, sizeof good, 1 },
        { "dictionary id in frame", good, sizeof good, 1, sizeof good, 2 },
        { "no content size", good, sizeof good, 1, sizeof good, 4 },
        { "two frames", good, sizeof good, 1, sizeof good, 8 },
        { "trailing payload byte", (const unsigned char[]){ 0, 0, 0, 0, 0, 0, 0, 0, 9 }, 9, 0, 9, 0 },
        { "field runs past the end", (const unsigned char[]){ 0, 0, 0, 0, 0, 0, 0, 5, 'a' }, 9, 0, 9, 0 },
        { "too few fields", (const unsigned char[]){ 0, 0, 0, 0, 0, 0, 0 }, 7, 0, 7, 0 },
        { "overlong varint", (const unsigned char[]){ 0, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 9, 0, 9, 0 },
        { "field over 1 GiB", (const unsigned char[]){ 0, 0, 0, 0, 0, 0, 0, 0x81, 0x80, 0x80, 0x80, 0x04 }, 12, 0, 12, 0 },
        { "unterminated varint", (const unsigned char[]){ 0, 0, 0, 0, 0, 0, 0, 0x81 }, 8, 0, 8, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        n = craft(rec, sizeof rec, cases[i].p, cases[i].n, cases[i].flags, cases[i].declared,
                  cases[i].opts);
        f = 77;
        int rc = fupin_docdec_decode(dec, (char *)rec, n, &a, &f);
        CHECK(rc == FUPIN_ECORRUPT && f == 0 && a.f[FUPIN_F_ID].ptr == NULL, "%s: got %d",
              cases[i].what, rc);
    }
    /* Header rules. */
    n = craft(rec, sizeof rec, good, sizeof good, 1, sizeof good, 0);
    unsigned char bad[512];
    static const struct { size_t at; unsigned char v; const char *what; } hdr[] = {
        { 0, 0xF4, "magic" }, { 1, 2, "version" }, { 2, 0x81, "unknown flag" },
        { 7, 0x80, "raw length varint runs into the frame" },
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
        memcpy(bad, rec, n);
        bad[hdr[i].at] = hdr[i].v;
        CHECK(fupin_docdec_decode(dec, (char *)bad, n, &a, &f) == FUPIN_ECORRUPT, "%s",
              hdr[i].what);
        CHECK(fupin_docdec_peek((char *)bad, n, &f, NULL) == FUPIN_ECORRUPT || i == 3,
              "peek %s", hdr[i].what);
    }
    CHECK(fupin_docdec_decode(dec, NULL, 0, &a, &f) == FUPIN_ECORRUPT, "NULL record");
    CHECK(fupin_docdec_decode(dec, "", 0, &a, &f) == FUPIN_ECORRUPT, "empty record");
    fupin_docdec_free(dec);
}

/* Every single-bit flip, every byte inverted, every truncation and an
 * extension of rec must be refused.  Bytes 3..6 are the dictionary id:
 * damage there may also read as a dictionary we do not hold.  One kind of
 * flip cannot be refused: zstd's decoder does not interpret some bits of
 * its entropy table headers, so a flip there decodes, and the content
 * checksum proves it decodes to the original.  Those are counted and must
 * give back exactly the original article and flags; anything else fails. */
static void corrupt_all(fupin_docdec *dec, const char *rec, size_t len, const fupin_article *orig,
                        unsigned oflags, const char *what)
{
    char *b = malloc(len + 1);
    fupin_article a;
    unsigned f;
    size_t bad = 0, tried = 0, same = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = -1; bit < 8; bit++) {
            memcpy(b, rec, len);
            b[i] ^= (char)(bit < 0 ? 0xFF : 1 << bit);
            int rc = fupin_docdec_decode(dec, b, len, &a, &f);
            tried++;
            if (rc == FUPIN_ECORRUPT || (i >= 3 && i < 7 && rc == FUPIN_ENOTFOUND))
                continue;
            if (rc == 0 && f == oflags && same_article(&a, orig) && i >= 7 && bit >= 0) {
                same++;
                continue;
            }
            if (bad++ < 5)
                printf("%s: byte %zu bit %d: rc %d\n", what, i, bit, rc);
        }
    }
    CHECK(bad == 0, "%s: %zu of %zu flips neither refused nor harmless", what, bad, tried);
    CHECK(same * 100 < tried, "%s: %zu of %zu flips harmless, expected under 1%%", what, same,
          tried);
    printf("%s: %zu bytes, %zu flips refused, %zu in bits zstd ignores\n", what, len,
           tried - same, same);
    size_t tbad = 0;
    for (size_t l = 0; l < len; l++) {
        char *t = malloc(l ? l : 1);   /* exact size so ASan sees over-reads */
        memcpy(t, rec, l);
        if (fupin_docdec_decode(dec, t, l, &a, &f) != FUPIN_ECORRUPT)
            tbad++;
        free(t);
    }
    CHECK(tbad == 0, "%s: %zu truncations not refused", what, tbad);
    memcpy(b, rec, len);
    b[len] = 0;
    CHECK(fupin_docdec_decode(dec, b, len + 1, &a, &f) == FUPIN_ECORRUPT, "%s: extended", what);
    free(b);
}

static void test_bad_dict(const void *dict, size_t len)
{
    fupin_docenc *e = (fupin_docenc *)1;
    fupin_docdec *d;
    fupin_docdec_new(&d);
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)rnd();
    CHECK(fupin_docenc_new(junk, sizeof junk, 3, &e) == FUPIN_EINVAL && !e, "junk dictionary");
    CHECK(fupin_docdec_add_dict(d, junk, sizeof junk) == FUPIN_EINVAL, "junk dictionary");
    CHECK(fupin_docstore_dict_id(junk, sizeof junk) == 0, "junk has no id");
    CHECK(fupin_docdec_add_dict(d, NULL, 0) == FUPIN_EINVAL, "NULL dictionary");
    if (dict) {
        CHECK(fupin_docenc_new(dict, 8, 3, &e) == FUPIN_EINVAL, "dictionary cut to 8 bytes");
        CHECK(fupin_docdec_add_dict(d, dict, 40) == FUPIN_EINVAL, "dictionary cut to 40 bytes");
        /* Damage the entropy tables right after magic and id. */
        unsigned char *m = malloc(len);
        memcpy(m, dict, len);
        memset(m + 8, 0xFF, 64);
        CHECK(fupin_docenc_new(m, len, 3, &e) == FUPIN_EINVAL, "dictionary with bad tables");
        CHECK(fupin_docdec_add_dict(d, m, len) == FUPIN_EINVAL, "dictionary with bad tables");
        free(m);
    }
    CHECK(fupin_docdec_has_dict(d, 0) && d, "still usable");
    fupin_docdec_free(d);
}

static void test_train_small(void)
{
    void *dict = (void *)1;
    size_t len = 1;
    uint32_t id = 1;
    fupin_article a;
    memset(&a, 0, sizeof a);
    a.f[FUPIN_F_BODY] = S("只有一篇很短的文章");
    CHECK(fupin_docstore_train(&a, 1, 110 << 10, &dict, &len, &id) == FUPIN_ENOTFOUND &&
          !dict && !len && !id, "one sample is too few");
    CHECK(fupin_docstore_train(NULL, 0, 110 << 10, &dict, &len, &id) == FUPIN_ENOTFOUND,
          "no samples");
    CHECK(fupin_docstore_train(&a, 1, 100, &dict, &len, &id) == FUPIN_EINVAL, "cap below 256");

    /* Uniform samples: either no dictionary, or one that works. */
    static fupin_article empty[200];
    int rc = fupin_docstore_train(empty, 200, 110 << 10, &dict, &len, &id);
    CHECK(rc == FUPIN_ENOTFOUND || rc == 0, "200 empty articles: %d", rc);
    if (rc == 0) {
        fupin_docenc *e = NULL;
        fupin_docdec *d = NULL;
        CHECK(fupin_docenc_new(dict, len, 3, &e) == 0 && fupin_docdec_new(&d) == 0 &&
              fupin_docdec_add_dict(d, dict, len) == 0, "dictionary from empty articles loads");
        if (e && d)
            round_trip(e, d, &a, 0, "with the dictionary of empty articles");
        fupin_docenc_free(e);
        fupin_docdec_free(d);
        free(dict);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_corpus(void)
{
    const char *shared = getenv("FUPIN_SHARED");
    char pat[1024];
    snprintf(pat, sizeof pat, "%s/corpus/fupin/*.jsonl.zst", shared ? shared : "../shared");
    glob_t g;
    if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        printf("SKIP corpus round trip: nothing matches %s\n", pat);
        test_bad_dict(NULL, 0);
        return;
    }
    dc_corpus c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        long n = dc_corpus_load(&c, g.gl_pathv[i]);
        CHECK(n > 0, "read %s", g.gl_pathv[i]);
    }
    globfree(&g);
    if (!c.n) {
        dc_corpus_free(&c);
        return;
    }

    void *dict = NULL;
    size_t dlen = 0;
    uint32_t id = 0;
    double t0 = now();
    int rc = fupin_docstore_train(c.a, c.n, 110 << 10, &dict, &dlen, &id);
    double t1 = now();
    CHECK(rc == 0 && dict && dlen > 1000 && dlen <= (110 << 10) && id != 0,
          "train: %s, %zu bytes", fupin_strerror(rc), dlen);
    if (rc) {
        dc_corpus_free(&c);
        return;
    }
    CHECK(fupin_docstore_dict_id(dict, dlen) == id, "dict id");

    fupin_docenc *enc = NULL;
    fupin_docdec *dec = NULL;
    CHECK(fupin_docenc_new(dict, dlen, FUPIN_DOCSTORE_DEFAULT_LEVEL, &enc) == 0, "encoder");
    CHECK(fupin_docdec_new(&dec) == 0, "decoder");

    /* Encode all, keeping copies of the records. */
    char **recs = calloc(c.n, sizeof *recs);
    size_t *lens = calloc(c.n, sizeof *lens);
    size_t stored = 0, fails = 0;
    for (size_t i = 0; i < c.n; i++) {
        const char *r;
        if (fupin_docenc_encode(enc, &c.a[i], (unsigned)(i & 1), &r, &lens[i])) {
            fails++;
            continue;
        }
        recs[i] = malloc(lens[i]);
        memcpy(recs[i], r, lens[i]);
        stored += lens[i];
    }
    double t2 = now();
    CHECK(fails == 0, "%zu encode failures", fails);

    /* Missing dictionary, then added. */
    fupin_article out;
    unsigned f;
    uint32_t pid = 0;
    CHECK(fupin_docdec_peek(recs[0], lens[0], &f, &pid) == 0 && pid == id, "peek dict id");
    CHECK(!fupin_docdec_has_dict(dec, id), "dict not held yet");
    CHECK(fupin_docdec_decode(dec, recs[0], lens[0], &out, &f) == FUPIN_ENOTFOUND,
          "missing dictionary");
    CHECK(fupin_docdec_add_dict(dec, dict, dlen) == 0, "add dict");
    CHECK(fupin_docdec_add_dict(dec, dict, dlen) == 0, "add again is a no-op");
    CHECK(fupin_docdec_has_dict(dec, id), "dict held");

    size_t diff = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (!recs[i])
            continue;
        rc = fupin_docdec_decode(dec, recs[i], lens[i], &out, &f);
        if (rc || f != (unsigned)(i & 1) || !same_article(&c.a[i], &out)) {
            if (diff++ < 5)
                printf("article %zu (%.*s): rc %d\n", i, (int)c.a[i].f[0].len, c.a[i].f[0].ptr, rc);
        }
    }
    double t3 = now();
    CHECK(diff == 0, "%zu of %zu articles differ after the round trip", diff, c.n);

    /* An adopted dictionary is used in place (a CGI's copy saved): records
     * decode the same; adopting a held id or junk frees the buffer (the
     * ASan build would report a leak or a double free). */
    {
        fupin_docdec *ad = NULL;
        void *own = malloc(dlen), *own2 = malloc(dlen), *junk = malloc(64);
        CHECK(own && own2 && junk && fupin_docdec_new(&ad) == 0, "adopt setup");
        if (own && own2 && junk && ad) {
            memcpy(own, dict, dlen);
            memcpy(own2, dict, dlen);
            memset(junk, 'j', 64);
            CHECK(fupin_docdec_adopt_dict(ad, own, dlen) == 0, "adopt");
            CHECK(fupin_docdec_adopt_dict(ad, own2, dlen) == 0, "adopt a held id: no-op");
            CHECK(fupin_docdec_adopt_dict(ad, junk, 64) == FUPIN_EINVAL, "adopt junk");
            size_t bad = 0;
            for (size_t i = 0; i < c.n; i++)
                if (recs[i] && (fupin_docdec_decode(ad, recs[i], lens[i], &out, &f) != 0 ||
                                !same_article(&c.a[i], &out)))
                    bad++;
            CHECK(bad == 0, "%zu articles differ with the adopted dictionary", bad);
        }
        fupin_docdec_free(ad);
    }
    printf("corpus: %zu articles, %zu raw bytes -> %zu stored (%.3f), dict %zu bytes; "
           "train %.2fs, encode %.2fs, decode %.2fs\n", c.n, c.raw_bytes, stored,
           (double)stored / (double)c.raw_bytes, dlen, t1 - t0, t2 - t1, t3 - t2);
    CHECK(stored < c.raw_bytes / 2, "the dictionary record compresses (%zu of %zu)", stored,
          c.raw_bytes);

    /* Damage: the first article of about 1 KB, and the no-dictionary form. */
    size_t pick = 0;
    for (size_t i = 0; i < c.n; i++)
        if (lens[i] > 600 && lens[i] < 1200) {
            pick = i;
            break;
        }
    corrupt_all(dec, recs[pick], lens[pick], &c.a[pick], (unsigned)(pick & 1),
                "dictionary record");

    /* A spread of other records, short to long. */
    for (int k = 1; k <= 5; k++) {
        size_t i = c.n * (size_t)k / 6;
        char what[64];
        snprintf(what, sizeof what, "record %zu", i);
        corrupt_all(dec, recs[i], lens[i], &c.a[i], (unsigned)(i & 1), what);
    }
    char *noid = malloc(lens[pick]);
    memcpy(noid, recs[pick], lens[pick]);
    memset(noid + 3, 0, 4);
    CHECK(fupin_docdec_decode(dec, noid, lens[pick], &out, &f) == FUPIN_ECORRUPT,
          "dictionary record read without its dictionary");
    free(noid);

    /* With a second dictionary held, a wrong id is refused as damage. */
    void *dict2 = NULL;
    size_t dlen2 = 0;
    uint32_t id2 = 0;
    if (fupin_docstore_train(c.a + c.n / 2, c.n - c.n / 2, 64 << 10, &dict2, &dlen2, &id2) == 0 &&
        id2 != id) {
        CHECK(fupin_docdec_add_dict(dec, dict2, dlen2) == 0, "second dictionary");
        char *b = malloc(lens[pick]);
        memcpy(b, recs[pick], lens[pick]);
        for (int i = 0; i < 4; i++)
            b[3 + i] = (char)(id2 >> (8 * i));
        CHECK(fupin_docdec_decode(dec, b, lens[pick], &out, &f) == FUPIN_ECORRUPT,
              "record read with another dictionary");
        free(b);
    }
    free(dict2);

    /* Training on a sample holding one very long article (only its start
     * is used). */
    if (c.n >= 300) {
        fupin_article *few = malloc(300 * sizeof *few);
        memcpy(few, c.a, 300 * sizeof *few);
        size_t biglen = 1u << 20;
        char *big = malloc(biglen);
        for (size_t i = 0; i < biglen; i++)
            big[i] = c.a[i % 7].f[FUPIN_F_BODY].len ? 'a' + (char)(rnd() % 3) : 'z';
        few[7].f[FUPIN_F_BODY].ptr = big;
        few[7].f[FUPIN_F_BODY].len = biglen;
        void *d3 = NULL;
        size_t l3 = 0;
        uint32_t i3 = 0;
        rc = fupin_docstore_train(few, 300, 32 << 10, &d3, &l3, &i3);
        CHECK(rc == 0 && l3 <= (32 << 10) && fupin_docstore_dict_id(d3, l3) == i3,
              "train with a 1 MB article: %s", fupin_strerror(rc));
        free(d3);
        free(big);
        free(few);
    }

    fupin_docenc *plain = NULL;
    fupin_docenc_new(NULL, 0, 3, &plain);
    const char *r;
    size_t rl;
    if (fupin_docenc_encode(plain, &c.a[pick], FUPIN_REC_CJK_STABLE, &r, &rl) == 0) {
        char *copy = malloc(rl);
        memcpy(copy, r, rl);
        corrupt_all(dec, copy, rl, &c.a[pick], FUPIN_REC_CJK_STABLE, "plain record");
        free(copy);
    }
    fupin_docenc_free(plain);

    test_bad_dict(dict, dlen);

    for (size_t i = 0; i < c.n; i++)
        free(recs[i]);
    free(recs);
    free(lens);
    free(dict);
    fupin_docenc_free(enc);
    fupin_docdec_free(dec);
    dc_corpus_free(&c);
}

int main(void)
{
    test_basic();
    test_crafted();
    test_train_small();
    test_corpus();
    return TEST_DONE();
}
