/* snippet.c - cutting and highlighting a short extract of an article.
 *
 * Owns the choice of which part of an article a result shows and how it is
 * marked up (see snippet.h).  Three steps:
 *  1. the hits are cleaned (clipped to the text, empty or outside ones
 *     dropped), sorted, and given approximate character positions by
 *     counting non-continuation bytes: exact for valid UTF-8, cheap enough
 *     for a 1 MB article, and only used to choose, never to cut;
 *  2. a window of `width` characters anchored at each hit in turn picks the
 *     one holding the most distinct keywords, then the most hits, the
 *     earliest on a tie; it is then laid out exactly, character by
 *     character: centred on its hits with some context before the first,
 *     then started just after the nearest sentence end (。！？ or a newline)
 *     within 20 characters before it or in the context before the hits;
 *  3. the window is written: invalid UTF-8 (and control characters, so that
 *     a terminal never sees a raw ESC nor a C string a NUL) as U+FFFD,
 *     whitespace runs as one space, trimmed, and every character that any
 *     hit touches highlighted, so overlapping and adjacent hits (and hits
 *     cut mid-character) become one mark on whole characters.
 *
 * A character here is a decoder segment: a valid UTF-8 sequence, or the
 * maximal subpart of an invalid one (Unicode's recommended U+FFFD
 * substitution), or a lone byte.  Every byte that is not a continuation byte
 * starts a segment, so the segment holding any byte is found by looking back
 * at most three bytes: the window can be laid out anywhere in the text
 * without decoding it from the start.
 */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../common/status.h"

enum {
    CTX_MAX = 10,           /* characters of context wanted before the first hit */
    SENTENCE_BACK = 20,     /* how far back a sentence end may pull the start */
    UNIT_MAX = 32           /* output bytes one character can need, markup included */
};

/* A hit once cleaned: bytes [off, end) and approximate characters [cpos, cend). */
typedef struct ihit {
    size_t off, end;
    size_t cpos, cend;
    uint32_t kw;            /* dense keyword index, into the counts array */
} ihit;

typedef struct obuf {
    char *p;
    size_t n, cap;
} obuf;

enum { CH_SHOW, CH_SPACE, CH_BAD };

static int is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

/* utf8proc says only that a sequence is invalid; how many bytes one U+FFFD
 * stands for is ours to decide.  We take the maximal subpart (Unicode §3.9,
 * as the WHATWG decoder does): the lead byte plus the continuation bytes
 * that could still have completed it.  It never holds a non-continuation
 * byte after the first, which the local boundary search relies on. */
static size_t invalid_len(const uint8_t *s, size_t n)
{
    uint8_t b = s[0], lo = 0x80, hi = 0xBF;
    size_t need, k;

    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) lo = 0xA0;
        else if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) lo = 0x90;
        else if (b == 0xF4) hi = 0x8F;
    } else {
        return 1;
    }
    for (k = 1; k <= need && k < n; k++) {
        if (s[k] < lo || s[k] > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
    }
    return k;
}

/* Decodes the segment starting at p (< n): returns its length in bytes and
 * sets *cp to its code point, or to -1 when it is invalid. */
static size_t seg_decode(const uint8_t *s, size_t n, size_t p, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k;

    if (s[p] < 0x80) {
        *cp = s[p];
        return 1;
    }
    k = utf8proc_iterate(s + p, (utf8proc_ssize_t)(n - p > 4 ? 4 : n - p), &c);
    if (k > 0) {
        *cp = c;
        return (size_t)k;
    }
    *cp = -1;
    return invalid_len(s + p, n - p);
}

/* Start of the segment holding byte p (< n). */
static size_t snap_back(const uint8_t *s, size_t n, size_t p)
{
    size_t lim = p >= 3 ? p - 3 : 0, r = p;
    int32_t cp;

    if (!is_cont(s[p]))
        return p;
    while (r > lim) {
        r--;
        if (!is_cont(s[r]))
            return r + seg_decode(s, n, r, &cp) > p ? r : p;
    }
    return p;   /* a stray continuation byte: a segment of its own */
}

/* The first segment boundary at or after p. */
static size_t snap_fwd(const uint8_t *s, size_t n, size_t p)
{
    size_t q;
    int32_t cp;

    if (p >= n)
        return n;
    q = snap_back(s, n, p);
    return q == p ? p : q + seg_decode(s, n, q, &cp);
}

/* Moves k segments forward from boundary p (not past n); *moved says how many. */
static size_t walk_fwd(const uint8_t *s, size_t n, size_t p, size_t k, size_t *moved)
{
    size_t i = 0;
    int32_t cp;

    for (; i < k && p < n; i++)
        p += seg_decode(s, n, p, &cp);
    *moved = i;
    return p;
}

