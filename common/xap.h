/* xap.h - the C face of Xapian: the only door from fupin's C into C++.
 *
 * xap.cc is the only C++ file of fupin.  Every entry point catches every
 * exception and turns it into a status (status.h) and a message; no
 * exception crosses into C.  It holds no indexing or ranking logic: it maps
 * calls one to one onto Xapian's API (names follow Xapian's own).
 *
 * Errors: each handle keeps the message of its last failure, read with
 * *_errmsg(); the string is owned by the handle and valid until the next call
 * on it.  Open functions, which have no handle yet, write the message into a
 * caller buffer (errbuf, errlen; errbuf may be NULL).
 * Mapping: DatabaseLockError -> FUPIN_ELOCKED; DatabaseOpeningError,
 * DatabaseVersionError -> FUPIN_EDBOPEN; DatabaseModifiedError ->
 * FUPIN_EMODIFIED; DatabaseCorruptError -> FUPIN_ECORRUPT;
 * NetworkTimeoutError -> FUPIN_ETIMEOUT; NetworkError -> FUPIN_ENETWORK;
 * DocNotFoundError -> FUPIN_ENOTFOUND; std::bad_alloc -> FUPIN_ENOMEM;
 * a DatabaseError whose message says "No space left" -> FUPIN_ENOSPC;
 * InvalidArgumentError -> FUPIN_EINVAL; anything else -> FUPIN_EXAPIAN.
 *
 * Term strings and values are (pointer, length) byte strings.
 */
#ifndef FUPIN_XAP_H
#define FUPIN_XAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t fupin_docid;

/* ---------- documents being built ---------- */
typedef struct fupin_xdoc fupin_xdoc;

int fupin_xdoc_new(fupin_xdoc **out);
void fupin_xdoc_free(fupin_xdoc *d);
/* Empties the document for reuse. */
void fupin_xdoc_clear(fupin_xdoc *d);
/* Adds a term without positions, raising its wdf by wdf_inc. */
int fupin_xdoc_add_term(fupin_xdoc *d, const char *t, size_t len, unsigned wdf_inc);
/* Adds a term with wdf 0 (for filtering, not ranking). */
int fupin_xdoc_add_boolean_term(fupin_xdoc *d, const char *t, size_t len);
int fupin_xdoc_set_value(fupin_xdoc *d, unsigned slot, const char *v, size_t len);
int fupin_xdoc_set_data(fupin_xdoc *d, const char *data, size_t len);
const char *fupin_xdoc_errmsg(const fupin_xdoc *d);

/* ---------- writable databases ---------- */
typedef struct fupin_xwdb fupin_xwdb;

enum fupin_xwdb_mode {
    FUPIN_XWDB_CREATE_OR_OPEN = 0,
    FUPIN_XWDB_CREATE = 1,             /* fails if it exists */
    FUPIN_XWDB_CREATE_OR_OVERWRITE = 2,
    FUPIN_XWDB_OPEN = 3,               /* fails if it does not exist */
    /* OR-ed into a mode: commits skip fsync.  Only for a scratch database
     * that is rebuilt from scratch if the machine fails (a part that the
     * compactor merges, whose output is synced). */
    FUPIN_XWDB_NO_SYNC = 0x100
};

/* Opens a glass database at path for writing.  Returns 0 and *out; on
 * failure a status (FUPIN_ELOCKED if another writer holds it) with *out NULL
 * and the message in errbuf. */
int fupin_xwdb_open(const char *path, int mode, char *errbuf, size_t errlen,
                    fupin_xwdb **out);
/* Closes db (Xapian commits pending changes on close); NULL is fine.
 * Returns 0 or the status of a failing final commit. */
int fupin_xwdb_close(fupin_xwdb *db);
/* Adds doc, or replaces every document indexed by unique term idterm. */
int fupin_xwdb_replace_document(fupin_xwdb *db, const char *idterm, size_t len,
                                const fupin_xdoc *doc);
/* Adds doc as a new document, without looking for an earlier one: only
 * for an id known not to be in db (a fresh database, an id not seen yet). */
int fupin_xwdb_add_document(fupin_xwdb *db, const fupin_xdoc *doc);
/* Deletes every document indexed by idterm (none is fine). */
int fupin_xwdb_delete_document(fupin_xwdb *db, const char *idterm, size_t len);
int fupin_xwdb_commit(fupin_xwdb *db);
/* Sets metadata key to val[0..len) ("" deletes it).  A value over 64 KiB
 * is stored as 64 KiB chunks under key#0, key#1, ... and a manifest under
 * key (glass reads one huge tag slowly); the get functions reassemble it,
 * and plain values written by older versions read as before. */
int fupin_xwdb_set_metadata(fupin_xwdb *db, const char *key,
                            const char *val, size_t len);
/* *val malloc'd (caller frees), NUL-terminated; an absent key gives "" with
 * *len 0 and status 0. */
