/* test_xap.c - the Xapian shim (xap.h) driven from C.
 *
 * Builds two small glass databases in a temporary directory, then checks the
 * write side (replace by id term, delete, metadata), the read side, every
 * query constructor, enquire (BM25, sorting, facets, paging), the error
 * mapping (missing database, second writer, wildcard limit, dead remote),
 * stub files, compaction, and a remote shard served by xapian-tcpsrv.
 */
#include "../common/xap.h"
#include "../common/status.h"
#include "check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S(lit) lit, sizeof(lit) - 1

enum { SLOT_DATE = 0, SLOT_SRC = 1, SLOT_NUM = 2 };

struct tw {
    const char *t;
    unsigned wdf;
};

static char base[256];

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", base, name);
}

static int put(fupin_xwdb *w, fupin_xdoc *d, const char *id, const struct tw *terms,
               const char *src, const char *date, const char *data, size_t dlen)
{
    int rc;
    char sterm[64];
    fupin_xdoc_clear(d);
    for (; terms && terms->t; terms++)
        if ((rc = fupin_xdoc_add_term(d, terms->t, strlen(terms->t), terms->wdf)))
            return rc;
    snprintf(sterm, sizeof sterm, "S%s", src);
    if ((rc = fupin_xdoc_add_boolean_term(d, id, strlen(id))) ||
        (rc = fupin_xdoc_add_boolean_term(d, sterm, strlen(sterm))) ||
        (rc = fupin_xdoc_set_value(d, SLOT_DATE, date, strlen(date))) ||
        (rc = fupin_xdoc_set_value(d, SLOT_SRC, src, strlen(src))) ||
        (rc = fupin_xdoc_set_data(d, data, dlen)))
        return rc;
    return fupin_xwdb_replace_document(w, id, strlen(id), d);
}

static fupin_docid idof(fupin_xdb *db, const char *idterm)
{
    fupin_docid id = 0;
    if (fupin_xdb_find_term(db, idterm, strlen(idterm), &id))
        return 0;
    return id;
}

/* Runs q on e; fills ids (up to 16) and returns the mset size or a status. */
static int run(fupin_xenquire *e, fupin_xquery *q, fupin_docid *ids, uint32_t *est)
{
    fupin_xmset *m = NULL;
    int rc;
    if (!q)
        return FUPIN_ENOMEM;
    if ((rc = fupin_xenquire_set_query(e, q)) ||
        (rc = fupin_xenquire_get_mset(e, 0, 16, 1000, &m)))
        return rc;
    int n = (int)fupin_xmset_size(m);
    for (int i = 0; i < n && ids; i++)
        ids[i] = fupin_xmset_docid(m, (uint32_t)i);
    if (est)
        *est = fupin_xmset_matches_estimated(m);
    fupin_xmset_free(m);
    return n;
}

/* Runs q (and frees it); returns the number of matches or a status. */
static int count(fupin_xenquire *e, fupin_xquery *q)
{
    int n = run(e, q, NULL, NULL);
    fupin_xquery_free(q);
    return n;
}

struct collect {
    char buf[512];
    size_t n, stop_after;
};

