/* reprint_set.h - a labelled test set of reprints built from the real
 * corpus, and the precision and recall of reprint.h's clustering on it.
 * Used by tests/test_reprint.c (asserts) and tests/tools/reprint_eval.c
 * (prints).
 *
 * The set: every article of the fupin corpus (3,263 real, distinct
 * articles) plus, for RS_ORIGINALS of them (every k-th article with at
 * least three paragraphs and 300 bytes), six reprints made the way portals
 * make them:
 *   RS_DUP      exact copy under another id
 *   RS_CUTFIRST first paragraph cut (in 人民日报 text often the kicker line)
 *   RS_CUTLAST  last paragraph cut
 *   RS_REWRAP   paragraphs joined and re-broken every 37 characters
 *   RS_PORTAL   a portal's header (breadcrumb, 来源/发布时间 line, font
 *               buttons) and footer (打印/关闭, 责任编辑, 主办单位/ICP lines)
 *   RS_COMBO    first paragraph cut, portal footer, re-wrapped
 * An original and its reprints are one true group; every other article is
 * its own group, so pairs of different corpus articles count as negatives,
 * among them the hard ones RS measures separately: same source and a place
 * name (2-4 characters before 县/市/村/镇/乡/州) shared by the titles, i.e.
 * two reports on the same county.
 * Precision and recall are over pairs: a predicted pair is two articles in
 * one cluster, a true pair two articles of one true group.
 */
#ifndef FUPIN_TESTS_REPRINT_SET_H
#define FUPIN_TESTS_REPRINT_SET_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docstore_corpus.h"
#include "../indexer/reprint.h"
#include "../common/normalize.h"
#include "../common/terms.h"

#define RS_ORIGINALS 300

enum { RS_ORIG = 0, RS_DUP, RS_CUTFIRST, RS_CUTLAST, RS_REWRAP, RS_PORTAL, RS_COMBO, RS_KINDS };
static const char *const rs_kind_name[RS_KINDS] = {
    "original", "exact copy", "cut first para", "cut last para", "re-wrapped",
    "portal header+footer", "cut+footer+wrap"
};

typedef struct rs_doc {
    char *title, *body;          /* owned (title points into the corpus for originals) */
    const char *source;
    size_t tlen, blen, slen;
    int32_t day;                 /* the original's date (reprint.h) */
    uint32_t label;              /* true group */
    int kind;
    int own_title;
} rs_doc;

typedef struct rs_set {
    dc_corpus c;
    rs_doc *d;
    size_t n, cap;
    size_t originals;
} rs_set;

typedef struct rs_metrics {
    uint64_t true_pairs, predicted_pairs, tp;
    double precision, recall;
    uint32_t variants[RS_KINDS], found[RS_KINDS];   /* reprints in their original's cluster */
    uint64_t hard_pairs, hard_joined;               /* same source + place name */
    uint64_t corpus_pairs_joined;                   /* two different corpus articles */
    uint32_t clusters, clustered;
    unsigned min_agree[RS_KINDS];                   /* lowest agreement with the original */
    unsigned max_hard_agree;
    char example_fp[512];                           /* titles of one joined corpus pair */
    uint32_t joined[100][3];                        /* first joined corpus pairs: i, j, agree */
    uint32_t missed[64][3];                         /* first reprints not found: original, reprint, agree */
    size_t nmissed;
    size_t njoined;
} rs_metrics;

static int rs_push(rs_set *s, char *title, size_t tlen, char *body, size_t blen,
                   const fupin_str *src, uint32_t label, int kind, int own_title)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8192;
        rs_doc *nd = realloc(s->d, nc * sizeof *nd);
        if (!nd)
            return -1;
        s->d = nd;
        s->cap = nc;
    }
    rs_doc *d = &s->d[s->n++];
    d->title = title;
    d->tlen = tlen;
    d->body = body;
    d->blen = blen;
    d->source = src->ptr;
    d->slen = src->len;
    d->label = label;
    d->kind = kind;
    d->own_title = own_title;
    d->day = 0;
    return 0;
}

