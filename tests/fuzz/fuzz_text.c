/* fuzz_text.c - libFuzzer target for the text path: normalize, tokenize,
 * match, on arbitrary bytes; aborts when an invariant breaks.
 *
 * The first byte picks the keyword length; the keyword is the next bytes
 * and the text is all of the input.  Checked:
 *  - normalize: text NUL-terminated and valid UTF-8; every map span inside
 *    the input, spans never go back and tile the input; the same text
 *    without the map; on valid UTF-8 input, exactly utf8proc_map's answer;
 *  - tokenize (normalised and raw bytes): atoms inside the text, in order,
 *    glued iff adjacent; tokens inside the text, pos = ordinal, offsets
 *    never go back;
 *  - match: spans of find() inside the text, in order, not overlapping,
 *    test() agrees; a keyword cut from the text's own atoms is found.
 *
 * Build (libFuzzer):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 \
 *     tests/fuzz/fuzz_text.c common/normalize.c common/tokenize.c common/match.c \
 *     common/status.c $(pkg-config --cflags --libs libutf8proc) -o fuzz_text
 *   ./fuzz_text -max_total_time=300 tests/fuzz/corpus/text
 * Replay without libFuzzer (gcc too): add -DFUPIN_FUZZ_REPLAY_MAIN, drop
 * "fuzzer," and run ./fuzz_text FILE_OR_DIR...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../../common/match.h"
#include "../../common/normalize.h"
#include "../../common/status.h"
#include "../../common/tokenize.h"

#define OPTS (UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STABLE)

#define ENSURE(cond) do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    utf8proc_int32_t cp;

    while (i < n) {
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp < 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

typedef struct walk {
    const char *text;
    size_t len;
    fupin_atom atoms[64];   /* the first 64, for keywords */
    size_t natoms;
    size_t prev_end;
    uint32_t pos, prev_off;
} walk;

static int atom_cb(void *ctx, const fupin_atom *a)
{
    walk *w = ctx;

    ENSURE(a->len > 0 && (size_t)a->off + a->len <= w->len);
    ENSURE(a->kind == FUPIN_ATOM_CJK || a->kind == FUPIN_ATOM_WORD);
    ENSURE(w->natoms == 0 || a->off >= w->prev_end);
    ENSURE(a->glued == (w->natoms > 0 && a->off == w->prev_end));
    w->prev_end = (size_t)a->off + a->len;
    if (w->natoms < 64)
        w->atoms[w->natoms] = *a;
    w->natoms++;
    return 0;
}

static int token_cb(void *ctx, const fupin_token *t)
{
    walk *w = ctx;

    ENSURE(t->len > 0 && (size_t)t->off + t->len <= w->len && t->s == w->text + t->off);
    ENSURE(t->kind == FUPIN_TOKEN_WORD || t->kind == FUPIN_TOKEN_BIGRAM ||
           t->kind == FUPIN_TOKEN_UNIGRAM);
    ENSURE(t->kind != FUPIN_TOKEN_WORD || t->len <= FUPIN_TOK_MAX_WORD);
    ENSURE(t->pos == w->pos && (t->pos == 0 || t->off >= w->prev_off));
    w->pos++;
    w->prev_off = t->off;
    return 0;
}

static void check_walks(const char *text, size_t len, walk *w)
{
    memset(w, 0, sizeof *w);
    w->text = text;
    w->len = len;
    ENSURE(fupin_tokenize_atoms(text, len, atom_cb, w) == 0);
    ENSURE(fupin_tokenize(text, len, 0, token_cb, w) == 0);
    w->pos = 0;
    ENSURE(fupin_tokenize(text, len, FUPIN_TOK_ALL_UNIGRAMS, token_cb, w) == 0);
}

static void check_find(fupin_matcher *m, const char *text, size_t len)
{
    fupin_span sp[16];
    size_t n = fupin_matcher_find(m, text, len, sp, 16), i;

    ENSURE(n <= 16);
    for (i = 0; i < n; i++) {
        ENSURE(sp[i].len > 0 && (size_t)sp[i].off + sp[i].len <= len);
        ENSURE(i == 0 || sp[i].off >= sp[i - 1].off + sp[i - 1].len);
    }
    ENSURE(fupin_matcher_test(m, text, len) == (n > 0));
}

