/* fuzz_query.c - libFuzzer target for the query parser (and the date parser
 * it calls), on arbitrary bytes.
 *
 * For each input: parse with no limits and with small ones; on success the
 * tree must have the parser's canonical shape and fupin_query_dump must give
 * valid UTF-8, the same text on a second parse; on failure the root must be
 * NULL and the message valid UTF-8.  The raw input also goes through
 * fupin_date_parse, whose output must be 12 digits that parse back to
 * themselves.  Any broken promise aborts.
 *
 * libFuzzer (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     tests/fuzz/fuzz_query.c searcher/query.c common/date.c common/status.c \
 *     -lutf8proc -o fuzz_query
 *   ./fuzz_query -dict=tests/fuzz/query.dict NEW_DIR tests/fuzz/corpus/query
 * Replay saved inputs with any compiler (files or directories as arguments):
 *   gcc -DFUPIN_FUZZ_REPLAY_MAIN ... -o replay && ./replay tests/fuzz/corpus/query
 */
#include "../../searcher/query.h"
#include "../../common/date.h"
#include "../../common/status.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "broken: %s (%s:%d)\n", #c, \
                                    __FILE__, __LINE__); abort(); } } while (0)

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

static void check_tree(const fupin_qnode *n, int parent_type, int depth)
{
    REQUIRE(depth < 200);
    switch (n->type) {
    case FUPIN_Q_AND: case FUPIN_Q_OR:
        REQUIRE(n->nkids >= 2 && n->type != parent_type);
        break;
    case FUPIN_Q_NOT:
        REQUIRE(n->nkids == 1 && n->kids[0]->type != FUPIN_Q_NOT);
        break;
    case FUPIN_Q_WORD: case FUPIN_Q_PHRASE:
        REQUIRE(n->nkids == 0 && n->text && n->len > 0 && strlen(n->text) == n->len);
        REQUIRE(valid_utf8(n->text, n->len));
        REQUIRE(n->field >= FUPIN_QF_ANY && n->field <= FUPIN_QF_SOURCE);
        break;
    case FUPIN_Q_DATE:
        REQUIRE(n->nkids == 0 && !n->text && (n->from[0] || n->to[0]));
        REQUIRE(!n->from[0] || is_stamp(n->from));
        REQUIRE(!n->to[0] || is_stamp(n->to));
        REQUIRE(!n->from[0] || !n->to[0] || strcmp(n->from, n->to) <= 0);
        break;
    default:
        REQUIRE(0 && "unknown node type");
    }
    for (size_t i = 0; i < n->nkids; i++)
        check_tree(n->kids[i], n->type, depth + 1);
}

static void one_parse(const char *q, size_t len, const fupin_query_limits *lim)
{
    fupin_qnode *root = NULL;
    char err[160];
    int rc = fupin_query_parse(q, len, lim, &root, err, sizeof err);
    if (rc) {
        REQUIRE(root == NULL);
        REQUIRE(rc == FUPIN_ESYNTAX || rc == FUPIN_ELIMIT || rc == FUPIN_ENOMEM);
        REQUIRE(err[0] && valid_utf8(err, strlen(err)));
        return;
    }
    if (root)
        check_tree(root, 0, 0);
    char *d = fupin_query_dump(root);
    REQUIRE(d != NULL);
    REQUIRE(valid_utf8(d, strlen(d)));

    fupin_qnode *again = NULL;
    REQUIRE(fupin_query_parse(q, len, lim, &again, NULL, 0) == 0);
    char *d2 = fupin_query_dump(again);
    REQUIRE(d2 && strcmp(d, d2) == 0);
    free(d2);
    fupin_query_free(again);
    free(d);
    fupin_query_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q = (const char *)data;
    fupin_query_limits small = { 64, 4 };

    one_parse(q, size, NULL);
    one_parse(q, size, &small);

    for (int end = 0; end < 2; end++) {
        char out[13], back[13];
        memset(out, 'X', sizeof out);
        if (fupin_date_parse(q, size, end, out) == 0) {
            REQUIRE(is_stamp(out));
            REQUIRE(fupin_date_parse(out, 12, !end, back) == 0 && strcmp(out, back) == 0);
        } else {
            REQUIRE(out[0] == '\0');
        }
    }
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
