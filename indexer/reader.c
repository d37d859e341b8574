/* reader.c - owns one input file (plain, zstd or gzip) and the line buffer
 * its decompressed bytes land in.
 *
 * The buffer holds [start, end) of not yet consumed bytes; scan marks how far
 * a newline has already been searched for, so a long line is scanned once no
 * matter how many refills it takes.  Refills read or decompress straight into
 * the buffer in chunks of at least READ_CHUNK bytes, moving the unconsumed
 * tail to the front first and doubling the buffer only when one line needs
 * more room.  A truncated compressed stream is an error, never a silent end:
 * for zstd the last hint from ZSTD_decompressStream must be 0 (frame complete)
 * at the end of input; for gzip zlib reports Z_BUF_ERROR ("unexpected end of
 * file") after the last gzread.
 */
#include "reader.h"
#include "../common/status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define READ_CHUNK ((size_t)1 << 20)
#define ZSTD_IN_SIZE ((size_t)1 << 20)
#define GZ_BUFFER (256u * 1024u)

struct fupin_reader {
    int kind;
    int fd;                 /* plain and zstd; -1 when gzip owns it or for memory */
    gzFile gz;
    ZSTD_DCtx *zd;
    char *zin;              /* zstd input chunk */
    ZSTD_inBuffer in;
    size_t zret;            /* last hint of a call that made progress */
    int in_eof;             /* no more compressed bytes in the file */
    int eof;                /* no more content */
    int err;                /* sticky status */
    int started;            /* BOM check done */
    int lines_begun;        /* a line was returned: peek no longer valid */
    char *buf;
    size_t cap, start, scan, end;
    uint64_t lineno, bytes_in, bytes_out;
    char msg[256];
};

static int reader_fail(fupin_reader *r, int status, const char *fmt, const char *arg)
{
    snprintf(r->msg, sizeof r->msg, fmt, arg);
    r->err = status;
    return status;
}

static int reader_alloc(fupin_reader **out)
{
    fupin_reader *r = calloc(1, sizeof *r);
    if (!r)
        return FUPIN_ENOMEM;
    r->fd = -1;
    *out = r;
    return 0;
}

int fupin_reader_open(const char *path, fupin_reader **out)
{
    int rc = 0, saved_errno = 0;
    fupin_reader *r = NULL;
    unsigned char magic[4];
    ssize_t n;

    *out = NULL;
    if ((rc = reader_alloc(&r)) < 0)
        goto done;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        saved_errno = errno;
        rc = errno == ENOENT ? FUPIN_ENOTFOUND : FUPIN_EIO;
        goto done;
    }
    do
        n = pread(r->fd, magic, sizeof magic, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        saved_errno = errno;
        rc = FUPIN_EIO;
        goto done;
    }
    (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (n == 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD) {
        r->kind = FUPIN_READER_ZSTD;
        r->zd = ZSTD_createDCtx();
        r->zin = malloc(ZSTD_IN_SIZE);
        if (!r->zd || !r->zin) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        r->in.src = r->zin;
    } else if (n >= 2 && magic[0] == 0x1F && magic[1] == 0x8B) {
        r->kind = FUPIN_READER_GZIP;
        r->gz = gzdopen(r->fd, "rb");
        if (!r->gz) {
            saved_errno = errno ? errno : ENOMEM;
            rc = FUPIN_ENOMEM;
            goto done;
        }
        r->fd = -1;   /* gzclose closes it */
        gzbuffer(r->gz, GZ_BUFFER);
    }
done:
    if (rc < 0) {
        fupin_reader_close(r);
        r = NULL;
        errno = saved_errno;
    }
    *out = r;
    return rc;
}

int fupin_reader_open_mem(const void *data, size_t len, fupin_reader **out)
{
    fupin_reader *r = NULL;
    int rc;

    *out = NULL;
    if ((rc = reader_alloc(&r)) < 0)
        return rc;
    r->buf = malloc(len + 1);
    if (!r->buf) {
        free(r);
        return FUPIN_ENOMEM;
    }
    if (len)
        memcpy(r->buf, data, len);
    r->cap = len + 1;
    r->end = len;
    r->eof = r->in_eof = 1;
    r->bytes_in = r->bytes_out = len;
    *out = r;
    return 0;
}

