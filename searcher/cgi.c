/* fupin.cgi - the web endpoint: one binary that is a CGI program (RFC 3875)
 * and, when a FastCGI server starts it, a FastCGI responder (libfcgi's
 * FCGI_Accept loop falls back to a single CGI request otherwise).
 *
 * A thin layer over the searcher library, like fupin-search: the request's
 * parameters go through form.c, the search through search.h, and the answer
 * is an HTML page (web.c) or the JSON of render.h.  This file owns the HTTP
 * side: methods, the POST body, status codes and headers, and the database
 * handle, which is opened on the first request that needs it and kept
 * across FastCGI requests (reopened when the database on disk changes, and
 * retried on the next request when it could not be opened).  The database
 * path comes from the server, never from the request: FUPIN_DB in the
 * request's or the process's environment, else `db=PATH` in a fupin.conf
 * next to the binary.
 */
#include <fcgi_stdio.h>

#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "form.h"
#include "render.h"
#include "search.h"
#include "snippet.h"
#include "web.h"
#include "../common/status.h"

#define MAX_BODY (1u << 20)          /* POST bodies above this get 413 */
#define SEARCH_SECONDS 5.0

static const char usage[] =
"Usage: fupin.cgi            (run by a web server, as CGI or FastCGI)\n"
"       fupin.cgi --help\n"
"The fupin search endpoint.  One binary serves CGI (RFC 3875) and FastCGI:\n"
"started by a FastCGI server it answers requests in a loop and keeps the\n"
"database open between them.\n"
"\n"
"Database (from the server's configuration, never from the request):\n"
"  FUPIN_DB=PATH        in the environment the server gives the program, else\n"
"  fupin.conf           next to the binary, with a line db=PATH (a relative\n"
"                       PATH is taken from the file's folder; # comments)\n"
"\n"
"Parameters (GET query string, or POST application/x-www-form-urlencoded):\n"
"  q=QUERY              the query, as for fupin-search (at most 1000 bytes)\n"
"  page=P | offset=K    which hits; n=N hits per page (1..100, default 10)\n"
"  from=DATE, to=DATE   date range (YYYY, YYYY-MM, YYYY-MM-DD)\n"
"  source=NAME          one source, as shown in the facets\n"
"  sort=relevance|date|date-asc\n"
"  collapse=0           every reprint as its own hit (default 1: reprints of a\n"
"                       story collapse into one hit that says how many)\n"
"  format=html|json     JSON as fupin-search --json, with facets\n"
"  id=ID                show the stored article ID\n"
"  opensearch=1         the OpenSearch description document\n"
"\n"
"Status: 200; 400 for a bad parameter (invalid UTF-8, NUL, query too long,\n"
"bad date or number); 404 unknown article; 405 other methods; 413 body too\n"
"large; 415 POST not form-encoded; 503 database cannot be opened.\n";

typedef struct endpoint {
    fupin_search *s;
    char db[PATH_MAX];           /* the path s was opened on */
    struct stat db_st;           /* its stamp then (see db_stamp) */
    int have_st;
    char start_db[PATH_MAX];     /* FUPIN_DB at start: FastCGI replaces environ */
    char conf_db[PATH_MAX];      /* db= of fupin.conf */
    char *body;                  /* POST body buffer, reused */
    size_t body_cap;
} endpoint;

typedef struct response {
    int status;
    const char *type;
    const char *headers;         /* extra header lines, each ending "\r\n" */
    char *body;                  /* malloc'd */
    size_t len;
} response;

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "";
}

/* Reads `db=PATH` from DIR/fupin.conf into out (a relative PATH is taken
 * from DIR); out stays "" without a file or a db line. */
static void read_conf(const char *dir, size_t dlen, char *out, size_t outlen)
{
    char path[PATH_MAX], buf[8192];
    if (dlen + sizeof "/fupin.conf" > sizeof path)
        return;
    memcpy(path, dir, dlen);
    memcpy(path + dlen, "/fupin.conf", sizeof "/fupin.conf");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    for (char *line = buf, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        size_t l = strlen(line);
        while (l && (line[l - 1] == ' ' || line[l - 1] == '\t' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (strncmp(line, "db", 2) != 0)
            continue;
        char *v = line + 2;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v++ != '=')
            continue;
        while (*v == ' ' || *v == '\t')
            v++;
        if (!*v)
            continue;
        if (*v == '/')
            snprintf(out, outlen, "%s", v);
        else
            snprintf(out, outlen, "%.*s/%s", (int)dlen, dir, v);
        return;
    }
}

/* fupin.conf next to the binary: the real executable first, then argv[0]. */
static void load_conf(endpoint *ep, const char *argv0)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash)
            read_conf(self, (size_t)(slash - self), ep->conf_db, sizeof ep->conf_db);
    }
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (!ep->conf_db[0] && slash)
        read_conf(argv0, (size_t)(slash - argv0), ep->conf_db, sizeof ep->conf_db);
}

