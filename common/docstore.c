/* docstore.c - the stored article record (see docstore.h).
 *
 * This file owns the byte format of a record, the dictionary training that
 * feeds it, and the zstd contexts that write and read it.  A record is:
 *
 *   offset  size  what
 *   0       1     magic 0xF5
 *   1       1     format version, 1
 *   2       1     flags (FUPIN_REC_*); unknown bits are corruption
 *   3       4     dictionary id, little-endian; 0 = no dictionary
 *   7       1-10  raw length: bytes of the payload below, unsigned LEB128
 *                 varint, minimal encoding
 *   ...     rest  exactly one zstd frame (RFC 8878) of the payload, with
 *                 Frame_Content_Size, a content checksum and no dictionary
 *                 id (the header above carries it)
 *
 * The payload (what is compressed, and what dictionaries are trained on) is
 *
 *   1 byte  the flags again, so a flipped flag bit in the uncompressed
 *           header is caught by the frame checksum instead of silently
 *           changing how the searcher treats the record
 *   then FUPIN_F_COUNT times, in enum fupin_field order:
 *           varint length (<= 1 GiB), then that many bytes
 *
 * and nothing after the last field.  Decoding checks every one of these
 * rules, the frame's flags, its declared content size, that it is the whole
 * rest of the record, and zstd's checksum; any failure is FUPIN_ECORRUPT.
 */
#include "docstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For ZSTD_createDDict_byReference, exported by libzstd.so but filed as
 * experimental: the same rebuild caveat as below. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
/* For ZDICT_trainFromBuffer_fastCover: libzstd.so exports it, but zdict.h
 * files it as experimental, so its parameter struct could change in a
 * future zstd; fupin is built against the system libzstd and would need a
 * rebuild then. */
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>

#include "status.h"

#define REC_MAGIC 0xF5u
#define REC_VERSION 1u
#define REC_FIXED 7u                     /* magic, version, flags, dict id */
#define REC_KNOWN_FLAGS ((unsigned)FUPIN_REC_CJK_STABLE)
#define FIELD_MAX ((size_t)1 << 30)      /* 1 GiB, as docstore.h promises */
#define VARINT_MAX 10u
/* Largest payload a record can hold: the flags byte and every field at its
 * maximum with its varint. */
#define RAW_MAX (1u + (uint64_t)FUPIN_F_COUNT * (FIELD_MAX + VARINT_MAX))

/* The training sample: ZDICT gains little past a few tens of MB, and the
 * time it takes grows with the sample. */
#define TRAIN_SAMPLE_MAX ((size_t)32 << 20)
/* Entropy statistics need far less text than choosing the content does. */
#define TRAIN_FINAL_MAX ((size_t)8 << 20)
/* Only the start of a long article is compressed with the dictionary's help
 * (after that the article is its own history), so train on starts. */
#define TRAIN_PREFIX_MAX ((size_t)128 << 10)

/* zstd frame header descriptor bits (RFC 8878 3.1.1.1.1). */
#define FHD_DICTID_MASK 0x03u
#define FHD_CHECKSUM 0x04u
#define FHD_RESERVED 0x08u
#define FHD_UNUSED 0x10u

/* ------------------------------------------------------------------ */
/* varints and the payload                                            */