static size_t count_cps(const char *s, size_t n)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Made once: loading OpenCC's table per input would leave the fuzzer
     * a few executions per second.  plain has no t2s folding, so its output
     * is exactly utf8proc's. */
    static fupin_normalizer *nz, *plain;
    fupin_norm r;
    fupin_matcher *m = NULL;
    char *text = NULL, *kw = NULL;
    size_t tlen, klen, i, covered = 0;
    walk *w = malloc(sizeof *w);

    ENSURE(w);
    if (!nz)
        ENSURE(fupin_normalizer_new(0, &nz) == 0);
    if (!plain)
        ENSURE(fupin_normalizer_new(FUPIN_NORM_NO_T2S, &plain) == 0);

    /* normalize, with the map */
    ENSURE(fupin_normalizer_run(nz, (const char *)data, size, FUPIN_NORM_WANT_MAP, &r) == 0);
    ENSURE(r.text[r.len] == '\0' && valid_utf8((const uint8_t *)r.text, r.len));
    ENSURE(r.replaced <= size);
    for (i = 0; i < r.len; i++) {
        ENSURE(r.start[i] < r.end[i] && r.end[i] <= size);
        ENSURE(i == 0 || (r.start[i] >= r.start[i - 1] && r.end[i] >= r.end[i - 1]));
        ENSURE(r.start[i] == covered || (i > 0 && r.start[i] == r.start[i - 1]));
        covered = r.end[i];
    }
    ENSURE(covered == size);
    tlen = r.len;
    text = malloc(tlen + 1);
    ENSURE(text);
    memcpy(text, r.text, tlen + 1);
    ENSURE(fupin_normalizer_run(nz, (const char *)data, size, 0, &r) == 0);
    ENSURE(r.len == tlen && memcmp(r.text, text, tlen) == 0 && !r.start);
    {
        /* t2s maps character to character: as many code points as without */
        size_t tr = r.replaced;
        ENSURE(fupin_normalizer_run(plain, (const char *)data, size, 0, &r) == 0);
        ENSURE(r.replaced == tr && count_cps(r.text, r.len) == count_cps(text, tlen));
    }
    if (valid_utf8(data, size)) {
        utf8proc_uint8_t *want = NULL;
        utf8proc_ssize_t wl = utf8proc_map(data, (utf8proc_ssize_t)size, &want, OPTS);
        ENSURE(wl >= 0 && (size_t)wl == r.len && memcmp(want, r.text, r.len) == 0);
        ENSURE(r.replaced == 0);
        free(want);
    }

    /* tokenize the raw bytes (must not crash), then the normalised text */
    check_walks((const char *)data, size, w);
    check_walks(text, tlen, w);

    /* a keyword from the input's second..k-th bytes */
    if (size > 1) {
        klen = data[0] % 32;
        if (klen > size - 1)
            klen = size - 1;
        ENSURE(fupin_normalizer_run(nz, (const char *)data + 1, klen, 0, &r) == 0);
        kw = malloc(r.len + 1);
        ENSURE(kw);
        memcpy(kw, r.text, r.len + 1);
        int st = fupin_matcher_new(kw, r.len, &m);
        ENSURE(st == 0 || st == FUPIN_EINVAL);
        ENSURE((st == 0) == (m != NULL));
        if (m) {
            ENSURE(fupin_matcher_atoms(m) > 0);
            check_find(m, text, tlen);
            fupin_matcher_free(m);
            m = NULL;
        }
        free(kw);
    }

    /* a keyword cut from the text's own atoms must be found in it */
    if (w->natoms > 0) {
        size_t n = w->natoms < 64 ? w->natoms : 64;
        size_t a = size ? data[size - 1] % n : 0, b = a + (size > 1 ? data[size - 2] % 4 : 0);
        if (b >= n)
            b = n - 1;
        size_t off = w->atoms[a].off, end = (size_t)w->atoms[b].off + w->atoms[b].len;
        ENSURE(fupin_matcher_new(text + off, end - off, &m) == 0);
        ENSURE(fupin_matcher_atoms(m) == b - a + 1);
        ENSURE(fupin_matcher_test(m, text, tlen) == 1);
        check_find(m, text, tlen);
        fupin_matcher_free(m);
    }

    free(text);
    free(w);
    return 0;
}

#ifdef FUPIN_FUZZ_REPLAY_MAIN
#include "replay.h"
#endif