void fupin_reader_close(fupin_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    if (r->fd >= 0)
        close(r->fd);
    ZSTD_freeDCtx(r->zd);
    free(r->zin);
    free(r->buf);
    free(r);
}

int fupin_reader_kind(const fupin_reader *r) { return r->kind; }
uint64_t fupin_reader_lineno(const fupin_reader *r) { return r->lineno; }
uint64_t fupin_reader_bytes_out(const fupin_reader *r) { return r->bytes_out; }
const char *fupin_reader_errmsg(const fupin_reader *r) { return r->msg; }

uint64_t fupin_reader_bytes_in(const fupin_reader *r)
{
    if (r->kind == FUPIN_READER_GZIP && r->gz) {
        z_off_t off = gzoffset(r->gz);
        return off > 0 ? (uint64_t)off : r->bytes_in;
    }
    return r->bytes_in;
}

/* Makes room for at least READ_CHUNK more bytes after end. */
static int reader_room(fupin_reader *r)
{
    size_t used = r->end - r->start;
    size_t want;
    char *nb;

    if (r->cap - r->end >= READ_CHUNK)
        return 0;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, used);
        r->scan -= r->start;
        r->end = used;
        r->start = 0;
        if (r->cap - r->end >= READ_CHUNK)
            return 0;
    }
    want = r->cap ? r->cap : 2 * READ_CHUNK;
    while (want - used < READ_CHUNK) {
        if (want > SIZE_MAX / 2)
            return reader_fail(r, FUPIN_ENOMEM, "%s", "line too long for memory");
        want *= 2;
    }
    nb = realloc(r->buf, want);
    if (!nb)
        return reader_fail(r, FUPIN_ENOMEM, "%s", "out of memory for a long line");
    r->buf = nb;
    r->cap = want;
    return 0;
}

static int fill_plain(fupin_reader *r)
{
    ssize_t n;

    do
        n = read(r->fd, r->buf + r->end, r->cap - r->end);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return reader_fail(r, FUPIN_EIO, "read: %s", strerror(errno));
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->bytes_in += (uint64_t)n;
    r->end += (size_t)n;
    return (int)(n > INT_MAX ? INT_MAX : n);
}

static int fill_zstd(fupin_reader *r)
{
    for (;;) {
        ZSTD_outBuffer out = { r->buf + r->end, r->cap - r->end, 0 };
        size_t in_before, ret;

        if (r->in.pos == r->in.size && !r->in_eof) {
            ssize_t n;
            do
                n = read(r->fd, r->zin, ZSTD_IN_SIZE);
            while (n < 0 && errno == EINTR);
            if (n < 0)
                return reader_fail(r, FUPIN_EIO, "read: %s", strerror(errno));
            r->in.size = (size_t)n;
            r->in.pos = 0;
            r->bytes_in += (uint64_t)n;
            if (n == 0)
                r->in_eof = 1;
        }
        in_before = r->in.pos;
        ret = ZSTD_decompressStream(r->zd, &out, &r->in);
        if (ZSTD_isError(ret))
            return reader_fail(r, FUPIN_EFORMAT, "corrupt zstd stream: %s", ZSTD_getErrorName(ret));
        /* A call with no input and nothing left to flush says nothing about
         * the finished frame (it asks for the next header), so keep the old hint. */
        if (out.pos > 0 || r->in.pos > in_before)
            r->zret = ret;
        r->end += out.pos;
        r->bytes_out += out.pos;
        if (out.pos > 0)
            return (int)(out.pos > INT_MAX ? INT_MAX : out.pos);
        if (r->in_eof && r->in.pos == r->in.size) {
            if (r->zret != 0)
                return reader_fail(r, FUPIN_EFORMAT, "%s", "truncated zstd stream");
            r->eof = 1;
            return 0;
        }
    }
}

