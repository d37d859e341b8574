/* dump.c - owns the walk over the input paths, the choice of format for
 * each file and the per-file state of the article iteration (see dump.h).
 *
 * Walk: the given paths in the given order; a directory's entries in byte
 * order of their names (strcmp), depth first.  Inside directories, names
 * that are not articles are passed over without a word: hidden names
 * (".*"), editor backups ("*~"), README*, LICENSE*, LICENCE*, COPYING*,
 * MANIFEST* (any case) and "*.md" - so a corpus directory can carry its own
 * documentation.  Paths given explicitly are always read.  Every directory's
 * (device, inode) is remembered: meeting one again is a symlink loop when it
 * is an ancestor, else the same directory by another path; either way it is
 * reported and not read twice.
 *
 * Format: the compression by magic bytes (reader.c), then the name without
 * ".zst"/".gz": .jsonl/.ndjson/.json are JSON Lines, .txt/.text plain text,
 * .html/.htm/.shtml/.xhtml web pages; other names by content: '{' first
 * means JSON Lines, "<!doctype" or "<html" a web page, anything else plain
 * text.  A plain-text file with NUL bytes in its first 8 KB (and no UTF-16
 * byte order mark) is a binary file and skipped.
 *
 * Encodings: a plain-text file whose first 8 KB are UTF-8 is streamed line
 * by line as before.  One that is not (GBK, Big5, UTF-16 with a BOM) is
 * read whole (up to DECODE_MAX bytes), decoded to UTF-8 by decode.c and
 * its lines are taken from the decoded copy; a web page is always read
 * whole (up to PAGE_MAX) and decoded with its charset declaration as
 * evidence.  Bytes that decode.c cannot decode cleanly are reported and the
 * file skipped: never indexed as mojibake.
 *
 * A web page is one article (html.c extracts it).  Its id is "page:"
 * followed by its path relative to the parent of the dump root it was
 * found under - "page:html/gne-tests-163-1.html" for ../corpus/html/
 * gne-tests-163-1.html when the root is ../corpus/html - or its base name
 * when the page itself was the root.  That id stays the same wherever the
 * tree is moved and across runs; the page's canonical URL is kept in the
 * url field but not used as the id, because sites that put their home
 * page there would make all their pages one article.
 *
 * A file that yields no article and no error is an empty file, reported so
 * the user knows it was seen.
 *
 * Messages are "path:line: what" for a problem at a line and "path: what"
 * for one with the whole file or directory.
 */
#include "dump.h"
#include "decode.h"
#include "html.h"
#include "jsonl.h"
#include "plaintext.h"
#include "reader.h"
#include "../common/status.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <utf8proc.h>

#define SNIFF_BYTES 8192
#define JSONL_GIVE_UP 100   /* bad lines before the first good one: wrong format */
#define PAGE_MAX ((size_t)64 << 20)     /* a bigger "web page" is not one article */
#define DECODE_MAX ((size_t)256 << 20)  /* a non-UTF-8 text file is decoded in memory */

/* ---- walk ---- */

typedef struct dir_frame {
    char *path;
    char **names;
    size_t n, i;
    dev_t dev;
    ino_t ino;
} dir_frame;

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct walk {
    char **paths;
    size_t npaths, next_path;
    dir_frame *stack;
    size_t depth, stack_cap;
    dir_id *seen;
    size_t nseen, seen_cap;
    char *cur;               /* the entry last returned */
    size_t cur_cap;
    struct stat st;          /* its stat, for a file */
    char msg[256];           /* what is wrong with it, for an error */
} walk;

static int str_set(char **buf, size_t *cap, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    int slash = b && la > 0 && a[la - 1] != '/';
    size_t need = la + slash + lb + 1;

    if (need > *cap) {
        char *nb = realloc(*buf, need * 2);
        if (!nb)
            return FUPIN_ENOMEM;
        *buf = nb;
        *cap = need * 2;
    }
    memcpy(*buf, a, la);
    if (slash)
        (*buf)[la] = '/';
    if (b)
        memcpy(*buf + la + slash, b, lb);
    (*buf)[la + slash + lb] = '\0';
    return 0;
}