static size_t varint_put(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a minimal-length varint from p[0..len); returns its length or 0 when
 * it is truncated, overlong or over 64 bits. */
static size_t varint_get(const unsigned char *p, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < len && i < VARINT_MAX; i++) {
        uint64_t b = p[i] & 0x7Fu;
        if (i == VARINT_MAX - 1 && b > 1)
            return 0;
        x |= b << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i > 0 && b == 0)
                return 0;
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Bytes the payload of a needs, or 0 if a field is over the limit or has
 * bytes but no pointer. */
static size_t payload_size(const fupin_article *a)
{
    size_t n = 1;
    for (int i = 0; i < FUPIN_F_COUNT; i++) {
        size_t l = a->f[i].len;
        if (l > FIELD_MAX || (l && !a->f[i].ptr))
            return 0;
        n += varint_len(l) + l;
    }
    return n;
}

/* Writes the payload of a with the given flags, cut to its first limit
 * bytes (training wants only the starts of long articles); returns the
 * number of bytes written. */
static size_t payload_write(const fupin_article *a, unsigned flags, unsigned char *p,
                            size_t limit)
{
    unsigned char v[VARINT_MAX];
    size_t at = 0;
    if (!limit)
        return 0;
    p[at++] = (unsigned char)flags;
    for (int i = 0; i < FUPIN_F_COUNT && at < limit; i++) {
        size_t n = varint_put(v, a->f[i].len);
        n = n < limit - at ? n : limit - at;
        memcpy(p + at, v, n);
        at += n;
        n = a->f[i].len < limit - at ? a->f[i].len : limit - at;
        if (n)
            memcpy(p + at, a->f[i].ptr, n);
        at += n;
    }
    return at;
}

/* Grows *buf to at least need bytes. */
static int buf_reserve(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return FUPIN_OK;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    unsigned char *p = realloc(*buf, n);
    if (!p)
        return FUPIN_ENOMEM;
    *buf = p;
    *cap = n;
    return FUPIN_OK;
}

/* ------------------------------------------------------------------ */
/* dictionaries                                                        */

void fupin_docstore_dict_key(uint32_t dict_id, char buf[32])
{
    snprintf(buf, 32, "fupin.dict.%08x", (unsigned)dict_id);
}

uint32_t fupin_docstore_dict_id(const void *dict, size_t len)
{
    if (!dict || len < 8)
        return 0;
    return ZDICT_getDictID(dict, len);
}

/* A usable dictionary is a zstd dictionary (magic, non-zero id) whose
 * entropy tables load; raw-content dictionaries are refused because they
 * carry no id to key them by. */
static int dict_check(const void *dict, size_t len, uint32_t *id)
{
    *id = fupin_docstore_dict_id(dict, len);
    if (!*id)
        return FUPIN_EINVAL;
    size_t h = ZDICT_getDictHeaderSize(dict, len);
    if (ZDICT_isError(h))
        return ZSTD_getErrorCode(h) == ZSTD_error_memory_allocation
            ? FUPIN_ENOMEM : FUPIN_EINVAL;
    return FUPIN_OK;
}

/* ZDICT error to status: only running out of memory is not "cannot train". */
static int zdict_status(size_t r)
{
    return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? FUPIN_ENOMEM
                                                                 : FUPIN_ENOTFOUND;
}

/* Trains out[0..cap) on the samples in two steps, measured on the news
 * corpus with tests/tools/store_ratio.c (stored/one-stream at level 9, 1 MiB):
 *
 *  - content: fastCover with fixed d=6 (two UTF-8 CJK characters), k=256,
 *    f=23.  That beats ZDICT_trainFromBuffer's defaults (d=8, k searched,
 *    1.213) and ZDICT_optimizeTrainFromBuffer_fastCover searching k at our
 *    level (1.200, and ~20 s of evaluation) at 1.180.
 *  - header: the entropy tables are rebuilt for the level we store at, from
 *    an even spread of about 8 MB of the samples; using all 32 MB costs 3x
 *    the time for the same ratio, and tables built at level 3 lose 1%.
 *
 * fastCover's own finalisation runs at level 1 since its tables are
 * replaced anyway. */
static int train_zdict(void *out, size_t cap, const unsigned char *buf, const size_t *sizes,
                       unsigned nsamples, size_t *len)
{
    int rc = FUPIN_OK;
    unsigned char *content = NULL, *fbuf = NULL;
    size_t *fsizes = NULL;

    ZDICT_fastCover_params_t p;
    memset(&p, 0, sizeof p);
    p.k = 256;
    p.d = 6;
    p.f = 23;
    p.accel = 1;
    p.zParams.compressionLevel = 1;
    size_t r = ZDICT_trainFromBuffer_fastCover(out, cap, buf, sizes, nsamples, p);
    if (ZDICT_isError(r)) {
        rc = zdict_status(r);
        goto done;
    }
    size_t h = ZDICT_getDictHeaderSize(out, r);
    if (ZDICT_isError(h) || h >= r) {
        rc = ZDICT_isError(h) ? zdict_status(h) : FUPIN_ENOTFOUND;
        goto done;
    }
    /* Every step-th sample, about TRAIN_FINAL_MAX bytes in all. */
    size_t total = 0, ftotal = 0;
    for (unsigned i = 0; i < nsamples; i++)
        total += sizes[i];
    unsigned step = (unsigned)((total + TRAIN_FINAL_MAX - 1) / TRAIN_FINAL_MAX);
    step = step ? step : 1;
    for (unsigned i = 0; i < nsamples; i += step)
        ftotal += sizes[i];
    content = malloc(r - h);
    fbuf = malloc(ftotal ? ftotal : 1);
    fsizes = malloc((nsamples / step + 1) * sizeof *fsizes);
    if (!content || !fbuf || !fsizes) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    memcpy(content, (const unsigned char *)out + h, r - h);
    size_t at = 0, fat = 0;
    unsigned fn = 0;
    for (unsigned i = 0; i < nsamples; at += sizes[i], i++) {
        if (i % step)
            continue;
        memcpy(fbuf + fat, buf + at, sizes[i]);
        fat += sizes[i];
        fsizes[fn++] = sizes[i];
    }
    ZDICT_params_t zp;
    memset(&zp, 0, sizeof zp);
    zp.compressionLevel = FUPIN_DOCSTORE_DEFAULT_LEVEL;
    r = ZDICT_finalizeDictionary(out, cap, content, r - h, fbuf, fsizes, fn, zp);
    if (ZDICT_isError(r)) {
        rc = zdict_status(r);
        goto done;
    }
    *len = r;
done:
    free(content);
    free(fbuf);
    free(fsizes);
    return rc;
}

int fupin_docstore_train(const fupin_article *samples, size_t n, size_t cap,
                         void **dict, size_t *len, uint32_t *dict_id)
{
    int rc = FUPIN_OK;
    unsigned char *buf = NULL;
    size_t *sizes = NULL;
    void *out = NULL;

    if (dict) *dict = NULL;
    if (len) *len = 0;
    if (dict_id) *dict_id = 0;
    if (!dict || !len || !dict_id || (n && !samples) || cap < ZDICT_DICTSIZE_MIN) {
        rc = FUPIN_EINVAL;
        goto done;
    }

    /* Pick an even spread: article i is taken when it starts a new 1/k-th
     * of the corpus by count, k chosen so the total fits the cap. */
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = payload_size(&samples[i]);
        total += s < TRAIN_PREFIX_MAX ? s : TRAIN_PREFIX_MAX;
    }
    double keep = total > TRAIN_SAMPLE_MAX ? (double)TRAIN_SAMPLE_MAX / (double)total : 1.0;

    size_t bufcap = total < TRAIN_SAMPLE_MAX ? (size_t)total : TRAIN_SAMPLE_MAX;
    buf = malloc(bufcap ? bufcap : 1);
    sizes = malloc((n ? n : 1) * sizeof *sizes);
    out = malloc(cap);
    if (!buf || !sizes || !out) {
        rc = FUPIN_ENOMEM;
        goto done;
    }

    size_t used = 0;
    unsigned nsamples = 0;
    for (size_t i = 0; i < n && nsamples < 0xFFFFFFFFu; i++) {
        if (keep < 1.0 && (size_t)((double)i * keep) == (size_t)((double)(i + 1) * keep))
            continue;
        size_t s = payload_size(&samples[i]);
        s = s < TRAIN_PREFIX_MAX ? s : TRAIN_PREFIX_MAX;
        if (!s || s > bufcap - used)
            continue;
        used += payload_write(&samples[i], 0, buf + used, s);
        sizes[nsamples++] = s;
    }

    if (!nsamples) {
        rc = FUPIN_ENOTFOUND;
        goto done;
    }
    size_t r = 0;
    if ((rc = train_zdict(out, cap, buf, sizes, nsamples, &r)))
        goto done;
    uint32_t id = fupin_docstore_dict_id(out, r);
    if (!id) {
        rc = FUPIN_ENOTFOUND;
        goto done;
    }
    *dict = out;
    *len = r;
    *dict_id = id;
    out = NULL;
done:
    free(out);
    free(sizes);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ */
/* encoder                                                             */

struct fupin_docenc {
    ZSTD_CCtx *cctx;
    ZSTD_CDict *cdict;
    uint32_t dict_id;
    unsigned char *raw;     /* payload */
    size_t raw_cap;
    unsigned char *out;     /* header + frame */
    size_t out_cap;
};

void fupin_docenc_free(fupin_docenc *e)
{
    if (!e)
        return;
    ZSTD_freeCCtx(e->cctx);
    ZSTD_freeCDict(e->cdict);
    free(e->raw);
    free(e->out);
    free(e);
}

static int zset(ZSTD_CCtx *c, ZSTD_cParameter p, int v)
{
    return ZSTD_isError(ZSTD_CCtx_setParameter(c, p, v)) ? FUPIN_EINVAL : FUPIN_OK;
}

int fupin_docenc_new(const void *dict, size_t len, int level, fupin_docenc **out)
{
    int rc = FUPIN_OK;
    fupin_docenc *e = NULL;

    if (!out)
        return FUPIN_EINVAL;
    *out = NULL;
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || (!dict && len)) {
        rc = FUPIN_EINVAL;
        goto done;
    }
    e = calloc(1, sizeof *e);
    if (!e || !(e->cctx = ZSTD_createCCtx())) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if (dict) {
        if ((rc = dict_check(dict, len, &e->dict_id)))
            goto done;
        e->cdict = ZSTD_createCDict(dict, len, level);
        if (!e->cdict) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        if (ZSTD_isError(ZSTD_CCtx_refCDict(e->cctx, e->cdict))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
    }
    /* The level is also set on the context: zstd re-derives parameters from
     * it for inputs much larger than the dictionary. */
    if ((rc = zset(e->cctx, ZSTD_c_compressionLevel, level)) ||
        (rc = zset(e->cctx, ZSTD_c_checksumFlag, 1)) ||
        (rc = zset(e->cctx, ZSTD_c_contentSizeFlag, 1)) ||
        (rc = zset(e->cctx, ZSTD_c_dictIDFlag, 0)))
        goto done;
    *out = e;
    e = NULL;
done:
    fupin_docenc_free(e);
    return rc;
}

int fupin_docenc_encode(fupin_docenc *e, const fupin_article *a, unsigned flags,
                        const char **rec, size_t *rec_len)
{
    int rc = FUPIN_OK;

    if (rec) *rec = NULL;
    if (rec_len) *rec_len = 0;
    if (!e || !a || !rec || !rec_len || (flags & ~REC_KNOWN_FLAGS))
        return FUPIN_EINVAL;
    size_t raw = payload_size(a);
    if (!raw)
        return FUPIN_EINVAL;
    if ((rc = buf_reserve(&e->raw, &e->raw_cap, raw)))
        return rc;
    payload_write(a, flags, e->raw, raw);

    size_t head = REC_FIXED + varint_len(raw);
    size_t bound = ZSTD_compressBound(raw);
    if (!bound || bound > SIZE_MAX - head)
        return FUPIN_EINVAL;
    if ((rc = buf_reserve(&e->out, &e->out_cap, head + bound)))
        return rc;

    unsigned char *o = e->out;
    o[0] = REC_MAGIC;
    o[1] = REC_VERSION;
    o[2] = (unsigned char)flags;
    for (int i = 0; i < 4; i++)
        o[3 + i] = (unsigned char)(e->dict_id >> (8 * i));
    varint_put(o + REC_FIXED, raw);

    size_t z = ZSTD_compress2(e->cctx, o + head, e->out_cap - head, e->raw, raw);
    if (ZSTD_isError(z))
        return ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation
            ? FUPIN_ENOMEM : FUPIN_EINVAL;
    *rec = (const char *)o;
    *rec_len = head + z;
    return FUPIN_OK;
}

/* ------------------------------------------------------------------ */
/* decoder                                                             */

typedef struct ddict_slot {
    uint32_t id;
    ZSTD_DDict *ddict;
    void *owned;            /* the dictionary a by-reference ddict reads */
} ddict_slot;

struct fupin_docdec {
    ZSTD_DCtx *dctx;
    ddict_slot *dicts;
    size_t ndicts, dicts_cap;
    unsigned char *raw;
    size_t raw_cap;
};

int fupin_docdec_new(fupin_docdec **out)
{
    if (!out)
        return FUPIN_EINVAL;
    *out = NULL;
    fupin_docdec *d = calloc(1, sizeof *d);
    if (!d)
        return FUPIN_ENOMEM;
    d->dctx = ZSTD_createDCtx();
    if (!d->dctx) {
        free(d);
        return FUPIN_ENOMEM;
    }
    *out = d;
    return FUPIN_OK;
}

void fupin_docdec_free(fupin_docdec *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ndicts; i++) {
        ZSTD_freeDDict(d->dicts[i].ddict);
        free(d->dicts[i].owned);
    }
    free(d->dicts);
    ZSTD_freeDCtx(d->dctx);
    free(d->raw);
    free(d);
}

