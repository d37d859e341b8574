/* docstore.h - the stored article record: zstd with a trained dictionary.
 *
 * Each article is stored as one record in its Xapian document's data.  The
 * record holds every field of the article byte for byte, compressed with zstd
 * using a dictionary trained (ZDICT) on a sample of the corpus.  Dictionaries
 * live in the database's metadata, keyed by their zstd dictionary id (see
 * fupin_docstore_dict_key), so a database is self-contained.  A record names
 * the dictionary it needs; dictionary id 0 means "no dictionary".
 *
 * The record format itself is described at the top of docstore.c.
 */
#ifndef FUPIN_DOCSTORE_H
#define FUPIN_DOCSTORE_H

#include <stddef.h>
#include <stdint.h>
#include "article.h"

/* Record flags, stored uncompressed in the header. */
enum {
    FUPIN_REC_CJK_STABLE = 1u << 0   /* title and body are cjk_stable (normalize.h) */
};

/* Level 6, not 9: on ../shared/corpus/news level 9 compressed at 20 MB/s of
 * CPU and level 6 at 48 MB/s, for 1.18 vs 1.14 times the size of one zstd
 * stream of the same fields (the target is 1.25): zstd was 13% of indexing
 * time at level 9. */
#define FUPIN_DOCSTORE_DEFAULT_LEVEL 6
/* 256 KiB, not 1 MiB: on news records are 1.18 times one zstd stream
 * rather than 1.13 (+2.8 MB of 56), but every search process that shows
 * text reads the dictionary once: a CGI request costs 1.9 ms (9%) less. */
#define FUPIN_DOCSTORE_DEFAULT_DICT (256u * 1024u)

/* Writes the metadata key for dictionary dict_id into buf (NUL-terminated,
 * e.g. "fupin.dict.1a2b3c4d").  buf must hold at least 32 bytes. */
void fupin_docstore_dict_key(uint32_t dict_id, char buf[32]);

/* Trains a dictionary of at most cap bytes on the given articles (their
 * encoded fields, as records would hold them).  Returns 0 and *dict (malloc'd,
 * caller frees) with *len and *dict_id; FUPIN_ENOTFOUND when the sample is too
 * small or too uniform to train on (then store without a dictionary);
 * FUPIN_ENOMEM. */
int fupin_docstore_train(const fupin_article *samples, size_t n, size_t cap,
                         void **dict, size_t *len, uint32_t *dict_id);

/* Id of a dictionary made by fupin_docstore_train (0 if it is not one). */
uint32_t fupin_docstore_dict_id(const void *dict, size_t len);

/* --- writing --- */
typedef struct fupin_docenc fupin_docenc;

/* Creates an encoder at zstd level `level` using dict[0..len) (copied; dict
 * may be NULL for no dictionary).  Returns 0, FUPIN_EINVAL for a bad
 * dictionary, or FUPIN_ENOMEM; *out is NULL on failure. */
int fupin_docenc_new(const void *dict, size_t len, int level, fupin_docenc **out);
void fupin_docenc_free(fupin_docenc *e);

/* Encodes article a with the given flags into a record.  *rec points into
 * the encoder and stays valid until the next encode or free.  Returns 0 or
 * FUPIN_ENOMEM / FUPIN_EINVAL (a field over 1 GiB). */
int fupin_docenc_encode(fupin_docenc *e, const fupin_article *a, unsigned flags,
                        const char **rec, size_t *rec_len);

/* --- reading --- */
typedef struct fupin_docdec fupin_docdec;

int fupin_docdec_new(fupin_docdec **out);
void fupin_docdec_free(fupin_docdec *d);

/* Adds a dictionary (copied, digested once).  Adding an id already present is
 * a no-op.  Returns 0, FUPIN_EINVAL (not a zstd dictionary) or FUPIN_ENOMEM. */
int fupin_docdec_add_dict(fupin_docdec *d, const void *dict, size_t len);

/* The same, taking ownership of dict (malloc'd): it is used in place, not
 * copied, and freed with d, or at once when not kept (an id already held,
 * or an error).  A CGI request reads one dictionary: every copy of it is
 * fresh pages to fault in. */
int fupin_docdec_adopt_dict(fupin_docdec *d, void *dict, size_t len);

/* 1 if d holds dictionary dict_id (0 is always held). */
int fupin_docdec_has_dict(const fupin_docdec *d, uint32_t dict_id);

/* Reads a record's header without decompressing: its flags and the id of the
 * dictionary it needs.  Returns 0 or FUPIN_ECORRUPT. */
int fupin_docdec_peek(const char *rec, size_t len, unsigned *flags, uint32_t *dict_id);

/* Decodes a record into *a, whose fields point into d and stay valid until
 * the next decode or free.  Returns 0; FUPIN_ENOTFOUND when the record needs a
 * dictionary d does not hold (add it and retry); FUPIN_ECORRUPT for any damage
 * (bad header, bad zstd frame, checksum mismatch, bad field lengths): never
 * garbage; FUPIN_ENOMEM. */
int fupin_docdec_decode(fupin_docdec *d, const char *rec, size_t len,
                        fupin_article *a, unsigned *flags);

#endif