static size_t walk_back(const uint8_t *s, size_t n, size_t p, size_t k, size_t *moved)
{
    size_t i = 0;

    for (; i < k && p > 0; i++)
        p = snap_back(s, n, p - 1);
    *moved = i;
    return p;
}

static int classify(int32_t cp)
{
    utf8proc_category_t cat;

    if (cp < 0)
        return CH_BAD;
    if (cp < 0x80) {
        if (cp == ' ' || (cp >= '\t' && cp <= '\r'))
            return CH_SPACE;
        return cp < 0x20 || cp == 0x7F ? CH_BAD : CH_SHOW;
    }
    cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
        cat == UTF8PROC_CATEGORY_ZP || cp == 0x85)
        return CH_SPACE;
    return cat == UTF8PROC_CATEGORY_CC ? CH_BAD : CH_SHOW;
}

static int is_sentence_end(int32_t cp)
{
    return cp == '\n' || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;  /* 。！？ */
}

/* 1 if some visible character lies in [0, p). */
static int visible_before(const uint8_t *s, size_t n, size_t p)
{
    int32_t cp;

    while (p > 0) {
        p = snap_back(s, n, p - 1);
        seg_decode(s, n, p, &cp);
        if (classify(cp) != CH_SPACE)
            return 1;
    }
    return 0;
}

/* 1 if some visible character lies in [p, n). */
static int visible_from(const uint8_t *s, size_t n, size_t p)
{
    int32_t cp;

    while (p < n) {
        p += seg_decode(s, n, p, &cp);
        if (classify(cp) != CH_SPACE)
            return 1;
    }
    return 0;
}

static size_t count_starts(const uint8_t *s, size_t n)
{
    size_t c = 0, i;

    for (i = 0; i < n; i++)
        c += !is_cont(s[i]);
    return c;
}