int fupin_xwdb_get_metadata(fupin_xwdb *db, const char *key, char **val, size_t *len);
int fupin_xwdb_get_doccount(fupin_xwdb *db, uint32_t *count);
/* 1 if some document is indexed by term t, else 0 (in *yes). */
int fupin_xwdb_term_exists(fupin_xwdb *db, const char *t, size_t len, int *yes);
/* Data of document id; *data points into db until the next call on it. */
int fupin_xwdb_get_data(fupin_xwdb *db, fupin_docid id, const char **data, size_t *len);
/* Replaces only the data of document id (terms and values unchanged). */
int fupin_xwdb_set_data(fupin_xwdb *db, fupin_docid id, const char *data, size_t len);
/* Sets value slot of document id to v[0..len), or removes it when len is 0
 * (terms and data unchanged). */
int fupin_xwdb_set_value(fupin_xwdb *db, fupin_docid id, unsigned slot,
                         const char *v, size_t len);
/* Calls cb(ctx, docid, value, len) for every document with a value in slot,
 * in docid order (valuestream_begin), until cb returns non-zero (returned).
 * value is valid during the call only. */
typedef int (*fupin_xwdb_value_cb)(void *ctx, fupin_docid id, const char *v, size_t len);
int fupin_xwdb_values(fupin_xwdb *db, unsigned slot, fupin_xwdb_value_cb cb, void *ctx);
const char *fupin_xwdb_errmsg(const fupin_xwdb *db);

/* ---------- readable databases ---------- */
typedef struct fupin_xdb fupin_xdb;

/* Opens path for reading: a database directory, or a stub file (or a
 * directory holding a XAPIANDB stub) listing local shards and/or
 * "remote host:port" lines.  Remote shards use timeout_ms for both connect
 * and each operation (0: Xapian's default).  Returns 0 and *out, or a status
 * with *out NULL and the message in errbuf. */
int fupin_xdb_open(const char *path, unsigned timeout_ms, char *errbuf, size_t errlen,
                   fupin_xdb **out);
/* Opens several databases (paths as above; "tcp:host:port" for a remote
 * shard reached directly) as one combined database. */
int fupin_xdb_open_many(const char *const *paths, size_t n, unsigned timeout_ms,
                        char *errbuf, size_t errlen, fupin_xdb **out);
void fupin_xdb_close(fupin_xdb *db);
/* Brings db to the latest committed revision. */
int fupin_xdb_reopen(fupin_xdb *db);
int fupin_xdb_get_doccount(fupin_xdb *db, uint32_t *count);
int fupin_xdb_get_termfreq(fupin_xdb *db, const char *t, size_t len, uint32_t *freq);
/* The docid of the first document indexed by t, or FUPIN_ENOTFOUND. */
int fupin_xdb_find_term(fupin_xdb *db, const char *t, size_t len, fupin_docid *id);
/* Document data.  *data points into db and is valid until the next call on
 * db.  FUPIN_ENOTFOUND for an unknown docid. */
int fupin_xdb_get_data(fupin_xdb *db, fupin_docid id, const char **data, size_t *len);
/* Value in slot of document id; valid until the next call on db ("" if unset).
 * The docid is not checked (half the cost): an unknown one gives "" too. */
int fupin_xdb_get_value(fupin_xdb *db, fupin_docid id, unsigned slot,
                        const char **v, size_t *len);
/* Metadata (of the first shard, for combined databases); *val malloc'd and
 * NUL-terminated; absent key -> "" and status 0. */
int fupin_xdb_get_metadata(fupin_xdb *db, const char *key, char **val, size_t *len);
/* Calls cb for every term that starts with prefix, in byte order, with its
 * term frequency, until cb returns non-zero (returned) or max terms were
 * seen and more remain (then FUPIN_ELIMIT). max 0 = no limit. */
typedef int (*fupin_xdb_term_cb)(void *ctx, const char *t, size_t len, uint32_t termfreq);
int fupin_xdb_allterms(fupin_xdb *db, const char *prefix, size_t plen, size_t max,
                       fupin_xdb_term_cb cb, void *ctx);
const char *fupin_xdb_errmsg(const fupin_xdb *db);

/* ---------- queries ---------- */
typedef struct fupin_xquery fupin_xquery;

enum fupin_xop {
    FUPIN_XOP_AND, FUPIN_XOP_OR, FUPIN_XOP_AND_NOT, FUPIN_XOP_FILTER,
    FUPIN_XOP_AND_MAYBE, FUPIN_XOP_SYNONYM, FUPIN_XOP_MAX
};

/* Constructors return NULL only when out of memory or given an argument
 * Xapian rejects (unknown op, NULL subquery, negative scale).  Each
 * returned query is owned by the caller and freed with fupin_xquery_free
 * (NULL is fine); the combinators copy their subqueries (Xapian queries are
 * shared internally), so the caller still owns and frees the arguments. */