static int collect_cb(void *ctx, const char *t, size_t len, uint32_t freq)
{
    struct collect *c = ctx;
    size_t used = strlen(c->buf);
    snprintf(c->buf + used, sizeof c->buf - used, "%.*s=%u ", (int)len, t, (unsigned)freq);
    c->n++;
    return c->stop_after && c->n == c->stop_after ? 42 : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int can_connect(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* A loopback socket that listens but never answers: connect succeeds (the
 * kernel completes the handshake) and then the client waits for a greeting
 * that never comes.  Returns the fd and sets *port. */
static int listen_silent(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8) ||
        getsockname(fd, (struct sockaddr *)&a, &len)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Starts xapian-tcpsrv on dbpath; returns its pid once it accepts, or -1. */
static pid_t start_tcpsrv(const char *dbpath, int port)
{
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        /* xapian-tcpsrv answers SIGTERM with kill(0, SIGTERM): give it its
         * own process group so that it does not take the test down too. */
        setpgid(0, 0);
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 1);
            dup2(nul, 2);
        }
        execlp("xapian-tcpsrv", "xapian-tcpsrv", "--port", ps, "--interface", "127.0.0.1",
               dbpath, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    for (int i = 0; i < 200; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        if (can_connect(port))
            return pid;
        usleep(50000);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* ---------------------------------------------------------------- */

static void test_write(void)
{
    char pa[300], pb[300], errbuf[256];
    fupin_xwdb *w = NULL, *w2 = (fupin_xwdb *)1;
    fupin_xdoc *d = NULL;
    int rc, yes = -1;
    uint32_t n = 0;

    path_of(pa, sizeof pa, "a");
    path_of(pb, sizeof pb, "b");
    CHECK(fupin_xdoc_new(&d) == 0 && d, "xdoc_new");
    rc = fupin_xwdb_open(pa, FUPIN_XWDB_CREATE, errbuf, sizeof errbuf, &w);
    CHECK(rc == 0 && w, "create a: %d %s", rc, errbuf);
    if (!w || !d)
        return;

    /* Second writer on the same path. */
    rc = fupin_xwdb_open(pa, FUPIN_XWDB_CREATE_OR_OPEN, errbuf, sizeof errbuf, &w2);
    CHECK(rc == FUPIN_ELOCKED && w2 == NULL, "second writer: %d", rc);
    CHECK(strstr(errbuf, "Lock") != NULL, "lock message: %s", errbuf);

    /* An empty term is an invalid argument. */
    rc = fupin_xdoc_add_term(d, "", 0, 1);
    CHECK(rc == FUPIN_EINVAL, "empty term: %d", rc);
    CHECK(fupin_xdoc_errmsg(d)[0] != '\0', "empty term message");

    struct tw t1[] = {{"apple", 3}, {"banana", 1}, {NULL, 0}};
    struct tw t2[] = {{"apple", 1}, {"cherry", 2}, {NULL, 0}};
    struct tw t3[] = {{"banana", 2}, {"cherry", 1}, {"apricot", 1}, {NULL, 0}};
    struct tw t4[] = {{"date", 1}, {NULL, 0}};
    struct tw t2b[] = {{"apple", 1}, {"cherry", 2}, {"elder", 1}, {NULL, 0}};
    CHECK(put(w, d, "Q1", t1, "xinhua", "202101010000", S("doc one")) == 0, "put Q1");
    CHECK(put(w, d, "Q2", t2, "people", "202203150000", S("doc two")) == 0, "put Q2");
    CHECK(put(w, d, "Q3", t3, "xinhua", "202012310000", S("three\0with\0nul")) == 0, "put Q3");
    CHECK(put(w, d, "Q4", t4, "gov", "202306010000", S("doc four")) == 0, "put Q4");
    CHECK(fupin_xwdb_get_doccount(w, &n) == 0 && n == 4, "doccount 4: %u", n);
    /* Replacing by id term keeps the count. */
    CHECK(put(w, d, "Q2", t2b, "people", "202203150000", S("doc two v2")) == 0, "replace Q2");
    CHECK(fupin_xwdb_get_doccount(w, &n) == 0 && n == 4, "doccount after replace: %u", n);
    CHECK(fupin_xwdb_term_exists(w, S("elder"), &yes) == 0 && yes == 1, "elder exists");
    CHECK(fupin_xwdb_delete_document(w, S("Q4")) == 0, "delete Q4");
    CHECK(fupin_xwdb_delete_document(w, S("Qnone")) == 0, "delete absent");
    CHECK(fupin_xwdb_get_doccount(w, &n) == 0 && n == 3, "doccount after delete: %u", n);
    CHECK(fupin_xwdb_term_exists(w, S("date"), &yes) == 0 && yes == 0, "date gone");

    /* Metadata, including binary values and an absent key. */
    char *val = (char *)1;
    size_t vlen = 99;
    CHECK(fupin_xwdb_set_metadata(w, "k1", S("v1")) == 0, "set k1");
    CHECK(fupin_xwdb_set_metadata(w, "bin", S("a\0b\0c")) == 0, "set bin");
    rc = fupin_xwdb_get_metadata(w, "k1", &val, &vlen);
    CHECK(rc == 0 && vlen == 2 && strcmp(val, "v1") == 0, "get k1");
    free(val);
    rc = fupin_xwdb_get_metadata(w, "bin", &val, &vlen);
    CHECK(rc == 0 && vlen == 5 && memcmp(val, "a\0b\0c", 6) == 0, "get bin");
    free(val);
    rc = fupin_xwdb_get_metadata(w, "absent", &val, &vlen);
    CHECK(rc == 0 && val && vlen == 0 && val[0] == '\0', "absent key");
    free(val);
    /* A value over 64 KiB goes into chunks and comes back whole, exactly;
     * a smaller value written over it removes the chunks. */
    {
        size_t big = 3 * 65536 + 17;
        char *b = malloc(big);
        CHECK(b != NULL, "malloc");
        for (size_t i = 0; b && i < big; i++)
            b[i] = (char)(i * 7919 % 251);
        CHECK(b && fupin_xwdb_set_metadata(w, "big", b, big) == 0, "set big");
        rc = fupin_xwdb_get_metadata(w, "big", &val, &vlen);
        CHECK(rc == 0 && vlen == big && b && memcmp(val, b, big) == 0 && val[big] == '\0',
              "get big: %d %zu", rc, vlen);
        free(val);
        rc = fupin_xwdb_get_metadata(w, "big#3", &val, &vlen);
        CHECK(rc == 0 && vlen == 17, "fourth chunk holds the tail: %zu", vlen);
        free(val);
        CHECK(fupin_xwdb_set_metadata(w, "big2", b, big) == 0, "set big2");
        CHECK(fupin_xwdb_set_metadata(w, "big2", S("small")) == 0, "overwrite big2");
        rc = fupin_xwdb_get_metadata(w, "big2", &val, &vlen);
        CHECK(rc == 0 && vlen == 5 && !strcmp(val, "small"), "big2 now small");
        free(val);
        rc = fupin_xwdb_get_metadata(w, "big2#0", &val, &vlen);
        CHECK(rc == 0 && vlen == 0, "big2's chunks removed: %zu", vlen);
        free(val);
        /* a lost chunk is an error, never a short value */
        CHECK(fupin_xwdb_set_metadata(w, "big2", b, big) == 0, "set big2 again");
        CHECK(fupin_xwdb_set_metadata(w, "big2#1", "", 0) == 0, "drop a chunk");
        val = NULL;
        rc = fupin_xwdb_get_metadata(w, "big2", &val, &vlen);
        CHECK(rc == FUPIN_ECORRUPT && val == NULL, "missing chunk: %d", rc);
        CHECK(strstr(fupin_xwdb_errmsg(w), "big2") != NULL, "message: %s", fupin_xwdb_errmsg(w));
        free(b);
    }
    rc = fupin_xwdb_set_metadata(w, "", S("x"));
    CHECK(rc == FUPIN_EINVAL, "empty metadata key: %d", rc);
    CHECK(strstr(fupin_xwdb_errmsg(w), "InvalidArgumentError") != NULL, "message: %s",
          fupin_xwdb_errmsg(w));
    CHECK(fupin_xwdb_commit(w) == 0, "commit");
    CHECK(fupin_xwdb_close(w) == 0, "close a");
    CHECK(fupin_xwdb_close(NULL) == 0, "close NULL");

    /* Opening modes. */
    rc = fupin_xwdb_open(pa, FUPIN_XWDB_CREATE, errbuf, sizeof errbuf, &w);
    CHECK(rc != 0 && w == NULL && errbuf[0], "CREATE on existing: %d", rc);
    rc = fupin_xwdb_open(pb, FUPIN_XWDB_OPEN, errbuf, sizeof errbuf, &w);
    CHECK(rc == FUPIN_EDBOPEN && w == NULL, "OPEN on missing: %d %s", rc, errbuf);
    rc = fupin_xwdb_open(pb, 17, NULL, 0, &w);
    CHECK(rc == FUPIN_EINVAL && w == NULL, "bad mode: %d", rc);

    /* b: 60 documents for shards, paging and compaction. */
    rc = fupin_xwdb_open(pb, FUPIN_XWDB_CREATE_OR_OVERWRITE, errbuf, sizeof errbuf, &w);
    CHECK(rc == 0, "create b: %s", errbuf);
    for (int i = 1; rc == 0 && i <= 60; i++) {
        char id[16], date[16];
        struct tw t[4] = {{"common", 1}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
        int k = 1;
        if (i % 2 == 0)
            t[k++] = (struct tw){"even", 1};
        if (i % 3 == 0)
            t[k++] = (struct tw){"three", 1};
        snprintf(id, sizeof id, "Qb%d", i);
        snprintf(date, sizeof date, "2019%02d010000", i % 12 + 1);
        rc = put(w, d, id, t, i % 4 ? "sina" : "gov", date, id, strlen(id));
    }
    CHECK(rc == 0, "fill b");
    CHECK(fupin_xwdb_close(w) == 0, "close b");
    fupin_xdoc_free(d);
    fupin_xdoc_free(NULL);
}

static void test_read(void)
{
    char pa[300], errbuf[256];
    fupin_xdb *db = NULL;
    uint32_t n = 0;
    const char *p;
    size_t len;
    int rc;

    path_of(pa, sizeof pa, "a");
    rc = fupin_xdb_open(pa, 0, errbuf, sizeof errbuf, &db);
    CHECK(rc == 0 && db, "open a: %s", errbuf);
    if (!db)
        return;
    CHECK(fupin_xdb_get_doccount(db, &n) == 0 && n == 3, "doccount %u", n);
    CHECK(fupin_xdb_get_termfreq(db, S("apple"), &n) == 0 && n == 2, "tf apple %u", n);
    CHECK(fupin_xdb_get_termfreq(db, S("date"), &n) == 0 && n == 0, "tf date %u", n);
    CHECK(fupin_xdb_get_termfreq(db, S("Sxinhua"), &n) == 0 && n == 2, "tf Sxinhua %u", n);
    fupin_docid q1 = idof(db, "Q1"), q3 = idof(db, "Q3"), id = 7;
    CHECK(q1 == 1 && q3 == 3, "find_term %u %u", q1, q3);
    rc = fupin_xdb_find_term(db, S("Q4"), &id);
    CHECK(rc == FUPIN_ENOTFOUND && id == 0, "Q4 deleted: %d", rc);
    CHECK(fupin_xdb_get_data(db, q1, &p, &len) == 0 && len == 7 && memcmp(p, "doc one", 7) == 0,
          "data Q1");
    CHECK(fupin_xdb_get_data(db, q3, &p, &len) == 0 && len == 14 &&
              memcmp(p, "three\0with\0nul", 14) == 0, "data Q3 with NULs");
    CHECK(fupin_xdb_get_data(db, idof(db, "Q2"), &p, &len) == 0 && len == 10, "data Q2 replaced");
    rc = fupin_xdb_get_data(db, 0, &p, &len);
    CHECK(rc == FUPIN_EINVAL && p == NULL, "docid 0: %d", rc);
    rc = fupin_xdb_get_data(db, 999, &p, &len);
    CHECK(rc == FUPIN_ENOTFOUND && p == NULL, "data 999: %d", rc);
    CHECK(strstr(fupin_xdb_errmsg(db), "DocNotFoundError") != NULL, "msg %s", fupin_xdb_errmsg(db));
    CHECK(fupin_xdb_get_value(db, q1, SLOT_DATE, &p, &len) == 0 && len == 12 &&
              memcmp(p, "202101010000", 12) == 0, "value date");
    CHECK(fupin_xdb_get_value(db, q1, 7, &p, &len) == 0 && len == 0 && p, "unset value");
    CHECK(fupin_xdb_get_value(db, 999, SLOT_DATE, &p, &len) == 0 && len == 0, "unknown docid: no value");
    char *val = NULL;
    CHECK(fupin_xdb_get_metadata(db, "k1", &val, &len) == 0 && len == 2 && !strcmp(val, "v1"),
          "reader metadata");
    free(val);
    CHECK(fupin_xdb_get_metadata(db, "big", &val, &len) == 0 && len == 3 * 65536 + 17 &&
              (unsigned char)val[65536] == 65536u * 7919 % 251, "reader big metadata: %zu", len);
    free(val);

    struct collect c = {{0}, 0, 0};
    CHECK(fupin_xdb_allterms(db, S("a"), 0, collect_cb, &c) == 0, "allterms a");
    CHECK(!strcmp(c.buf, "apple=2 apricot=1 "), "allterms a: %s", c.buf);
    memset(&c, 0, sizeof c);
    rc = fupin_xdb_allterms(db, S("a"), 1, collect_cb, &c);
    CHECK(rc == FUPIN_ELIMIT && c.n == 1, "allterms max 1: %d %zu", rc, c.n);
    memset(&c, 0, sizeof c);
    rc = fupin_xdb_allterms(db, S("a"), 2, collect_cb, &c);
    CHECK(rc == 0 && c.n == 2, "allterms max 2 (exactly 2): %d", rc);
    memset(&c, 0, sizeof c);
    c.stop_after = 3;
    rc = fupin_xdb_allterms(db, "", 0, 0, collect_cb, &c);
    CHECK(rc == 42 && !strcmp(c.buf, "Q1=1 Q2=1 Q3=1 "), "allterms stop: %d %s", rc, c.buf);
    memset(&c, 0, sizeof c);
    CHECK(fupin_xdb_allterms(db, S("zz"), 0, collect_cb, &c) == 0 && c.n == 0, "allterms none");
    CHECK(fupin_xdb_reopen(db) == 0, "reopen");
    fupin_xdb_close(db);
    fupin_xdb_close(NULL);
}

static void test_queries(void)
{
    char pa[300], errbuf[256];
    fupin_xdb *db = NULL;
    fupin_xenquire *e = NULL;
    fupin_docid ids[16];
    int n;

    path_of(pa, sizeof pa, "a");
    if (fupin_xdb_open(pa, 0, errbuf, sizeof errbuf, &db) || fupin_xenquire_new(db, &e)) {
        CHECK(0, "open for queries: %s", errbuf);
        fupin_xdb_close(db);
        return;
    }
    fupin_docid q1 = idof(db, "Q1"), q2 = idof(db, "Q2"), q3 = idof(db, "Q3");
    fupin_xquery *apple = fupin_xquery_term(S("apple"), 1);
    fupin_xquery *banana = fupin_xquery_term(S("banana"), 1);
    fupin_xquery *xin = fupin_xquery_term(S("Sxinhua"), 1);
    fupin_xquery *cherry = fupin_xquery_term(S("cherry"), 1);

    n = run(e, apple, ids, NULL);
    CHECK(n == 2 && ids[0] == q1 && ids[1] == q2, "apple: %d, Q1 (wdf 3) first", n);
    fupin_xquery *ab[] = {apple, banana}, *ax[] = {apple, xin}, *cx[] = {cherry, xin};
    CHECK(count(e, fupin_xquery_combine(FUPIN_XOP_AND, ab, 2)) == 1, "AND");
    CHECK(count(e, fupin_xquery_combine(FUPIN_XOP_OR, ab, 2)) == 3, "OR");
    fupin_xquery *q = fupin_xquery_combine(FUPIN_XOP_AND_NOT, ab, 2);
    fupin_xquery *sc = fupin_xquery_scale(apple, 2.0);
    CHECK(fupin_xquery_is_term(apple) && fupin_xquery_is_term(sc) && !fupin_xquery_is_term(q) &&
          !fupin_xquery_is_term(NULL), "is_term: a term is, scaled too, a combination is not");
    fupin_xquery_free(sc);
    n = run(e, q, ids, NULL);
    CHECK(n == 1 && ids[0] == q2, "AND_NOT: %d", n);
    fupin_xquery_free(q);
    q = fupin_xquery_combine(FUPIN_XOP_FILTER, ax, 2);
    n = run(e, q, ids, NULL);
    CHECK(n == 1 && ids[0] == q1, "FILTER apple xinhua: %d", n);
    fupin_xquery_free(q);
    q = fupin_xquery_combine(FUPIN_XOP_FILTER, cx, 2);
    n = run(e, q, ids, NULL);
    CHECK(n == 1 && ids[0] == q3, "FILTER cherry xinhua: %d", n);
    fupin_xquery_free(q);
    CHECK(count(e, fupin_xquery_combine(FUPIN_XOP_SYNONYM, ab, 2)) == 3, "SYNONYM");
    CHECK(count(e, fupin_xquery_combine(FUPIN_XOP_AND_MAYBE, ab, 2)) == 2, "AND_MAYBE");
    CHECK(count(e, fupin_xquery_combine(FUPIN_XOP_MAX, ab, 2)) == 3, "MAX");
    CHECK(fupin_xquery_combine(99, ab, 2) == NULL, "unknown op gives NULL");
    char *desc = fupin_xquery_describe(apple);
    CHECK(desc && strstr(desc, "apple"), "describe: %s", desc ? desc : "(null)");
    free(desc);

    /* Wildcard: "ap" expands to apple and apricot. */
    CHECK(count(e, fupin_xquery_wildcard(S("ap"), 0)) == 3, "wildcard ap");
    CHECK(count(e, fupin_xquery_wildcard(S("ap"), 2)) == 3, "wildcard ap limit 2");
    n = count(e, fupin_xquery_wildcard(S("ap"), 1));
    CHECK(n == FUPIN_ELIMIT, "wildcard over limit: %d", n);
    CHECK(strstr(fupin_xenquire_errmsg(e), "WildcardError") != NULL, "msg %s",
          fupin_xenquire_errmsg(e));
    CHECK(count(e, fupin_xquery_wildcard(S("zz"), 1)) == 0, "wildcard no terms");

    /* Value ranges on the date slot (Q3 2020, Q1 2021, Q2 2022). */
    q = fupin_xquery_value_range(SLOT_DATE, S("202101010000"), S("202212312359"));
    n = run(e, q, ids, NULL);
    CHECK(n == 2, "range closed: %d", n);
    fupin_xquery_free(q);
    q = fupin_xquery_value_range(SLOT_DATE, NULL, 0, S("202100000000"));
    n = run(e, q, ids, NULL);
    CHECK(n == 1 && ids[0] == q3, "range open low: %d", n);
    fupin_xquery_free(q);
    q = fupin_xquery_value_range(SLOT_DATE, S("202200000000"), NULL, 0);
    n = run(e, q, ids, NULL);
    CHECK(n == 1 && ids[0] == q2, "range open high: %d", n);
    fupin_xquery_free(q);
    CHECK(count(e, fupin_xquery_value_range(SLOT_DATE, NULL, 0, NULL, 0)) == 3, "range open");
    CHECK(count(e, fupin_xquery_value_range(SLOT_DATE, S("2030"), S("2020"))) == 0,
          "range empty");

    /* Scale 0: the same matches, all weight 0. */
    fupin_xmset *m = NULL;
    q = fupin_xquery_scale(apple, 0);
    CHECK(fupin_xenquire_set_query(e, q) == 0 && fupin_xenquire_get_mset(e, 0, 10, 0, &m) == 0,
          "scale 0 runs");
    CHECK(m && fupin_xmset_size(m) == 2 && fupin_xmset_weight(m, 0) == 0.0 &&
              fupin_xmset_weight(m, 1) == 0.0, "scale 0 weights");
    fupin_xmset_free(m);
    fupin_xquery_free(q);
    CHECK(fupin_xquery_scale(apple, -1) == NULL, "negative scale gives NULL");
    q = fupin_xquery_scale(apple, 2);
    m = NULL;
    CHECK(fupin_xenquire_set_query(e, q) == 0 && fupin_xenquire_get_mset(e, 0, 10, 0, &m) == 0 &&
              fupin_xmset_weight(m, 0) > 0, "scale 2");
    fupin_xmset_free(m);
    fupin_xquery_free(q);
    CHECK(count(e, fupin_xquery_match_all()) == 3, "match_all");
    CHECK(count(e, fupin_xquery_match_nothing()) == 0, "match_nothing");
    fupin_xquery_free(NULL);

    fupin_xquery_free(apple);
    fupin_xquery_free(banana);
    fupin_xquery_free(xin);
    fupin_xquery_free(cherry);
    fupin_xenquire_free(e);
    fupin_xdb_close(db);
}

static void test_enquire(void)
{
    char pa[300], pb[300], errbuf[256];
    const char *pp[2];
    fupin_xdb *db = NULL;
    fupin_xenquire *e = NULL;
    fupin_xmset *m = NULL;
    fupin_docid ids[16];
    int n, rc;

    path_of(pa, sizeof pa, "a");
    path_of(pb, sizeof pb, "b");
    if (fupin_xdb_open(pa, 0, errbuf, sizeof errbuf, &db) || fupin_xenquire_new(db, &e)) {
        CHECK(0, "open for enquire: %s", errbuf);
        fupin_xdb_close(db);
        return;
    }
    fupin_docid q1 = idof(db, "Q1"), q2 = idof(db, "Q2"), q3 = idof(db, "Q3");
    fupin_xquery *all = fupin_xquery_match_all();
    fupin_xquery *apple = fupin_xquery_term(S("apple"), 1);

    CHECK(fupin_xenquire_set_bm25(e, 1.2, 0, 1, 0.5, 0.5) == 0, "bm25");
    n = run(e, apple, ids, NULL);
    CHECK(n == 2 && ids[0] == q1, "bm25 apple");
    /* b = 0, k1 = 0: every match weighs the same (idf only). */
    CHECK(fupin_xenquire_set_bm25(e, 0, 0, 1, 0, 0.5) == 0, "bm25 flat");
    CHECK(fupin_xenquire_set_query(e, apple) == 0 && fupin_xenquire_get_mset(e, 0, 10, 0, &m) == 0 &&
              fupin_xmset_size(m) == 2 &&
              fupin_xmset_weight(m, 0) == fupin_xmset_weight(m, 1), "bm25 flat weights equal");
    fupin_xmset_free(m);

    CHECK(fupin_xenquire_set_sort_value(e, SLOT_DATE, 0) == 0, "sort value asc");
    n = run(e, all, ids, NULL);
    CHECK(n == 3 && ids[0] == q3 && ids[1] == q1 && ids[2] == q2, "by date ascending");
    CHECK(fupin_xenquire_set_sort_value(e, SLOT_DATE, 1) == 0, "sort value desc");
    n = run(e, all, ids, NULL);
    CHECK(n == 3 && ids[0] == q2 && ids[1] == q1 && ids[2] == q3, "by date descending");
    /* Equal weights under match_all, so the value decides. */
    CHECK(fupin_xenquire_set_sort_relevance_then_value(e, SLOT_DATE, 1) == 0, "rel then value");
    n = run(e, all, ids, NULL);
    CHECK(n == 3 && ids[0] == q2 && ids[2] == q3, "relevance then date descending");
    CHECK(fupin_xenquire_set_sort_relevance(e) == 0, "sort relevance");
    CHECK(fupin_xenquire_set_time_limit(e, 10.0) == 0, "time limit");

    /* Facets. */
    struct collect c = {{0}, 0, 0};
    rc = fupin_xenquire_facet(e, 0, 0, collect_cb, &c);
    CHECK(rc == FUPIN_EINVAL, "facet before add: %d", rc);
    CHECK(fupin_xenquire_add_facet(e, SLOT_SRC) == 0 && fupin_xenquire_add_facet(e, SLOT_DATE) == 0 &&
              fupin_xenquire_add_facet(e, 5) == 0 && fupin_xenquire_add_facet(e, 6) == 0,
          "add 4 facets");
    CHECK(fupin_xenquire_add_facet(e, 7) == FUPIN_ELIMIT, "fifth facet");
    CHECK(run(e, all, NULL, NULL) == 3, "facet match");
    CHECK(fupin_xenquire_facet(e, 0, 0, collect_cb, &c) == 0 &&
              !strcmp(c.buf, "xinhua=2 people=1 "), "source facet: %s", c.buf);
    memset(&c, 0, sizeof c);
    CHECK(fupin_xenquire_facet(e, 1, 0, collect_cb, &c) == 0 &&
              !strcmp(c.buf, "202012310000=1 202101010000=1 202203150000=1 "),
          "ties by value: %s", c.buf);
    memset(&c, 0, sizeof c);
    CHECK(fupin_xenquire_facet(e, 1, 2, collect_cb, &c) == 0 && c.n == 2, "facet max 2");
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    CHECK(fupin_xenquire_facet(e, 0, 0, collect_cb, &c) == 42 && c.n == 1, "facet cb stops");
    memset(&c, 0, sizeof c);
    CHECK(fupin_xenquire_facet(e, 2, 0, collect_cb, &c) == 0 && c.n == 0, "empty facet");
    CHECK(fupin_xenquire_facet(e, 4, 0, collect_cb, &c) == FUPIN_EINVAL, "facet k out of range");
    /* A second match counts afresh. */
    fupin_xquery *cherry = fupin_xquery_term(S("cherry"), 1);
    CHECK(run(e, cherry, NULL, NULL) == 2, "cherry");
    memset(&c, 0, sizeof c);
    CHECK(fupin_xenquire_facet(e, 0, 0, collect_cb, &c) == 0 &&
              !strcmp(c.buf, "people=1 xinhua=1 "), "facet recounted: %s", c.buf);
    fupin_xquery_free(cherry);

    /* Paging. */
    CHECK(fupin_xenquire_set_sort_value(e, SLOT_DATE, 0) == 0, "sort for paging");
    CHECK(fupin_xenquire_set_query(e, all) == 0, "set all");
    m = NULL;
    CHECK(fupin_xenquire_get_mset(e, 1, 1, 3, &m) == 0 && fupin_xmset_size(m) == 1 &&
              fupin_xmset_docid(m, 0) == q1, "page 2 of size 1");
    CHECK(fupin_xmset_matches_estimated(m) == 3 && fupin_xmset_matches_lower_bound(m) == 3 &&
              fupin_xmset_matches_upper_bound(m) == 3, "bounds");
    CHECK(fupin_xmset_docid(m, 5) == 0 && fupin_xmset_weight(m, 5) == 0.0, "out of range index");
    fupin_xmset_free(m);
    fupin_xmset_free(NULL);
    fupin_xquery_free(all);
    fupin_xquery_free(apple);
    fupin_xenquire_free(e);
    fupin_xenquire_free(NULL);
    fupin_xdb_close(db);

    /* check_at_least on the two shards: even AND three matches every 6th
     * document of b; counts are exact once every document is checked. */
    db = NULL;
    e = NULL;
    pp[0] = pa;
    pp[1] = pb;
    rc = fupin_xdb_open_many(pp, 2, 0, errbuf, sizeof errbuf, &db);
    CHECK(rc == 0, "open_many: %s", errbuf);
    if (rc || fupin_xenquire_new(db, &e))
        goto done;
    fupin_xquery *ev = fupin_xquery_term(S("even"), 1), *th = fupin_xquery_term(S("three"), 1);
    fupin_xquery *et[] = {ev, th};
    fupin_xquery *both = fupin_xquery_combine(FUPIN_XOP_AND, et, 2);
    m = NULL;
    CHECK(fupin_xenquire_set_query(e, both) == 0 &&
              fupin_xenquire_get_mset(e, 0, 1, 63, &m) == 0 && fupin_xmset_size(m) == 1 &&
              fupin_xmset_matches_lower_bound(m) == 10 &&
              fupin_xmset_matches_upper_bound(m) == 10 && fupin_xmset_matches_estimated(m) == 10,
          "check_at_least exact: %u..%u", m ? fupin_xmset_matches_lower_bound(m) : 0,
          m ? fupin_xmset_matches_upper_bound(m) : 0);
    fupin_xmset_free(m);
    m = NULL;
    CHECK(fupin_xenquire_get_mset(e, 8, 5, 0, &m) == 0 && fupin_xmset_size(m) == 2, "last page");
    fupin_xmset_free(m);
    fupin_xquery_free(ev);
    fupin_xquery_free(th);
    fupin_xquery_free(both);
done:
    fupin_xenquire_free(e);
    fupin_xdb_close(db);
}

static uint32_t doccount_of(const char *path, unsigned timeout_ms, int *rc)
{
    fupin_xdb *db = NULL;
    uint32_t n = 0;
    char errbuf[256];
    *rc = fupin_xdb_open(path, timeout_ms, errbuf, sizeof errbuf, &db);
    if (*rc == 0)
        *rc = fupin_xdb_get_doccount(db, &n);
    else
        printf("  (open %s: %s)\n", path, errbuf);
    fupin_xdb_close(db);
    return n;
}

static void test_open_stub_compact(void)
{
    char pa[300], pb[300], p[300], errbuf[256];
    fupin_xdb *db = (fupin_xdb *)1;
    int rc;
    uint32_t n;

    path_of(pa, sizeof pa, "a");
    path_of(pb, sizeof pb, "b");
    path_of(p, sizeof p, "nonexistent");
    rc = fupin_xdb_open(p, 0, errbuf, sizeof errbuf, &db);
    CHECK(rc == FUPIN_EDBOPEN && db == NULL && strstr(errbuf, "nonexistent"),
          "missing db: %d %s", rc, errbuf);
    rc = fupin_xdb_open(p, 0, NULL, 0, &db);
    CHECK(rc == FUPIN_EDBOPEN, "missing db, no errbuf");

    /* Stub file (relative paths) and stub directory. */
    path_of(p, sizeof p, "stub");
    write_file(p, "# two shards\nauto a\nglass b\n");
    n = doccount_of(p, 0, &rc);
    CHECK(rc == 0 && n == 63, "stub file doccount %u", n);
    path_of(p, sizeof p, "stubdir");
    mkdir(p, 0755);
    path_of(p, sizeof p, "stubdir/XAPIANDB");
    write_file(p, "auto ../a\nauto ../b\n");
    path_of(p, sizeof p, "stubdir");
    n = doccount_of(p, 0, &rc);
    CHECK(rc == 0 && n == 63, "stub dir doccount %u", n);
    path_of(p, sizeof p, "badstub");
    write_file(p, "nonsense line\n");
    n = doccount_of(p, 0, &rc);
    CHECK(rc == FUPIN_EDBOPEN, "bad stub: %d", rc);

    /* Compaction, single and multipass. */
    const char *srcs[] = {pa, pb};
    path_of(p, sizeof p, "c");
    rc = fupin_xapian_compact(srcs, 2, p, 0, errbuf, sizeof errbuf);
    CHECK(rc == 0, "compact: %s", errbuf);
    n = doccount_of(p, 0, &rc);
    CHECK(rc == 0 && n == 63, "compacted doccount %u", n);
    path_of(p, sizeof p, "c2");
    rc = fupin_xapian_compact(srcs, 2, p, 1, errbuf, sizeof errbuf);
    CHECK(rc == 0, "compact multipass: %s", errbuf);
    n = doccount_of(p, 0, &rc);
    CHECK(rc == 0 && n == 63, "multipass doccount %u", n);

    /* A table overwritten with garbage is corruption, not "cannot open"
     * (all of it: which block the root is depends on the compaction). */
    path_of(p, sizeof p, "c2/postlist.glass");
    FILE *f = fopen(p, "r+b");
    CHECK(f != NULL, "open %s", p);
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        rewind(f);
        for (long i = 0; i < size; i++)
            fputc(0xaa, f);
        fclose(f);
        path_of(p, sizeof p, "c2");
        n = doccount_of(p, 0, &rc);
        CHECK(rc == FUPIN_ECORRUPT, "corrupt table: %d", rc);
    }
    path_of(p, sizeof p, "nonexistent");
    const char *bad[] = {p};
    path_of(pb, sizeof pb, "c3");
    rc = fupin_xapian_compact(bad, 1, pb, 0, errbuf, sizeof errbuf);
    CHECK(rc == FUPIN_EDBOPEN && errbuf[0], "compact missing source: %d", rc);
}

static void test_remote(void)
{
    char pa[300], pb[300], p[300], tcp[64], text[600], errbuf[256];
    int port = free_port(), rc;
    fupin_xdb *db = NULL;
    fupin_xenquire *e = NULL;
    uint32_t n = 0;
    double t0;

    path_of(pa, sizeof pa, "a");
    path_of(pb, sizeof pb, "b");
    pid_t pid = port > 0 ? start_tcpsrv(pa, port) : -1;
    CHECK(pid > 0, "xapian-tcpsrv started on port %d", port);
    if (pid > 0) {
        const char *one[1] = {tcp};
        snprintf(tcp, sizeof tcp, "tcp:127.0.0.1:%d", port);
        rc = fupin_xdb_open_many(one, 1, 5000, errbuf, sizeof errbuf, &db);
        CHECK(rc == 0, "open %s: %s", tcp, errbuf);
        if (rc == 0) {
            const char *p2;
            size_t len;
            CHECK(fupin_xdb_get_doccount(db, &n) == 0 && n == 3, "remote doccount %u", n);
            CHECK(fupin_xenquire_new(db, &e) == 0, "remote enquire");
            fupin_xquery *apple = fupin_xquery_term(S("apple"), 1);
            fupin_docid ids[16];
            CHECK(fupin_xenquire_add_facet(e, SLOT_SRC) == 0, "remote facet");
            CHECK(run(e, apple, ids, NULL) == 2 && ids[0] == 1, "remote search");
            struct collect c = {{0}, 0, 0};
            CHECK(fupin_xenquire_facet(e, 0, 0, collect_cb, &c) == 0 &&
                      !strcmp(c.buf, "people=1 xinhua=1 "), "remote facet: %s", c.buf);
            CHECK(fupin_xdb_get_data(db, ids[0], &p2, &len) == 0 && len == 7, "remote data");
            fupin_xquery_free(apple);
            fupin_xenquire_free(e);
        }
        fupin_xdb_close(db);
        db = NULL;

        /* Through a stub file, with our timeout and with Xapian's default. */
        path_of(p, sizeof p, "remotestub");
        snprintf(text, sizeof text, "remote 127.0.0.1:%d\nauto b\n", port);
        write_file(p, text);
        n = doccount_of(p, 3000, &rc);
        CHECK(rc == 0 && n == 63, "remote stub doccount %u (%d)", n, rc);
        n = doccount_of(p, 0, &rc);
        CHECK(rc == 0 && n == 63, "remote stub, default timeout: %u (%d)", n, rc);

        /* A connection lost mid-session is a network error. */
        rc = fupin_xdb_open_many(one, 1, 2000, errbuf, sizeof errbuf, &db);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        if (rc == 0) {
            fupin_xquery *all = fupin_xquery_match_all();
            fupin_xenquire *e2 = NULL;
            (void)fupin_xenquire_new(db, &e2);
            usleep(100000);
            rc = e2 ? run(e2, all, NULL, NULL) : 0;
            /* The server's per-connection child may still answer: only a
             * failure has to be the right one. */
            /* tcpsrv's SIGTERM handler signals its whole process group,
             * so the child serving this connection is gone too. */
            CHECK(rc == FUPIN_ENETWORK || rc == FUPIN_ETIMEOUT, "lost server: %d", rc);
            CHECK(e2 && strstr(fupin_xenquire_errmsg(e2), "Network"), "lost server message: %s",
                  e2 ? fupin_xenquire_errmsg(e2) : "");
            fupin_xquery_free(all);
            fupin_xenquire_free(e2);
        }
        fupin_xdb_close(db);
        db = NULL;
    }

    /* A dead port fails quickly with a network error. */
    int dead = free_port();
    const char *d1[1] = {tcp};
    snprintf(tcp, sizeof tcp, "tcp:127.0.0.1:%d", dead);
    t0 = now();
    rc = fupin_xdb_open_many(d1, 1, 500, errbuf, sizeof errbuf, &db);
    CHECK((rc == FUPIN_ENETWORK || rc == FUPIN_ETIMEOUT) && db == NULL && errbuf[0],
          "dead port: %d %s", rc, errbuf);
    CHECK(now() - t0 < 3.0, "dead port took %.2fs", now() - t0);
    path_of(p, sizeof p, "deadstub");
    snprintf(text, sizeof text, "auto a\nremote 127.0.0.1:%d\n", dead);
    write_file(p, text);
    t0 = now();
    n = doccount_of(p, 500, &rc);
    CHECK(rc == FUPIN_ENETWORK || rc == FUPIN_ETIMEOUT, "dead stub: %d", rc);
    CHECK(now() - t0 < 3.0, "dead stub took %.2fs", now() - t0);

    /* A server that never answers: our timeout, not Xapian's 10 s default. */
    int silent_port = 0, sfd = listen_silent(&silent_port);
    CHECK(sfd >= 0, "silent listener");
    if (sfd >= 0) {
        snprintf(tcp, sizeof tcp, "tcp:127.0.0.1:%d", silent_port);
        t0 = now();
        rc = fupin_xdb_open_many(d1, 1, 500, errbuf, sizeof errbuf, &db);
        CHECK(rc == FUPIN_ETIMEOUT && db == NULL, "silent server: %d %s", rc, errbuf);
        CHECK(now() - t0 < 3.0, "silent server took %.2fs", now() - t0);
        path_of(p, sizeof p, "silentstub");
        snprintf(text, sizeof text, "remote 127.0.0.1:%d\n", silent_port);
        write_file(p, text);
        t0 = now();
        n = doccount_of(p, 500, &rc);
        CHECK(rc == FUPIN_ETIMEOUT, "silent stub: %d", rc);
        CHECK(now() - t0 < 3.0, "silent stub took %.2fs", now() - t0);
        close(sfd);
    }
    snprintf(tcp, sizeof tcp, "tcp:127.0.0.1");
    rc = fupin_xdb_open_many(d1, 1, 500, errbuf, sizeof errbuf, &db);
    CHECK(rc == FUPIN_EINVAL, "malformed tcp: %d %s", rc, errbuf);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(base, sizeof base, "%s/fupin_xap_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    CHECK(fupin_xapian_version()[0] == '1', "version %s", fupin_xapian_version());
    test_write();
    test_read();
    test_queries();
    test_enquire();
    test_open_stub_compact();
    test_remote();
    nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return TEST_DONE();
}