static ZSTD_DDict *ddict_find(const fupin_docdec *d, uint32_t id)
{
    for (size_t i = 0; i < d->ndicts; i++)
        if (d->dicts[i].id == id)
            return d->dicts[i].ddict;
    return NULL;
}

int fupin_docdec_has_dict(const fupin_docdec *d, uint32_t dict_id)
{
    return dict_id == 0 || (d && ddict_find(d, dict_id) != NULL);
}

/* owned: dict is malloc'd and handed over (used by reference, freed here
 * unless kept); else it is copied. */
static int add_dict(fupin_docdec *d, const void *dict, size_t len, void *owned)
{
    uint32_t id;
    int rc;

    if (!d) {
        rc = FUPIN_EINVAL;
        goto done;
    }
    if ((rc = dict_check(dict, len, &id)) || ddict_find(d, id))
        goto done;
    if (d->ndicts == d->dicts_cap) {
        size_t n = d->dicts_cap ? d->dicts_cap * 2 : 4;
        ddict_slot *s = realloc(d->dicts, n * sizeof *s);
        if (!s) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        d->dicts = s;
        d->dicts_cap = n;
    }
    ZSTD_DDict *dd = owned ? ZSTD_createDDict_byReference(dict, len) : ZSTD_createDDict(dict, len);
    if (!dd) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    d->dicts[d->ndicts].id = id;
    d->dicts[d->ndicts].ddict = dd;
    d->dicts[d->ndicts].owned = owned;
    d->ndicts++;
    owned = NULL;
done:
    free(owned);
    return rc;
}