/* Days of a "YYYY-MM-DD..." date (0 unknown). */
static int32_t rs_day(const fupin_str *date)
{
    char d[8];
    if (date->len < 10)
        return 0;
    memcpy(d, date->ptr, 4);
    memcpy(d + 4, date->ptr + 5, 2);
    memcpy(d + 6, date->ptr + 8, 2);
    return fupin_reprint_day(d, 8);
}

/* Paragraph boundaries of body: starts of lines, count in *np (max 4096). */
static size_t rs_paras(const char *b, size_t len, size_t *start, size_t *end)
{
    size_t n = 0, i = 0;
    while (i < len && n < 4096) {
        size_t j = i;
        while (j < len && b[j] != '\n')
            j++;
        if (j > i) {
            start[n] = i;
            end[n] = j;
            n++;
        }
        i = j + 1;
    }
    return n;
}

/* Appends text[0..len) to out re-broken every `width` characters. */
static char *rs_rewrap(const char *text, size_t len, size_t width, size_t *olen)
{
    char *o = malloc(len + len / width * 2 + 16), *p = o;
    size_t chars = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            continue;
        if ((c & 0xc0) != 0x80 && chars++ && chars % width == 1)
            *p++ = '\n';
        *p++ = (char)c;
    }
    *olen = (size_t)(p - o);
    return o;
}

static const char *const rs_portals[] = { "湘西州人民政府网", "凤凰网湖南", "红网", "中国甘肃网",
                                         "云南网", "贵州扶贫开发网" };

static char *rs_variant(const rs_doc *o, int kind, unsigned salt, size_t *olen)
{
    static size_t st[4096], en[4096];
    size_t np = rs_paras(o->body, o->blen, st, en);
    const char *portal = rs_portals[salt % (sizeof rs_portals / sizeof rs_portals[0])];
    char head[512], foot[512];
    snprintf(head, sizeof head,
             "首页 > 新闻中心 > 扶贫动态\n来源：%s  发布时间：2020-0%u-1%u 09:3%u  【字体：大 中 小】\n",
             portal, 1 + salt % 9, salt % 10, salt % 7);
    snprintf(foot, sizeof foot,
             "\n【打印本页】【关闭窗口】\n责任编辑：%s\n主办单位：%s  技术支持：信息中心  ICP备案号：湘ICP备0500%04u号",
             salt % 2 ? "李明" : "王芳", portal, salt % 10000);
    size_t from = 0, to = o->blen;
    if (kind == RS_CUTFIRST || kind == RS_COMBO)
        from = st[1];
    if (kind == RS_CUTLAST)
        to = en[np - 2];
    size_t hl = kind == RS_PORTAL ? strlen(head) : 0;
    size_t fl = kind == RS_PORTAL || kind == RS_COMBO ? strlen(foot) : 0;
    char *b = malloc(hl + (to - from) + fl + 1);
    if (!b)
        return NULL;
    memcpy(b, head, hl);
    memcpy(b + hl, o->body + from, to - from);
    memcpy(b + hl + (to - from), foot, fl);
    *olen = hl + (to - from) + fl;
    b[*olen] = '\0';
    if (kind == RS_REWRAP || kind == RS_COMBO) {
        char *w = rs_rewrap(b, *olen, 37, olen);
        free(b);
        b = w;
    }
    return b;
}

static void rs_free(rs_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->d[i].kind != RS_ORIG)
            free(s->d[i].body);
    }
    free(s->d);
    dc_corpus_free(&s->c);
    memset(s, 0, sizeof *s);
}

/* Loads the fupin corpus under shared and builds the set.  Returns 0, or
 * -1 when the corpus cannot be read. */
