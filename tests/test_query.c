/* test_query.c - the query parser: golden cases from
 * tests/golden/query/cases.txt (format described at the top of that file),
 * a structural check of every tree parsed, the API's edge cases, the
 * nesting and size limits, every prefix of every golden query (cut points
 * land inside characters, so most are invalid UTF-8), and each allocation
 * failing in turn (glibc builds without ASan only). */
#include "../searcher/query.h"
#include "../common/status.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#define GOLDEN "tests/golden/query/cases.txt"

/* Fault injection: with glibc and no sanitizer owning malloc, this file's
 * malloc/calloc/realloc pass through to glibc's, but can be told to fail
 * the Nth call, and count live blocks so a failed parse can be shown to
 * free everything it took. */
#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_ALLOC_HOOK 1
#endif
#endif
#if defined(__GLIBC__) && !defined(NO_ALLOC_HOOK)
#define ALLOC_HOOK 1
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static long hook_countdown = -1;    /* calls until a failure; -1: never */
static long hook_live;              /* blocks allocated minus blocks freed */

static int hook_fail(void)
{
    if (hook_countdown < 0)
        return 0;
    return hook_countdown-- == 0;
}
void *malloc(size_t n)
{
    if (hook_fail())
        return NULL;
    void *p = __libc_malloc(n);
    hook_live += p != NULL;
    return p;
}
void *calloc(size_t a, size_t b)
{
    if (hook_fail())
        return NULL;
    void *p = __libc_calloc(a, b);
    hook_live += p != NULL;
    return p;
}
void *realloc(void *old, size_t n)
{
    if (hook_fail())
        return NULL;
    void *p = __libc_realloc(old, n);
    hook_live += !old && p;
    return p;
}
void free(void *p)
{
    hook_live -= p != NULL;
    __libc_free(p);
}
#endif

