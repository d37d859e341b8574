/* fupin-search - the searcher's command line, a thin layer over search.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render.h"
#include "search.h"
#include "snippet.h"
#include "../common/status.h"

enum { EXIT_OK = 0, EXIT_NOMATCH = 1, EXIT_USAGE = 2, EXIT_FAILED = 3 };

static const char usage[] =
"Usage: fupin-search [OPTION]... QUERY...\n"
"       fupin-search --show ID | --batch | --count QUERY...\n"
"Search a fupin database.  The words of QUERY are joined with spaces.\n"
"\n"
"Query language:\n"
"  驻村 第一书记          all keywords (AND); a Chinese keyword matches exactly\n"
"                         that run of characters\n"
"  \"脱贫攻坚 战\"          exact phrase (may mix scripts)\n"
"  扶贫 OR 脱贫           either;   -疫情, NOT 疫情: without\n"
"  ( ... )                grouping\n"
"  title:扶贫 source:人民日报   a keyword in one field\n"
"  date:2019  date:2019-01..2019-06  date:2020-05-01..   a date range\n"
"Full-width letters and digits, and traditional characters typed as such,\n"
"are normalised like the articles.\n"
"\n"
"Options:\n"
"  -d, --db PATH        database (default: $FUPIN_DB, else ./fupin.db)\n"
"  -n, --limit N        hits to show (default 10; 0 = all)\n"
"      --offset K       skip the first K hits\n"
"      --sort KEY       relevance (default), date (newest first), date-asc\n"
"      --from DATE      only articles from DATE (YYYY, YYYY-MM, YYYY-MM-DD)\n"
"      --to DATE        only articles up to DATE\n"
"      --source NAME    only articles of this source (exact, as in facets)\n"
"      --facets         count matches per source and year\n"
"      --exact-total    verify every candidate so the total is exact\n"
"      --no-collapse    show every reprint of a story as its own hit (by\n"
"                       default reprints collapse into one hit that says how\n"
"                       many similar copies matched)\n"
"      --json           one JSON document: {query,total,offset,hits:[{rank,id,\n"
"                       score,title,date,source,url,snippet,copies}]}\n"
"      --no-snippets    hits without snippets (ids, titles, dates: cheaper)\n"
"      --ids-only       hits with their ids only (rank, id, score): reads no\n"
"                       stored text except to verify; the cheapest page\n"
"      --count          print the exact number of matching articles\n"
"      --show ID        print the stored article ID and list its reprints\n"
"                       (ids, dates, sources, titles; with --json: as JSON)\n"
"      --batch          read one query per line from stdin, write one JSON\n"
"                       line per query (with took_ms), in one warm process\n"
"      --timeout SEC    give up a query after SEC seconds (default 10)\n"
"      --bm25 K1,B      BM25 parameters (default 1,0: no length normalisation,\n"
"                       the fastest; 1,0.5 is Xapian's default; see README)\n"
"  -h, --help           this help\n"
"\n"
"Exit status: 0 hits found (or article shown), 1 no match (or no such\n"
"article), 2 usage or query error, 3 the database could not be read.\n";

typedef struct cli {
    fupin_search *s;
    fupin_search_opts o;
    int json, count, tty;
    const char *db;
} cli;

static void print_text(const fupin_result *r, int tty, int ids)
{
    const char *b = tty ? "\x1b[1m" : "", *e = tty ? "\x1b[0m" : "";
    printf("%s%u%s article%s%s (%.1f ms)\n", b, (unsigned)r->total, r->total_exact ? "" : " (about)",
           r->total == 1 ? "" : "s", e, r->took_ms);
    for (size_t i = 0; ids && i < r->nhits; i++)
        printf("%u. %s  score %.3f\n", (unsigned)r->hits[i].rank, r->hits[i].id, r->hits[i].score);
    for (size_t i = 0; !ids && i < r->nhits; i++) {
        const fupin_hit *h = &r->hits[i];
        printf("\n%u. %s%s%s\n   %s  %s  %s  score %.3f\n", (unsigned)h->rank, b, h->title, e,
               h->date, h->source, h->id, h->score);
        if (h->snippet)
            printf("   %s\n", h->snippet);
        if (h->copies)
            printf("   + %u similar cop%s (fupin-search --show %s)\n", (unsigned)h->copies,
                   h->copies == 1 ? "y" : "ies", h->id);
    }
    if (r->nsources || r->nyears) {
        printf("\nsources:");
        for (size_t i = 0; i < r->nsources && i < 20; i++)
            printf("  %s (%u)", r->sources[i].value, (unsigned)r->sources[i].count);
        printf("\nyears:  ");
        for (size_t i = 0; i < r->nyears; i++)
            printf("  %s (%u)", r->years[i].value, (unsigned)r->years[i].count);
        printf("%s\n", r->facets_exact ? "" : "\n(facet counts include unverified candidates)");
    }
}

static int do_query(cli *c, const char *q, size_t len, int batch)
{
    fupin_result *r = NULL;
    fupin_search_opts o = c->o;
    if (c->count) {
        o.exact_total = 1;
        o.limit = 1;
        o.no_snippets = 1;
        o.ids_only = 1;
    }
    int rc = fupin_search_run(c->s, q, len, &o, &r);
    if (rc != 0) {
        if (batch || c->json) {
            char *j = fupin_render_json_error(q, len, fupin_search_errmsg(c->s), rc);
            printf("%s\n", j ? j : "{}");
            free(j);
        }
        if (!batch)
            fprintf(stderr, "fupin-search: %s\n", fupin_search_errmsg(c->s));
        return rc == FUPIN_ESYNTAX || rc == FUPIN_ELIMIT || rc == FUPIN_EINVAL ? EXIT_USAGE : EXIT_FAILED;
    }
    if (c->count && !c->json && !batch) {
        printf("%u\n", (unsigned)r->total);
    } else if (c->json || batch) {
        char *j = fupin_render_json(q, len, r, c->o.facets);
        if (!j) {
            fupin_search_result_free(r);
            fprintf(stderr, "fupin-search: out of memory\n");
            return EXIT_FAILED;
        }
        printf("%s\n", j);
        free(j);
    } else {
        print_text(r, c->tty, c->o.ids_only);
    }
    int found = r->total > 0;
    fupin_search_result_free(r);
    return found ? EXIT_OK : EXIT_NOMATCH;
}

static int do_show(cli *c, const char *id)
{
    fupin_article a;
    fupin_result *copies = NULL;
    /* Copies first: the article's fields point into the searcher only
     * until its next call. */
    int rc = fupin_search_copies(c->s, id, strlen(id), &copies);
    if (rc == 0)
        rc = fupin_search_article(c->s, id, strlen(id), &a);
    if (rc != 0) {
        fprintf(stderr, "fupin-search: %s\n", fupin_search_errmsg(c->s));
        fupin_search_result_free(copies);
        return rc == FUPIN_ENOTFOUND ? EXIT_NOMATCH : EXIT_FAILED;
    }
    if (c->json) {
        char *j = fupin_render_json_show(&a, copies);
        printf("%s\n", j ? j : "{}");
        free(j);
        fupin_search_result_free(copies);
        return EXIT_OK;
    }
    static const char *const labels[FUPIN_F_COUNT] = {
        "id", "title", "source", "date", "url", "byline", "body" };
    for (int f = 0; f < FUPIN_F_BODY; f++)
        if (a.f[f].len)
            printf("%-7s %.*s\n", labels[f], (int)a.f[f].len, a.f[f].ptr);
    printf("\n");
    fwrite(a.f[FUPIN_F_BODY].ptr, 1, a.f[FUPIN_F_BODY].len, stdout);
    printf("\n");
    if (copies->nhits > 1) {
        printf("\n%zu similar cop%s (reprints):\n", copies->nhits - 1,
               copies->nhits == 2 ? "y" : "ies");
        for (size_t i = 0; i < copies->nhits; i++) {
            const fupin_hit *h = &copies->hits[i];
            if (strcmp(h->id, id) != 0)
                printf("  %s  %s  %s  %s\n", h->id, h->date, h->source, h->title);
        }
    }
    fupin_search_result_free(copies);
    return EXIT_OK;
}