static int rs_build(rs_set *s, const char *shared)
{
    static const char *const files[] = { "xwlb-fupin-2012-2026.jsonl.zst",
                                         "rmrb-fupin-2019-2020.jsonl.zst" };
    static size_t st[4096], en[4096];
    char path[4096];
    memset(s, 0, sizeof *s);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/corpus/fupin/%s", shared, files[i]);
        if (dc_corpus_load(&s->c, path) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->c.n; i++) {
        fupin_article *a = &s->c.a[i];
        if (rs_push(s, (char *)a->f[FUPIN_F_TITLE].ptr, a->f[FUPIN_F_TITLE].len,
                    (char *)a->f[FUPIN_F_BODY].ptr, a->f[FUPIN_F_BODY].len,
                    &a->f[FUPIN_F_SOURCE], (uint32_t)i, RS_ORIG, 0))
            return -1;
        s->d[s->n - 1].day = rs_day(&a->f[FUPIN_F_DATE]);
    }
    size_t eligible = 0;
    for (size_t i = 0; i < s->c.n; i++)
        eligible += s->d[i].blen >= 300 && rs_paras(s->d[i].body, s->d[i].blen, st, en) >= 3;
    size_t step = eligible / RS_ORIGINALS ? eligible / RS_ORIGINALS : 1, seen = 0;
    for (size_t i = 0; i < s->c.n && s->originals < RS_ORIGINALS; i++) {
        rs_doc o = s->d[i];
        if (o.blen < 300 || rs_paras(o.body, o.blen, st, en) < 3 || seen++ % step)
            continue;
        s->originals++;
        for (int k = RS_DUP; k < RS_KINDS; k++) {
            size_t bl;
            char *b = k == RS_DUP ? malloc(o.blen + 1) : rs_variant(&o, k, (unsigned)(i * 7 + k), &bl);
            if (!b)
                return -1;
            if (k == RS_DUP) {
                memcpy(b, o.body, o.blen);
                bl = o.blen;
            }
            fupin_str src = { o.source, o.slen };
            if (rs_push(s, o.title, o.tlen, b, bl, &src, o.label, k, 0))
                return -1;
            s->d[s->n - 1].day = o.day;
        }
    }
    return 0;
}

/* Place names in a title: 2-4 CJK characters before 县/市/村/镇/乡/州
 * (3-byte UTF-8).  Writes up to max 64-bit hashes into out. */
static size_t rs_places(const char *t, size_t len, uint64_t *out, size_t max)
{
    static const char *const sfx[] = { "县", "市", "村", "镇", "乡", "州" };
    size_t n = 0;
    for (size_t i = 6; i + 3 <= len && n < max; i++) {
        for (int k = 0; k < 6; k++) {
            if (memcmp(t + i, sfx[k], 3) != 0)
                continue;
            for (size_t w = 2; w <= 4 && w * 3 <= i && n < max; w++) {
                size_t b = i - w * 3;
                int cjk = 1;
                for (size_t j = b; j < i; j += 3)
                    cjk &= (unsigned char)t[j] >= 0xe4 && (unsigned char)t[j] <= 0xe9;
                if (cjk)
                    out[n++] = fupin_terms_hash(t + b, w * 3 + 3);
            }
        }
    }
    return n;
}

/* Signs every document (normalised as docbuild.c does), clusters, and
 * fills m.  Returns 0, or -1 when out of memory. */
