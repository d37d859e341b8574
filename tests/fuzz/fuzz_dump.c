/* fuzz_dump.c - libFuzzer target for the dump reader's input side, on
 * arbitrary bytes.
 *
 * Each input goes three ways:
 *  1. as a JSON Lines file from memory: every line through fupin_jsonl_parse;
 *     an article must have a title or a body, fields never NULL;
 *  2. as a plain-text file from memory, line by line through plaintext's
 *     add_line/take: every article has a trimmed, non-empty title, a body
 *     with no empty paragraph and no line-end "\r", fields no longer than
 *     the input; when the input holds no separator line, fupin_plaintext_parse
 *     on the whole input must give the same article;
 *  3. as a real file through fupin_dump (format sniffing, compression by
 *     magic bytes, binary/encoding checks, ids), under a name chosen by the
 *     first byte: fuzz.dat (sniffed), fuzz.jsonl or fuzz.txt.  Articles need
 *     an id; errors need a "path..." message.
 * Any broken promise aborts.
 *
 * libFuzzer (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_dump.c indexer/dump.c indexer/reader.c indexer/jsonl.c \
 *     indexer/plaintext.c common/article.c common/status.c \
 *     $(pkg-config --cflags --libs libzstd jansson zlib libutf8proc) -o fuzz_dump
 *   ./fuzz_dump -max_len=8192 NEW_DIR tests/fuzz/corpus/dump
 * Replay saved inputs with any compiler (files or directories as arguments):
 *   gcc -D_GNU_SOURCE -DFUPIN_FUZZ_REPLAY_MAIN ... -o replay && ./replay tests/fuzz/corpus/dump
 */
#include "../../indexer/dump.h"
#include "../../indexer/jsonl.h"
#include "../../indexer/plaintext.h"
#include "../../indexer/reader.h"
#include "../../common/status.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "broken: %s (%s:%d)\n", #c, \
                                    __FILE__, __LINE__); abort(); } } while (0)

static void check_fields(const fupin_article *a)
{
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        REQUIRE(a->f[f].ptr != NULL);
}

static void run_jsonl(const uint8_t *data, size_t size)
{
    fupin_reader *r;
    fupin_jsonl *j;
    fupin_article a;
    const char *line;
    size_t len;
    int rc;

    REQUIRE(fupin_reader_open_mem(data, size, &r) == 0);
    REQUIRE(fupin_jsonl_new(&j) == 0);
    while ((rc = fupin_reader_line(r, &line, &len)) == 1) {
        rc = fupin_jsonl_parse(j, line, len, &a);
        REQUIRE(rc == 1 || rc == 0 || rc == FUPIN_EFORMAT);
        check_fields(&a);
        if (rc == 1)
            REQUIRE(a.f[FUPIN_F_TITLE].len > 0 || a.f[FUPIN_F_BODY].len > 0);
        else
            REQUIRE(a.f[FUPIN_F_TITLE].len == 0 && a.f[FUPIN_F_BODY].len == 0);
        REQUIRE((rc < 0) == (fupin_jsonl_errmsg(j)[0] != '\0'));
    }
    REQUIRE(rc == 0);
    fupin_jsonl_free(j);
    fupin_reader_close(r);
}

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void check_text_article(const fupin_article *a, size_t input)
{
    const fupin_str *t = &a->f[FUPIN_F_TITLE], *b = &a->f[FUPIN_F_BODY];
    size_t sum = 0;

    check_fields(a);
    REQUIRE(t->len > 0 && !is_space_byte(t->ptr[0]) && !is_space_byte(t->ptr[t->len - 1]));
    REQUIRE(memchr(t->ptr, '\n', t->len) == NULL);
    REQUIRE(a->f[FUPIN_F_ID].len == 0 && a->f[FUPIN_F_URL].len == 0);
    if (b->len) {
        REQUIRE(b->ptr[0] != '\n' && b->ptr[b->len - 1] != '\n');
        REQUIRE(memmem(b->ptr, b->len, "\n\n", 2) == NULL);
        REQUIRE(memmem(b->ptr, b->len, "\r\n", 2) == NULL && b->ptr[b->len - 1] != '\r');
    }
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        sum += a->f[f].len;
    REQUIRE(sum <= input + 1);
}