fupin_xquery *fupin_xquery_term(const char *t, size_t len, unsigned wqf);
/* Every term starting with prefix, combined with OP_OR (whose weights,
 * unlike OP_SYNONYM's estimates, are the same over one database or shards);
 * more than
 * max_expansion terms (0: no limit) makes the match fail with FUPIN_ELIMIT. */
fupin_xquery *fupin_xquery_wildcard(const char *prefix, size_t len, unsigned max_expansion);
fupin_xquery *fupin_xquery_combine(int op, fupin_xquery *const *subs, size_t n);
/* Documents whose value in slot lies in [lo, hi] (byte order); lo or hi may
 * be NULL for an open end. */
fupin_xquery *fupin_xquery_value_range(unsigned slot, const char *lo, size_t lolen,
                                       const char *hi, size_t hilen);
/* OP_SCALE_WEIGHT: f = 0 makes a purely boolean query. */
fupin_xquery *fupin_xquery_scale(const fupin_xquery *q, double f);
fupin_xquery *fupin_xquery_match_all(void);
fupin_xquery *fupin_xquery_match_nothing(void);
void fupin_xquery_free(fupin_xquery *q);
/* 1 if q is one term, maybe scaled (Xapian's count bounds for it are exact
 * without a look at every match: its frequency), else 0. */
int fupin_xquery_is_term(const fupin_xquery *q);
/* Xapian's description of q (for debugging); malloc'd, caller frees. */
char *fupin_xquery_describe(const fupin_xquery *q);

/* ---------- matching ---------- */
typedef struct fupin_xenquire fupin_xenquire;
typedef struct fupin_xmset fupin_xmset;

int fupin_xenquire_new(fupin_xdb *db, fupin_xenquire **out);
void fupin_xenquire_free(fupin_xenquire *e);
int fupin_xenquire_set_query(fupin_xenquire *e, const fupin_xquery *q);
/* BM25Weight(k1, k2, k3, b, min_normlen). */
int fupin_xenquire_set_bm25(fupin_xenquire *e, double k1, double k2, double k3,
                            double b, double min_normlen);
/* Sort by relevance (default), or by the value in slot (reverse: descending),
 * relevance breaking ties (Enquire::set_sort_by_value_then_relevance). */
int fupin_xenquire_set_sort_relevance(fupin_xenquire *e);
int fupin_xenquire_set_sort_value(fupin_xenquire *e, unsigned slot, int reverse);
/* Ties in relevance broken by value: relevance first, then value in slot. */
int fupin_xenquire_set_sort_relevance_then_value(fupin_xenquire *e, unsigned slot, int reverse);
/* Makes matching give up after seconds (0: no limit); see Enquire::set_time_limit. */
int fupin_xenquire_set_time_limit(fupin_xenquire *e, double seconds);
/* Keeps only the best match of the documents sharing a non-empty value in
 * slot (Enquire::set_collapse_key, collapse_max 1). */
int fupin_xenquire_set_collapse_key(fupin_xenquire *e, unsigned slot);
/* Counts the values of slot over the matches (ValueCountMatchSpy) in the
 * next get_mset; read with fupin_xenquire_facet.  Up to 4 slots. */
int fupin_xenquire_add_facet(fupin_xenquire *e, unsigned slot);
/* Runs the match: hits [first, first+max), examining at least check_at_least
 * documents (so counts are exact when it is the document count).  *out is
 * owned by the caller (fupin_xmset_free). */
int fupin_xenquire_get_mset(fupin_xenquire *e, uint32_t first, uint32_t max,
                            uint32_t check_at_least, fupin_xmset **out);
/* Facet values of the last get_mset for the k-th added slot, most frequent
 * first, then by value: calls cb(value, len, count) up to max times (0 = all). */
typedef int (*fupin_xfacet_cb)(void *ctx, const char *v, size_t len, uint32_t count);
int fupin_xenquire_facet(fupin_xenquire *e, size_t k, size_t max,
                         fupin_xfacet_cb cb, void *ctx);
const char *fupin_xenquire_errmsg(const fupin_xenquire *e);

void fupin_xmset_free(fupin_xmset *m);
uint32_t fupin_xmset_size(const fupin_xmset *m);
uint32_t fupin_xmset_matches_estimated(const fupin_xmset *m);
uint32_t fupin_xmset_matches_lower_bound(const fupin_xmset *m);
uint32_t fupin_xmset_matches_upper_bound(const fupin_xmset *m);
fupin_docid fupin_xmset_docid(const fupin_xmset *m, uint32_t i);
double fupin_xmset_weight(const fupin_xmset *m, uint32_t i);

/* ---------- maintenance ---------- */
/* Merges the databases srcs[0..n) into a new compact database at dest
 * (Xapian::Compactor; docids renumbered).  multipass as in xapian-compact. */
int fupin_xapian_compact(const char *const *srcs, size_t n, const char *dest,
                         int multipass, char *errbuf, size_t errlen);

/* Xapian's version string (static). */
const char *fupin_xapian_version(void);

#ifdef __cplusplus
}
#endif
#endif