static int valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static int is_stamp(const char *s)
{
    if (strlen(s) != 12)
        return 0;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Returns NULL when n is a well-formed parser output, else what is wrong. */
static const char *shape_error(const fupin_qnode *n, int parent_type)
{
    switch (n->type) {
    case FUPIN_Q_AND: case FUPIN_Q_OR:
        if (n->nkids < 2) return "AND/OR with fewer than two kids";
        if (n->type == parent_type) return "AND in AND or OR in OR not merged";
        break;
    case FUPIN_Q_NOT:
        if (n->nkids != 1) return "NOT without exactly one kid";
        if (n->kids[0]->type == FUPIN_Q_NOT) return "NOT NOT not collapsed";
        break;
    case FUPIN_Q_WORD: case FUPIN_Q_PHRASE:
        if (n->nkids) return "keyword with kids";
        if (!n->text || n->len == 0 || strlen(n->text) != n->len) return "bad keyword text";
        if (!valid_utf8(n->text, n->len)) return "keyword text not UTF-8";
        if (n->field < FUPIN_QF_ANY || n->field > FUPIN_QF_SOURCE) return "bad field";
        break;
    case FUPIN_Q_DATE:
        if (n->nkids || n->text) return "date with kids or text";
        if (!n->from[0] && !n->to[0]) return "date with both ends open";
        if ((n->from[0] && !is_stamp(n->from)) || (n->to[0] && !is_stamp(n->to)))
            return "date end not 12 digits";
        if (n->from[0] && n->to[0] && strcmp(n->from, n->to) > 0) return "reversed date";
        break;
    default:
        return "unknown node type";
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const char *e = shape_error(n->kids[i], n->type);
        if (e)
            return e;
    }
    return NULL;
}

static const char *status_name(int rc)
{
    switch (rc) {
    case FUPIN_OK: return "OK";
    case FUPIN_ENOMEM: return "ENOMEM";
    case FUPIN_EINVAL: return "EINVAL";
    case FUPIN_ELIMIT: return "ELIMIT";
    case FUPIN_ESYNTAX: return "ESYNTAX";
    default: return "E?";
    }
}

/* Decodes the golden file's escapes in place; returns the new length. */
static size_t unescape(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] == 'x' && s[i + 2] && s[i + 3]) {
            char hex[3] = { s[i + 2], s[i + 3], 0 };
            s[o++] = (char)strtol(hex, NULL, 16);
            i += 3;
        } else if (s[i] == '\\' && (s[i + 1] == 't' || s[i + 1] == 'n' || s[i + 1] == '\\')) {
            s[o++] = s[i + 1] == 't' ? '\t' : s[i + 1] == 'n' ? '\n' : '\\';
            i++;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

/* Parses q and returns its dump, or "ERR <status> <message>". */
static char *run(const char *q, size_t len, const fupin_query_limits *lim)
{
    fupin_qnode *root = (fupin_qnode *)1;
    char err[256];
    int rc = fupin_query_parse(q, len, lim, &root, err, sizeof err);
    if (rc) {
        CHECK(root == NULL, "root not NULL after error %d", rc);
        CHECK(err[0] != '\0', "no message for error %d", rc);
        CHECK(valid_utf8(err, strlen(err)), "message not UTF-8: %s", err);
        char *out = malloc(strlen(err) + 32);
        sprintf(out, "ERR %s %s", status_name(rc), err);
        return out;
    }
    if (root) {
        const char *e = shape_error(root, 0);
        CHECK(e == NULL, "bad tree for [%.*s]: %s", (int)len, q, e);
    }
    char *d = fupin_query_dump(root);
    CHECK(d != NULL, "dump returned NULL");
    if (d)
        CHECK(valid_utf8(d, strlen(d)), "dump not UTF-8: %s", d);
    fupin_query_free(root);
    return d;
}

static void golden(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s (run from the repository root)", path);
    if (!f)
        return;
    char line[8192], in[8192];
    size_t inlen = 0, lineno = 0, incase = 0;
    int have_in = 0, ncases = 0;
    fupin_query_limits lim = { 0, 0 }, nolim = { 0, 0 };
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (strncmp(line, "limits:", 7) == 0) {
            unsigned long b = 0, t = 0;
            CHECK(sscanf(line + 7, "%lu %lu", &b, &t) == 2, "%s:%zu: bad limits", path, lineno);
            lim.max_bytes = b;
            lim.max_terms = t;
        } else if (strncmp(line, "in:", 3) == 0) {
            CHECK(!have_in, "%s:%zu: in: without out:/err: before it", path, lineno);
            const char *s = line + 3;
            if (*s == ' ')
                s++;
            memmove(in, s, strlen(s) + 1);
            inlen = unescape(in);
            have_in = 1;
            incase = lineno;
        } else if (strncmp(line, "out:", 4) == 0 || strncmp(line, "err:", 4) == 0) {
            CHECK(have_in, "%s:%zu: %.4s without in:", path, lineno, line);
            if (!have_in)
                continue;
            const char *want = line + 4;
            if (*want == ' ')
                want++;
            char *got = run(in, inlen, &lim);
            if (line[0] == 'o') {
                CHECK(got && strcmp(got, want) == 0, "%s:%zu: [%s]\n  want %s\n  got  %s",
                      path, incase, in, want, got ? got : "(null)");
            } else {
                /* "ESYNTAX rest": status must match, rest must be in the message */
                char status[32] = "";
                sscanf(want, "%31s", status);
                const char *rest = want + strlen(status);
                while (*rest == ' ')
                    rest++;
                int ok = got && strncmp(got, "ERR ", 4) == 0 &&
                         strncmp(got + 4, status, strlen(status)) == 0 &&
                         got[4 + strlen(status)] == ' ' && strstr(got, rest) != NULL;
                CHECK(ok, "%s:%zu: [%s]\n  want %s\n  got  %s", path, incase, in, want,
                      got ? got : "(null)");
            }
            free(got);
            /* Every prefix must parse or fail cleanly, with a sane tree. */
            for (size_t k = 0; k < inlen; k++)
                free(run(in, k, &nolim));
            have_in = 0;
            lim = nolim;
            ncases++;
        } else {
            CHECK(0, "%s:%zu: unknown line: %s", path, lineno, line);
        }
    }
    fclose(f);
    CHECK(!have_in, "%s: last in: has no answer", path);
    CHECK(ncases >= 60, "only %d golden cases", ncases);
    printf("%d golden cases\n", ncases);
}

/* Parses q (NUL-terminated) with no limits; returns the status. */
static int status_of(const char *q, size_t len)
{
    fupin_qnode *root = NULL;
    char err[128];
    int rc = fupin_query_parse(q, len, NULL, &root, err, sizeof err);
    if (rc == 0 && root)
        CHECK(shape_error(root, 0) == NULL, "bad tree: %s", shape_error(root, 0));
    fupin_query_free(root);
    return rc;
}