static int rs_measure(rs_set *s, rs_metrics *m)
{
    fupin_normalizer *nz = NULL;
    fupin_reprint_sig *sig = malloc(s->n * sizeof *sig);
    uint32_t *comp = malloc(s->n * sizeof *comp);
    uint32_t *csize = calloc(s->n, sizeof *csize);
    int rc = -1;
    memset(m, 0, sizeof *m);
    for (int k = 0; k < RS_KINDS; k++)
        m->min_agree[k] = FUPIN_REPRINT_K;
    if (!sig || !comp || !csize || fupin_normalizer_new(0, &nz) != 0)
        goto done;
    for (size_t i = 0; i < s->n; i++) {
        fupin_norm n;
        char *t;
        size_t tl;
        if (fupin_normalizer_run(nz, s->d[i].title, s->d[i].tlen, 0, &n) != 0)
            goto done;
        tl = n.len;
        if (!(t = malloc(tl + 1)))
            goto done;
        memcpy(t, n.text, tl);
        if (fupin_normalizer_run(nz, s->d[i].body, s->d[i].blen, 0, &n) != 0 ||
            fupin_reprint_sign(t, tl, n.text, n.len, &sig[i]) != 0) {
            free(t);
            goto done;
        }
        free(t);
        sig[i].day = s->d[i].day;
    }
    if (fupin_reprint_group(sig, s->n, comp) != 0)
        goto done;
    for (size_t i = 0; i < s->n; i++)
        csize[comp[i]]++;
    for (size_t i = 0; i < s->n; i++) {
        if (csize[i] > 1) {
            m->clusters++;
            m->clustered += csize[i];
            m->predicted_pairs += (uint64_t)csize[i] * (csize[i] - 1) / 2;
        }
    }
    /* True pairs: each group of an original and its 6 reprints. */
    m->true_pairs = (uint64_t)s->originals * (RS_KINDS * (RS_KINDS - 1) / 2);
    /* Reprints follow their original in d[], in blocks of RS_KINDS - 1. */
    for (size_t i = s->c.n; i < s->n; i += RS_KINDS - 1) {
        size_t o = s->d[i].label;
        size_t g[RS_KINDS] = { o };
        for (int k = 1; k < RS_KINDS; k++)
            g[k] = i + (size_t)k - 1;
        for (int x = 0; x < RS_KINDS; x++)
            for (int y = x + 1; y < RS_KINDS; y++)
                m->tp += comp[g[x]] == comp[g[y]];
        for (int k = 1; k < RS_KINDS; k++) {
            unsigned ag = fupin_reprint_agree(&sig[o], &sig[g[k]]);
            m->variants[k]++;
            m->found[k] += comp[o] == comp[g[k]];
            if (comp[o] != comp[g[k]] && m->nmissed < 64) {
                m->missed[m->nmissed][0] = (uint32_t)o;
                m->missed[m->nmissed][1] = (uint32_t)g[k];
                m->missed[m->nmissed++][2] = ag;
            }
            if (ag < m->min_agree[k])
                m->min_agree[k] = ag;
        }
    }
    /* Different corpus articles in one cluster (all false pairs, since
     * reprints only pair with their own group, counted above). */
    for (size_t i = 0; i < s->c.n; i++) {
        for (size_t j = i + 1; j < s->c.n; j++) {
            if (comp[i] != comp[j])
                continue;
            m->corpus_pairs_joined++;
            if (m->njoined < 100) {
                m->joined[m->njoined][0] = (uint32_t)i;
                m->joined[m->njoined][1] = (uint32_t)j;
                m->joined[m->njoined++][2] = fupin_reprint_agree(&sig[i], &sig[j]);
            }
            if (!m->example_fp[0])
                snprintf(m->example_fp, sizeof m->example_fp, "%.*s | %.*s",
                         (int)s->d[i].tlen, s->d[i].title, (int)s->d[j].tlen, s->d[j].title);
        }
    }
    /* Hard negatives: same source, a place name shared by the titles. */
    {
        uint64_t b[16];
        for (size_t i = 0; i < s->c.n; i++) {
            uint64_t a[16];
            size_t na = rs_places(s->d[i].title, s->d[i].tlen, a, 16);
            if (!na)
                continue;
            for (size_t j = i + 1; j < s->c.n; j++) {
                if (s->d[j].slen != s->d[i].slen ||
                    memcmp(s->d[j].source, s->d[i].source, s->d[i].slen) != 0)
                    continue;
                size_t nb = rs_places(s->d[j].title, s->d[j].tlen, b, 16);
                int shared = 0;
                for (size_t x = 0; x < na && !shared; x++)
                    for (size_t y = 0; y < nb && !shared; y++)
                        shared = a[x] == b[y];
                if (!shared)
                    continue;
                m->hard_pairs++;
                m->hard_joined += comp[i] == comp[j];
                unsigned ag = fupin_reprint_agree(&sig[i], &sig[j]);
                if (ag > m->max_hard_agree)
                    m->max_hard_agree = ag;
            }
        }
    }
    m->precision = m->predicted_pairs ? (double)m->tp / (double)m->predicted_pairs : 1.0;
    m->recall = m->true_pairs ? (double)m->tp / (double)m->true_pairs : 1.0;
    rc = 0;
done:
    fupin_normalizer_free(nz);
    free(sig);
    free(comp);
    free(csize);
    return rc;
}

#endif