static int same_article(const fupin_article *x, const fupin_article *y)
{
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        if (x->f[f].len != y->f[f].len || memcmp(x->f[f].ptr, y->f[f].ptr, x->f[f].len) != 0)
            return 0;
    return 1;
}

static void run_text(const uint8_t *data, size_t size)
{
    fupin_reader *r;
    fupin_plaintext *p, *whole;
    fupin_article a, b;
    const char *line;
    size_t len, articles = 0, separators = 0;
    uint64_t at, last_at = 0, at_whole;
    int rc;

    REQUIRE(fupin_reader_open_mem(data, size, &r) == 0);
    REQUIRE(fupin_plaintext_new(&p) == 0);
    REQUIRE(fupin_plaintext_new(&whole) == 0);
    for (;;) {
        rc = fupin_reader_line(r, &line, &len);
        REQUIRE(rc >= 0);
        if (rc == 1) {
            rc = fupin_plaintext_add_line(p, line, len, fupin_reader_lineno(r));
            REQUIRE(rc == 0 || rc == 1);
            if (rc == 0)
                continue;
            separators++;
        }
        int end = rc == 0;
        rc = fupin_plaintext_take(p, &a, &at);
        REQUIRE(rc == 0 || rc == 1);
        if (rc == 1) {
            check_text_article(&a, size);
            REQUIRE(at >= 1 && at <= fupin_reader_lineno(r) && at > last_at);
            last_at = at;
            articles++;
        }
        if (end)
            break;
    }
    /* Without separators the collected lines are the input minus its BOM. */
    if (separators == 0) {
        size_t skip = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        rc = fupin_plaintext_parse(whole, (const char *)data + skip, size - skip, &b, &at_whole);
        REQUIRE(rc == (articles ? 1 : 0));
        if (rc == 1)
            REQUIRE(same_article(&a, &b) && at_whole == at);
    }
    fupin_plaintext_free(whole);
    fupin_plaintext_free(p);
    fupin_reader_close(r);
}

static char tmpdir[64];

static void remove_tmpdir(void)
{
    if (tmpdir[0])
        rmdir(tmpdir);
}

static void run_dump(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "fuzz.dat", "fuzz.jsonl", "fuzz.txt" };
    char path[128];
    const char *paths[1] = { path };
    fupin_dump *d;
    fupin_article a;
    fupin_dump_pos pos;
    uint64_t total;
    int fd, rc, n = 0;

    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/fuzz_dump-XXXXXX");
        REQUIRE(mkdtemp(tmpdir) != NULL);
        atexit(remove_tmpdir);
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, names[size ? data[0] % 3 : 0]);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(size == 0 || write(fd, data, size) == (ssize_t)size);
    close(fd);

    REQUIRE(fupin_dump_open(paths, 1, &d) == 0);
    REQUIRE(fupin_dump_total_bytes(d, &total) == 0 && total == size);
    while ((rc = fupin_dump_next(d, &a)) != 0) {
        REQUIRE(++n < 1000000);
        check_fields(&a);
        if (rc == 1) {
            REQUIRE(a.f[FUPIN_F_ID].len > 0);
            REQUIRE(fupin_dump_errmsg(d)[0] == '\0');
        } else {
            REQUIRE(rc > FUPIN_STATUS_MIN_ && rc != FUPIN_ENOMEM);
            REQUIRE(strncmp(fupin_dump_errmsg(d), path, strlen(path)) == 0);
        }
        fupin_dump_where(d, &pos);
        REQUIRE(pos.bytes_read <= total);
    }
    fupin_dump_where(d, &pos);
    REQUIRE(pos.files_done == 1 && pos.bytes_read == total);
    fupin_dump_close(d);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_jsonl(data, size);
    run_text(data, size);
    run_dump(data, size);
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