static char *repeat(const char *a, size_t na, const char *mid, const char *b, size_t nb)
{
    size_t la = strlen(a), lm = strlen(mid), lb = strlen(b);
    char *s = malloc(la * na + lm + lb * nb + 1), *o = s;
    for (size_t i = 0; i < na; i++, o += la)
        memcpy(o, a, la);
    memcpy(o, mid, lm);
    o += lm;
    for (size_t i = 0; i < nb; i++, o += lb)
        memcpy(o, b, lb);
    *o = '\0';
    return s;
}

static void test_api(void)
{
    fupin_qnode *root = (fupin_qnode *)1;
    char err[64];

    CHECK(fupin_query_parse("a", 1, NULL, NULL, err, sizeof err) == FUPIN_EINVAL, "NULL root");
    CHECK(fupin_query_parse(NULL, 3, NULL, &root, err, sizeof err) == FUPIN_EINVAL && !root,
          "NULL query with a length");
    root = (fupin_qnode *)1;
    CHECK(fupin_query_parse(NULL, 0, NULL, &root, NULL, 0) == 0 && root == NULL, "NULL, 0");
    /* no errbuf at all, and the query need not be NUL-terminated */
    CHECK(fupin_query_parse("date:2019-13", 12, NULL, &root, NULL, 0) == FUPIN_ESYNTAX,
          "error without errbuf");
    CHECK(fupin_query_parse("扶贫XYZ", 6, NULL, &root, err, sizeof err) == 0 && root &&
          root->type == FUPIN_Q_WORD && root->len == 6 && strcmp(root->text, "扶贫") == 0,
          "length is honoured");
    fupin_query_free(root);
    /* success clears errbuf */
    strcpy(err, "stale");
    CHECK(fupin_query_parse("a", 1, NULL, &root, err, sizeof err) == 0 && err[0] == '\0',
          "errbuf cleared on success");
    fupin_query_free(root);
    /* a message cut short stays valid UTF-8 (it quotes the query) */
    for (size_t el = 1; el < 40; el++) {
        char small[40];
        const char *q = "date:２０１９年１３月";
        CHECK(fupin_query_parse(q, strlen(q), NULL, &root, small, el) == FUPIN_ESYNTAX &&
              strlen(small) < el && valid_utf8(small, strlen(small)),
              "errlen %zu: [%s]", el, small);
    }
    fupin_query_free(NULL);
    char *d = fupin_query_dump(NULL);
    CHECK(d && strcmp(d, "()") == 0, "dump(NULL) = %s", d ? d : "(null)");
    free(d);

    /* the tree really is what the dump says */
    const char *q = "title:扶贫 -date:2019..";
    CHECK(fupin_query_parse(q, strlen(q), NULL, &root, err, sizeof err) == 0, "tree");
    CHECK(root && root->type == FUPIN_Q_AND && root->nkids == 2, "root AND");
    if (root && root->nkids == 2) {
        fupin_qnode *w = root->kids[0], *n = root->kids[1];
        CHECK(w->type == FUPIN_Q_WORD && w->field == FUPIN_QF_TITLE && w->len == 6 &&
              memcmp(w->text, "扶贫", 6) == 0 && w->text[6] == '\0', "title word");
        CHECK(n->type == FUPIN_Q_NOT && n->nkids == 1 && n->kids[0]->type == FUPIN_Q_DATE &&
              strcmp(n->kids[0]->from, "201901010000") == 0 && n->kids[0]->to[0] == '\0',
              "NOT date");
    }
    fupin_query_free(root);

    /* dump escapes what a caller-built tree may hold */
    fupin_qnode leaf = { .type = FUPIN_Q_PHRASE, .field = FUPIN_QF_SOURCE,
                         .text = "a\"b\\c\001", .len = 6 };
    fupin_qnode *kids[] = { &leaf };
    fupin_qnode top = { .type = FUPIN_Q_NOT, .kids = kids, .nkids = 1 };
    d = fupin_query_dump(&top);
    CHECK(d && strcmp(d, "(not (phrase source \"a\\\"b\\\\c\\x01\"))") == 0, "escapes: %s", d);
    free(d);
}