/* What changes when a writer commits: a glass database's iamglass file
 * (replaced by rename, so its inode changes), else the path itself. */
static int db_stamp(const char *path, struct stat *st)
{
    char p[PATH_MAX + 16];
    if (stat(path, st) != 0)
        return -1;
    if (S_ISDIR(st->st_mode)) {
        snprintf(p, sizeof p, "%s/iamglass", path);
        struct stat g;
        if (stat(p, &g) == 0)
            *st = g;
    }
    return 0;
}

static int same_stamp(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void drop_db(endpoint *ep)
{
    fupin_search_close(ep->s);
    ep->s = NULL;
    ep->db[0] = '\0';
}

/* Opens (or keeps, or reopens) the database the configuration names. */
static int ensure_db(endpoint *ep, char *err, size_t errlen)
{
    const char *path = *env("FUPIN_DB") ? env("FUPIN_DB")
                     : ep->start_db[0] ? ep->start_db : ep->conf_db;
    struct stat st;
    int have = 0;
    if (!path[0]) {
        snprintf(err, errlen, "no database configured (set FUPIN_DB, or db=PATH in fupin.conf)");
        return FUPIN_EDBOPEN;
    }
    have = db_stamp(path, &st) == 0;
    if (ep->s && (strcmp(path, ep->db) != 0 || have != ep->have_st ||
                  (have && !same_stamp(&st, &ep->db_st))))
        drop_db(ep);
    if (ep->s)
        return 0;
    int rc = fupin_search_open(path, NULL, &ep->s, err, errlen);
    if (rc)
        return rc;
    snprintf(ep->db, sizeof ep->db, "%s", path);
    ep->have_st = have;
    if (have)
        ep->db_st = st;
    return 0;
}

/* Whether the raw parameters ask for JSON: used to answer in kind when they
 * could not be parsed. */
static int wants_json(const char *s, size_t n)
{
    for (const char *p = s; p && (size_t)(p - s) + 11 <= n;
         p = memchr(p, '&', n - (size_t)(p - s)), p = p ? p + 1 : NULL)
        if (memcmp(p, "format=json", 11) == 0 && ((size_t)(p - s) + 11 == n || p[11] == '&'))
            return 1;
    return 0;
}

static void set_error(response *rs, int json, const fupin_form *f, int status, const char *msg)
{
    free(rs->body);
    rs->body = NULL;
    rs->status = status;
    if (json) {
        rs->type = "application/json; charset=utf-8";
        rs->body = fupin_render_json_error(f ? f->q : "", f ? f->qlen : 0, msg, status);
        rs->len = rs->body ? strlen(rs->body) : 0;
    } else {
        rs->type = "text/html; charset=utf-8";
        if (fupin_web_error(f, status, msg, &rs->body, &rs->len) != 0)
            rs->len = 0;
    }
    if (status == 503)
        rs->headers = "Retry-After: 30\r\n";
}

/* 503 for a database that cannot be reached, 500 for anything else the
 * server must look into; both are logged, and the handle is dropped so the
 * next request starts afresh. */
static void server_error(endpoint *ep, response *rs, int json, const fupin_form *f, int rc,
                         const char *detail)
{
    int unavailable = rc == FUPIN_EDBOPEN || rc == FUPIN_ENETWORK || rc == FUPIN_ELOCKED ||
                      rc == FUPIN_ETIMEOUT;
    fprintf(stderr, "fupin.cgi: %s: %s\n", fupin_strerror(rc), detail);
    if (rc != FUPIN_ETIMEOUT && rc != FUPIN_ENOMEM)
        drop_db(ep);
    set_error(rs, json, f, unavailable ? 503 : 500,
              rc == FUPIN_ETIMEOUT ? "the search took too long; please try a narrower query"
              : unavailable ? "the search database cannot be opened right now"
              : "internal error");
}

static void do_search(endpoint *ep, const fupin_form *f, response *rs)
{
    int json = f->format == FUPIN_FORM_JSON;
    fupin_search_opts o = { 0 };
    fupin_result *r = NULL;
    o.offset = f->offset;
    o.limit = f->limit;
    o.sort = f->sort;
    o.date_from = f->from;
    o.date_to = f->to;
    o.source = f->source;
    o.no_collapse = f->no_collapse;
    o.facets = 1;
    o.snippet_style = FUPIN_SNIPPET_HTML;
    o.time_limit = SEARCH_SECONDS;
    int rc = fupin_search_run(ep->s, f->q, f->qlen, &o, &r);
    if (rc == FUPIN_ESYNTAX || rc == FUPIN_ELIMIT || rc == FUPIN_EINVAL || rc == FUPIN_EFORMAT) {
        set_error(rs, json, f, 400, fupin_search_errmsg(ep->s));
    } else if (rc) {
        server_error(ep, rs, json, f, rc, fupin_search_errmsg(ep->s));
    } else if (json) {
        rs->body = fupin_render_json(f->q, f->qlen, r, 1);
        rs->len = rs->body ? strlen(rs->body) : 0;
    } else if (fupin_web_results(f, r, &rs->body, &rs->len) != 0) {
        rs->body = NULL;
    }
    fupin_search_result_free(r);
}

/* The article and its reprints.  The copies are looked up first: the
 * article's fields point into the handle only until its next call. */
static void do_article(endpoint *ep, const fupin_form *f, response *rs)
{
    int json = f->format == FUPIN_FORM_JSON;
    fupin_article a;
    fupin_result *copies = NULL;
    int rc = fupin_search_copies(ep->s, f->id, f->idlen, &copies);
    if (rc && rc != FUPIN_ENOTFOUND) {
        /* The article can still be shown, without its copies. */
        fprintf(stderr, "fupin.cgi: %s: reprints of an article: %s\n", fupin_strerror(rc),
                fupin_search_errmsg(ep->s));
    }
    rc = rc == FUPIN_ENOTFOUND ? rc : fupin_search_article(ep->s, f->id, f->idlen, &a);
    if (rc == FUPIN_ENOTFOUND) {
        set_error(rs, json, f, 404, "no article with this id");
    } else if (rc) {
        server_error(ep, rs, json, f, rc, fupin_search_errmsg(ep->s));
    } else if (json) {
        rs->body = fupin_render_json_show(&a, copies);
        rs->len = rs->body ? strlen(rs->body) : 0;
    } else if (fupin_web_article(f, &a, copies, &rs->body, &rs->len) != 0) {
        rs->body = NULL;
    }
    fupin_search_result_free(copies);
}

static void do_opensearch(response *rs)
{
    const char *https = env("HTTPS"), *host = env("HTTP_HOST");
    int secure = strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0 ||
                 strcasecmp(env("REQUEST_SCHEME"), "https") == 0;
    char base[2048];
    /* Host comes from the client: only a plain host[:port] is echoed. */
    size_t hl = strlen(host);
    if (hl == 0 || hl > 255 || strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789.-:[]") != hl)
        host = NULL;
    if (host)
        snprintf(base, sizeof base, "%s://%s%s", secure ? "https" : "http", host,
                 env("SCRIPT_NAME"));
    else
        snprintf(base, sizeof base, "%s://%s:%s%s", secure ? "https" : "http",
                 env("SERVER_NAME"), env("SERVER_PORT"), env("SCRIPT_NAME"));
    rs->type = "application/opensearchdescription+xml; charset=utf-8";
    rs->headers = "Cache-Control: max-age=86400\r\n";
    if (fupin_web_opensearch(base, strlen(base), &rs->body, &rs->len) != 0)
        rs->body = NULL;
}

/* The POST body into ep->body; 0, or an HTTP status. */
static int read_body(endpoint *ep, size_t *len)
{
    const char *ct = env("CONTENT_TYPE"), *cl = env("CONTENT_LENGTH");
    static const char form_type[] = "application/x-www-form-urlencoded";
    size_t tl = sizeof form_type - 1;
    char *end;
    *len = 0;
    if (strncasecmp(ct, form_type, tl) != 0 || (ct[tl] && ct[tl] != ';' && ct[tl] != ' '))
        return 415;
    if (!*cl)
        return 0;
    unsigned long n = strtoul(cl, &end, 10);
    if (*end || *cl == '-')
        return 400;
    if (n > MAX_BODY)
        return 413;
    if (n + 1 > ep->body_cap) {
        char *b = realloc(ep->body, n + 1);
        if (!b)
            return 500;
        ep->body = b;
        ep->body_cap = n + 1;
    }
    size_t got = 0, k;
    while (got < n && (k = fread(ep->body + got, 1, n - got, stdin)) > 0)
        got += k;
    if (got < n)
        return 400;
    *len = got;
    return 0;
}

static void handle(endpoint *ep, response *rs)
{
    const char *method = *env("REQUEST_METHOD") ? env("REQUEST_METHOD") : "GET";
    const char *qs = env("QUERY_STRING");
    size_t qlen = strlen(qs), blen = 0;
    fupin_form *f = NULL;
    char err[1024];
    int json = wants_json(qs, qlen), st;

    rs->status = 200;
    rs->type = "text/html; charset=utf-8";
    if (strcmp(method, "POST") == 0) {
        if ((st = read_body(ep, &blen)) != 0) {
            set_error(rs, json, NULL, st,
                      st == 413 ? "request body too large"
                      : st == 415 ? "POST wants application/x-www-form-urlencoded"
                      : "bad request body");
            return;
        }
        json = json || wants_json(ep->body, blen);
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        set_error(rs, json, NULL, 405, "only GET, HEAD and POST are supported");
        rs->headers = "Allow: GET, HEAD, POST\r\n";
        return;
    }
    int rc = fupin_form_parse(qs, qlen, blen ? ep->body : NULL, blen, &f, err, sizeof err);
    if (rc) {
        set_error(rs, json, NULL, rc == FUPIN_ENOMEM ? 500 : 400, err);
        return;
    }
    json = f->format == FUPIN_FORM_JSON;
    if (json)
        rs->type = "application/json; charset=utf-8";
    if (f->opensearch) {
        do_opensearch(rs);
    } else if (!f->id && !f->qlen && !f->source && !f->from && !f->to) {
        if (json)
            set_error(rs, 1, f, 400, "empty query");
        else if (fupin_web_home(f, &rs->body, &rs->len) != 0)
            rs->body = NULL;
    } else if ((rc = ensure_db(ep, err, sizeof err)) != 0) {
        server_error(ep, rs, json, f, rc == FUPIN_ENOMEM ? rc : FUPIN_EDBOPEN, err);
    } else if (f->id) {
        do_article(ep, f, rs);
    } else {
        do_search(ep, f, rs);
    }
    if (!rs->body && rs->status < 500) {
        fprintf(stderr, "fupin.cgi: out of memory building the page\n");
        rs->status = 500;
    }
    fupin_form_free(f);
}

static void respond(const response *rs, int head_only)
{
    int html = strncmp(rs->type, "text/html", 9) == 0;
    static const char fallback[] = "internal error\n";
    size_t len = rs->body ? rs->len : sizeof fallback - 1;
    char hdr[1024];
    /* Formatted here: libfcgi's own printf knows no %zu. */
    int n = snprintf(hdr, sizeof hdr,
                     "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "X-Content-Type-Options: nosniff\r\n%s%s\r\n",
                     rs->status, reason(rs->status),
                     rs->body ? rs->type : "text/plain; charset=utf-8", len,
                     html && rs->body
                     ? "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
                       "form-action 'self'; frame-ancestors 'self'; base-uri 'none'\r\n"
                       "Referrer-Policy: same-origin\r\n" : "",
                     rs->headers ? rs->headers : "");
    fwrite(hdr, 1, n > 0 && (size_t)n < sizeof hdr ? (size_t)n : 0, stdout);
    if (!head_only && rs->body)
        fwrite(rs->body, 1, len, stdout);
    else if (!head_only)
        fputs(fallback, stdout);
    fflush(stdout);
}

/* 2 MiB: measured against 0 and 1 MiB, ~6% less per request (q=扶贫). */
#define CGI_PREFAULT (2u << 20)

int main(int argc, char **argv)
{
    endpoint ep = { 0 };
    if (argc > 1 && !getenv("GATEWAY_INTERFACE")) {
        /* A CGI server may pass words of an ISINDEX query as arguments, so
         * options count only outside a server.  libfcgi's stdout is not set
         * up before FCGI_Accept: write to the descriptors. */
        int help = strcmp(argv[1], "--help") == 0;
        ssize_t w = write(help ? STDOUT_FILENO : STDERR_FILENO, usage, sizeof usage - 1);
        return help && w == (ssize_t)(sizeof usage - 1) ? 0 : 2;
    }
    /* A CGI request lives ~30 ms and faults in every page it touches (a
     * few us each on a virtual machine).  Large blocks from the heap, not
     * fresh mappings, let Xapian's growing metadata string and the
     * dictionary reuse pages freed a moment earlier. */
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    {
        /* ...and the heap's first MiBs faulted in by one call, which costs
         * less than a fault per page (the normalisers' tables, the
         * dictionary, Xapian's blocks); freed, they stay in the heap. */
        size_t pre = CGI_PREFAULT;
        char *p = malloc(pre);
        if (p) {
            long pg = sysconf(_SC_PAGESIZE);
            uintptr_t lo = ((uintptr_t)p + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
            uintptr_t hi = ((uintptr_t)p + pre) & ~((uintptr_t)pg - 1);
            if (hi > lo)
                madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
        }
        free(p);
    }
    snprintf(ep.start_db, sizeof ep.start_db, "%s", env("FUPIN_DB"));
    load_conf(&ep, argc > 0 ? argv[0] : NULL);
    while (FCGI_Accept() >= 0) {
        response rs = { 0 };
        handle(&ep, &rs);
        respond(&rs, strcmp(env("REQUEST_METHOD"), "HEAD") == 0);
        free(rs.body);
    }
    fupin_search_close(ep.s);
    free(ep.body);
    return 0;
}
