/* idseen.h - the article ids one indexing run has written, to tell an id
 * repeated within the input from an update of an earlier run.
 *
 * Ids are kept as their 64-bit hash (fupin_terms_hash) with the file and
 * line that gave them: 16 bytes an id plus each file name once.  Two
 * different ids with the same hash (about one chance in 10^6 among 10^7
 * ids) would be taken for a repeat; the message then names both places.
 */
#ifndef FUPIN_IDSEEN_H
#define FUPIN_IDSEEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct fupin_idseen fupin_idseen;

/* Returns 0 and *out, or FUPIN_ENOMEM with *out = NULL. */
int fupin_idseen_new(fupin_idseen **out);

/* Frees s; NULL is fine. */
void fupin_idseen_free(fupin_idseen *s);

/* Records the id with hash h as read at file:line (file is copied).
 * Returns 0 when h is new, 1 when it was recorded before - then *first_file
 * (owned by s, valid until it is freed) and *first_line say where - or
 * FUPIN_ENOMEM.  A repeat keeps the first place. */
int fupin_idseen_add(fupin_idseen *s, uint64_t h, const char *file, uint64_t line,
                     const char **first_file, uint64_t *first_line);

#endif