static void walk_free(walk *w)
{
    for (size_t i = 0; i < w->npaths; i++)
        free(w->paths[i]);
    free(w->paths);
    while (w->depth > 0) {
        dir_frame *f = &w->stack[--w->depth];
        for (size_t i = 0; i < f->n; i++)
            free(f->names[i]);
        free(f->names);
        free(f->path);
    }
    free(w->stack);
    free(w->seen);
    free(w->cur);
    memset(w, 0, sizeof *w);
}

static int walk_init(walk *w, const char *const *paths, size_t n)
{
    memset(w, 0, sizeof *w);
    w->paths = calloc(n ? n : 1, sizeof *w->paths);
    if (!w->paths)
        return FUPIN_ENOMEM;
    w->npaths = n;
    for (size_t i = 0; i < n; i++)
        if (!(w->paths[i] = strdup(paths[i]))) {
            walk_free(w);
            return FUPIN_ENOMEM;
        }
    return 0;
}

static int skip_name(const char *name)
{
    static const char *const prefixes[] = { "README", "LICENSE", "LICENCE", "COPYING", "MANIFEST" };
    size_t len = strlen(name);

    if (name[0] == '.' || name[len - 1] == '~')
        return 1;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncasecmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return len > 3 && strcasecmp(name + len - 3, ".md") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_errno(walk *w, int err)
{
    snprintf(w->msg, sizeof w->msg, "%s", strerror(err));
    return err == ENOENT ? FUPIN_ENOTFOUND : FUPIN_EIO;
}

/* Reads the directory w->cur onto the stack; 0, or an error for it. */
static int walk_push_dir(walk *w)
{
    dir_frame f = { 0 };
    size_t cap = 0;
    struct dirent *e;
    DIR *dir = NULL;
    int rc = 0;

    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i].dev == w->st.st_dev && w->seen[i].ino == w->st.st_ino) {
            int loop = 0;
            for (size_t k = 0; k < w->depth; k++)
                loop |= w->stack[k].dev == w->st.st_dev && w->stack[k].ino == w->st.st_ino;
            snprintf(w->msg, sizeof w->msg, "%s", loop
                     ? "symlink loop: directory contains itself, not read again"
                     : "directory already read by another path, not read again");
            return FUPIN_EIO;
        }
    if (!(dir = opendir(w->cur)))
        return walk_errno(w, errno);
    f.dev = w->st.st_dev;
    f.ino = w->st.st_ino;
    errno = 0;
    while ((e = readdir(dir)) != NULL) {
        if (skip_name(e->d_name))
            continue;
        if (f.n == cap) {
            size_t c = cap ? 2 * cap : 32;
            char **nb = realloc(f.names, c * sizeof *nb);
            if (!nb) {
                rc = FUPIN_ENOMEM;
                goto done;
            }
            f.names = nb;
            cap = c;
        }
        if (!(f.names[f.n] = strdup(e->d_name))) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        f.n++;
        errno = 0;
    }
    if (errno) {
        rc = walk_errno(w, errno);
        goto done;
    }
    if (f.n > 1)
        qsort(f.names, f.n, sizeof *f.names, cmp_names);
    if (!(f.path = strdup(w->cur))) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    if (w->nseen == w->seen_cap) {
        size_t c = w->seen_cap ? 2 * w->seen_cap : 16;
        dir_id *nb = realloc(w->seen, c * sizeof *nb);
        if (!nb) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        w->seen = nb;
        w->seen_cap = c;
    }
    if (w->depth == w->stack_cap) {
        size_t c = w->stack_cap ? 2 * w->stack_cap : 8;
        dir_frame *nb = realloc(w->stack, c * sizeof *nb);
        if (!nb) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        w->stack = nb;
        w->stack_cap = c;
    }
    w->seen[w->nseen++] = (dir_id){ f.dev, f.ino };
    w->stack[w->depth++] = f;