int fupin_docdec_add_dict(fupin_docdec *d, const void *dict, size_t len)
{
    return add_dict(d, dict, len, NULL);
}

int fupin_docdec_adopt_dict(fupin_docdec *d, void *dict, size_t len)
{
    return add_dict(d, dict, len, dict);
}

/* Parses the uncompressed header; *head is where the frame starts. */
static int header_parse(const unsigned char *p, size_t len, unsigned *flags,
                        uint32_t *dict_id, uint64_t *raw, size_t *head)
{
    if (len < REC_FIXED + 1 || p[0] != REC_MAGIC || p[1] != REC_VERSION ||
        (p[2] & ~REC_KNOWN_FLAGS))
        return FUPIN_ECORRUPT;
    size_t v = varint_get(p + REC_FIXED, len - REC_FIXED, raw);
    /* The payload holds at least the flags byte and one varint per field. */
    if (!v || *raw < 1 + FUPIN_F_COUNT || *raw > RAW_MAX)
        return FUPIN_ECORRUPT;
    *flags = p[2];
    *dict_id = (uint32_t)p[3] | (uint32_t)p[4] << 8 | (uint32_t)p[5] << 16 |
               (uint32_t)p[6] << 24;
    *head = REC_FIXED + v;
    return FUPIN_OK;
}

