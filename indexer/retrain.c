/* retrain.c - samples stored records, trains a dictionary, rewrites records.
 *
 * Works shard by shard: each shard gets the new dictionary in its metadata
 * (a combined database reads metadata from its first shard only, so every
 * shard carries every dictionary) and its records rewritten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retrain.h"
#include "ingest.h"
#include "../common/docstore.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/xap.h"

#define MAX_SHARDS 256

typedef struct ids {
    fupin_docid *v;
    size_t n, cap;
    fupin_xdb *db;
} ids;

static int on_id(void *ctx, const char *t, size_t len, uint32_t freq)
{
    ids *x = ctx;
    fupin_docid id;
    (void)freq;
    if (fupin_xdb_find_term(x->db, t, len, &id) != 0)
        return 0;
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 4096;
        fupin_docid *nv = realloc(x->v, nc * sizeof *nv);
        if (!nv)
            return FUPIN_ENOMEM;
        x->v = nv;
        x->cap = nc;
    }
    x->v[x->n++] = id;
    return 0;
}

/* Docids of every article of one shard, in id-term order. */
static int list_ids(const char *path, ids *x, char *errbuf, size_t errlen)
{
    int rc = fupin_xdb_open(path, 0, errbuf, errlen, &x->db);
    if (rc == 0) {
        rc = fupin_xdb_allterms(x->db, FUPIN_PREFIX_ID, strlen(FUPIN_PREFIX_ID), 0, on_id, x);
        if (rc)
            snprintf(errbuf, errlen, "%s: %s", path, fupin_xdb_errmsg(x->db));
    }
    fupin_xdb_close(x->db);
    x->db = NULL;
    return rc;
}

/* Loads every dictionary a record of wdb may need, on demand. */
static int decode(fupin_xwdb *w, fupin_docdec *dec, const char *data, size_t len,
                  fupin_article *a, unsigned *flags)
{
    int rc = fupin_docdec_decode(dec, data, len, a, flags);
    if (rc == FUPIN_ENOTFOUND) {
        uint32_t id;
        char key[32], *val = NULL;
        size_t vl = 0;
        if (fupin_docdec_peek(data, len, flags, &id) != 0)
            return FUPIN_ECORRUPT;
        fupin_docstore_dict_key(id, key);
        if ((rc = fupin_xwdb_get_metadata(w, key, &val, &vl)) == 0)
            rc = vl ? fupin_docdec_add_dict(dec, val, vl) : FUPIN_ECORRUPT;
        free(val);
        if (rc == 0)
            rc = fupin_docdec_decode(dec, data, len, a, flags);
    }
    return rc;
}

