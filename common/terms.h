/* terms.h - the index scheme shared by the indexer and the searcher.
 *
 * Terms (no positions anywhere: exactness comes from verifying candidates
 * against the stored text, see match.h):
 *   <token>        title and body tokens (tokenize.h): CJK bigrams, every
 *                  CJK character (FUPIN_SCHEME_ALL_UNIGRAMS, the default) or
 *                  only the final character of each CJK run
 *                  (FUPIN_SCHEME_FINAL_UNIGRAMS), and whole words; title
 *                  tokens count FUPIN_TITLE_WDF times.  title: queries use
 *                  these terms and are verified against the title.
 *   XS<token>      source tokens (boolean), for source: queries
 *   XF<source>     the whole normalised source (boolean), for exact filters
 *   Q<id>          the article id (unique; replace_document key)
 *   Y<yyyy>        the year (boolean)
 * Values: FUPIN_SLOT_SOURCE the source as given, FUPIN_SLOT_YEAR "YYYY",
 * FUPIN_SLOT_ORDER the date "YYYYMMDDHHMM" ("000000000000" when unknown)
 * followed by the id: sorting on it breaks ties the same way whatever the
 * docids, so one database and any set of shards give the same order, and
 * date ranges are ranges of it (fupin_terms_order_bounds).  Slot 0 held the
 * bare date until format 1 databases of December 2026; it duplicated
 * ORDER's head (3 MB on news) and is no longer written or read.
 * FUPIN_SLOT_FINGERPRINT the article's reprint signature (MinHash of the
 * normalised body, binary; absent for an article without letters),
 * FUPIN_SLOT_CLUSTER the key of the article's cluster of reprints (the
 * smallest id in it; absent outside clusters); both are reprint.h's.
 * Join terms: with the "+join" schemes (every database fupin-index makes),
 * a word glued to a CJK character is also one term ("2019年", "第5").
 * Metadata: FUPIN_META_FORMAT, FUPIN_META_SCHEME, FUPIN_META_DICT (id of the
 * dictionary new records use, 8 hex digits), the dictionaries themselves
 * (docstore.h) and FUPIN_META_T2S.
 */
#ifndef FUPIN_TERMS_H
#define FUPIN_TERMS_H

#define FUPIN_PREFIX_SOURCE "XS"
#define FUPIN_PREFIX_SOURCE_EXACT "XF"
#define FUPIN_PREFIX_ID "Q"
#define FUPIN_PREFIX_YEAR "Y"

#define FUPIN_TITLE_WDF 5

enum { FUPIN_SLOT_SOURCE = 1, FUPIN_SLOT_YEAR = 2, FUPIN_SLOT_ORDER = 3,
       FUPIN_SLOT_FINGERPRINT = 4, FUPIN_SLOT_CLUSTER = 5 };

#define FUPIN_META_FORMAT "fupin.format"
#define FUPIN_META_SCHEME "fupin.scheme"
#define FUPIN_META_DICT "fupin.dict"
/* The t2s table the text was folded with (normalize.h), for searchers. */
#define FUPIN_META_T2S "fupin.t2s"
#define FUPIN_FORMAT_VERSION "1"
#define FUPIN_SCHEME_FINAL_UNIGRAMS "bigram+final-unigram"
#define FUPIN_SCHEME_ALL_UNIGRAMS "bigram+unigram"
#define FUPIN_SCHEME_JOIN_SUFFIX "+join"   /* word/CJK join terms (tokenize.h) */

/* Xapian's limit on a term is 245 bytes; ids longer than this are hashed. */
#define FUPIN_MAX_TERM 240

#include <stddef.h>
#include <stdint.h>

/* Writes the id term of article id[0..len) into buf (NUL-terminated) and
 * returns its length: "Q" + id, or for an id too long for a term "Q#" + 16
 * hex digits of its hash. */
size_t fupin_terms_idterm(const char *id, size_t len, char buf[FUPIN_MAX_TERM + 1]);

/* FNV-1a 64 of s[0..len): stable across machines and runs (shard choice). */
uint64_t fupin_terms_hash(const char *s, size_t len);

/* The tokenizer flags (tokenize.h) a database's scheme name stands for:
 * FUPIN_TOK_ALL_UNIGRAMS for FUPIN_SCHEME_ALL_UNIGRAMS, FUPIN_TOK_JOINS when
 * it ends in FUPIN_SCHEME_JOIN_SUFFIX.  Returns 0 and *flags, or
 * FUPIN_EFORMAT for a name this version does not know. */
int fupin_terms_scheme_flags(const char *name, size_t len, unsigned *flags);

/* The scheme name of tokenizer flags (a static string). */
const char *fupin_terms_scheme_name(unsigned flags);

/* Bounds on FUPIN_SLOT_ORDER for the dates from..to (each 12 digits, or ""
 * for an open end), for a value range: lo (always set: an open start still
 * leaves out undated articles) and hi (to followed by 0xff, which no UTF-8
 * id starts with; *hi_len 0 for an open end).  Buffers of 14 bytes. */
void fupin_terms_order_bounds(const char *from, const char *to, char lo[14], size_t *lo_len,
                              char hi[14], size_t *hi_len);

/* The date at the head of a FUPIN_SLOT_ORDER value: 12 (its length) when v
 * starts with a known date, 0 when the article has none. */
size_t fupin_terms_order_date(const char *v, size_t len);

#endif
