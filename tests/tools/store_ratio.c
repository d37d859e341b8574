/* store_ratio.c - how well docstore records compress, against one stream.
 *
 *   store_ratio [-l LEVELS] [-d DICTSIZES] FILE.jsonl.zst...
 *
 * LEVELS and DICTSIZES are comma lists (defaults: the docstore.h defaults);
 * sizes take a K or M suffix (binary).  For each dictionary size a
 * dictionary is trained with fupin_docstore_train on all articles (it takes
 * its own capped sample), then for each level every article is encoded and
 * one line is printed:
 *
 *   level, dict size, articles, raw bytes (sum of field lengths), stored
 *   bytes (sum of record lengths), stored/raw, training seconds, compress
 *   MB/s (raw), median microseconds to decode 10 random records (warm
 *   decoder, 21 runs), the size of all the records' payloads compressed as
 *   one zstd stream at the same level, and stored/stream.
 *
 * Times are process CPU time, not wall time, so that a busy machine slows
 * the numbers less (everything measured here is single-threaded).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zstd.h>

#include "../docstore_corpus.h"
#include "../../common/docstore.h"
#include "../../common/status.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The record payload, as docstore.c lays it out: a flags byte, then each
 * field as varint length + bytes. */
static size_t payload(const fupin_article *a, unsigned char *p)
{
    size_t n = 0;
    p[n++] = 0;
    for (int i = 0; i < FUPIN_F_COUNT; i++) {
        size_t l = a->f[i].len;
        while (l >= 0x80) {
            p[n++] = (unsigned char)(l | 0x80);
            l >>= 7;
        }
        p[n++] = (unsigned char)l;
        memcpy(p + n, a->f[i].ptr, a->f[i].len);
        n += a->f[i].len;
    }
    return n;
}

static size_t stream_size(const dc_corpus *c, int level)
{
    size_t cap = c->raw_bytes + c->n * (1 + FUPIN_F_COUNT * 10);
    unsigned char *all = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += payload(&c->a[i], all + n);
    size_t zcap = ZSTD_compressBound(n);
    void *z = malloc(zcap);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    size_t r = ZSTD_compress2(cc, z, zcap, all, n);
    ZSTD_freeCCtx(cc);
    free(z);
    free(all);
    return ZSTD_isError(r) ? 0 : r;
}

static size_t parse_size(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (*end == 'K' || *end == 'k')
        v *= 1024;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024;
    return (size_t)v;
}

static int run(const dc_corpus *c, size_t dcap, const int *levels, int nlevels)
{
    void *dict = NULL;
    size_t dlen = 0;
    uint32_t id = 0;
    double t0 = now();
    int rc = fupin_docstore_train(c->a, c->n, dcap, &dict, &dlen, &id);
    double ttrain = now() - t0;
    if (rc) {
        fprintf(stderr, "train %zu: %s\n", dcap, fupin_strerror(rc));
        return 1;
    }
    for (int li = 0; li < nlevels; li++) {
        int level = levels[li];
        fupin_docenc *enc = NULL;
        fupin_docdec *dec = NULL;
        if (fupin_docenc_new(dict, dlen, level, &enc) || fupin_docdec_new(&dec) ||
            fupin_docdec_add_dict(dec, dict, dlen)) {
            fprintf(stderr, "encoder/decoder setup failed\n");
            return 1;
        }
        char **recs = malloc(c->n * sizeof *recs);
        size_t *lens = malloc(c->n * sizeof *lens);
        size_t stored = 0;
        t0 = now();
        for (size_t i = 0; i < c->n; i++) {
            const char *r;
            if ((rc = fupin_docenc_encode(enc, &c->a[i], 0, &r, &lens[i]))) {
                fprintf(stderr, "encode %zu: %s\n", i, fupin_strerror(rc));
                return 1;
            }
            recs[i] = malloc(lens[i]);
            memcpy(recs[i], r, lens[i]);
            stored += lens[i];
        }
        double tenc = now() - t0;

        size_t pick[10];
        srand(12345);
        for (int k = 0; k < 10; k++)
            pick[k] = (size_t)rand() % c->n;
        double runs[21];
        for (int r = 0; r < 21; r++) {
            t0 = now();
            for (int k = 0; k < 10; k++) {
                fupin_article a;
                unsigned f;
                if (fupin_docdec_decode(dec, recs[pick[k]], lens[pick[k]], &a, &f)) {
                    fprintf(stderr, "decode failed\n");
                    return 1;
                }
            }
            runs[r] = (now() - t0) * 1e6;
        }
        qsort(runs, 21, sizeof runs[0], cmp_double);

        size_t stream = stream_size(c, level);
        printf("%5d %8zu %8zu %11zu %10zu %6.3f %7.1f %8.1f %8.1f %10zu %6.3f\n", level, dlen,
               c->n, c->raw_bytes, stored, (double)stored / (double)c->raw_bytes, ttrain,
               (double)c->raw_bytes / tenc / 1e6, runs[10], stream,
               (double)stored / (double)stream);
        fflush(stdout);
        for (size_t i = 0; i < c->n; i++)
            free(recs[i]);
        free(recs);
        free(lens);
        fupin_docenc_free(enc);
        fupin_docdec_free(dec);
    }
    free(dict);
    return 0;
}

int main(int argc, char **argv)
{
    int levels[16], nlevels = 0;
    size_t dsizes[16];
    int ndsizes = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (i + 1 >= argc)
            break;
        char *list = argv[++i], *tok, *save = NULL;
        for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (argv[i - 1][1] == 'l' && nlevels < 16)
                levels[nlevels++] = atoi(tok);
            else if (argv[i - 1][1] == 'd' && ndsizes < 16)
                dsizes[ndsizes++] = parse_size(tok);
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: store_ratio [-l 3,6,9] [-d 110K,1M] FILE.jsonl.zst...\n");
        return 2;
    }
    if (!nlevels)
        levels[nlevels++] = FUPIN_DOCSTORE_DEFAULT_LEVEL;
    if (!ndsizes)
        dsizes[ndsizes++] = FUPIN_DOCSTORE_DEFAULT_DICT;

    dc_corpus c;
    memset(&c, 0, sizeof c);
    for (; i < argc; i++)
        if (dc_corpus_load(&c, argv[i]) < 0) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            dc_corpus_free(&c);
            return 1;
        }
    if (!c.n) {
        fprintf(stderr, "no articles\n");
        return 1;
    }
    printf("level     dict articles   raw_bytes     stored  ratio train_s comp_MBs "
           "dec10_us     stream stored/stream\n");
    int rc = 0;
    for (int d = 0; d < ndsizes && !rc; d++)
        rc = run(&c, dsizes[d], levels, nlevels);
    dc_corpus_free(&c);
    return rc;
}
