/* fupin-index - the indexer's command line: options, progress, summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "retrain.h"
#include "stats.h"
#include "../common/status.h"
#include "../common/xap.h"

enum { EXIT_OK = 0, EXIT_SKIPPED = 1, EXIT_USAGE = 2, EXIT_FAILED = 3, EXIT_LOCKED = 4 };

static const char usage[] =
"Usage: fupin-index [OPTION]... PATH...\n"
"       fupin-index --stats [-d DB]\n"
"       fupin-index --retrain-dict [-d DB] [--dict-size N] [--level N]\n"
"Index Chinese article dumps into a fupin (Xapian) database.\n"
"\n"
"PATH is a file or a directory (read recursively).  Formats, by content and\n"
"extension: JSON Lines (.jsonl: id, title, source, date, url, body),\n"
"web pages (.html, .htm, .shtml: one article each, id page:PATH) and\n"
"plain-text articles (.txt: title line, 文章来源/时间 line, byline, body;\n"
"several per file separated by a form feed or a line of =====); files\n"
"ending in .zst or .gz are decompressed on the fly.  Text and pages in\n"
"GBK/GB18030/Big5/UTF-16 are converted (BOM, content, declared charset);\n"
"a file that cannot be decoded is reported and skipped.  An article whose\n"
"id is already in the database replaces it.\n"
"\n"
"Options:\n"
"  -d, --db PATH        database (default: $FUPIN_DB, else ./fupin.db)\n"
"  -j, --jobs N         worker processes (default: number of CPUs)\n"
"      --shards N       a new database of N shards (a directory with a stub)\n"
"      --batch N        articles per commit (default: 500 into a new\n"
"                       database's parts, 2000 into an existing database)\n"
"      --level N        zstd level for stored articles (default 6)\n"
"      --dict-size N    bytes of the trained dictionary of a new database\n"
"                       (default 262144)\n"
"      --final-unigrams new database: index only the last CJK character of\n"
"                       each run, not every one (about 10% smaller; one-\n"
"                       character queries become slower wildcards)\n"
"      --stats          print what the database holds and exit\n"
"      --compact OUT    merge the database (all its shards) into one compact\n"
"                       database at OUT (Xapian's compactor)\n"
"      --retrain-dict   train a new compression dictionary on the stored\n"
"                       articles and rewrite every record with it\n"
"  -q, --quiet          no progress line and no summary\n"
"      --progress       a progress line even when stderr is not a terminal\n"
"  -h, --help           this help\n"
"\n"
"Problems with single records or files are reported as FILE:LINE: WHAT and\n"
"skipped; everything else is indexed and committed.  An id met twice in the\n"
"input is reported and the later copy kept (the earlier counts as skipped).\n"
"Invalid UTF-8 (replaced by U+FFFD) and NUL bytes in the text are reported\n"
"once per file; the articles are indexed and the exit status stays 0.  A\n"
"plain-text file with NUL bytes in its first 8 KB is taken as binary and\n"
"skipped.  Changes are committed every --batch articles: an interrupted run\n"
"keeps what was committed.\n"
"\n"
"Exit status:\n"
"  0  everything was indexed\n"
"  1  indexed, but some records or files were skipped (see messages)\n"
"  2  usage error\n"
"  3  failed: the database could not be opened or written (the last commit stays)\n"
"  4  the database is locked by another indexer\n";

typedef struct ui {
    int progress;
    int quiet;
    int shown;
} ui;

static void human(char *buf, size_t n, double bytes)
{
    if (bytes >= 1e9)
        snprintf(buf, n, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1e6)
        snprintf(buf, n, "%.1f MB", bytes / 1e6);
    else
        snprintf(buf, n, "%.1f KB", bytes / 1e3);
}

static void on_progress(void *ctx, const fupin_ingest_stats *st, int final)
{
    ui *u = ctx;
    char done[32];
    if (final) {
        if (u->shown)
            fputc('\n', stderr);
        if (u->quiet)
            return;
        double mb = st->raw_bytes / 1e6;
        fprintf(stderr, "fupin-index: %llu articles (%llu replaced an earlier version) from %llu "
                "files, %.1f MB of text in %.1f s (%.1f MB/s, %.0f articles/s); stored %.1f MB "
                "(%.1f%% of the text)",
                (unsigned long long)st->articles, (unsigned long long)st->replaced,
                (unsigned long long)st->files, mb, st->seconds,
                st->seconds > 0 ? mb / st->seconds : 0.0,
                st->seconds > 0 ? st->articles / st->seconds : 0.0, st->stored_bytes / 1e6,
                st->raw_bytes ? 100.0 * st->stored_bytes / st->raw_bytes : 0.0);
        if (st->skipped)
            fprintf(stderr, "; %llu skipped", (unsigned long long)st->skipped);
        if (st->utf8_repaired)
            fprintf(stderr, "; %llu invalid UTF-8 sequences replaced by U+FFFD",
                    (unsigned long long)st->utf8_repaired);
        if (st->bad_dates)
            fprintf(stderr, "; %llu dates not understood", (unsigned long long)st->bad_dates);
        fputc('\n', stderr);
        return;
    }
    if (!u->progress)
        return;
    human(done, sizeof done, (double)st->in_done);
    double rate = st->seconds > 0 ? st->in_done / st->seconds : 0;
    fprintf(stderr, "\r%llu files  %llu articles  %s read  %.1f MB/s",
            (unsigned long long)st->files, (unsigned long long)st->articles, done, rate / 1e6);
    if (st->in_total && rate > 0 && st->in_done <= st->in_total) {
        double eta = (st->in_total - st->in_done) / rate;
        fprintf(stderr, "  %3.0f%%  ETA %d:%02d ", 100.0 * st->in_done / st->in_total,
                (int)eta / 60, (int)eta % 60);
    }
    fprintf(stderr, "\x1b[K");
    u->shown = 1;
}

static void on_problem(void *ctx, int status, const char *msg)
{
    ui *u = ctx;
    (void)status;
    if (u->shown) {
        fputs("\r\x1b[K", stderr);
    }
    fprintf(stderr, "fupin-index: %s\n", msg);
}

static int parse_int(const char *s, const char *opt, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "fupin-index: %s wants a number from %ld to %ld, not '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_SHARDS = 256, O_BATCH, O_LEVEL, O_DICT, O_ALLUNI, O_STATS, O_PROGRESS, O_RETRAIN, O_COMPACT };
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' },
        { "jobs", required_argument, 0, 'j' },
        { "shards", required_argument, 0, O_SHARDS },
        { "batch", required_argument, 0, O_BATCH },
        { "level", required_argument, 0, O_LEVEL },
        { "dict-size", required_argument, 0, O_DICT },
        { "final-unigrams", no_argument, 0, O_ALLUNI },
        { "stats", no_argument, 0, O_STATS },
        { "retrain-dict", no_argument, 0, O_RETRAIN },
        { "compact", required_argument, 0, O_COMPACT },
        { "quiet", no_argument, 0, 'q' },
        { "progress", no_argument, 0, O_PROGRESS },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    fupin_ingest_opts o = { 0 };
    ui u = { 0 };
    int stats = 0, retrain = 0, force_progress = 0, c;
    const char *compact = NULL;
    long v;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    o.db = getenv("FUPIN_DB") && *getenv("FUPIN_DB") ? getenv("FUPIN_DB") : "fupin.db";
    o.jobs = ncpu > 0 ? (int)(ncpu > 16 ? 16 : ncpu) : 1;
    while ((c = getopt_long(argc, argv, "d:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'j': if (parse_int(optarg, "--jobs", 1, 64, &v)) return EXIT_USAGE; o.jobs = (int)v; break;
        case O_SHARDS: if (parse_int(optarg, "--shards", 1, 256, &v)) return EXIT_USAGE; o.shards = (int)v; break;
        case O_BATCH: if (parse_int(optarg, "--batch", 1, 1000000, &v)) return EXIT_USAGE; o.batch = (unsigned)v; break;
        case O_LEVEL: if (parse_int(optarg, "--level", 1, 22, &v)) return EXIT_USAGE; o.level = (int)v; break;
        case O_DICT: if (parse_int(optarg, "--dict-size", 4096, 64L << 20, &v)) return EXIT_USAGE; o.dict_size = (size_t)v; break;
        case O_ALLUNI: o.final_unigrams = 1; break;
        case O_STATS: stats = 1; break;
        case O_RETRAIN: retrain = 1; break;
        case O_COMPACT: compact = optarg; break;
        case 'q': u.quiet = 1; break;
        case O_PROGRESS: force_progress = 1; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default:
            fputs("Try 'fupin-index --help'.\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (stats) {
        char eb[512];
        int rc = fupin_stats_print(o.db, stdout, eb, sizeof eb);
        if (rc) {
            fprintf(stderr, "fupin-index: %s\n", eb);
            return rc == FUPIN_ELOCKED ? EXIT_LOCKED : EXIT_FAILED;
        }
        return EXIT_OK;
    }
    if (compact) {
        char *parts[256], eb[1024];
        int n = 0, rc = fupin_ingest_layout(o.db, parts, 256, &n);
        if (rc) {
            fprintf(stderr, "fupin-index: %s: not a fupin database\n", o.db);
            return EXIT_FAILED;
        }
        rc = fupin_xapian_compact((const char *const *)parts, (size_t)n, compact, 1, eb, sizeof eb);
        for (int i = 0; i < n; i++)
            free(parts[i]);
        if (rc) {
            fprintf(stderr, "fupin-index: compacting %s into %s: %s\n", o.db, compact, eb);
            return EXIT_FAILED;
        }
        if (!u.quiet)
            fprintf(stderr, "fupin-index: %s compacted into %s\n", o.db, compact);
        return EXIT_OK;
    }
    if (retrain) {
        char eb[1024] = "";
        fupin_retrain_stats rs;
        int rc = fupin_retrain_run(o.db, o.dict_size, o.level, &rs, eb, sizeof eb);
        if (rc) {
            fprintf(stderr, "fupin-index: %s\n", eb[0] ? eb : fupin_strerror(rc));
            return rc == FUPIN_ELOCKED ? EXIT_LOCKED : EXIT_FAILED;
        }
        if (eb[0])
            fprintf(stderr, "fupin-index: %s\n", eb);
        if (!u.quiet)
            fprintf(stderr, "fupin-index: rewrote %llu records with dictionary %08x (%zu bytes): "
                    "%.1f MB -> %.1f MB\n", (unsigned long long)rs.records, (unsigned)rs.dict_id,
                    rs.dict_size, rs.bytes_before / 1e6, rs.bytes_after / 1e6);
        return EXIT_OK;
    }
    if (optind >= argc) {
        fputs("fupin-index: no PATH to index given\nTry 'fupin-index --help'.\n", stderr);
        return EXIT_USAGE;
    }
    u.progress = !u.quiet && (force_progress || isatty(2));
    o.progress = on_progress;
    o.problem = on_problem;
    o.ctx = &u;

    fupin_ingest_stats st;
    char err[1024];
    int rc = fupin_ingest_run(&o, (const char *const *)argv + optind, (size_t)(argc - optind),
                              &st, err, sizeof err);
    if (rc != 0) {
        if (u.shown)
            fputs("\r\x1b[K", stderr);
        fprintf(stderr, "fupin-index: %s\n", err[0] ? err : fupin_strerror(rc));
        return rc == FUPIN_ELOCKED ? EXIT_LOCKED : EXIT_FAILED;
    }
    return st.skipped ? EXIT_SKIPPED : EXIT_OK;
}