done:
    if (dir)
        closedir(dir);
    if (rc < 0) {
        if (rc == FUPIN_ENOMEM)
            snprintf(w->msg, sizeof w->msg, "out of memory");
        for (size_t i = 0; i < f.n; i++)
            free(f.names[i]);
        free(f.names);
        free(f.path);
    }
    return rc;
}

/* Looks at w->cur: 1 a regular file, 0 a directory now on the stack,
 * negative a problem (w->msg). */
static int walk_visit(walk *w)
{
    struct stat lst;

    if (stat(w->cur, &w->st) < 0) {
        int err = errno;
        if (err == ENOENT && lstat(w->cur, &lst) == 0 && S_ISLNK(lst.st_mode)) {
            snprintf(w->msg, sizeof w->msg, "broken symbolic link");
            return FUPIN_ENOTFOUND;
        }
        return walk_errno(w, err);
    }
    if (S_ISREG(w->st.st_mode))
        return 1;
    if (S_ISDIR(w->st.st_mode))
        return walk_push_dir(w);
    snprintf(w->msg, sizeof w->msg, "not a regular file or directory");
    return FUPIN_EUNSUPPORTED;
}

/* Next file: 1 (w->cur, w->st), 0 at the end, negative for a problem with
 * w->cur (w->msg); call again to go on. */
static int walk_next(walk *w)
{
    int rc;

    w->msg[0] = '\0';
    for (;;) {
        if (w->depth > 0) {
            dir_frame *f = &w->stack[w->depth - 1];
            if (f->i == f->n) {
                for (size_t i = 0; i < f->n; i++)
                    free(f->names[i]);
                free(f->names);
                free(f->path);
                w->depth--;
                continue;
            }
            rc = str_set(&w->cur, &w->cur_cap, f->path, f->names[f->i++]);
        } else if (w->next_path < w->npaths) {
            rc = str_set(&w->cur, &w->cur_cap, w->paths[w->next_path++], NULL);
        } else {
            return 0;
        }
        if (rc < 0) {
            snprintf(w->msg, sizeof w->msg, "out of memory");
            return rc;
        }
        rc = walk_visit(w);
        if (rc != 0)
            return rc;
    }
}

/* ---- the dump ---- */

enum { FMT_JSONL = 1, FMT_TEXT, FMT_HTML };

struct fupin_dump {
    walk w;
    fupin_reader *rd;
    fupin_jsonl *js;
    fupin_plaintext *pt;
    fupin_decode *dec;
    fupin_html *html;
    fupin_reader *lines;     /* where lines come from: rd, or decoded text in memory */
    int fmt;
    int text_eof;            /* plain text: input ended, last article taken */
    int page_done;           /* web page: its article was taken */
    size_t root_prefix;      /* bytes of the current file's path that precede its page id */
    int done;
    uint64_t size;           /* of the current file */
    uint64_t articles, errors;   /* of the current file */
    char *file;              /* current file, for where() and messages */
    size_t file_cap;
    uint64_t line;
    uint64_t repaired;       /* bad UTF-8 sequences jsonl replaced in the last article */
    uint64_t files_done, bytes_done;
    char id[24];
    char *pid;               /* a web page's id */
    size_t pid_cap;
    char *msg;
    size_t msg_cap;
};

static int dump_fail(fupin_dump *d, int status, uint64_t line, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    for (;;) {
        if (line)
            n = snprintf(d->msg, d->msg_cap, "%s:%" PRIu64 ": %s", d->file, line, what);
        else
            n = snprintf(d->msg, d->msg_cap, "%s: %s", d->file, what);
        if (n >= 0 && (size_t)n < d->msg_cap)
            break;
        char *nb = realloc(d->msg, (size_t)n + 1);
        if (!nb)
            break;   /* keep the truncated message */
        d->msg = nb;
        d->msg_cap = (size_t)n + 1;
    }
    return status;
}