static int cmp_hit(const void *a, const void *b)
{
    const ihit *x = a, *y = b;

    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* Makes room for at least UNIT_MAX more bytes, so that one character can
 * be written without checks. */
static int ob_reserve(obuf *o)
{
    size_t cap;
    char *p;

    if (o->cap - o->n >= UNIT_MAX)
        return 0;
    cap = o->cap * 2 + UNIT_MAX;
    p = realloc(o->p, cap);
    if (!p)
        return FUPIN_ENOMEM;
    o->p = p;
    o->cap = cap;
    return 0;
}

static void ob_put(obuf *o, const char *s, size_t k)
{
    memcpy(o->p + o->n, s, k);
    o->n += k;
}

static void ob_mark(obuf *o, int style, int open)
{
    if (style == FUPIN_SNIPPET_HTML)
        ob_put(o, open ? "<b>" : "</b>", open ? 3 : 4);
    else if (style == FUPIN_SNIPPET_ANSI)
        ob_put(o, open ? "\x1b[1m" : "\x1b[0m", 4);
    else
        ob_put(o, open ? "[" : "]", 1);
}

static void ob_char(obuf *o, int style, const uint8_t *c, size_t k)
{
    if (style == FUPIN_SNIPPET_HTML && k == 1) {
        switch (c[0]) {
        case '&': ob_put(o, "&amp;", 5); return;
        case '<': ob_put(o, "&lt;", 4); return;
        case '>': ob_put(o, "&gt;", 4); return;
        case '"': ob_put(o, "&quot;", 6); return;
        case '\'': ob_put(o, "&#39;", 5); return;
        default: break;
        }
    }
    ob_put(o, (const char *)c, k);
}

/* Cleans the hits into h (returns how many), sorted by offset, with dense
 * keyword numbers; *nkw gets the size the counts array needs.  kws is
 * scratch of nhits entries. */
static size_t clean_hits(const fupin_snippet_hit *hits, size_t nhits, size_t len,
                         ihit *h, uint32_t *kws, size_t *nkw)
{
    size_t m = 0, i, sorted = 1, nu = 0;
    uint32_t maxkw = 0;

    for (i = 0; i < nhits; i++) {
        size_t off = hits[i].off, end;
        if (hits[i].len == 0 || off >= len)
            continue;
        end = len - off > hits[i].len ? off + hits[i].len : len;
        h[m].off = off;
        h[m].end = end;
        h[m].kw = hits[i].kw;
        if (hits[i].kw > maxkw)
            maxkw = hits[i].kw;
        if (m > 0 && cmp_hit(&h[m - 1], &h[m]) > 0)
            sorted = 0;
        m++;
    }
    if (!sorted)
        qsort(h, m, sizeof *h, cmp_hit);
    /* Keyword numbers are small in practice (0..keywords-1): index them
     * directly; only arbitrary large ones are renumbered. */
    if ((size_t)maxkw < 2 * m + 1024) {
        *nkw = (size_t)maxkw + 1;
        return m;
    }
    for (i = 0; i < m; i++)
        kws[i] = h[i].kw;
    qsort(kws, m, sizeof *kws, cmp_u32);
    for (i = 0; i < m; i++)
        if (nu == 0 || kws[nu - 1] != kws[i])
            kws[nu++] = kws[i];
    for (i = 0; i < m; i++) {
        const uint32_t *f = bsearch(&h[i].kw, kws, nu, sizeof *kws, cmp_u32);
        h[i].kw = (uint32_t)(f - kws);
    }
    *nkw = nu;
    return m;
}

/* Picks the best window of hits: sets [*bs, *be) to the bytes its hits cover. */
static void choose(const uint8_t *s, size_t len, ihit *h, size_t m, uint32_t *cnt,
                   size_t width, size_t *bs, size_t *be)
{
    size_t pos = 0, at = 0, i, j = 0, distinct = 0, best_d = 0, best_h = 0, bi = 0, bj = 1;
    /* A hit's length only matters up to the width: counting can stop after
     * 4 bytes a character (stray continuation bytes make this approximate,
     * which only ever affects the choice, not the cut). */
    size_t capb = width < len / 4 ? 4 * width + 4 : len;

    for (i = 0; i < m; i++) {
        size_t lim = h[i].end - h[i].off > capb ? h[i].off + capb : h[i].end;
        pos += count_starts(s + at, h[i].off - at);
        at = h[i].off;
        h[i].cpos = pos;
        h[i].cend = pos + count_starts(s + at, lim - at);
    }
    /* Hits are sorted by start; j only moves forward because the window's
     * end does.  A hit too long for any window still counts alone. */
    for (i = 0; i < m; i++) {
        size_t wend = h[i].cpos + width;
        while (j < m && (j <= i || h[j].cend <= wend)) {
            if (cnt[h[j].kw]++ == 0)
                distinct++;
            j++;
        }
        if (distinct > best_d || (distinct == best_d && j - i > best_h)) {
            best_d = distinct;
            best_h = j - i;
            bi = i;
            bj = j;
        }
        if (--cnt[h[i].kw] == 0)
            distinct--;
    }
    *bs = h[bi].off;
    *be = h[bi].end;
    for (i = bi + 1; i < bj; i++)
        if (h[i].end > *be)
            *be = h[i].end;
}

/* Lays the window out around the chosen hits' bytes [bs, be): sets [*ws, *we). */
static void layout(const uint8_t *s, size_t n, size_t bs, size_t be, size_t width,
                   size_t *ws, size_t *we)
{
    size_t ctx = width / 4 < CTX_MAX ? width / 4 : CTX_MAX;
    size_t span, before, total, moved, k, p, q, keep, kb, kf, pb = 0;
    int32_t cp;

    bs = snap_back(s, n, bs);
    be = snap_fwd(s, n, be);
    for (p = bs, span = 0; p < be && span <= width; span++)   /* characters of the hits */
        p += seg_decode(s, n, p, &cp);
    if (span < width) {
        /* centred; if that leaves too little before the first hit, the
         * window grows a little rather than cut the last one */
        before = (width - span) / 2;
        if (before < ctx)
            before = ctx;
        total = span + before > width ? span + before : width;
    } else {
        before = ctx;
        total = width;
    }
    *ws = walk_back(s, n, bs, before, &moved);
    *we = walk_fwd(s, n, *ws, total, &moved);
    if (moved < total)  /* the text ended early: show more before instead */
        *ws = walk_back(s, n, *ws, total - moved, &moved);
    if (*ws == 0)
        return;
    /* Start just after the sentence end nearest the window's start: one
     * close before it (the window then gives up as many characters at its
     * end, but no hit it showed), or one in the context before the first
     * hit (the window then takes as many more at its end). */
    kb = kf = SIZE_MAX;
    p = *ws;
    for (k = 0; k < SENTENCE_BACK && p > 0; k++) {
        q = snap_back(s, n, p - 1);
        seg_decode(s, n, q, &cp);
        if (is_sentence_end(cp)) {
            kb = k;
            pb = p;
            break;
        }
        p = q;
    }
    p = *ws;
    for (k = 1; k <= SENTENCE_BACK && k <= kb && p < bs; k++) {
        p += seg_decode(s, n, p, &cp);
        if (is_sentence_end(cp)) {
            kf = k;
            break;
        }
    }
    if (kf < kb) {
        *ws = p;
        *we = walk_fwd(s, n, *we, kf, &moved);
    } else if (kb != SIZE_MAX) {
        keep = be < *we ? be : *we;
        *ws = pb;
        *we = walk_back(s, n, *we, kb, &moved);
        if (*we < keep)
            *we = keep;
    }
}

/* Writes text[ws, we) with its highlights and ellipses into o.  r[0..nr)
 * are the merged hit ranges, sorted. */
static int emit(const uint8_t *s, size_t n, size_t ws, size_t we, const ihit *r,
                size_t nr, int style, obuf *o)
{
    static const uint8_t fffd[3] = { 0xEF, 0xBF, 0xBD };
    int cut_start = ws > 0 && visible_before(s, n, ws);
    int cut_end = we < n && visible_from(s, n, we);
    int hl = 0, pend = 0, pend_hl = 1, any = 0, rc;
    size_t p = ws, ri = 0, k;
    int32_t cp;

    if ((rc = ob_reserve(o)) != 0)
        return rc;
    if (cut_start)
        ob_put(o, "\xe2\x80\xa6", 3);
    while (p < we) {
        int f, cls;
        k = seg_decode(s, n, p, &cp);
        while (ri < nr && r[ri].end <= p)
            ri++;
        f = ri < nr && r[ri].off < p + k;
        cls = classify(cp);
        if (cls == CH_SPACE) {
            pend = 1;
            pend_hl &= f;
        } else {
            if ((rc = ob_reserve(o)) != 0)
                return rc;
            if (pend && any) {
                if (hl != pend_hl) {
                    ob_mark(o, style, pend_hl);
                    hl = pend_hl;
                }
                ob_put(o, " ", 1);
            }
            if (hl != f) {
                ob_mark(o, style, f);
                hl = f;
            }
            if (cls == CH_BAD)
                ob_put(o, (const char *)fffd, 3);
            else
                ob_char(o, style, s + p, k);
            any = 1;
            pend = 0;
            pend_hl = 1;
        }
        p += k;
    }
    if ((rc = ob_reserve(o)) != 0)
        return rc;
    if (hl)
        ob_mark(o, style, 0);
    /* one ellipsis, not two, for a window with nothing visible in it */
    if (cut_end && (any || !cut_start))
        ob_put(o, "\xe2\x80\xa6", 3);
    o->p[o->n] = '\0';
    return 0;
}

int fupin_snippet_make(const char *text, size_t len, const fupin_snippet_hit *hits,
                       size_t nhits, size_t width, int style,
                       char **out, size_t *out_len)
{
    const uint8_t *s = (const uint8_t *)text;
    ihit *h = NULL;
    uint32_t *cnt = NULL, *kws = NULL;
    obuf o = { NULL, 0, 0 };
    size_t m = 0, nkw = 0, ws = 0, we = len, bs, be, i, nr = 0;
    int rc = FUPIN_EINVAL;

    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out || (!text && len > 0) || (!hits && nhits > 0) ||
        (style != FUPIN_SNIPPET_BRACKETS && style != FUPIN_SNIPPET_ANSI &&
         style != FUPIN_SNIPPET_HTML))
        goto done;
    rc = FUPIN_ENOMEM;
    if (width > len)    /* characters never outnumber bytes: all of it fits */
        width = 0;
    if (nhits > SIZE_MAX / sizeof *h)
        goto done;
    if (nhits > 0) {
        h = malloc(nhits * sizeof *h);
        kws = malloc(nhits * sizeof *kws);
        if (!h || !kws)
            goto done;
        m = clean_hits(hits, nhits, len, h, kws, &nkw);
    }
    if (width > 0 && m > 0) {
        cnt = calloc(nkw, sizeof *cnt);
        if (!cnt)
            goto done;
        choose(s, len, h, m, cnt, width, &bs, &be);
        layout(s, len, bs, be, width, &ws, &we);
    } else if (width > 0) {
        size_t moved;
        we = walk_fwd(s, len, 0, width, &moved);
    }
    /* merge overlapping and touching hits in place (h is sorted by off) */
    for (i = 0; i < m; i++) {
        if (nr > 0 && h[i].off <= h[nr - 1].end) {
            if (h[i].end > h[nr - 1].end)
                h[nr - 1].end = h[i].end;
        } else {
            h[nr++] = h[i];
        }
    }
    o.cap = (we - ws) + (we - ws) / 4 + 64;
    o.p = malloc(o.cap);
    if (!o.p)
        goto done;
    rc = emit(s, len, ws, we, h, nr, style, &o);
    if (rc != 0)
        goto done;
    *out = o.p;
    if (out_len)
        *out_len = o.n;
    o.p = NULL;
done:
    free(o.p);
    free(h);
    free(kws);
    free(cnt);
    return rc;
}
