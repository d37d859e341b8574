/* fuzz_record.c - libFuzzer target: arbitrary bytes as a docstore record.
 *
 * The decoder holds one dictionary, trained at start-up on generated
 * articles (deterministic, so its id is the same every run and the seed
 * records in tests/fuzz/corpus/record/ refer to it).  Every input must
 * decode or be refused without a sanitizer report; an input that decodes
 * must survive a re-encode and decode unchanged.
 *
 *   clang -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_record.c \
 *     common/docstore.c common/status.c common/article.c -lzstd
 *   ./a.out -max_len=4096 NEW_CORPUS_DIR tests/fuzz/corpus/record
 *
 * With -DFUPIN_FUZZ_REPLAY_MAIN (any compiler, no libFuzzer) the program
 * instead runs the files named on its command line, or with
 * "--seeds DIR" writes a few seed records into DIR.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "../../common/docstore.h"
#include "../../common/status.h"

#define NGEN 400

typedef struct fuzz_state {
    fupin_docdec *dec;
    fupin_docenc *enc;     /* re-encodes what decoded, with the dictionary */
    fupin_docenc *plain;   /* and without */
    ZSTD_CCtx *zc;         /* wraps payload inputs */
    uint8_t *wrap;
    size_t wrap_cap;
} fuzz_state;

/* A made-up article: CJK text drawn from a small vocabulary, so there is
 * something for the dictionary to learn. */
static size_t gen_article(uint64_t *seed, char *buf, size_t cap, fupin_article *a)
{
    static const char *const words[] = {
        "扶贫", "脱贫攻坚", "驻村", "第一书记", "乡村振兴", "易地扶贫搬迁", "贫困户",
        "合作社", "产业", "记者", "新闻联播", "人民日报", "，", "。", "\n", "2019年",
        "湖南", "张家界", "村民", "收入", "增加", "工作队", "帮扶", "建档立卡"
    };
    size_t at = 0;
    memset(a, 0, sizeof *a);
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        size_t start = at;
        size_t words_n = f == FUPIN_F_BODY ? 200 : (f == FUPIN_F_BYLINE ? 0 : 4);
        for (size_t w = 0; w < words_n; w++) {
            *seed = *seed * 6364136223846793005u + 1442695040888963407u;
            const char *s = words[(*seed >> 33) % (sizeof words / sizeof words[0])];
            size_t l = strlen(s);
            if (at + l > cap)
                break;
            memcpy(buf + at, s, l);
            at += l;
        }
        a->f[f].ptr = buf + start;
        a->f[f].len = at - start;
    }
    return at;
}

static fuzz_state *state(void)
{
    static fuzz_state st;     /* the fuzzer's one-time set-up, never written after */
    static int ready;
    if (ready)
        return &st;
    ready = 1;
    static fupin_article arts[NGEN];
    char *text = malloc((size_t)NGEN * 8192);
    uint64_t seed = 42;
    for (int i = 0; i < NGEN; i++)
        gen_article(&seed, text + (size_t)i * 8192, 8192, &arts[i]);
    void *dict = NULL;
    size_t len = 0;
    uint32_t id = 0;
    if (fupin_docstore_train(arts, NGEN, 16 << 10, &dict, &len, &id) ||
        fupin_docdec_new(&st.dec) || fupin_docdec_add_dict(st.dec, dict, len) ||
        fupin_docenc_new(dict, len, 3, &st.enc) || fupin_docenc_new(NULL, 0, 1, &st.plain) ||
        !(st.zc = ZSTD_createCCtx()) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(st.zc, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(st.zc, ZSTD_c_dictIDFlag, 0)))
        abort();
    free(dict);
    free(text);
    return &st;
}

static int same(const fupin_article *a, const fupin_article *b)
{
    for (int i = 0; i < FUPIN_F_COUNT; i++)
        if (a->f[i].len != b->f[i].len ||
            (a->f[i].len && memcmp(a->f[i].ptr, b->f[i].ptr, a->f[i].len)))
            return 0;
    return 1;
}

/* Wraps a payload input (see the top) into a record in st->wrap. */
static const uint8_t *wrap_payload(fuzz_state *st, const uint8_t *data, size_t *size)
{
    size_t n = *size - 3;
    int64_t declared = (int64_t)n + (int8_t)data[2];
    if (declared < 0)
        declared = 0;
    size_t cap = 16 + ZSTD_compressBound(n);
    if (cap > st->wrap_cap) {
        free(st->wrap);
        st->wrap = malloc(cap);
        st->wrap_cap = cap;
        if (!st->wrap)
            abort();
    }
    uint8_t *o = st->wrap;
    size_t at = 0;
    o[at++] = 0xF5;
    o[at++] = 1;
    o[at++] = data[1];
    for (int i = 0; i < 4; i++)
        o[at++] = 0;
    do {
        o[at++] = (uint8_t)(declared | (declared >= 0x80 ? 0x80 : 0));
        declared >>= 7;
    } while (declared);
    size_t z = ZSTD_compress2(st->zc, o + at, cap - at, data + 3, n);
    if (ZSTD_isError(z))
        abort();
    *size = at + z;
    return o;
}

