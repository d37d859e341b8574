/* reprint.h - reprints: near-duplicate articles, found by MinHash.
 *
 * The same story is reprinted by many portals: re-wrapped, with a portal's
 * header or footer lines, with its first or last paragraph cut.  Each
 * article's normalised body is cut into shingles of FUPIN_REPRINT_SHINGLE
 * consecutive characters of its atoms (tokenize.h: letters and digits;
 * spaces, line breaks and punctuation are left out, so re-wrapping, even
 * inside a number, changes nothing).  Its signature keeps, for FUPIN_REPRINT_K independent hash
 * functions, 8 bits identifying the shingle with the smallest hash (b-bit
 * MinHash; chance agreements, 1/256 a position, stay far below the rule): the
 * share of positions where two signatures agree estimates the Jaccard
 * similarity of the two shingle sets.  Two articles are reprints of each
 * other when at least FUPIN_REPRINT_AGREE of the K positions agree
 * (estimated Jaccard >= 0.5); a cluster is a connected group of such pairs,
 * and its key is the smallest article id in it.
 *
 * Why MinHash and not SimHash: cutting one paragraph of five changes a fifth
 * of the shingles, which moves a 64-bit SimHash by about 13 bits, far past
 * the 3 bits at which SimHash still tells reprints from other articles.
 * MinHash estimates the share of shingles in common directly, and a
 * threshold of one half keeps cut reprints while separate reports on one
 * topic agree in at most 30 of 64 positions (measured with
 * tests/tools/reprint_eval.c; see tests/reprint_set.h for the test set).
 *
 * Bodies with fewer than FUPIN_REPRINT_MIN_SHINGLES shingles get an exact
 * signature instead, a hash of title and body: short notices ("详见附件")
 * share too few shingles to be told apart by estimate, so they only group
 * with exact copies (same title and body text, after normalisation).
 *
 * Index scheme (terms.h): the signature is value FUPIN_SLOT_FINGERPRINT
 * (fupin_reprint_encode), the cluster key value FUPIN_SLOT_CLUSTER (absent
 * for an article that is in no cluster).  The signature is set when the
 * document is built (docbuild.c); the cluster keys by
 * fupin_reprint_cluster() over the whole database after each indexing run,
 * since a new article can join or merge old clusters.
 */
#ifndef FUPIN_REPRINT_H
#define FUPIN_REPRINT_H

#include <stddef.h>
#include <stdint.h>

/* 8 atoms: a recurring template differs from its other instances by a name
 * or a number every sentence or two, which breaks every shingle that spans
 * it; at 4 atoms, 104 welcome-ceremony stories of 新闻联播 chained into one
 * cluster, at 8 none do, while cut or re-wrapped reprints score the same. */
#define FUPIN_REPRINT_SHINGLE 8
#define FUPIN_REPRINT_K 64
#define FUPIN_REPRINT_AGREE 32
#define FUPIN_REPRINT_MIN_SHINGLES 40
/* Below this many shingles a pair must agree in FUPIN_REPRINT_AGREE_SHORT
 * positions: short news is often a template (book announcements, "人民日报
 * 评论员文章" notices) whose different instances share most shingles. */
#define FUPIN_REPRINT_SHORT_SHINGLES 150
#define FUPIN_REPRINT_AGREE_SHORT 56
/* Reprints appear within days of the story; articles further apart than
 * this pair only when their signatures are equal.  Recurring templates
 * (state-visit welcome ceremonies, the yearly NPC press notice) agree in
 * 35-57 positions but come weeks or years apart. */
#define FUPIN_REPRINT_MAX_DAYS 30
/* Longest FUPIN_SLOT_FINGERPRINT value. */
#define FUPIN_REPRINT_VALUE_MAX (1 + 2 * FUPIN_REPRINT_K)

enum fupin_reprint_kind {
    FUPIN_REPRINT_NONE = 0,    /* nothing to fingerprint (no atom at all) */
    FUPIN_REPRINT_EXACT = 1,   /* short text: v[0..4) hold a 64-bit hash */
    FUPIN_REPRINT_NEAR = 2     /* v[0..K): MinHash signature */
};

