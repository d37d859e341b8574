/* docbuild.h - turns one article into the Xapian document that indexes it.
 *
 * The document carries the terms and values of the index scheme (terms.h)
 * and, as its data, the article's compressed record (docstore.h).  A builder
 * owns reusable buffers (normaliser, encoder, term buffer), so one builder
 * per thread or process.
 */
#ifndef FUPIN_DOCBUILD_H
#define FUPIN_DOCBUILD_H

#include <stddef.h>
#include <stdint.h>
#include "../common/article.h"
#include "../common/terms.h"
#include "../common/xap.h"

typedef struct fupin_docbuild fupin_docbuild;

typedef struct fupin_docbuild_info {
    size_t raw_bytes;        /* bytes of all fields as given */
    size_t stored_bytes;     /* bytes of the record */
    size_t replaced;         /* invalid UTF-8 sequences repaired (title+body+source) */
    int bad_date;            /* the date field was present but not understood */
} fupin_docbuild_info;

/* Creates a builder compressing with dict[0..dict_len) (NULL: none) at zstd
 * level `level`; tok_flags as for fupin_tokenize.  Returns 0 and *out, or a
 * status (FUPIN_EINVAL bad dictionary, FUPIN_ENOMEM) with *out NULL. */
int fupin_docbuild_new(const void *dict, size_t dict_len, int level, unsigned tok_flags,
                       fupin_docbuild **out);
void fupin_docbuild_free(fupin_docbuild *b);

/* Clears doc and fills it from a.  Writes the id term into idterm (NUL-
 * terminated; returns its length in *idlen).  info may be NULL.  Returns 0 or
 * a status (FUPIN_EINVAL for an article without id, FUPIN_ENOMEM,
 * FUPIN_EXAPIAN with the message in fupin_xdoc_errmsg(doc)). */
int fupin_docbuild_make(fupin_docbuild *b, const fupin_article *a, fupin_xdoc *doc,
                        char idterm[FUPIN_MAX_TERM + 1], size_t *idlen,
                        fupin_docbuild_info *info);

#endif