int fupin_docdec_peek(const char *rec, size_t len, unsigned *flags, uint32_t *dict_id)
{
    unsigned f = 0;
    uint32_t id = 0;
    uint64_t raw;
    size_t head;
    int rc = rec ? header_parse((const unsigned char *)rec, len, &f, &id, &raw, &head)
                 : FUPIN_ECORRUPT;
    if (flags) *flags = rc ? 0 : f;
    if (dict_id) *dict_id = rc ? 0 : id;
    return rc;
}

/* Checks that z[0..n) is exactly one zstd frame in the shape the encoder
 * writes, declaring raw bytes of content.  zstd itself ignores some header
 * bits and would accept a frame without a checksum, so those are checked
 * here rather than trusted. */
static int frame_check(const unsigned char *z, size_t n, uint64_t raw)
{
    if (n < 6)
        return FUPIN_ECORRUPT;
    uint32_t magic = (uint32_t)z[0] | (uint32_t)z[1] << 8 | (uint32_t)z[2] << 16 |
                     (uint32_t)z[3] << 24;
    unsigned fhd = z[4];
    if (magic != ZSTD_MAGICNUMBER || (fhd & (FHD_DICTID_MASK | FHD_RESERVED | FHD_UNUSED)) ||
        !(fhd & FHD_CHECKSUM))
        return FUPIN_ECORRUPT;
    /* An absent size reads as ZSTD_CONTENTSIZE_UNKNOWN, never raw. */
    if (ZSTD_getFrameContentSize(z, n) != raw)
        return FUPIN_ECORRUPT;
    size_t fsz = ZSTD_findFrameCompressedSize(z, n);
    if (ZSTD_isError(fsz) || fsz != n)
        return FUPIN_ECORRUPT;
    /* Every zstd block that produces output costs at least 4 bytes (3 of
     * header, 1 of content) and yields at most 128 KiB, so a frame of n
     * bytes cannot expand beyond this: refusing larger claims keeps a
     * damaged size from turning into a huge allocation. */
    if (raw > (uint64_t)(n / 4) * ZSTD_BLOCKSIZE_MAX)
        return FUPIN_ECORRUPT;
    return FUPIN_OK;
}