typedef struct fupin_reprint_sig {
    int kind;                       /* enum fupin_reprint_kind */
    int short_text;                 /* NEAR from fewer than FUPIN_REPRINT_SHORT_SHINGLES */
    int32_t day;                    /* the article's date in days since 1970-01-01
                                     * (fupin_reprint_day), 0 unknown; set by the
                                     * caller, not stored in the value */
    uint16_t v[FUPIN_REPRINT_K];
} fupin_reprint_sig;

/* Signature of an article from its normalised title and body (valid UTF-8,
 * as normalize.h gives; the title only counts for short bodies).
 * Allocates nothing.  Returns 0, or FUPIN_EINVAL when a text is 4 GiB or
 * more. */
int fupin_reprint_sign(const char *title, size_t tlen, const char *body, size_t blen,
                       fupin_reprint_sig *sig);

/* Positions where two NEAR signatures agree (0..K); K for equal EXACT
 * signatures; 0 otherwise. */
unsigned fupin_reprint_agree(const fupin_reprint_sig *a, const fupin_reprint_sig *b);
/* 1 when a and b are reprints of each other: equal (all K positions, or
 * equal EXACT signatures), or agreeing in at least FUPIN_REPRINT_AGREE
 * positions (FUPIN_REPRINT_AGREE_SHORT when either is a short text) and
 * dated at most FUPIN_REPRINT_MAX_DAYS apart (or either date unknown). */
int fupin_reprint_same(const fupin_reprint_sig *a, const fupin_reprint_sig *b);

/* Days since 1970-01-01 of a date value "YYYYMMDD..." (the head of
 * FUPIN_SLOT_ORDER); 0 when shorter or "00000000". */
int32_t fupin_reprint_day(const char *v, size_t len);

/* The FUPIN_SLOT_FINGERPRINT value of sig into out: returns its length (0
 * for kind NONE, which is stored as no value).  'm' (or 's' for a short
 * text) + K 8-bit values, or 'x' + 8 big-endian bytes of the exact hash. */
size_t fupin_reprint_encode(const fupin_reprint_sig *sig, char out[FUPIN_REPRINT_VALUE_MAX]);
/* Parses a value written by fupin_reprint_encode; FUPIN_EFORMAT (and kind
 * NONE) for anything else. */
int fupin_reprint_decode(const char *v, size_t len, fupin_reprint_sig *sig);

/* Groups n signatures: comp[i] is set to the smallest index of the group of
 * i (i itself when alone), where a group is connected by pairs for which
 * fupin_reprint_same() holds.  Candidate
 * pairs come from LSH: 21 bands of 3 positions, so only signatures equal on
 * a whole band are compared.  Returns 0 or FUPIN_ENOMEM. */
int fupin_reprint_group(const fupin_reprint_sig *sigs, size_t n, uint32_t *comp);

typedef struct fupin_reprint_stats {
    uint32_t documents;      /* documents in the database */
    uint32_t fingerprinted;  /* of those, with a signature */
    uint32_t clusters;       /* clusters (2 or more articles) */
    uint32_t clustered;      /* articles in clusters */
    uint32_t changed;        /* cluster values written or removed */
    double seconds;          /* wall time of the whole pass */
    double group_seconds;    /* of which grouping (LSH and comparisons) */
} fupin_reprint_stats;

/* Recomputes the clusters of the fupin database at db (a single database or
 * a sharded one, see fupin_ingest_layout): all parts' articles are grouped
 * together, and each article whose key changed gets its FUPIN_SLOT_CLUSTER
 * written through the writer of the part that holds it, then every part is
 * committed.  st may be NULL.  Returns 0, or a status with a message in
 * errbuf (FUPIN_ELOCKED when another writer holds a part, FUPIN_EDBOPEN,
 * FUPIN_ENOMEM, ...). */
int fupin_reprint_cluster(const char *db, fupin_reprint_stats *st, char *errbuf, size_t errlen);

/* The same over the databases paths[0..n), taken as the parts of one
 * database (the parts of a new one before they are merged: clustering
 * them first leaves the compactor's output untouched).  The caller keeps
 * the paths. */
int fupin_reprint_cluster_dbs(const char *const *paths, int n, fupin_reprint_stats *st,
                              char *errbuf, size_t errlen);

#endif