int fupin_retrain_run(const char *db, size_t dict_size, int level,
                      fupin_retrain_stats *st, char *errbuf, size_t errlen)
{
    char *shards[MAX_SHARDS] = { 0 };
    int nshards = 0, rc;
    ids per[MAX_SHARDS];
    fupin_article *sample = NULL;
    char **blocks = NULL;
    size_t nsample = 0, sample_bytes = 0;
    void *dict = NULL;
    size_t dict_len = 0;
    uint32_t dict_id = 0;
    fupin_docdec *dec = NULL;
    fupin_docenc *enc = NULL;

    memset(per, 0, sizeof per);
    memset(st, 0, sizeof *st);
    if ((rc = fupin_ingest_layout(db, shards, MAX_SHARDS, &nshards)) != 0) {
        snprintf(errbuf, errlen, "%s: not a fupin database", db);
        goto done;
    }
    size_t total_ids = 0;
    for (int s = 0; s < nshards; s++) {
        if ((rc = list_ids(shards[s], &per[s], errbuf, errlen)) != 0)
            goto done;
        total_ids += per[s].n;
    }
    if ((rc = fupin_docdec_new(&dec)) != 0)
        goto done;

    /* The sample: an even spread over all shards' records. */
    size_t step = 1, want = FUPIN_INGEST_SAMPLE;
    sample = calloc(total_ids + 1, sizeof *sample);
    blocks = calloc(total_ids + 1, sizeof *blocks);
    if (!sample || !blocks) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    for (int s = 0; s < nshards && sample_bytes < want; s++) {
        fupin_xwdb *w = NULL;
        char eb[512];
        if ((rc = fupin_xwdb_open(shards[s], FUPIN_XWDB_OPEN, eb, sizeof eb, &w)) != 0) {
            snprintf(errbuf, errlen, "%s", eb);
            goto done;
        }
        for (size_t i = 0; i < per[s].n && sample_bytes < want; i += step) {
            const char *data;
            size_t len, b;
            fupin_article a;
            unsigned flags;
            if (fupin_xwdb_get_data(w, per[s].v[i], &data, &len) != 0 ||
                decode(w, dec, data, len, &a, &flags) != 0)
                continue;
            if (fupin_article_copy(&a, &sample[nsample], &blocks[nsample], &b) != 0) {
                fupin_xwdb_close(w);
                rc = FUPIN_ENOMEM;
                goto done;
            }
            nsample++;
            sample_bytes += b;
        }
        fupin_xwdb_close(w);
    }
    rc = fupin_docstore_train(sample, nsample, dict_size ? dict_size : FUPIN_DOCSTORE_DEFAULT_DICT,
                              &dict, &dict_len, &dict_id);
    if (rc != 0) {
        snprintf(errbuf, errlen, "training a dictionary on %zu articles: %s", nsample,
                 rc == FUPIN_ENOTFOUND ? "too little text to train on" : fupin_strerror(rc));
        goto done;
    }
    if ((rc = fupin_docenc_new(dict, dict_len, level ? level : FUPIN_DOCSTORE_DEFAULT_LEVEL, &enc)))
        goto done;
    st->dict_id = dict_id;
    st->dict_size = dict_len;

    for (int s = 0; s < nshards; s++) {
        fupin_xwdb *w = NULL;
        char eb[512], key[32], hex[16];
        if ((rc = fupin_xwdb_open(shards[s], FUPIN_XWDB_OPEN, eb, sizeof eb, &w)) != 0) {
            snprintf(errbuf, errlen, "%s", eb);
            goto done;
        }
        fupin_docstore_dict_key(dict_id, key);
        snprintf(hex, sizeof hex, "%08x", (unsigned)dict_id);
        rc = fupin_xwdb_set_metadata(w, key, dict, dict_len);
        if (rc == 0)
            rc = fupin_xwdb_set_metadata(w, FUPIN_META_DICT, hex, 8);
        for (size_t i = 0; rc == 0 && i < per[s].n; i++) {
            const char *data, *rec;
            size_t len, rlen;
            fupin_article a;
            unsigned flags;
            if ((rc = fupin_xwdb_get_data(w, per[s].v[i], &data, &len)) != 0)
                break;
            st->bytes_before += len;
            if ((rc = decode(w, dec, data, len, &a, &flags)) != 0) {
                snprintf(errbuf, errlen, "%s: document %u: stored record is %s; left as it is",
                         shards[s], (unsigned)per[s].v[i], fupin_strerror(rc));
                rc = 0;      /* a damaged record must not stop the others */
                continue;
            }
            if ((rc = fupin_docenc_encode(enc, &a, flags, &rec, &rlen)) != 0 ||
                (rc = fupin_xwdb_set_data(w, per[s].v[i], rec, rlen)) != 0)
                break;
            st->bytes_after += rlen;
            st->records++;
            if (st->records % 2000 == 0)
                rc = fupin_xwdb_commit(w);
        }
        if (rc == 0)
            rc = fupin_xwdb_commit(w);
        if (rc != 0)
            snprintf(errbuf, errlen, "%s: %s", shards[s], fupin_xwdb_errmsg(w));
        int crc = fupin_xwdb_close(w);
        if (rc == 0)
            rc = crc;
        if (rc != 0)
            goto done;
    }
done:
    for (int s = 0; s < nshards; s++) {
        free(shards[s]);
        free(per[s].v);
    }
    for (size_t i = 0; i < nsample; i++)
        free(blocks[i]);
    free(blocks);
    free(sample);
    free(dict);
    fupin_docdec_free(dec);
    fupin_docenc_free(enc);
    return rc;
}