int fupin_dump_open(const char *const *paths, size_t n, fupin_dump **out)
{
    fupin_dump *d = NULL;
    int rc = 0;

    *out = NULL;
    if (n && !paths)
        return FUPIN_EINVAL;
    if (!(d = calloc(1, sizeof *d)))
        return FUPIN_ENOMEM;
    if ((rc = walk_init(&d->w, paths, n)) < 0 ||
        (rc = fupin_jsonl_new(&d->js)) < 0 ||
        (rc = fupin_plaintext_new(&d->pt)) < 0 ||
        (rc = fupin_decode_new(&d->dec)) < 0 ||
        (rc = fupin_html_new(&d->html)) < 0 ||
        (rc = str_set(&d->file, &d->file_cap, "", NULL)) < 0)
        goto done;
    d->msg_cap = 1024;
    if (!(d->msg = calloc(1, d->msg_cap)))
        rc = FUPIN_ENOMEM;
done:
    if (rc < 0) {
        fupin_dump_close(d);
        d = NULL;
    }
    *out = d;
    return rc;
}

void fupin_dump_close(fupin_dump *d)
{
    if (!d)
        return;
    walk_free(&d->w);
    fupin_reader_close(d->rd);
    fupin_jsonl_free(d->js);
    fupin_plaintext_free(d->pt);
    fupin_decode_free(d->dec);
    fupin_html_free(d->html);
    if (d->lines != d->rd)
        fupin_reader_close(d->lines);
    free(d->pid);
    free(d->file);
    free(d->msg);
    free(d);
}

const char *fupin_dump_errmsg(const fupin_dump *d)
{
    return d && d->msg ? d->msg : "";
}

void fupin_dump_where(const fupin_dump *d, fupin_dump_pos *pos)
{
    uint64_t now = 0;

    memset(pos, 0, sizeof *pos);
    if (!d)
        return;
    if (d->rd) {
        now = fupin_reader_bytes_in(d->rd);
        if (now > d->size)
            now = d->size;
    }
    pos->file = d->file;
    pos->line = d->line;
    pos->utf8_repaired = d->repaired;
    pos->files_done = d->files_done;
    pos->bytes_read = d->bytes_done + now;
}

int fupin_dump_total_bytes(fupin_dump *d, uint64_t *bytes)
{
    walk w;
    uint64_t sum = 0;
    int rc;

    *bytes = 0;
    if (!d)
        return FUPIN_EINVAL;
    if ((rc = walk_init(&w, (const char *const *)d->w.paths, d->w.npaths)) < 0)
        return rc;
    while ((rc = walk_next(&w)) != 0) {
        if (rc == FUPIN_ENOMEM)
            break;
        if (rc == 1)
            sum += (uint64_t)w.st.st_size;
    }
    walk_free(&w);
    if (rc < 0)
        return rc;
    *bytes = sum;
    return 0;
}

/* Ends the current file; an error when it gave nothing at all. */
static int finish_file(fupin_dump *d, int report_empty)
{
    int empty = d->articles == 0 && d->errors == 0;

    if (d->lines != d->rd)
        fupin_reader_close(d->lines);
    fupin_reader_close(d->rd);
    d->rd = d->lines = NULL;
    d->files_done++;
    d->bytes_done += d->size;
    if (report_empty && empty)
        return dump_fail(d, FUPIN_EFORMAT, 0, "empty file");
    return 0;
}

static const char *name_ext(const char *path, char ext[16])
{
    const char *base = strrchr(path, '/'), *dot;
    size_t len;

    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > 4 && strcasecmp(base + len - 4, ".zst") == 0)
        len -= 4;
    else if (len > 3 && strcasecmp(base + len - 3, ".gz") == 0)
        len -= 3;
    ext[0] = '\0';
    dot = memrchr(base, '.', len);
    if (dot && dot > base && (size_t)(base + len - dot) < 16) {
        memcpy(ext, dot + 1, (size_t)(base + len - dot - 1));
        ext[base + len - dot - 1] = '\0';
    }
    return ext;
}

