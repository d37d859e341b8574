/* ingest.h - one indexing run: dumps in, committed Xapian database(s) out.
 *
 * A run reads the given paths (dump.h), builds a document per article
 * (docbuild.h) and writes it into the database, replacing any article with
 * the same id.  Changes are committed every `batch` articles, so an
 * interrupted run leaves the database as of its last commit.
 *
 * Layouts: a single glass database at `db`; or, with shards > 1, a directory
 * `db` holding shard databases shard-00, shard-01, ... and a XAPIANDB stub
 * listing them, which Xapian (and so fupin-search) opens as one database.
 * An article goes to the shard its id hashes to, so re-indexing it replaces
 * it in place.
 *
 * Parallelism: with jobs > 1 the run forks workers, each writing its own
 * databases: the shards it owns, or, for a new single database, a part.
 * A new single database is always written as parts (one with one job) and
 * merged with Xapian's compactor at the end, so it is compact and appears
 * only when complete.  An existing single database is written in place by
 * one worker.
 *
 * Dictionary: a database keeps using the dictionary it has; a new one gets a
 * dictionary trained on a random sample of the whole input (at most
 * FUPIN_INGEST_SAMPLE_DOCS articles and FUPIN_INGEST_SAMPLE bytes), read
 * once before the workers start.
 */
#ifndef FUPIN_INGEST_H
#define FUPIN_INGEST_H

#include <stddef.h>
#include <stdint.h>

#define FUPIN_INGEST_SAMPLE (24u * 1024u * 1024u)
#define FUPIN_INGEST_SAMPLE_DOCS 8192u

typedef struct fupin_ingest_stats {
    uint64_t articles;      /* articles written (added or replaced) */
    uint64_t replaced;      /* of those, ones whose id was already in the database */
    uint64_t skipped;       /* records or files skipped (each reported) */
    uint64_t files;         /* input files finished */
    uint64_t raw_bytes;     /* article bytes read */
    uint64_t stored_bytes;  /* record bytes written */
    uint64_t in_done;       /* input bytes consumed */
    uint64_t in_total;      /* input bytes in all (0 if unknown) */
    uint64_t utf8_repaired; /* invalid UTF-8 sequences replaced by U+FFFD */
    uint64_t bad_dates;     /* dates present but not understood */
    double seconds;         /* wall time so far */
} fupin_ingest_stats;

/* Called about every progress_interval seconds with the running totals, and
 * once more at the end with final = 1. */
typedef void (*fupin_ingest_progress_cb)(void *ctx, const fupin_ingest_stats *st, int final);
/* Called for every skipped record or file; msg is "file:line: what". */
typedef void (*fupin_ingest_problem_cb)(void *ctx, int status, const char *msg);

typedef struct fupin_ingest_opts {
    const char *db;            /* database path */
    int jobs;                  /* worker processes (0 or 1: none) */
    int shards;                /* 0: keep the database's layout (1 for a new one) */
    int level;                 /* zstd level (0: default) */
    size_t dict_size;          /* dictionary size for a new database (0: default) */
    unsigned batch;            /* articles per commit (0: 500 into a new
                                * database's parts, 2000 in place) */
    int final_unigrams;        /* new database: a unigram only for the last CJK
                                * character of each run (smaller; 1-character
                                * queries become wildcards) */
    double progress_interval;  /* seconds (0: 0.5) */
    fupin_ingest_progress_cb progress;
    fupin_ingest_problem_cb problem;
    void *ctx;
} fupin_ingest_opts;

/* Runs the whole indexing job.  Returns 0 when everything readable was
 * indexed and committed (skipped records are counted in st, not an error),
 * or a status with a message in errbuf (FUPIN_ELOCKED when another indexer
 * holds the database, FUPIN_ENOSPC, FUPIN_EXAPIAN, ...); what was committed
 * before a failure stays.  st may be NULL. */
int fupin_ingest_run(const fupin_ingest_opts *o, const char *const *paths, size_t n,
                     fupin_ingest_stats *st, char *errbuf, size_t errlen);

/* The databases that make up the existing fupin database at db: the
 * shards of a sharded one, or db itself.  Fills paths (malloc'd strings,
 * caller frees each) up to max, sets *n.  Returns 0, FUPIN_EDBOPEN when db is
 * neither, or FUPIN_ENOMEM. */
int fupin_ingest_layout(const char *db, char **paths, int max, int *n);

#endif
