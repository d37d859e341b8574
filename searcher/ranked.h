/* ranked.h - a slice of Xapian's matches in rank order, ties settled the
 * same way whatever the docids.
 *
 * Xapian breaks ties in relevance by docid, and docids differ between one
 * database and a set of shards.  Sorting by relevance then by the ORDER
 * value (date and id: unique, the same everywhere) fixes that, but Xapian
 * then reads the value of every candidate it ranks: 3.1 ms instead of
 * 1.1 ms for a 3,934-match keyword.  A ranked slice asks Xapian for
 * relevance only, widens the slice until the match after it scores lower
 * (so no group of equal scores is cut), and orders each such group by
 * ORDER, descending, reading only those few values: the same order as
 * Enquire::set_sort_by_relevance_then_value(FUPIN_SLOT_ORDER, true).
 */
#ifndef FUPIN_RANKED_H
#define FUPIN_RANKED_H

#include <stddef.h>
#include <stdint.h>

#include "../common/xap.h"

typedef struct fupin_ranked fupin_ranked;

/* Fetches matches [first, first + n) of e, which must sort by relevance
 * only, where n >= want unless the matches run out, and the match at
 * first + n, if any, scores lower than the last one in the slice.  first
 * must be 0 or the end of an earlier slice of the same match.  With
 * sort_ties 0 the slice is Xapian's own order (for an enquire that breaks
 * ties itself) and is not widened.  check_at_least as for
 * fupin_xenquire_get_mset.  On error, returns it and writes a message into
 * err (Xapian's, or which read failed).  *out is the caller's
 * (fupin_ranked_free). */
int fupin_ranked_fetch(fupin_xenquire *e, fupin_xdb *db, int sort_ties, uint32_t first,
                       uint32_t want, uint32_t check_at_least, fupin_ranked **out,
                       char *err, size_t errlen);
void fupin_ranked_free(fupin_ranked *r);
/* Matches in the slice. */
uint32_t fupin_ranked_size(const fupin_ranked *r);
/* The i-th match of the slice (i < size), in rank order. */
fupin_docid fupin_ranked_docid(const fupin_ranked *r, uint32_t i);
double fupin_ranked_weight(const fupin_ranked *r, uint32_t i);
/* Writes into pos the positions 0 .. n-1 of the slice (n <= size) in docid
 * order: records and values read in that order share Xapian's blocks.
 * Returns 0 or FUPIN_ENOMEM. */
int fupin_ranked_docid_order(const fupin_ranked *r, uint32_t n, uint32_t *pos);
/* The Xapian match set behind the slice (its counts and bounds); owned by r. */
const fupin_xmset *fupin_ranked_mset(const fupin_ranked *r);

#endif