static int looks_html(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return (n - i >= 9 && strncasecmp(p + i, "<!doctype", 9) == 0) ||
           (n - i >= 5 && strncasecmp(p + i, "<html", 5) == 0);
}

/* Mostly not UTF-8: over a quarter of the non-ASCII sequences are invalid
 * (a stray bad byte in UTF-8 text is left to the normaliser). */
static int not_utf8(const char *p, size_t n, int cut)
{
    size_t good, bad;
    fupin_decode_utf8_counts(p, n, cut, &good, &bad);
    return bad > 0 && bad * 4 > good + bad;
}

/* The whole content of the current file into *p, *n (owned by d->rd),
 * when it has at most max bytes: 0, or an error reported for the file. */
static int slurp(fupin_dump *d, size_t max, const char *what, const char **p, size_t *n)
{
    int rc = fupin_reader_peek(d->rd, max + 1, p, n);

    if (rc == 0 && fupin_reader_errmsg(d->rd)[0])
        rc = FUPIN_EFORMAT;   /* a broken stream: what came before it is not the whole file */
    if (rc < 0)
        return dump_fail(d, rc, 0, "%s", rc == FUPIN_ENOMEM ? "out of memory" : fupin_reader_errmsg(d->rd));
    if (*n > max)
        return dump_fail(d, FUPIN_ELIMIT, 0, "%s larger than %zu MB, skipped", what, max >> 20);
    return 0;
}

/* Decodes the current non-UTF-8 text file whole and makes d->lines a
 * reader over the UTF-8 copy: 0, or an error reported for the file. */
static int decode_text(fupin_dump *d)
{
    const char *p, *text;
    size_t n, len;
    int rc;

    if ((rc = slurp(d, DECODE_MAX, "non-UTF-8 text file", &p, &n)) < 0)
        return rc;
    rc = fupin_decode_to_utf8(d->dec, p, n, 0, &text, &len);
    if (rc == FUPIN_EENCODING)
        return dump_fail(d, rc, 0, "cannot decode: %s; skipped", fupin_decode_errmsg(d->dec));
    if (rc == 0)
        rc = fupin_reader_open_mem(text, len, &d->lines);
    if (rc < 0)
        return dump_fail(d, rc, 0, "out of memory");
    return 0;
}

/* The id of the current web page (see the top of the file), in d->pid. */
static int page_id(fupin_dump *d, fupin_str *id)
{
    const char *root = d->w.paths[d->w.next_path - 1], *rel = "", *base;
    size_t rlen = strlen(root), blen, need;
    char *real = NULL;
    int rc = 0;

    while (rlen > 1 && root[rlen - 1] == '/')
        rlen--;
    if (strncmp(d->file, root, rlen) == 0 && d->file[rlen] == '/')
        for (rel = d->file + rlen; *rel == '/'; rel++)
            ;
    base = memrchr(root, '/', rlen);
    base = base ? base + 1 : root;
    blen = (size_t)(root + rlen - base);
    if (blen == 0 || (blen == 1 && base[0] == '.') || (blen == 2 && !strncmp(base, "..", 2))) {
        /* "/", "." or "..": the directory's own name */
        real = realpath(root, NULL);
        base = real ? strrchr(real, '/') : NULL;
        if (base && base[1]) {
            base++;
            blen = strlen(base);
        } else {
            base = ".";
            blen = 1;
        }
    }
    need = 5 + blen + 1 + strlen(rel) + 1;
    if (need > d->pid_cap) {
        char *nb = realloc(d->pid, need);
        if (!nb) {
            rc = FUPIN_ENOMEM;
            goto done;
        }
        d->pid = nb;
        d->pid_cap = need;
    }
    snprintf(d->pid, d->pid_cap, "page:%.*s%s%s", (int)blen, base, rel[0] ? "/" : "", rel);
    id->ptr = d->pid;
    id->len = strlen(d->pid);
done:
    free(real);
    return rc;
}

/* The current file as a web page: 1 and its article, 0 when it was taken,
 * or an error for the file. */
