/* test_limits.c - the searcher's limits, so that no query can take the
 * endpoint down: query length, number of keywords, nesting, the expansion
 * of a 1-character keyword (a wildcard in a --final-unigrams database) and
 * the time limit.  Each must refuse with its own status and a message that
 * says which limit, and the same query must run under the defaults.
 * The database is the bundled corpus/, indexed here with final unigrams.
 */
#include "../indexer/ingest.h"
#include "../searcher/search.h"
#include "../common/status.h"
#include "check.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* Runs q; returns its status, the message in msg. */
static int run(fupin_search *s, const char *q, double time_limit, char *msg, size_t cap)
{
    fupin_search_opts o = { 0 };
    fupin_result *r = NULL;
    int rc;

    o.limit = 10;
    o.time_limit = time_limit;
    rc = fupin_search_run(s, q, strlen(q), &o, &r);
    snprintf(msg, cap, "%s", rc ? fupin_search_errmsg(s) : "");
    CHECK((rc == 0) == (r != NULL), "result iff success (%d)", rc);
    fupin_search_result_free(r);
    return rc;
}

int main(void)
{
    char tmpl[] = "/tmp/fupin-limits-XXXXXX", db[600], err[512], msg[512];
    const char *paths[] = { "corpus" };
    fupin_ingest_opts io = { 0 };
    fupin_search *lo = NULL, *dflt = NULL;
    fupin_search_config cfg = { 0 };
    int rc;

    if (!mkdtemp(tmpl)) {
        CHECK(0, "mkdtemp");
        return TEST_DONE();
    }
    snprintf(db, sizeof db, "%s/db", tmpl);
    io.db = db;
    io.jobs = 1;
    io.final_unigrams = 1;
    rc = fupin_ingest_run(&io, paths, 1, NULL, err, sizeof err);
    CHECK(rc == 0, "index corpus/: %s", err);

    cfg.max_query_bytes = 100;
    cfg.max_terms = 3;
    cfg.max_expansion = 2;
    CHECK(fupin_search_open(db, &cfg, &lo, err, sizeof err) == 0, "open with low limits: %s", err);
    CHECK(fupin_search_open(db, NULL, &dflt, err, sizeof err) == 0, "open with defaults: %s", err);
    if (!lo || !dflt)
        goto done;

    /* length: 101 bytes */
    char longq[200];
    memset(longq, 'a', 101);
    longq[101] = '\0';
    rc = run(lo, longq, 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "101 bytes") && strstr(msg, "limit is 100"),
          "101-byte query: %d '%s'", rc, msg);
    longq[100] = '\0';
    rc = run(lo, longq, 0, msg, sizeof msg);
    CHECK(rc == 0, "100-byte query runs: %d '%s'", rc, msg);
    /* the default limit, 4096 bytes */
    char *huge = malloc(5001);
    memset(huge, 'b', 5000);
    huge[5000] = '\0';
    rc = run(dflt, huge, 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "limit is 4096"), "5000 bytes, defaults: %d '%s'", rc, msg);
    free(huge);

    /* keywords: 4 over a limit of 3; 33 over the default 32 */
    rc = run(lo, "扶贫 驻村 车间 茶叶", 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "more than 3 keywords"), "4 keywords: %d '%s'", rc, msg);
    rc = run(lo, "扶贫 驻村 车间", 0, msg, sizeof msg);
    CHECK(rc == 0, "3 keywords run: %d '%s'", rc, msg);
    char many[600] = "";
    for (int i = 0; i < 33; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "w%d ", i);
    rc = run(dflt, many, 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "more than 32 keywords"), "33 keywords: %d '%s'", rc, msg);

    /* nesting */
    char deep[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "(");
    strcat(deep, "扶贫");
    rc = run(dflt, deep, 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "nested deeper"), "40 parentheses: %d '%s'", rc, msg);

    /* a 1-character keyword expands to every indexed pair it starts */
    rc = run(lo, "扶", 0, msg, sizeof msg);
    CHECK(rc == FUPIN_ELIMIT && strstr(msg, "1-character keyword") &&
          strstr(msg, "limit 2"),
          "1-character keyword over 2 expansions: %d '%s'", rc, msg);
    printf("1-character keyword over the limit: %s\n", msg);
    rc = run(dflt, "扶", 0, msg, sizeof msg);
    CHECK(rc == 0, "the same under the default limit: %d '%s'", rc, msg);

    /* time: a limit no search can keep */
    rc = run(dflt, "扶贫", 1e-9, msg, sizeof msg);
    CHECK(rc == FUPIN_ETIMEOUT && strstr(msg, "time limit"), "1 ns limit: %d '%s'", rc, msg);
    rc = run(dflt, "\"扶贫车间\"", 1e-9, msg, sizeof msg);
    CHECK(rc == FUPIN_ETIMEOUT && strstr(msg, "time limit"), "1 ns limit, verified phrase: %d '%s'", rc, msg);
    rc = run(dflt, "扶贫", 0, msg, sizeof msg);
    CHECK(rc == 0, "no limit: %d '%s'", rc, msg);

done:
    fupin_search_close(lo);
    fupin_search_close(dflt);
    nftw(tmpl, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return TEST_DONE();
}
