/* retrain.h - a new compression dictionary for an existing database.
 *
 * When the corpus has changed a lot, the dictionary trained on the first
 * articles no longer fits.  Retraining samples the stored articles, trains
 * a new dictionary, stores it beside the old ones (each record names the
 * dictionary it needs, so old ones stay readable), makes it current for new
 * records, and rewrites every stored record with it (only document data is
 * rewritten; terms and values stay).  Commits every 2000 records: an
 * interrupted retrain leaves a readable database with records of both
 * dictionaries.
 */
#ifndef FUPIN_RETRAIN_H
#define FUPIN_RETRAIN_H

#include <stddef.h>
#include <stdint.h>

typedef struct fupin_retrain_stats {
    uint64_t records;        /* records rewritten */
    uint64_t bytes_before;   /* stored bytes before */
    uint64_t bytes_after;    /* and after */
    uint32_t dict_id;        /* the new dictionary */
    size_t dict_size;
} fupin_retrain_stats;

/* Retrains the database at db (single or sharded) with a dictionary of
 * dict_size bytes (0: default) and zstd level (0: default).  Returns 0 and
 * fills st, or a status with a message in errbuf. */
int fupin_retrain_run(const char *db, size_t dict_size, int level,
                      fupin_retrain_stats *st, char *errbuf, size_t errlen);

#endif