static int next_html(fupin_dump *d, fupin_article *a)
{
    const char *p, *text;
    size_t n, len;
    int rc;

    if (d->page_done)
        return 0;
    d->page_done = 1;
    d->line = 1;
    if ((rc = slurp(d, PAGE_MAX, "web page", &p, &n)) < 0)
        goto failed;
    rc = fupin_decode_to_utf8(d->dec, p, n, FUPIN_DECODE_HTML, &text, &len);
    if (rc == FUPIN_EENCODING) {
        dump_fail(d, rc, 0, "cannot decode: %s; skipped", fupin_decode_errmsg(d->dec));
        goto failed;
    }
    if (rc == 0) {
        rc = fupin_html_parse(d->html, text, len, a);
        if (rc == 0)
            rc = FUPIN_EFORMAT;   /* no article in the page */
    }
    if (rc == 1 && (rc = page_id(d, &a->f[FUPIN_F_ID])) == 0)
        return 1;
    dump_fail(d, rc, 0, "%s, skipped", rc == FUPIN_ENOMEM ? "out of memory" : fupin_html_errmsg(d->html));
failed:
    finish_file(d, 0);
    return rc;
}

/* Opens the next file and picks its format: 1, 0 at the end, or an error
 * for a file or directory that is skipped. */
static int open_next(fupin_dump *d)
{
    const char *p;
    size_t n, i;
    char ext[16];
    int rc;

    rc = walk_next(&d->w);
    if (rc == 0)
        return 0;
    if (str_set(&d->file, &d->file_cap, d->w.cur, NULL) < 0)
        return FUPIN_ENOMEM;
    d->line = 0;
    if (rc < 0)
        return dump_fail(d, rc, 0, "%s", d->w.msg);
    d->size = (uint64_t)d->w.st.st_size;
    d->articles = d->errors = 0;
    d->text_eof = d->page_done = 0;
    if (d->size == 0) {
        d->files_done++;
        return dump_fail(d, FUPIN_EFORMAT, 0, "empty file");
    }
    if ((rc = fupin_reader_open(d->file, &d->rd)) < 0) {
        int err = errno;
        d->files_done++;
        d->bytes_done += d->size;
        if (rc == FUPIN_ENOMEM)
            return dump_fail(d, rc, 0, "out of memory");
        return dump_fail(d, rc, 0, "%s", strerror(err));
    }
    if ((rc = fupin_reader_peek(d->rd, SNIFF_BYTES, &p, &n)) < 0) {
        dump_fail(d, rc, 0, "%s", fupin_reader_errmsg(d->rd));
        finish_file(d, 0);
        return rc;
    }
    name_ext(d->file, ext);
    for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'); i++)
        ;
    if (!strcasecmp(ext, "jsonl") || !strcasecmp(ext, "ndjson") || !strcasecmp(ext, "json"))
        d->fmt = FMT_JSONL;
    else if (!strcasecmp(ext, "txt") || !strcasecmp(ext, "text"))
        d->fmt = FMT_TEXT;
    else if (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm") ||
             !strcasecmp(ext, "shtml") || !strcasecmp(ext, "xhtml") || looks_html(p, n))
        d->fmt = FMT_HTML;
    else
        d->fmt = i < n && p[i] == '{' ? FMT_JSONL : FMT_TEXT;
    d->lines = d->rd;
    if (d->fmt == FMT_TEXT) {
        int utf16 = n >= 2 && (((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE) ||
                               ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF));
        if (!utf16 && memchr(p, '\0', n))
            rc = dump_fail(d, FUPIN_EFORMAT, 0, "binary file (NUL bytes), skipped");
        else if (utf16 || not_utf8(p, n, n == SNIFF_BYTES))
            rc = decode_text(d);
    }
    if (rc < 0) {
        finish_file(d, 0);
        return rc;
    }
    fupin_plaintext_reset(d->pt);
    return 1;
}

