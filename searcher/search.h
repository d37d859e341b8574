/* search.h - the searcher library: ranked, exact, filtered queries.
 *
 * The command line (searcher/main.c) and the CGI endpoint are thin layers
 * over this.  A search parses the query (query.h), asks Xapian for candidate
 * documents ranked by BM25 (the index has no positions), keeps the candidates
 * in which every keyword really occurs (match.h, against the stored text),
 * and makes snippets around the matches (snippet.h).
 *
 * Reprints (reprint.h) collapse by default: of the matching articles of one
 * cluster only the first in result order is a hit, and its `copies` says
 * how many others matched; totals and paging count collapsed hits.
 */
#ifndef FUPIN_SEARCH_H
#define FUPIN_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "../common/article.h"

typedef struct fupin_search fupin_search;

typedef struct fupin_search_config {
    unsigned remote_timeout_ms;  /* remote shards: connect/operation timeout (0: 10000) */
    double k1, b;                /* BM25 (k1 0: the default 1; b 0, the
                                  * default: no length normalisation) */
    size_t max_query_bytes;      /* 0: 4096 */
    size_t max_terms;            /* keyword/phrase count limit (0: 32) */
    unsigned max_expansion;      /* 1-character keyword: terms it may expand to (0: 20000) */
} fupin_search_config;

enum fupin_sort { FUPIN_SORT_RELEVANCE = 0, FUPIN_SORT_DATE_DESC, FUPIN_SORT_DATE_ASC };

typedef struct fupin_search_opts {
    uint32_t offset;
    uint32_t limit;              /* hits wanted; 0 = all */
    int sort;                    /* enum fupin_sort */
    const char *date_from;       /* "YYYY[-MM[-DD]]" etc. (date.h) or NULL */
    const char *date_to;
    const char *source;          /* exact source, as shown in facets, or NULL */
    int exact_total;             /* verify every candidate so total is exact */
    int facets;                  /* count sources and years over all matches */
    int snippet_style;           /* enum fupin_snippet_style */
    size_t snippet_width;        /* characters (0: 120); */
    int no_snippets;
    int ids_only;                /* hits carry only rank, score and id (title,
                                  * date, source, url ""): no stored text is
                                  * read for them, only for verification */
    double time_limit;           /* seconds for the Xapian match (0: none) */
    int no_collapse;             /* 1: show every reprint as its own hit (CLI
                                  * --no-collapse, CGI collapse=0); 0, the
                                  * default: reprints collapse into one hit */
} fupin_search_opts;

typedef struct fupin_hit {
    uint32_t rank;               /* 1-based, counting from the first result */
    double score;
    char *id, *title, *date, *source, *url;   /* NUL-terminated, owned by the result */
    char *snippet;               /* NULL with no_snippets */
    char *cluster;               /* reprint cluster key (reprint.h), NULL when
                                  * the article is in no cluster */
    uint32_t copies;             /* other matching reprints collapsed into this
                                  * hit (0 with no_collapse) */
} fupin_hit;

typedef struct fupin_facet {
    char *value;
    uint32_t count;
} fupin_facet;

typedef struct fupin_result {
    uint32_t total;              /* matching articles */
    int total_exact;             /* 0: total is an estimate (see exact_total) */
    uint32_t offset;
    fupin_hit *hits;
    size_t nhits;
    fupin_facet *sources, *years;  /* with opts.facets; most frequent first */
    size_t nsources, nyears;
    int facets_exact;            /* 0: counted over candidates before verification */
    double took_ms;
    uint32_t candidates;         /* documents verified against their text */
} fupin_result;

/* Opens the database at path (a database, a stub of shards, remote shards).
 * cfg may be NULL.  Returns 0 and *out, or a status with a message in
 * errbuf (FUPIN_EDBOPEN, FUPIN_ENETWORK, ...). */
int fupin_search_open(const char *path, const fupin_search_config *cfg,
                      fupin_search **out, char *errbuf, size_t errlen);
void fupin_search_close(fupin_search *s);

/* Runs query q[0..len).  Returns 0 and *out (caller frees with
 * fupin_search_result_free), or a status with a message in
 * fupin_search_errmsg(s): FUPIN_ESYNTAX, FUPIN_ELIMIT, FUPIN_EINVAL (empty
 * query without filters, bad date), FUPIN_ETIMEOUT, FUPIN_ENETWORK, ... */
int fupin_search_run(fupin_search *s, const char *q, size_t len,
                     const fupin_search_opts *opts, fupin_result **out);
void fupin_search_result_free(fupin_result *r);

/* The stored article with id[0..len): fields point into s and stay valid
 * until the next call on s.  FUPIN_ENOTFOUND for an unknown id,
 * FUPIN_ECORRUPT for a damaged record. */
int fupin_search_article(fupin_search *s, const char *id, size_t len, fupin_article *a);

/* The reprints of article id[0..len): its cluster, the article itself
 * included, ordered by date then id, as hits without snippets (score 0;
 * copies = the other members).  An article in no cluster gives one hit.
 * Returns 0 and *out (freed with fupin_search_result_free), FUPIN_ENOTFOUND
 * for an unknown id, or another status with a message. */
int fupin_search_copies(fupin_search *s, const char *id, size_t len, fupin_result **out);

/* Message for the last failure on s (owned by s). */
const char *fupin_search_errmsg(const fupin_search *s);

#endif
