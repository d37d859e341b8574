/* docstore_corpus.h - loads the shared corpus's zstd JSON Lines files into
 * fupin_articles, for tests/test_docstore.c and tests/tools/store_ratio.c.
 *
 * Test-only code: each article's fields live in one malloc'd block the
 * corpus owns.  Files are read through `zstd -dc` so no decompression code
 * is needed here.
 */
#ifndef FUPIN_TESTS_DOCSTORE_CORPUS_H
#define FUPIN_TESTS_DOCSTORE_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "../common/article.h"

typedef struct dc_corpus {
    fupin_article *a;
    char **blocks;      /* blocks[i] holds the bytes of a[i] */
    size_t n, cap;
    size_t raw_bytes;   /* sum of all field lengths */
} dc_corpus;

static void dc_corpus_free(dc_corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->blocks[i]);
    free(c->blocks);
    free(c->a);
    memset(c, 0, sizeof *c);
}

/* Appends the articles of one .jsonl.zst file.  Returns the number added,
 * or -1 when the file cannot be read or a line does not parse. */
static long dc_corpus_load(dc_corpus *c, const char *path)
{
    static const char *const keys[FUPIN_F_COUNT] = {
        "id", "title", "source", "date", "url", "byline", "body"
    };
    char cmd[4096];
    if (strchr(path, '\'') || snprintf(cmd, sizeof cmd, "zstd -dc -- '%s' 2>/dev/null", path)
            >= (int)sizeof cmd)
        return -1;
    FILE *fp = popen(cmd, "r");
    if (!fp)
        return -1;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    long added = 0;
    while ((got = getline(&line, &linecap, fp)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            added = -1;
            break;
        }
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 1024;
            fupin_article *na = realloc(c->a, nc * sizeof *na);
            if (na)
                c->a = na;
            char **nb = realloc(c->blocks, nc * sizeof *nb);
            if (nb)
                c->blocks = nb;
            if (!na || !nb) {
                json_decref(o);
                added = -1;
                break;
            }
            c->cap = nc;
        }
        size_t total = 0;
        for (int i = 0; i < FUPIN_F_COUNT; i++)
            total += json_string_length(json_object_get(o, keys[i]));
        char *b = malloc(total ? total : 1);
        if (!b) {
            json_decref(o);
            added = -1;
            break;
        }
        fupin_article *a = &c->a[c->n];
        size_t at = 0;
        for (int i = 0; i < FUPIN_F_COUNT; i++) {
            json_t *s = json_object_get(o, keys[i]);
            size_t l = json_string_length(s);
            if (l)
                memcpy(b + at, json_string_value(s), l);
            a->f[i].ptr = b + at;
            a->f[i].len = l;
            at += l;
        }
        c->blocks[c->n++] = b;
        c->raw_bytes += total;
        added++;
        json_decref(o);
    }
    free(line);
    if (pclose(fp) != 0)
        added = -1;
    return added;
}

#endif