static int payload_parse(const unsigned char *p, size_t n, unsigned flags, fupin_article *a)
{
    if (!n || p[0] != flags)
        return FUPIN_ECORRUPT;
    size_t at = 1;
    for (int i = 0; i < FUPIN_F_COUNT; i++) {
        uint64_t l;
        size_t v = varint_get(p + at, n - at, &l);
        if (!v || l > FIELD_MAX || l > n - at - v)
            return FUPIN_ECORRUPT;
        at += v;
        a->f[i].ptr = (const char *)p + at;
        a->f[i].len = (size_t)l;
        at += (size_t)l;
    }
    return at == n ? FUPIN_OK : FUPIN_ECORRUPT;
}

int fupin_docdec_decode(fupin_docdec *d, const char *rec, size_t len,
                        fupin_article *a, unsigned *flags)
{
    int rc;
    unsigned f = 0;
    uint32_t id = 0;
    uint64_t raw = 0;
    size_t head = 0;

    if (a)
        memset(a, 0, sizeof *a);
    if (flags)
        *flags = 0;
    if (!d || !a)
        return FUPIN_EINVAL;
    if (!rec) {
        rc = FUPIN_ECORRUPT;
        goto done;
    }
    const unsigned char *p = (const unsigned char *)rec;
    if ((rc = header_parse(p, len, &f, &id, &raw, &head)))
        goto done;
    ZSTD_DDict *dd = NULL;
    if (id && !(dd = ddict_find(d, id))) {
        rc = FUPIN_ENOTFOUND;
        goto done;
    }
    if ((rc = frame_check(p + head, len - head, raw)))
        goto done;
    if ((rc = buf_reserve(&d->raw, &d->raw_cap, (size_t)raw)))
        goto done;
    size_t r = dd ? ZSTD_decompress_usingDDict(d->dctx, d->raw, (size_t)raw, p + head,
                                               len - head, dd)
                  : ZSTD_decompressDCtx(d->dctx, d->raw, (size_t)raw, p + head, len - head);
    if (ZSTD_isError(r)) {
        rc = ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
            ? FUPIN_ENOMEM : FUPIN_ECORRUPT;
        goto done;
    }
    if (r != raw) {
        rc = FUPIN_ECORRUPT;
        goto done;
    }
    rc = payload_parse(d->raw, (size_t)raw, f, a);
done:
    if (rc) {
        memset(a, 0, sizeof *a);
    } else if (flags) {
        *flags = f;
    }
    return rc;
}
