/* dump_bench.c - how fast the dump reader turns files into articles.
 *
 *   build/tools/dump_bench [PATH...]      (default: $FUPIN_SHARED/corpus/news)
 *
 * Pass 1 only decompresses and splits lines (reader.c) to learn the size of
 * the decompressed input; pass 2 runs the whole dump (JSON or plain-text
 * parsing included).  Rates are MB (10^6 bytes) of decompressed input per
 * second of CPU time, which stays meaningful on a busy machine, and of wall
 * time.
 */
#include "../../indexer/dump.h"
#include "../../indexer/reader.h"
#include "../../common/status.h"

#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Decompressed bytes of path (a file, or the files directly in a dir). */
static uint64_t raw_bytes(const char *path)
{
    struct stat st;
    uint64_t sum = 0;

    if (stat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        char pattern[4096];
        glob_t g;
        snprintf(pattern, sizeof pattern, "%s/*", path);
        if (glob(pattern, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++)
                sum += raw_bytes(g.gl_pathv[i]);
            globfree(&g);
        }
        return sum;
    }
    fupin_reader *r;
    const char *line;
    size_t len;
    if (fupin_reader_open(path, &r) < 0)
        return 0;
    while (fupin_reader_line(r, &line, &len) == 1)
        ;
    sum = fupin_reader_bytes_out(r);
    fupin_reader_close(r);
    return sum;
}

int main(int argc, char **argv)
{
    char def[4096];
    const char *shared = getenv("FUPIN_SHARED");
    const char *const *paths = (const char *const *)argv + 1;
    size_t n = (size_t)argc - 1;
    const char *one[1];
    uint64_t raw = 0, total = 0, articles = 0, errors = 0, text = 0;
    double c0, w0, c1, w1, c2, w2;
    fupin_dump *d;
    fupin_article a;
    int rc;

    if (n == 0) {
        snprintf(def, sizeof def, "%s/corpus/news", shared && *shared ? shared : "../shared");
        one[0] = def;
        paths = one;
        n = 1;
    }
    c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    w0 = now(CLOCK_MONOTONIC);
    for (size_t i = 0; i < n; i++)
        raw += raw_bytes(paths[i]);
    c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    w1 = now(CLOCK_MONOTONIC);

    if (fupin_dump_open(paths, n, &d) < 0 || fupin_dump_total_bytes(d, &total) < 0) {
        fprintf(stderr, "dump_bench: cannot open the dump\n");
        return 1;
    }
    while ((rc = fupin_dump_next(d, &a)) != 0) {
        if (rc < 0) {
            if (errors++ < 5)
                fprintf(stderr, "%s\n", fupin_dump_errmsg(d));
            continue;
        }
        articles++;
        text += a.f[FUPIN_F_TITLE].len + a.f[FUPIN_F_BODY].len;
    }
    fupin_dump_close(d);
    c2 = now(CLOCK_PROCESS_CPUTIME_ID);
    w2 = now(CLOCK_MONOTONIC);

    double mb = (double)raw / 1e6;
    printf("input        %.1f MB on disk, %.1f MB decompressed, %" PRIu64 " articles, %" PRIu64
           " errors, %.1f MB title+body\n", (double)total / 1e6, mb, articles, errors, (double)text / 1e6);
    printf("%-12s %8s %8s %10s %10s\n", "pass", "cpu s", "wall s", "MB/s cpu", "MB/s wall");
    printf("%-12s %8.2f %8.2f %10.1f %10.1f\n", "read+split", c1 - c0, w1 - w0, mb / (c1 - c0), mb / (w1 - w0));
    printf("%-12s %8.2f %8.2f %10.1f %10.1f\n", "dump", c2 - c1, w2 - w1, mb / (c2 - c1), mb / (w2 - w1));
    return 0;
}