/* zlib's message without its "<fd:3>: " prefix (gzdopen has no path). */
static const char *gz_message(gzFile gz, int *errnum)
{
    const char *m = gzerror(gz, errnum), *colon = m ? strstr(m, ": ") : NULL;
    return m && m[0] == '<' && colon ? colon + 2 : m ? m : "";
}

static int fill_gzip(fupin_reader *r)
{
    size_t room = r->cap - r->end;
    int n, errnum = Z_OK;
    const char *m;

    if (room > INT_MAX)
        room = INT_MAX;
    n = gzread(r->gz, r->buf + r->end, (unsigned)room);
    if (n < 0) {
        m = gz_message(r->gz, &errnum);
        return reader_fail(r, errnum == Z_ERRNO ? FUPIN_EIO : FUPIN_EFORMAT,
                           "corrupt gzip stream: %s", errnum == Z_ERRNO ? strerror(errno) : m);
    }
    if (n == 0) {
        m = gz_message(r->gz, &errnum);
        if (errnum == Z_BUF_ERROR)
            return reader_fail(r, FUPIN_EFORMAT, "truncated gzip stream (%s)", m);
        if (errnum != Z_OK)
            return reader_fail(r, FUPIN_EFORMAT, "corrupt gzip stream: %s", m);
        r->eof = 1;
        return 0;
    }
    r->end += (size_t)n;
    r->bytes_out += (uint64_t)n;
    return n;
}

/* Adds bytes after end: >0 added, 0 at the end of content, <0 error. */
static int reader_fill(fupin_reader *r)
{
    int rc;

    if (r->err)
        return r->err;
    if (r->eof)
        return 0;
    if ((rc = reader_room(r)) < 0)
        return rc;
    switch (r->kind) {
    case FUPIN_READER_ZSTD: rc = fill_zstd(r); break;
    case FUPIN_READER_GZIP: rc = fill_gzip(r); break;
    default:
        rc = fill_plain(r);
        if (rc > 0)
            r->bytes_out += (uint64_t)rc;
        break;
    }
    return rc;
}

/* Fills until at least want bytes are buffered or the content ends. */
static int reader_want(fupin_reader *r, size_t want)
{
    while (r->end - r->start < want) {
        int rc = reader_fill(r);
        if (rc <= 0)
            return rc;
    }
    return 0;
}

static int reader_begin(fupin_reader *r)
{
    int rc;

    if (r->started)
        return 0;
    if ((rc = reader_want(r, 3)) < 0 && r->end == r->start)
        return rc;
    r->started = 1;
    if (r->end - r->start >= 3 && memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0)
        r->start += 3;
    if (r->scan < r->start)
        r->scan = r->start;
    return 0;
}

int fupin_reader_peek(fupin_reader *r, size_t want, const char **p, size_t *len)
{
    int rc;
    size_t have;

    *p = NULL;
    *len = 0;
    if (r->lines_begun)
        return FUPIN_EINVAL;
    if ((rc = reader_begin(r)) < 0)
        return rc;
    /* A stream that breaks early still shows what it decoded; the error is
     * sticky and comes again, with its line, from fupin_reader_line(). */
    if ((rc = reader_want(r, want)) < 0 && r->end == r->start)
        return rc;
    have = r->end - r->start;
    *p = r->buf ? r->buf + r->start : "";
    *len = have < want ? have : want;
    return 0;
}

int fupin_reader_line(fupin_reader *r, const char **line, size_t *len)
{
    int rc;

    *line = NULL;
    *len = 0;
    if ((rc = reader_begin(r)) < 0)
        return rc;
    r->lines_begun = 1;
    for (;;) {
        char *nl = r->end > r->scan ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl) {
            size_t stop = (size_t)(nl - r->buf);
            *line = r->buf + r->start;
            *len = stop - r->start;
            r->start = r->scan = stop + 1;
            r->lineno++;
            return 1;
        }
        r->scan = r->end;
        rc = reader_fill(r);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (r->start == r->end)
                return 0;
            *line = r->buf + r->start;
            *len = r->end - r->start;
            r->start = r->scan = r->end;
            r->lineno++;
            return 1;
        }
    }
}
