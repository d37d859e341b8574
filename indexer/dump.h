/* dump.h - reads article dumps: files and directories of articles.
 *
 * A dump reader walks the paths it is given (directories recursively, in
 * byte order of names; symlink loops and unreadable entries are reported and
 * skipped; inside directories, hidden names, "*~" backups and documentation
 * - README*, LICENSE*, LICENCE*, COPYING*, MANIFEST*, *.md - are passed over
 * silently), detects each file's format and yields articles one at a time.
 *
 * Formats (by content and extension; ".zst" and ".gz" are decompressed with
 * libzstd and zlib first; text that is not UTF-8 - GBK, GB18030, Big5,
 * UTF-16 with a BOM - is decoded to UTF-8 by decode.h, and a file that
 * cannot be decoded cleanly is skipped with FUPIN_EENCODING):
 *  - JSON Lines (.jsonl, .ndjson, .json, or content starting with '{'): one
 *    object per line with string fields id, title, source, date, url, body
 *    (and optional byline); parsed with jansson.
 *  - plain-text articles (.txt or anything else that is text): the title on
 *    the first line, optional "文章来源: X  时间: YYYY-MM-DD HH:MM" line,
 *    byline lines (记者…, 通讯员…), then the body; the site footer (a lone
 *    page-number line, 主办单位, 技术支持, ICP备案号, 欢迎您访问…, 您是第…位来访者)
 *    is removed.  Several articles in one file are separated by a form feed
 *    or a line of five or more '='.  A BOM and CRLF line ends are accepted.
 *  - web pages (.html, .htm, .shtml, .xhtml, or content starting with
 *    "<!doctype" or "<html"): one article per page, extracted by html.h;
 *    its id is "page:" + the page's path from the parent of the dump root
 *    it was found under (e.g. "page:html/a/b.html"), or "page:" + its base
 *    name when the page was given itself.  A page without an article is
 *    skipped with FUPIN_EFORMAT.
 * An article without an id gets its URL, else "h" + 16 hex digits of a hash
 * of its title and body.
 *
 * Problems are never fatal to the walk: fupin_dump_next() returns
 * FUPIN_EFORMAT (or FUPIN_EIO, FUPIN_EENCODING, ...) for a record or file it
 * skipped, with "file:line: what is wrong" in fupin_dump_errmsg(), and the
 * caller simply calls it again.
 */
#ifndef FUPIN_DUMP_H
#define FUPIN_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include "../common/article.h"

typedef struct fupin_dump fupin_dump;

typedef struct fupin_dump_pos {
    const char *file;      /* path of the current file (owned by the dump) */
    uint64_t line;         /* 1-based line where the current article starts */
    uint64_t utf8_repaired; /* invalid UTF-8 sequences already replaced by U+FFFD in
                              the last article (JSON Lines only: other formats pass
                              them through, see fupin_dump_next) */
    uint64_t files_done;   /* files finished so far */
    uint64_t bytes_read;   /* input bytes consumed so far (compressed size for .zst/.gz) */
} fupin_dump_pos;

/* Creates a reader over paths[0..n) (copied).  Nothing is opened yet.
 * Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_dump_open(const char *const *paths, size_t n, fupin_dump **out);
void fupin_dump_close(fupin_dump *d);

/* Total size in bytes of all input files (walks the tree once; for progress
 * and ETA).  Returns 0 on success. */
int fupin_dump_total_bytes(fupin_dump *d, uint64_t *bytes);

/* Next article into *a: 1 when an article was produced (its fields point into
 * d and stay valid until the next call), 0 at the end of all input, or a
 * negative status for a skipped record or file (see fupin_dump_errmsg; call
 * again to go on).  Invalid UTF-8 in a field is passed through as is (the
 * indexer's normaliser repairs it), except in JSON Lines, where jansson
 * needs valid UTF-8: there each bad sequence is already U+FFFD, counted in
 * fupin_dump_pos.utf8_repaired. */
int fupin_dump_next(fupin_dump *d, fupin_article *a);

/* Message for the last negative return: "file:line: what is wrong". */
const char *fupin_dump_errmsg(const fupin_dump *d);

/* Where the last article came from. */
void fupin_dump_where(const fupin_dump *d, fupin_dump_pos *pos);

#endif
