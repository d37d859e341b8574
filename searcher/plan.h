/* plan.h - a parsed query turned into what the searcher executes.
 *
 * A plan holds two things built from the same tree: a Xapian query that
 * returns a superset of the matching articles (candidates, ranked), and a
 * verification tree that decides, from an article's stored text, whether it
 * really matches.  Nodes that the index alone decides exactly (a word, a CJK
 * run of one or two characters, a date range) and that every match must
 * satisfy are not verified again.
 */
#ifndef FUPIN_PLAN_H
#define FUPIN_PLAN_H

#include <stddef.h>
#include "query.h"
#include "../common/article.h"
#include "../common/match.h"
#include "../common/normalize.h"
#include "../common/xap.h"

typedef struct fupin_plan fupin_plan;

typedef struct fupin_plan_config {
    int all_unigrams;            /* the database has a unigram for every CJK character */
    int joins;                   /* ... and word/CJK join terms (tokenize.h) */
    unsigned max_expansion;      /* wildcard limit for 1-character keywords */
    fupin_xdb *db;               /* when set, a 1-character wildcard over the limit
                                  * fails the plan (FUPIN_ELIMIT) before Xapian sees
                                  * it: Xapian 1.4 leaks memory when a match throws
                                  * its WildcardError */
} fupin_plan_config;

/* The article text a verification may look at, with lazily normalised
 * copies (filled by the plan on demand through nz[]). */
typedef struct fupin_plan_doc {
    const fupin_article *a;
    int cjk_stable;              /* record flag: originals may be searched for CJK runs */
    const char *date;            /* value of the date slot, 12 digits, or NULL */
    size_t date_len;
    fupin_normalizer *nz[3];     /* title, body, source */
    fupin_norm norm[3];
    int have[3];
} fupin_plan_doc;

/* Builds the plan of tree root.  Returns 0 and *out, FUPIN_ENOMEM,
 * FUPIN_EINVAL when nothing searchable is left (only punctuation), or, with
 * cfg->db, FUPIN_ELIMIT (a 1-character keyword expands to more than
 * max_expansion terms) or the status of reading the terms.  The plan does
 * not keep root. */
int fupin_plan_new(const fupin_qnode *root, const fupin_plan_config *cfg,
                   fupin_normalizer *nz, fupin_plan **out);
void fupin_plan_free(fupin_plan *p);

/* The candidate query (owned by the plan). */
const fupin_xquery *fupin_plan_query(const fupin_plan *p);

/* 1 when candidates must be verified against their text. */
int fupin_plan_needs_verify(const fupin_plan *p);

/* 1 if the query is one keyword (no operators, filters or fields), else 0. */
int fupin_plan_one_keyword(const fupin_plan *p);

/* 1 if verification may look at fupin_plan_doc.date (the query has a
 * date: term), else 0: then the caller need not read it. */
int fupin_plan_needs_date(const fupin_plan *p);

/* 1 if the document matches (only meaningful for candidates). */
int fupin_plan_verify(fupin_plan *p, fupin_plan_doc *d);

/* The positive keywords of the plan that may be highlighted in the body:
 * fills up to max matchers, returns how many there are (0 for a NULL p: a
 * search by filters alone). */
size_t fupin_plan_keywords(const fupin_plan *p, fupin_matcher **out, size_t max);

#endif