/* Returns the decode status, for the replay main to show. */
static int fuzz_one(const uint8_t *data, size_t size)
{
    fuzz_state *st = state();
    if (size >= 3 && data[0] == 'P')
        data = wrap_payload(st, data, &size);
    unsigned pflags = 0, flags = 0;
    uint32_t id = 0;
    int prc = fupin_docdec_peek((const char *)data, size, &pflags, &id);
    fupin_article a;
    int rc = fupin_docdec_decode(st->dec, (const char *)data, size, &a, &flags);
    if (rc != FUPIN_OK && rc != FUPIN_ECORRUPT && rc != FUPIN_ENOTFOUND)
        abort();
    if (prc && rc != FUPIN_ECORRUPT)      /* a bad header never decodes */
        abort();
    if (rc == FUPIN_ENOTFOUND && fupin_docdec_has_dict(st->dec, id))
        abort();
    if (rc)
        return rc;
    if (flags != pflags)
        abort();
    /* The decoded fields live in the decoder; copy them before reusing it. */
    size_t total = 0;
    for (int i = 0; i < FUPIN_F_COUNT; i++)
        total += a.f[i].len;
    char *copy = malloc(total + 1);
    fupin_article c;
    size_t at = 0;
    for (int i = 0; i < FUPIN_F_COUNT; i++) {
        memcpy(copy + at, a.f[i].ptr, a.f[i].len);
        c.f[i].ptr = copy + at;
        c.f[i].len = a.f[i].len;
        at += a.f[i].len;
    }
    fupin_docenc *encs[2] = { st->enc, st->plain };
    for (int e = 0; e < 2; e++) {
        const char *rec;
        size_t len;
        fupin_article b;
        unsigned f2;
        if (fupin_docenc_encode(encs[e], &c, flags, &rec, &len) ||
            fupin_docdec_decode(st->dec, rec, len, &b, &f2) || f2 != flags || !same(&b, &c))
            abort();
    }
    free(copy);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(data, size);
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
static int write_seeds(const char *dir)
{
    fuzz_state *st = state();
    char *text = malloc(8192);
    uint64_t seed = 7;
    int rc = 0;
    for (int i = 0; i < 4 && !rc; i++) {
        fupin_article a;
        gen_article(&seed, text, i == 3 ? 300 : 8192, &a);
        if (i == 2)
            memset(&a, 0, sizeof a);
        const char *rec;
        size_t len;
        char path[4096];
        snprintf(path, sizeof path, "%s/seed-%d", dir, i);
        FILE *fp = fopen(path, "wb");
        if (!fp || fupin_docenc_encode(i == 1 ? st->plain : st->enc, &a,
                                       i & 1 ? FUPIN_REC_CJK_STABLE : 0, &rec, &len) ||
            fwrite(rec, 1, len, fp) != len)
            rc = 1;
        if (fp && fclose(fp))
            rc = 1;
    }
    /* Payload seeds: a good one, and one whose body runs past the end. */
    static const uint8_t p0[] = { 'P', 1, 0, 1, 2, 'i', 'd', 0, 0, 0, 0, 0, 4, 'b', 'o', 'd', 'y' };
    static const uint8_t p1[] = { 'P', 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 'x' };
    const uint8_t *ps[2] = { p0, p1 };
    size_t pl[2] = { sizeof p0, sizeof p1 };
    for (int i = 0; i < 2 && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/payload-%d", dir, i);
        FILE *fp = fopen(path, "wb");
        if (!fp || fwrite(ps[i], 1, pl[i], fp) != pl[i])
            rc = 1;
        if (fp && fclose(fp))
            rc = 1;
    }
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--seeds") == 0)
        return write_seeds(argv[2]);
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "rb");
        if (!fp) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            return 1;
        }
        unsigned char *buf = NULL;
        size_t len = 0, cap = 0, got;
        do {
            if (len == cap) {
                cap = cap ? cap * 2 : 65536;
                buf = realloc(buf, cap);
                if (!buf)
                    return 1;
            }
            got = fread(buf + len, 1, cap - len, fp);
            len += got;
        } while (got);
        fclose(fp);
        int rc = fuzz_one(buf, len);
        free(buf);
        printf("%s: %s\n", argv[i], rc ? fupin_strerror(rc) : "decodes");
    }
    return 0;
}
#endif