static int do_batch(cli *c)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int worst = EXIT_OK;
    while ((n = getline(&line, &cap, stdin)) != -1) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        int rc = do_query(c, line, (size_t)n, 1);
        if (rc > worst && rc != EXIT_NOMATCH)
            worst = rc;
        fflush(stdout);
    }
    free(line);
    return worst;
}

static int parse_u32(const char *s, const char *opt, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end != '\0' || v > 1000000000ul) {
        fprintf(stderr, "fupin-search: %s wants a whole number, not '%s'\n", opt, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_OFFSET = 256, O_SORT, O_FROM, O_TO, O_SOURCE, O_FACETS, O_EXACT, O_JSON,
           O_COUNT, O_SHOW, O_BATCH, O_TIMEOUT, O_NO_COLLAPSE, O_BM25, O_NO_SNIPPETS,
           O_IDS_ONLY };
    static const struct option longopts[] = {
        { "db", required_argument, 0, 'd' }, { "limit", required_argument, 0, 'n' },
        { "offset", required_argument, 0, O_OFFSET }, { "sort", required_argument, 0, O_SORT },
        { "from", required_argument, 0, O_FROM }, { "to", required_argument, 0, O_TO },
        { "source", required_argument, 0, O_SOURCE }, { "facets", no_argument, 0, O_FACETS },
        { "exact-total", no_argument, 0, O_EXACT }, { "json", no_argument, 0, O_JSON },
        { "count", no_argument, 0, O_COUNT }, { "show", required_argument, 0, O_SHOW },
        { "batch", no_argument, 0, O_BATCH }, { "timeout", required_argument, 0, O_TIMEOUT },
        { "no-collapse", no_argument, 0, O_NO_COLLAPSE }, { "bm25", required_argument, 0, O_BM25 },
        { "no-snippets", no_argument, 0, O_NO_SNIPPETS },
        { "ids-only", no_argument, 0, O_IDS_ONLY },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
    };
    cli c = { 0 };
    fupin_search_config cfg = { 0 };
    const char *show = NULL;
    int batch = 0, ch, rc;
    char err[1024];

    c.db = getenv("FUPIN_DB") && *getenv("FUPIN_DB") ? getenv("FUPIN_DB") : "fupin.db";
    c.o.limit = 10;
    c.o.time_limit = 10;
    while ((ch = getopt_long(argc, argv, "d:n:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': c.db = optarg; break;
        case 'n': if (parse_u32(optarg, "--limit", &c.o.limit)) return EXIT_USAGE; break;
        case O_OFFSET: if (parse_u32(optarg, "--offset", &c.o.offset)) return EXIT_USAGE; break;
        case O_SORT:
            if (strcmp(optarg, "relevance") == 0) c.o.sort = FUPIN_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0) c.o.sort = FUPIN_SORT_DATE_DESC;
            else if (strcmp(optarg, "date-asc") == 0) c.o.sort = FUPIN_SORT_DATE_ASC;
            else { fprintf(stderr, "fupin-search: --sort is relevance, date or date-asc\n"); return EXIT_USAGE; }
            break;
        case O_FROM: c.o.date_from = optarg; break;
        case O_TO: c.o.date_to = optarg; break;
        case O_SOURCE: c.o.source = optarg; break;
        case O_FACETS: c.o.facets = 1; break;
        case O_EXACT: c.o.exact_total = 1; break;
        case O_JSON: c.json = 1; break;
        case O_COUNT: c.count = 1; break;
        case O_SHOW: show = optarg; break;
        case O_BATCH: batch = 1; break;
        case O_TIMEOUT: c.o.time_limit = atof(optarg); break;
        case O_NO_COLLAPSE: c.o.no_collapse = 1; break;
        case O_NO_SNIPPETS: c.o.no_snippets = 1; break;
        case O_IDS_ONLY: c.o.ids_only = 1; break;
        case O_BM25: {
            char *end;
            cfg.k1 = strtod(optarg, &end);
            if (*end == ',')
                cfg.b = strtod(end + 1, &end);
            if (*end || !(cfg.k1 > 0 && cfg.k1 <= 10) || !(cfg.b >= 0 && cfg.b <= 1)) {
                fprintf(stderr, "fupin-search: --bm25 wants K1,B with 0 < K1 <= 10 and 0 <= B <= 1, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: fputs("Try 'fupin-search --help'.\n", stderr); return EXIT_USAGE;
        }
    }
    c.tty = isatty(1);
    c.o.snippet_style = c.json || batch ? FUPIN_SNIPPET_HTML
                      : c.tty ? FUPIN_SNIPPET_ANSI : FUPIN_SNIPPET_BRACKETS;
    if (!show && !batch && optind >= argc) {
        fputs("fupin-search: no QUERY given\nTry 'fupin-search --help'.\n", stderr);
        return EXIT_USAGE;
    }
    if ((rc = fupin_search_open(c.db, &cfg, &c.s, err, sizeof err)) != 0) {
        fprintf(stderr, "fupin-search: cannot open database %s: %s\n", c.db, err);
        return EXIT_FAILED;
    }
    if (show) {
        rc = do_show(&c, show);
    } else if (batch) {
        rc = do_batch(&c);
    } else {
        size_t len = 0;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *q = malloc(len + 1), *p = q;
        if (!q) {
            fupin_search_close(c.s);
            return EXIT_FAILED;
        }
        for (int i = optind; i < argc; i++)
            p += sprintf(p, i > optind ? " %s" : "%s", argv[i]);
        rc = do_query(&c, q, (size_t)(p - q), 0);
        free(q);
    }
    fupin_search_close(c.s);
    return rc;
}
