/* stats.c - walks every stored record to report what a database holds.
 *
 * Records are read through their id terms (Q...), so the walk works the same
 * on one database, a stub of shards or remote shards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../common/docstore.h"
#include "../common/status.h"
#include "../common/terms.h"
#include "../common/xap.h"

typedef struct walk {
    fupin_xdb *db;
    fupin_docdec *dec;
    uint64_t n, raw, stored, corrupt, dicts_missing;
    uint32_t dict_ids[16];
    uint64_t dict_count[16];
    int ndicts;
} walk;

static int need_dict(walk *w, uint32_t id)
{
    char key[32], *val = NULL;
    size_t len = 0;
    int rc;
    fupin_docstore_dict_key(id, key);
    rc = fupin_xdb_get_metadata(w->db, key, &val, &len);
    if (rc == 0 && len)
        rc = fupin_docdec_add_dict(w->dec, val, len);
    else if (rc == 0)
        rc = FUPIN_ENOTFOUND;
    free(val);
    return rc;
}

static int on_id(void *ctx, const char *t, size_t len, uint32_t freq)
{
    walk *w = ctx;
    fupin_docid id;
    const char *data;
    size_t dlen;
    unsigned flags;
    uint32_t dict_id;
    fupin_article a;
    (void)freq;
    if (fupin_xdb_find_term(w->db, t, len, &id) != 0 ||
        fupin_xdb_get_data(w->db, id, &data, &dlen) != 0)
        return 0;
    w->n++;
    w->stored += dlen;
    if (fupin_docdec_peek(data, dlen, &flags, &dict_id) != 0) {
        w->corrupt++;
        return 0;
    }
    int k;
    for (k = 0; k < w->ndicts && w->dict_ids[k] != dict_id; k++)
        ;
    if (k == w->ndicts && k < 16) {
        w->dict_ids[k] = dict_id;
        w->ndicts++;
    }
    if (k < 16)
        w->dict_count[k]++;
    if (!fupin_docdec_has_dict(w->dec, dict_id) && need_dict(w, dict_id) != 0) {
        w->dicts_missing++;
        return 0;
    }
    if (fupin_docdec_decode(w->dec, data, dlen, &a, &flags) != 0) {
        w->corrupt++;
        return 0;
    }
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        w->raw += a.f[f].len;
    return 0;
}

int fupin_stats_print(const char *path, FILE *out, char *errbuf, size_t errlen)
{
    walk w = { 0 };
    char *scheme = NULL, *fmt = NULL, *cur = NULL;
    size_t len;
    uint32_t count = 0;
    int rc;

    if ((rc = fupin_xdb_open(path, 0, errbuf, errlen, &w.db)) != 0)
        goto done;
    if ((rc = fupin_docdec_new(&w.dec)) != 0)
        goto done;
    fupin_xdb_get_doccount(w.db, &count);
    fupin_xdb_get_metadata(w.db, FUPIN_META_FORMAT, &fmt, &len);
    fupin_xdb_get_metadata(w.db, FUPIN_META_SCHEME, &scheme, &len);
    fupin_xdb_get_metadata(w.db, FUPIN_META_DICT, &cur, &len);
    rc = fupin_xdb_allterms(w.db, FUPIN_PREFIX_ID, strlen(FUPIN_PREFIX_ID), 0, on_id, &w);
    if (rc != 0) {
        snprintf(errbuf, errlen, "%s: %s", path, fupin_xdb_errmsg(w.db));
        goto done;
    }
    fprintf(out, "database:       %s\n", path);
    fprintf(out, "format:         %s\n", fmt && *fmt ? fmt : "(none: not a fupin database?)");
    fprintf(out, "term scheme:    %s\n", scheme && *scheme ? scheme : "?");
    fprintf(out, "documents:      %u\n", count);
    fprintf(out, "articles:       %llu\n", (unsigned long long)w.n);
    fprintf(out, "raw bytes:      %llu\n", (unsigned long long)w.raw);
    fprintf(out, "stored bytes:   %llu\n", (unsigned long long)w.stored);
    fprintf(out, "ratio:          %.3f\n", w.raw ? (double)w.stored / (double)w.raw : 0.0);
    fprintf(out, "current dict:   %s\n", cur && *cur ? cur : "(none)");
    for (int k = 0; k < w.ndicts; k++) {
        char key[32], *val = NULL;
        size_t dl = 0;
        fupin_docstore_dict_key(w.dict_ids[k], key);
        if (w.dict_ids[k])
            fupin_xdb_get_metadata(w.db, key, &val, &dl);
        fprintf(out, "dictionary:     %08x  %zu bytes  used by %llu articles\n",
                (unsigned)w.dict_ids[k], dl, (unsigned long long)w.dict_count[k]);
        free(val);
    }
    if (w.corrupt || w.dicts_missing)
        fprintf(out, "damaged:        %llu corrupt records, %llu needing a missing dictionary\n",
                (unsigned long long)w.corrupt, (unsigned long long)w.dicts_missing);
done:
    free(scheme);
    free(fmt);
    free(cur);
    fupin_docdec_free(w.dec);
    fupin_xdb_close(w.db);
    return rc;
}