/* The fallback id: FNV-1a 64 of title "\n" body. */
static void fill_id(fupin_dump *d, fupin_article *a)
{
    uint64_t h = 14695981039346656037ULL;
    const fupin_str *parts[3];
    fupin_str nl = { "\n", 1 };

    if (a->f[FUPIN_F_ID].len)
        return;
    if (a->f[FUPIN_F_URL].len) {
        a->f[FUPIN_F_ID] = a->f[FUPIN_F_URL];
        return;
    }
    parts[0] = &a->f[FUPIN_F_TITLE];
    parts[1] = &nl;
    parts[2] = &a->f[FUPIN_F_BODY];
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < parts[k]->len; i++) {
            h ^= (unsigned char)parts[k]->ptr[i];
            h *= 1099511628211ULL;
        }
    snprintf(d->id, sizeof d->id, "h%016" PRIx64, h);
    a->f[FUPIN_F_ID].ptr = d->id;
    a->f[FUPIN_F_ID].len = 17;
}

/* A reader error ends the file. */
static int read_failed(fupin_dump *d, int rc)
{
    const fupin_reader *r = d->lines ? d->lines : d->rd;

    dump_fail(d, rc, fupin_reader_lineno(r) + 1, "%s", fupin_reader_errmsg(r));
    finish_file(d, 0);
    return rc;
}

/* 1 article, 0 end of file, negative a skipped line or the rest of the file. */
static int next_jsonl(fupin_dump *d, fupin_article *a)
{
    const char *line;
    size_t len;
    int rc;

    for (;;) {
        rc = fupin_reader_line(d->rd, &line, &len);
        if (rc < 0)
            return read_failed(d, rc);
        if (rc == 0)
            return 0;
        rc = fupin_jsonl_parse(d->js, line, len, a);
        if (rc == 0)
            continue;
        d->line = fupin_reader_lineno(d->rd);
        if (rc < 0) {
            d->errors++;
            if (d->articles == 0 && d->errors == JSONL_GIVE_UP) {
                dump_fail(d, rc, d->line, "%s (and no good line before: rest of file skipped)",
                          fupin_jsonl_errmsg(d->js));
                finish_file(d, 0);
                return rc;
            }
            return dump_fail(d, rc, d->line, "%s", fupin_jsonl_errmsg(d->js));
        }
        d->repaired = fupin_jsonl_repaired(d->js);
        return 1;
    }
}

static int next_text(fupin_dump *d, fupin_article *a)
{
    const char *line;
    size_t len;
    uint64_t at;
    int rc;

    for (;;) {
        if (d->text_eof)
            return 0;
        rc = fupin_reader_line(d->lines, &line, &len);
        if (rc < 0)
            return read_failed(d, rc);
        if (rc == 0) {
            d->text_eof = 1;
        } else {
            rc = fupin_plaintext_add_line(d->pt, line, len, fupin_reader_lineno(d->lines));
            if (rc == 0)
                continue;
        }
        if (rc >= 0)
            rc = fupin_plaintext_take(d->pt, a, &at);
        if (rc < 0) {
            d->errors++;
            return dump_fail(d, rc, fupin_reader_lineno(d->lines), "out of memory");
        }
        if (rc == 1) {
            d->line = at;
            return 1;
        }
    }
}

int fupin_dump_next(fupin_dump *d, fupin_article *a)
{
    int rc;

    if (!d || !a)
        return FUPIN_EINVAL;
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        a->f[f].ptr = "";
        a->f[f].len = 0;
    }
    d->msg[0] = '\0';
    d->repaired = 0;
    for (;;) {
        if (!d->rd) {
            if (d->done)
                return 0;
            rc = open_next(d);
            if (rc == 0)
                d->done = 1;
            if (rc <= 0)
                return rc;
        }
        rc = d->fmt == FMT_JSONL ? next_jsonl(d, a) : d->fmt == FMT_HTML ? next_html(d, a) : next_text(d, a);
        if (rc == 1) {
            d->articles++;
            fill_id(d, a);
            return 1;
        }
        if (rc < 0)
            return rc;
        if ((rc = finish_file(d, 1)) < 0)
            return rc;
    }
}
