/* reader.h - buffered line reader over a plain, zstd or gzip file.
 *
 * A reader owns one open input and one growing buffer.  The compression is
 * recognised by the content's magic bytes (zstd 28 B5 2F FD, gzip 1F 8B),
 * not by the file name, and undone with libzstd (ZSTD_decompressStream) or
 * zlib (gzread).  A UTF-8 byte order mark at the start of the (decompressed)
 * content is dropped.  Lines have no length limit other than memory.
 *
 * Pointers handed out (peek, line) point into the reader's buffer and stay
 * valid until the next call on the reader.  Errors are sticky: after a
 * negative return every further peek/line call returns the same status.
 */
#ifndef FUPIN_READER_H
#define FUPIN_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fupin_reader fupin_reader;

enum fupin_reader_kind {
    FUPIN_READER_PLAIN = 0,
    FUPIN_READER_ZSTD,
    FUPIN_READER_GZIP
};

/* Opens path for reading.  Returns 0 and *out; FUPIN_ENOTFOUND (no such
 * file) or FUPIN_EIO with errno telling why; or FUPIN_ENOMEM. */
int fupin_reader_open(const char *path, fupin_reader **out);

/* A reader over a copy of data[0..len), read as plain (uncompressed) text;
 * for tests and fuzzing.  Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_reader_open_mem(const void *data, size_t len, fupin_reader **out);

void fupin_reader_close(fupin_reader *r);

/* enum fupin_reader_kind of the input. */
int fupin_reader_kind(const fupin_reader *r);

/* The first bytes of the content, up to want of them (fewer only at the end
 * of input), without consuming them.  Only valid before the first line is
 * read.  Returns 0, or a negative status (see fupin_reader_errmsg). */
int fupin_reader_peek(fupin_reader *r, size_t want, const char **p, size_t *len);

/* The next line without its "\n" (a "\r" before it is kept; the last line
 * need not end in "\n").  Returns 1 and the line, 0 at the end of input, or
 * a negative status: FUPIN_EIO (read error), FUPIN_EFORMAT (corrupt or
 * truncated compressed stream), FUPIN_ENOMEM. */
int fupin_reader_line(fupin_reader *r, const char **line, size_t *len);

/* Lines returned so far (so the 1-based number of the last line). */
uint64_t fupin_reader_lineno(const fupin_reader *r);

/* Bytes consumed from the file so far (compressed bytes for zstd/gzip). */
uint64_t fupin_reader_bytes_in(const fupin_reader *r);

/* Decompressed bytes produced so far. */
uint64_t fupin_reader_bytes_out(const fupin_reader *r);

/* What went wrong at the last negative return, e.g. "truncated zstd
 * stream"; "" if nothing did.  Owned by the reader. */
const char *fupin_reader_errmsg(const fupin_reader *r);

#endif