static void test_limits(void)
{
    char *s;
    /* QUERY_MAX_DEPTH is 32 */
    s = repeat("(", 32, "x", ")", 32);
    CHECK(status_of(s, strlen(s)) == 0, "32 nested");
    free(s);
    s = repeat("(", 33, "x", ")", 33);
    CHECK(status_of(s, strlen(s)) == FUPIN_ELIMIT, "33 nested");
    free(s);
    s = repeat("（", 64, "x", "）", 64);
    CHECK(status_of(s, strlen(s)) == FUPIN_ELIMIT, "64 nested full-width");
    free(s);
    s = repeat("(", 200000, "", "", 0);
    CHECK(status_of(s, strlen(s)) == FUPIN_ELIMIT, "200000 open");
    free(s);
    s = repeat("-(", 40, "x", ")", 40);
    CHECK(status_of(s, strlen(s)) == FUPIN_ELIMIT, "-( nested");
    free(s);
    /* no stack is spent on these */
    s = repeat(")", 200000, "x", "()", 200000);
    CHECK(status_of(s, strlen(s)) == 0, "unbalanced both ways");
    free(s);
    s = repeat("NOT ", 200001, "x", "", 0);
    fupin_qnode *root = NULL;
    CHECK(fupin_query_parse(s, strlen(s), NULL, &root, NULL, 0) == 0 && root &&
          root->type == FUPIN_Q_NOT, "odd NOT chain");
    fupin_query_free(root);
    free(s);
    s = repeat("-", 500000, "x", "", 0);
    CHECK(fupin_query_parse(s, strlen(s), NULL, &root, NULL, 0) == 0 && root &&
          root->type == FUPIN_Q_NOT, "dash run");
    fupin_query_free(root);
    free(s);

    /* a big flat query: speed, and the term limit counts every keyword */
    s = repeat("扶贫 OR 脱贫 OR ", 100000, "", "", 0);
    clock_t t0 = clock();
    CHECK(fupin_query_parse(s, strlen(s), NULL, &root, NULL, 0) == 0 && root &&
          root->type == FUPIN_Q_OR && root->nkids == 200000, "200000-way OR");
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    printf("200000-term query (%zu bytes) parsed in %.1f ms\n", strlen(s), ms);
    fupin_query_free(root);
    fupin_query_limits lim = { 0, 199999 };
    CHECK(fupin_query_parse(s, strlen(s), &lim, &root, NULL, 0) == FUPIN_ELIMIT && !root,
          "term limit 199999");
    lim.max_terms = 200000;
    CHECK(fupin_query_parse(s, strlen(s), &lim, &root, NULL, 0) == 0, "term limit 200000");
    fupin_query_free(root);
    lim = (fupin_query_limits){ strlen(s), 0 };
    CHECK(fupin_query_parse(s, strlen(s), &lim, &root, NULL, 0) == 0, "byte limit exact");
    fupin_query_free(root);
    lim.max_bytes--;
    CHECK(fupin_query_parse(s, strlen(s), &lim, &root, NULL, 0) == FUPIN_ELIMIT,
          "byte limit - 1");
    free(s);
}

/* Fails each allocation of a parse (and of the dump) in turn. */
static void test_alloc_failures(void)
{
#ifdef ALLOC_HOOK
    const char *q = "驻村 (扶贫 OR title:(a \"b c\") OR d e f g h) -x NOT (y z) "
                    "-(-w) date:2019..2020 source:人民日报 (p OR q OR r OR s OR t)";
    int ok = 0, nomem = 0, other = 0, leaks = 0;
    char *want = run(q, strlen(q), NULL);
    for (long k = 0; k < 200; k++) {
        fupin_qnode *root = NULL;
        char err[128];
        long live = hook_live;
        hook_countdown = k;
        int rc = fupin_query_parse(q, strlen(q), NULL, &root, err, sizeof err);
        char *d = rc == 0 ? fupin_query_dump(root) : NULL;
        hook_countdown = -1;
        if (rc == FUPIN_ENOMEM && !root && strcmp(err, "out of memory") == 0)
            nomem++;
        else if (rc == 0 && d && want && strcmp(d, want) == 0)
            ok++;
        else if (!(rc == 0 && !d))      /* the dump itself may run out */
            other++;
        free(d);
        fupin_query_free(root);
        if (hook_live != live)
            leaks++;
    }
    free(want);
    printf("allocation failures: %d ENOMEM, %d survived\n", nomem, ok);
    CHECK(nomem > 10 && ok > 0 && other == 0, "nomem %d ok %d other %d", nomem, ok, other);
    CHECK(leaks == 0, "%d failed allocations leaked memory", leaks);
#endif
}

int main(int argc, char **argv)
{
    golden(argc > 1 ? argv[1] : GOLDEN);
    test_api();
    test_limits();
    test_alloc_failures();
    return TEST_DONE();
}
