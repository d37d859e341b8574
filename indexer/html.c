/* html.c - owns one page's parse: gumbo's tree, the page's lines of visible
 * text with the tree of block elements that hold them, and the extracted
 * fields (the rules are in html.h).
 *
 * Gumbo allocates from an arena that is emptied in one go: its own
 * gumbo_destroy_output() recurses once per level of nesting and overflows
 * the stack on deeply nested pages (100 000 nested tables), and bulk
 * freeing is faster too.  For the same reason the tree is walked with an
 * explicit stack.
 *
 * Pass 1 walks the tree once and records the block elements in pre-order
 * (so an element's subtree is the index range [i, end)), the lines of text
 * with their owner (the innermost block element) and counts, and the
 * <title>, <meta> and canonical-link values.  Pass 2 sums the counts up the
 * tree, settles noise, scores containers and picks the body; title, date
 * and source are then chosen from the lines and metas.  All text handed out
 * is copied into one output buffer.
 */
#include "html.h"
#include "pagemeta.h"
#include "../common/status.h"

#include <gumbo.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define ARENA_CHUNK (1u << 20)
#define MIN_BODY_CHARS 20       /* less body text than this is no article */
#define HEADING_MAX 600         /* bytes; a longer "heading" is not a title */
#define LABEL_LINE_MAX 400      /* bytes; a longer line is prose, not a byline */
#define META_LINE_MAX 80        /* chars of a leading date/source line dropped from the body */
#define TRAIL_LINE_MAX 60       /* chars of a trailing editor/print line dropped */
#define WIDGET_MAX 4            /* chars of an unpunctuated first/last line taken for a widget (图集, +1) */
#define NESTING_MAX 8000        /* open elements a page may nest (see too_deep) */
#define SOURCE_EL_MAX 60        /* bytes of an unlabelled source element's text */
#define LIST_HEADING_MAX 12     /* chars of an unpunctuated line heading a list of links */
#define AROUND_TITLE 12         /* lines before the body searched when no title heading is known */

/* ---- arena for gumbo ---- */

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
} chunk;

#define CHUNK_HEAD ((sizeof(chunk) + 15) & ~(size_t)15)

static void *arena_alloc(void *ud, size_t size)
{
    chunk **head = ud, *c = *head, *n;

    size = (size + 15) & ~(size_t)15;
    if (c && c->size - c->used >= size) {
        void *p = (char *)c + CHUNK_HEAD + c->used;
        c->used += size;
        return p;
    }
    if (size > ARENA_CHUNK / 4) {
        /* A big block gets a chunk of its own behind the current one, so
         * the current one's free space is not given up. */
        if (!(n = malloc(CHUNK_HEAD + size)))
            return NULL;
        n->size = n->used = size;
        if (c) {
            n->next = c->next;
            c->next = n;
        } else {
            n->next = NULL;
            *head = n;
        }
        return (char *)n + CHUNK_HEAD;
    }
    if (!(n = malloc(CHUNK_HEAD + ARENA_CHUNK)))
        return NULL;
    n->size = ARENA_CHUNK;
    n->used = size;
    n->next = c;
    *head = n;
    return (char *)n + CHUNK_HEAD;
}

static void arena_free(void *ud, void *p)
{
    (void)ud;
    (void)p;   /* everything goes at once in arena_reset */
}

/* Frees all but one standard chunk, which is kept for the next page. */
static void arena_reset(chunk **head, int keep)
{
    chunk *c = *head, *kept = NULL;

    while (c) {
        chunk *next = c->next;
        if (keep && !kept && c->size == ARENA_CHUNK) {
            kept = c;
            kept->used = 0;
            kept->next = NULL;
        } else {
            free(c);
        }
        c = next;
    }
    *head = kept;
}

/* ---- buffers and characters ---- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

typedef struct span {
    size_t off, len;
} span;

static int buf_put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 256;
        char *np;
        while (c < b->len + n + 1)
            c *= 2;
        if (!(np = realloc(b->p, c)))
            return FUPIN_ENOMEM;
        b->p = np;
        b->cap = c;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    void *np;
    size_t c;

    if (need <= *cap)
        return 0;
    c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (!(np = realloc(*p, c * size)))
        return FUPIN_ENOMEM;
    *p = np;
    *cap = c;
    return 0;
}

static int is_space_cp(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F ||
           c == 0x205F || c == 0xFEFF;
}

static int is_cjk(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* Sentence punctuation: what prose has and menus lack. */
static int is_punct(int32_t c)
{
    return c == 0xFF0C || c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
           c == 0x3001 || c == ',' || c == '!' || c == '?' || c == ';';
}

static int32_t next_cp(const char *s, size_t n, size_t *i)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i, (utf8proc_ssize_t)(n - *i), &cp);
    if (k <= 0) {
        (*i)++;
        return -1;
    }
    *i += (size_t)k;
    return cp;
}

typedef struct counts {
    uint32_t chars, link, punct, cjk;
} counts;

/* Appends s[0..n) to b with white space collapsed to one ' ' and none at
 * the start (*space carries a pending space across calls; start is where
 * the current text began); counts what it appends when cnt is given.
 * Invalid UTF-8 becomes U+FFFD. */
static int put_text(buf *b, size_t start, int *space, const char *s, size_t n, counts *cnt, int in_link)
{
    size_t i = 0;

    while (i < n) {
        size_t from = i;
        int32_t c = next_cp(s, n, &i);
        if (c >= 0 && (is_space_cp(c) || c < 0x20 || c == 0x7F)) {
            *space = 1;
            continue;
        }
        if (*space && b->len > start && buf_put(b, " ", 1) < 0)
            return FUPIN_ENOMEM;
        *space = 0;
        if (buf_put(b, c < 0 ? "\xEF\xBF\xBD" : s + from, c < 0 ? 3 : i - from) < 0)
            return FUPIN_ENOMEM;
        if (cnt) {
            cnt->chars++;
            cnt->link += in_link;
            cnt->punct += is_punct(c);
            cnt->cjk += !in_link && is_cjk(c);
        }
    }
    return 0;
}

/* ---- the page as lines ---- */

typedef struct el {
    int parent;             /* -1 at the top */
    int end;                /* one past the last element of its subtree */
    GumboTag tag;
    unsigned own_noise : 1, noise : 1;
    unsigned summary : 1;   /* class or id names a summary (摘要) */
    uint32_t own_lines;     /* lines it owns directly */
    uint32_t chars, clean_chars, clean_link;   /* subtree: all lines; non-noise lines */
    double acc;             /* container score */
} el;

typedef struct blk {
    span text;              /* in h->txt */
    int owner;              /* innermost block element */
    counts n;               /* cjk: CJK characters outside links */
} blk;

typedef struct frame {
    const GumboNode *node;
    size_t next;            /* next child to visit */
    int block;              /* innermost block element, -1 for none */
    int is_block;
    int links;              /* open <a> elements */
} frame;

struct fupin_html {
    chunk *arena;
    el *els;
    size_t nel, el_cap;
    blk *blks;
    size_t nblk, blk_cap;
    buf txt;                /* line texts, back to back */
    buf hd;                 /* values from <title>, <meta>, <link> */
    buf tmp;
    buf out;                /* the article's fields */
    frame *stack;
    size_t depth, stack_cap;
    int *sel;               /* the body's lines */
    size_t nsel, sel_cap;
    /* the line being collected */
    size_t line_off;
    int space;
    counts cur;
    /* from the head */
    span title, meta_title, meta_source, class_source, canonical, og_url;
    char meta_date[17];
    int meta_date_rank;
    char msg[160];
};

int fupin_html_new(fupin_html **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : FUPIN_ENOMEM;
}

void fupin_html_free(fupin_html *h)
{
    if (!h)
        return;
    arena_reset(&h->arena, 0);
    free(h->els);
    free(h->blks);
    free(h->txt.p);
    free(h->hd.p);
    free(h->tmp.p);
    free(h->out.p);
    free(h->stack);
    free(h->sel);
    free(h);
}

const char *fupin_html_errmsg(const fupin_html *h)
{
    return h ? h->msg : "";
}

static const char *line_at(const fupin_html *h, size_t i)
{
    return h->txt.p + h->blks[i].text.off;
}

/* Ends the current line, owned by block element owner. */
static int line_end(fupin_html *h, int owner)
{
    int rc = 0;

    if (h->cur.chars > 0 && owner >= 0) {
        if ((rc = grow((void **)&h->blks, &h->blk_cap, h->nblk + 1, sizeof *h->blks)) < 0)
            return rc;
        h->blks[h->nblk++] = (blk){ { h->line_off, h->txt.len - h->line_off }, owner, h->cur };
        h->els[owner].own_lines++;
    } else {
        h->txt.len = h->line_off;
    }
    h->line_off = h->txt.len;
    h->space = 0;
    memset(&h->cur, 0, sizeof h->cur);
    return rc;
}

/* ---- pass 1: the walk ---- */

enum { K_INLINE, K_BLOCK, K_BREAK, K_SKIP, K_LINK, K_TITLE, K_META, K_LINKTAG };

static int tag_kind(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL:
    case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HTML: case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_UL: case GUMBO_TAG_LEGEND:
        return K_BLOCK;
    case GUMBO_TAG_BR: case GUMBO_TAG_HR:
        return K_BREAK;
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_INPUT: case GUMBO_TAG_OPTION: case GUMBO_TAG_DATALIST: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP: case GUMBO_TAG_APPLET:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_HEAD:
        return K_SKIP;
    case GUMBO_TAG_A:
        return K_LINK;
    case GUMBO_TAG_TITLE:
        return K_TITLE;
    case GUMBO_TAG_META:
        return K_META;
    case GUMBO_TAG_LINK:
        return K_LINKTAG;
    default:
        return K_INLINE;
    }
}

static int is_heading(GumboTag t)
{
    return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
           t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

static const char *attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
    return a ? a->value : NULL;
}

/* hidden, or style "display: none" */
static int hidden(const GumboElement *e)
{
    const char *s = attr(e, "style");

    if (attr(e, "hidden"))
        return 1;
    for (const char *p = s ? strcasestr(s, "display") : NULL; p; p = strcasestr(p + 1, "display")) {
        const char *q = p + 7;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q++ != ':')
            continue;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!strncasecmp(q, "none", 4))
            return 1;
    }
    return 0;
}

/* Keeps a head value (collapsed) in h->hd. */
static int keep(fupin_html *h, span *s, const char *v)
{
    int space = 0;

    s->off = h->hd.len;
    if (put_text(&h->hd, s->off, &space, v, strlen(v), NULL, 0) < 0)
        return FUPIN_ENOMEM;
    s->len = h->hd.len - s->off;
    return 0;
}

static int on_meta(fupin_html *h, const GumboElement *e)
{
    static const char *const date_keys[] = {
        "article:published_time", "og:article:published_time", "og:published_time",
        "og:release_date", "published_time", "publishdate", "publish_date", "publish-date",
        "pubdate", "publishtime", "publish_time", "pubtime", "ptime", "datepublished",
        "firstpublishedtime", "weibo:article:create_at", "dc.date.issued", "dcterms.issued",
        "dc.date", "dcterms.created", "sailthru.date", "releasedate", "date",
    };
    const size_t nkeys = sizeof date_keys / sizeof date_keys[0];
    const char *key = attr(e, "property"), *val = attr(e, "content");
    char k[48];
    size_t n = 0;

    if (!key)
        key = attr(e, "name");
    if (!key)
        key = attr(e, "itemprop");
    if (!key || !val || !*val)
        return 0;
    for (; *key && n + 1 < sizeof k; key++)
        if (*key != ' ')
            k[n++] = (char)(*key >= 'A' && *key <= 'Z' ? *key + 32 : *key);
    k[n] = '\0';
    for (size_t i = 0; i < nkeys; i++) {
        char d[17];
        int rank = (int)(nkeys - i);
        if (strcmp(k, date_keys[i]) != 0)
            continue;
        if (rank > h->meta_date_rank && fupin_pagemeta_find_date(val, strlen(val), d)) {
            memcpy(h->meta_date, d, sizeof d);
            h->meta_date_rank = rank;
        }
        return 0;
    }
    if (!h->meta_title.len && (!strcmp(k, "og:title") || !strcmp(k, "articletitle") ||
                               !strcmp(k, "title") || !strcmp(k, "twitter:title")))
        return keep(h, &h->meta_title, val);
    if (!h->meta_source.len && (!strcmp(k, "source") || !strcmp(k, "contentsource") ||
                                !strcmp(k, "mediaid")))
        return keep(h, &h->meta_source, val);
    if (!h->og_url.len && !strcmp(k, "og:url") && !strncasecmp(val, "http", 4))
        return keep(h, &h->og_url, val);
    return 0;
}

static int on_title(fupin_html *h, const GumboElement *e)
{
    const GumboVector *ch = &e->children;

    for (unsigned i = 0; !h->title.len && i < ch->length; i++) {
        const GumboNode *c = ch->data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA)
            return keep(h, &h->title, c->v.text.text);
    }
    return 0;
}

/* An element whose class or id names the source ("a_source",
 * "ne_article_source", "source"), as many content systems mark an
 * unlabelled source: its text (children and grandchildren, collapsed) is
 * kept in h->class_source when it is short. */
static int on_source_el(fupin_html *h, const GumboNode *node)
{
    const GumboElement *e = &node->v.element;
    const char *cl = attr(e, "class"), *id = attr(e, "id");
    size_t start = h->hd.len;
    int space = 0, rc = 0;

    if (!fupin_pagemeta_source_name(cl) && !fupin_pagemeta_source_name(id))
        return 0;
    for (unsigned i = 0; i < e->children.length && rc == 0; i++) {
        const GumboNode *c = e->children.data[i];
        if (c->type == GUMBO_NODE_TEXT)
            rc = put_text(&h->hd, start, &space, c->v.text.text, strlen(c->v.text.text), NULL, 0);
        else if (c->type == GUMBO_NODE_ELEMENT && tag_kind(c->v.element.tag) != K_SKIP)
            for (unsigned k = 0; k < c->v.element.children.length && rc == 0; k++) {
                const GumboNode *g = c->v.element.children.data[k];
                if (g->type == GUMBO_NODE_TEXT)
                    rc = put_text(&h->hd, start, &space, g->v.text.text, strlen(g->v.text.text), NULL, 0);
            }
    }
    if (rc < 0)
        return rc;
    /* a trailing separator before the time that follows: "新京报 ⋅" */
    while (h->hd.len > start && (h->hd.p[h->hd.len - 1] == '|' || h->hd.p[h->hd.len - 1] == ' '))
        h->hd.len--;
    while (h->hd.len >= start + 2 && (!memcmp(h->hd.p + h->hd.len - 2, "\xC2\xB7", 2)))
        h->hd.len -= 2;
    while (h->hd.len >= start + 3 && (!memcmp(h->hd.p + h->hd.len - 3, "\xE2\x8B\x85", 3) ||
                                       !memcmp(h->hd.p + h->hd.len - 3, "\xE3\x83\xBB", 3)))
        h->hd.len -= 3;
    while (h->hd.len > start && h->hd.p[h->hd.len - 1] == ' ')
        h->hd.len--;
    if (h->hd.len - start <= SOURCE_EL_MAX)
        h->class_source = (span){ start, h->hd.len - start };
    return 0;
}

static int push(fupin_html *h, const GumboNode *node, int block, int is_block, int links)
{
    if (grow((void **)&h->stack, &h->stack_cap, h->depth + 1, sizeof *h->stack) < 0)
        return FUPIN_ENOMEM;
    h->stack[h->depth++] = (frame){ node, 0, block, is_block, links };
    return 0;
}

static int new_el(fupin_html *h, const GumboElement *e, int parent)
{
    el *x;

    if (grow((void **)&h->els, &h->el_cap, h->nel + 1, sizeof *h->els) < 0)
        return FUPIN_ENOMEM;
    x = &h->els[h->nel];
    memset(x, 0, sizeof *x);
    x->parent = parent;
    x->tag = e->tag;
    x->own_noise = e->tag == GUMBO_TAG_NAV || e->tag == GUMBO_TAG_HEADER || e->tag == GUMBO_TAG_FOOTER ||
                   e->tag == GUMBO_TAG_ASIDE || e->tag == GUMBO_TAG_FORM || e->tag == GUMBO_TAG_MENU ||
                   fupin_pagemeta_noise_name(attr(e, "class")) || fupin_pagemeta_noise_name(attr(e, "id"));
    x->summary = fupin_pagemeta_summary_name(attr(e, "class")) || fupin_pagemeta_summary_name(attr(e, "id"));
    return (int)h->nel++;
}

static int walk(fupin_html *h, const GumboNode *root)
{
    int rc;

    if ((rc = push(h, root, -1, 0, 0)) < 0)
        return rc;
    while (h->depth > 0) {
        frame *f = &h->stack[h->depth - 1];
        const GumboVector *ch = f->node->type == GUMBO_NODE_DOCUMENT ? &f->node->v.document.children
                                                                     : &f->node->v.element.children;
        const GumboNode *c;
        const GumboElement *e;
        int block = f->block, links = f->links;

        if (f->next == ch->length) {
            if (f->is_block) {
                if ((rc = line_end(h, f->block)) < 0)
                    return rc;
                h->els[f->block].end = (int)h->nel;
            }
            h->depth--;
            continue;
        }
        c = ch->data[f->next++];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE || c->type == GUMBO_NODE_CDATA) {
            const char *t = c->v.text.text;
            if ((rc = put_text(&h->txt, h->line_off, &h->space, t, strlen(t), &h->cur, links > 0)) < 0)
                return rc;
            continue;
        }
        if (c->type != GUMBO_NODE_ELEMENT && c->type != GUMBO_NODE_TEMPLATE)
            continue;
        e = &c->v.element;
        switch (tag_kind(e->tag)) {
        case K_SKIP:
            /* the head's title and metas are still wanted */
            rc = e->tag == GUMBO_TAG_HEAD ? push(h, c, block, 0, links) : 0;
            break;
        case K_TITLE:
            rc = on_title(h, e);
            break;
        case K_META:
            rc = on_meta(h, e);
            break;
        case K_LINKTAG: {
            const char *rel = attr(e, "rel"), *href = attr(e, "href");
            if (rel && href && !strcasecmp(rel, "canonical") && !h->canonical.len && !strncasecmp(href, "http", 4))
                rc = keep(h, &h->canonical, href);
            break;
        }
        case K_BREAK:
            rc = line_end(h, block);
            break;
        case K_BLOCK:
            if (hidden(e))
                break;
            if (!h->class_source.len && (rc = on_source_el(h, c)) < 0)
                return rc;
            if ((rc = line_end(h, block)) < 0 || (rc = new_el(h, e, block)) < 0)
                return rc;
            rc = push(h, c, rc, 1, links);
            break;
        default:
            if (hidden(e))
                break;
            if (!h->class_source.len && (rc = on_source_el(h, c)) < 0)
                return rc;
            rc = push(h, c, block, 0, links + (e->tag == GUMBO_TAG_A));
            break;
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}
/* ---- pass 2: noise, score, body ---- */

static int paragraph_like(GumboTag t)
{
    return t == GUMBO_TAG_P || t == GUMBO_TAG_LI || t == GUMBO_TAG_BLOCKQUOTE || t == GUMBO_TAG_PRE ||
           t == GUMBO_TAG_DD || t == GUMBO_TAG_DT || t == GUMBO_TAG_FIGCAPTION ||
           t == GUMBO_TAG_CAPTION || t == GUMBO_TAG_ADDRESS;
}

static int link_heavy(const blk *b)
{
    return b->n.link * 2 > b->n.chars;
}

/* Sums line counts up the tree and settles noise: an element named as
 * noise that holds over 40 % of the page's text is a wrapper, not noise. */
static void settle(fupin_html *h)
{
    uint64_t total = 0;

    for (size_t i = 0; i < h->nblk; i++)
        h->els[h->blks[i].owner].chars += h->blks[i].n.chars;
    for (size_t i = h->nel; i-- > 0;) {
        if (h->els[i].parent >= 0)
            h->els[h->els[i].parent].chars += h->els[i].chars;
        else
            total += h->els[i].chars;
    }
    for (size_t i = 0; i < h->nel; i++) {
        el *x = &h->els[i];
        int wrapper = (uint64_t)x->chars * 10 > total * 4;
        x->noise = (x->own_noise && !wrapper) || (x->parent >= 0 && h->els[x->parent].noise);
    }
    for (size_t i = 0; i < h->nblk; i++) {
        el *x = &h->els[h->blks[i].owner];
        if (!x->noise) {
            x->clean_chars += h->blks[i].n.chars;
            x->clean_link += h->blks[i].n.link;
        }
    }
    for (size_t i = h->nel; i-- > 0;)
        if (h->els[i].parent >= 0) {
            h->els[h->els[i].parent].clean_chars += h->els[i].clean_chars;
            h->els[h->els[i].parent].clean_link += h->els[i].clean_link;
        }
}

/* The element holding the body, or -1. */
static int pick_body(fupin_html *h)
{
    double best_score = 0;
    int best = -1;

    for (size_t i = 0; i < h->nblk; i++) {
        const blk *b = &h->blks[i];
        const el *x = &h->els[b->owner];
        double s;
        int cont = b->owner;
        if (x->noise || link_heavy(b) || is_heading(x->tag))
            continue;
        s = b->n.cjk + (double)(b->n.chars - b->n.link - b->n.cjk) / 3;
        if (!b->n.punct)
            s *= 0.3;
        /* a paragraph scores for what holds it: a <p>, or a <div> used as one */
        if ((paragraph_like(x->tag) || (x->end == b->owner + 1 && x->own_lines == 1)) && x->parent >= 0)
            cont = x->parent;
        h->els[cont].acc += s;
        if (h->els[cont].parent >= 0)
            h->els[h->els[cont].parent].acc += s / 2;
    }
    for (size_t i = 0; i < h->nel; i++) {
        const el *x = &h->els[i];
        double ld = x->clean_chars ? (double)x->clean_link / x->clean_chars : 0, s = x->acc * (1 - ld);
        if (!x->noise && s > best_score) {
            best_score = s;
            best = (int)i;
        }
    }
    return best;
}

static int add_sel(fupin_html *h, int i)
{
    if (grow((void **)&h->sel, &h->sel_cap, h->nsel + 1, sizeof *h->sel) < 0)
        return FUPIN_ENOMEM;
    h->sel[h->nsel++] = i;
    return 0;
}

/* The body's lines into h->sel: the element's non-noise, not link-heavy
 * lines, without leading title/date/source lines and trailing furniture. */
/* A few unpunctuated characters at the edge of the body: a widget's label
 * (图集, +1, 关注), unless it ends in a colon and so leads into the text. */
static int widget(const blk *b, const char *s)
{
    size_t n = b->text.len;

    if (b->n.chars > WIDGET_MAX || b->n.punct)
        return 0;
    return !(n >= 1 && s[n - 1] == ':') && !(n >= 3 && !memcmp(s + n - 3, "：", 3));
}

/* Nothing but U+FFFD: characters a re-save destroyed (emoji, mostly). */
static int only_lost(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n)
        if (s[i] == ' ')
            i++;
        else if (n - i >= 3 && !memcmp(s + i, "\xEF\xBF\xBD", 3))
            i += 3;
        else
            return 0;
    return n > 0;
}

static int select_body(fupin_html *h, int best, const char *title, size_t tn)
{
    size_t first, nsum, end;
    char d[17];

    h->nsel = 0;
    /* a summary just before the container, beside it */
    for (size_t i = 0; i < h->nblk && h->blks[i].owner < best; i++) {
        int o = h->blks[i].owner, p = h->els[o].parent;
        int s = h->els[o].summary ? o : p >= 0 && h->els[p].summary ? p : -1;
        if (s >= 0 && h->els[s].parent == h->els[best].parent && !h->els[s].noise &&
            !link_heavy(&h->blks[i]) && add_sel(h, (int)i) < 0)
            return FUPIN_ENOMEM;
    }
    first = nsum = h->nsel;
    for (size_t i = 0; i < h->nblk; i++) {
        const blk *b = &h->blks[i];
        if (b->owner < best || b->owner >= h->els[best].end || h->els[b->owner].noise || link_heavy(b) ||
            only_lost(line_at(h, i), b->text.len))
            continue;
        /* the heading of a list of links ("相关新闻", "证券要闻") */
        if (b->n.chars <= LIST_HEADING_MAX && !b->n.punct && i + 1 < h->nblk &&
            h->blks[i + 1].owner < h->els[best].end && link_heavy(&h->blks[i + 1]))
            continue;
        if (add_sel(h, (int)i) < 0)
            return FUPIN_ENOMEM;
    }
    while (first < h->nsel) {
        const blk *b = &h->blks[h->sel[first]];
        const char *s = line_at(h, (size_t)h->sel[first]);
        size_t n = b->text.len, o, l, e;
        if (!(n == tn && !memcmp(s, title, n)) && !widget(b, s) &&
            !(b->n.chars <= META_LINE_MAX &&
              (fupin_pagemeta_labelled_date(s, n, d) || (b->n.chars <= 40 && fupin_pagemeta_date_at(s, n, 0, &e, d)) ||
               fupin_pagemeta_labelled_source(s, n, &o, &l) || fupin_pagemeta_furniture(s, n))))
            break;
        first++;
    }
    for (end = h->nsel; end > first; end--) {
        const blk *b = &h->blks[h->sel[end - 1]];
        const char *s = line_at(h, (size_t)h->sel[end - 1]);
        size_t o, l;
        if (!widget(b, s) &&
            (b->n.chars > TRAIL_LINE_MAX ||
             !(fupin_pagemeta_furniture(s, b->text.len) || fupin_pagemeta_labelled_source(s, b->text.len, &o, &l))))
            break;
    }
    /* keep the summary, drop the leading lines after it */
    memmove(h->sel + nsum, h->sel + first, (end - first) * sizeof *h->sel);
    h->nsel = nsum + end - first;
    return 0;
}

/* ---- title ---- */

static int heading_matches(const char *hs, size_t hn, const char *t, size_t tn)
{
    size_t core = fupin_pagemeta_strip_site(t, tn);

    while (core > 0 && t[core - 1] == '.')
        core--;
    if (core >= 3 && !memcmp(t + core - 3, "…", 3))
        core -= 3;
    if (!hs || !t || hn < 6 || hn > HEADING_MAX || core < 6)
        return 0;
    return (memmem(t, tn, hs, hn) && hn * 10 >= core * 6) || memmem(hs, hn, t, core);
}

/* The text of heading element e (its lines joined) in h->tmp. */
static int heading_text(fupin_html *h, int e, size_t *first_line)
{
    h->tmp.len = 0;
    *first_line = (size_t)-1;
    if (buf_put(&h->tmp, "", 0) < 0)
        return FUPIN_ENOMEM;
    for (size_t i = 0; i < h->nblk; i++)
        if (h->blks[i].owner >= e && h->blks[i].owner < h->els[e].end) {
            if (*first_line == (size_t)-1)
                *first_line = i;
            if (buf_put(&h->tmp, line_at(h, i), h->blks[i].text.len) < 0)
                return FUPIN_ENOMEM;
        }
    return 0;
}

/* Chooses the title into h->out (at *off, *len) and the line where the
 * page shows it (*line, or -1). */
static int choose_title(fupin_html *h, size_t *off, size_t *len, size_t *line)
{
    static const GumboTag levels[] = { GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3 };
    const char *t = h->hd.p + h->title.off, *mt = h->hd.p + h->meta_title.off;
    const char *pick = NULL;
    size_t pn = 0, first;
    int rc;

    *line = (size_t)-1;
    for (size_t lv = 0; lv < 3 && !pick && h->title.len; lv++)
        for (size_t e = 0; e < h->nel && !pick; e++) {
            if (h->els[e].tag != levels[lv])
                continue;
            if ((rc = heading_text(h, (int)e, &first)) < 0)
                return rc;
            if (heading_matches(h->tmp.p, h->tmp.len, t, h->title.len)) {
                pick = h->tmp.p;
                pn = h->tmp.len;
                *line = first;
            }
        }
    /* a line that is the <title> up to a space or separator: the title
     * without a site name that fupin_pagemeta_strip_site cannot see ("标题
     * 湖南省中医药研究院附属医院") */
    for (size_t i = 0; i < h->nblk && !pick && h->title.len; i++) {
        const blk *b = &h->blks[i];
        const char *s = line_at(h, i);
        size_t n = b->text.len;
        if (n >= 12 && n < h->title.len && !h->els[b->owner].noise && !link_heavy(b) && !memcmp(s, t, n) &&
            strchr(" _-|", t[n])) {
            pick = s;
            pn = n;
            *line = i;
        }
    }
    if (!pick && h->meta_title.len) {
        pick = mt;
        pn = fupin_pagemeta_strip_site(mt, h->meta_title.len);
    }
    if (!pick && h->title.len) {
        pick = t;
        pn = fupin_pagemeta_strip_site(t, h->title.len);
    }
    for (size_t e = 0; e < h->nel && !pick; e++)
        if (h->els[e].tag == GUMBO_TAG_H1) {
            if ((rc = heading_text(h, (int)e, &first)) < 0)
                return rc;
            if (h->tmp.len && h->tmp.len <= HEADING_MAX) {
                pick = h->tmp.p;
                pn = h->tmp.len;
                *line = first;
            }
        }
    *off = h->out.len;
    *len = pn;
    if (pn && buf_put(&h->out, pick, pn) < 0)
        return FUPIN_ENOMEM;
    if (*line != (size_t)-1 || !pn || !h->out.p || !h->txt.p)
        return 0;
    /* where the page shows a title taken from the head */
    for (size_t i = 0; i < h->nblk; i++) {
        const blk *b = &h->blks[i];
        const char *s = line_at(h, i);
        if (is_heading(h->els[b->owner].tag) && b->text.len >= 6 &&
            (memmem(h->out.p + *off, pn, s, b->text.len) || memmem(s, b->text.len, h->out.p + *off, pn))) {
            *line = i;
            break;
        }
    }
    return 0;
}

/* ---- date and source ---- */

static void choose_date(fupin_html *h, size_t lo, size_t hi, size_t tail_end, char out[17])
{
    char d[17] = "";

    for (size_t i = lo; i < hi && !d[0]; i++)
        if (h->blks[i].text.len <= LABEL_LINE_MAX && !fupin_pagemeta_labelled_date(line_at(h, i), h->blks[i].text.len, d))
            d[0] = '\0';
    for (size_t i = lo; i < hi && !d[0]; i++)
        if (h->blks[i].text.len <= LABEL_LINE_MAX && !fupin_pagemeta_find_date(line_at(h, i), h->blks[i].text.len, d))
            d[0] = '\0';
    if (h->meta_date[0]) {
        /* a page's own time of the meta's day is more precise */
        if (!(d[0] && strlen(h->meta_date) == 10 && strlen(d) > 10 && !strncmp(d, h->meta_date, 10)))
            memcpy(d, h->meta_date, sizeof d);
    }
    for (size_t i = hi; i < tail_end && !d[0]; i++)
        if (h->blks[i].text.len <= LABEL_LINE_MAX && !fupin_pagemeta_labelled_date(line_at(h, i), h->blks[i].text.len, d))
            d[0] = '\0';
    for (size_t i = 0; i < h->nblk && !d[0]; i++)
        if (h->blks[i].text.len <= LABEL_LINE_MAX && !fupin_pagemeta_labelled_date(line_at(h, i), h->blks[i].text.len, d))
            d[0] = '\0';
    memcpy(out, d, 17);
}

static int source_in(const fupin_html *h, size_t lo, size_t hi, const char **p, size_t *n)
{
    size_t o, l;

    for (size_t i = lo; i < hi; i++)
        if (h->blks[i].text.len <= LABEL_LINE_MAX && fupin_pagemeta_labelled_source(line_at(h, i), h->blks[i].text.len, &o, &l)) {
            *p = line_at(h, i) + o;
            *n = l;
            return 1;
        }
    return 0;
}

static void choose_source(const fupin_html *h, size_t lo, size_t hi, size_t tail_end, const char **p, size_t *n)
{
    const char *m = h->hd.p + h->meta_source.off;
    size_t o, l;

    *p = "";
    *n = 0;
    if (source_in(h, lo, hi, p, n) || source_in(h, hi, tail_end, p, n))
        return;
    if (!h->meta_source.len && h->class_source.len) {
        /* "来源：新华网" inside it, else its text when it is a name, not a date */
        const char *c = h->hd.p + h->class_source.off;
        char d[17];
        if (fupin_pagemeta_labelled_source(c, h->class_source.len, &o, &l)) {
            *p = c + o;
            *n = l;
            return;
        }
        if (!fupin_pagemeta_find_date(c, h->class_source.len, d) && !memchr(c, ':', h->class_source.len) &&
            !memmem(c, h->class_source.len, "：", 3)) {
            *p = c;
            *n = h->class_source.len;
            return;
        }
    }
    if (h->meta_source.len) {
        if (fupin_pagemeta_labelled_source(m, h->meta_source.len, &o, &l)) {
            *p = m + o;
            *n = l;
        } else {
            const char *sp = memchr(m, ' ', h->meta_source.len);
            *p = m;
            *n = sp ? (size_t)(sp - m) : h->meta_source.len;
        }
        return;
    }
    source_in(h, 0, h->nblk, p, n);
}

/* ---- the article ---- */

static void reset(fupin_html *h)
{
    h->nel = h->nblk = h->nsel = h->depth = 0;
    h->txt.len = h->hd.len = h->tmp.len = h->out.len = 0;
    h->line_off = 0;
    h->space = 0;
    memset(&h->cur, 0, sizeof h->cur);
    h->title = h->meta_title = h->meta_source = h->class_source = h->canonical = h->og_url = (span){ 0, 0 };
    h->meta_date[0] = '\0';
    h->meta_date_rank = 0;
    h->msg[0] = '\0';
}

/* Builds the article from the walked page: 1, 0 (no article), or an error. */
static int extract(fupin_html *h, fupin_article *a)
{
    size_t toff, tlen, tline, lo, hi, tail_end, srclen, off[FUPIN_F_COUNT] = { 0 }, len[FUPIN_F_COUNT] = { 0 };
    const char *src;
    char date[17];
    uint64_t body_chars = 0;
    int best, rc;

    settle(h);
    if ((rc = choose_title(h, &toff, &tlen, &tline)) < 0)
        return rc;
    off[FUPIN_F_TITLE] = toff;
    len[FUPIN_F_TITLE] = tlen;
    if ((best = pick_body(h)) < 0) {
        snprintf(h->msg, sizeof h->msg, "no article text found in the page");
        return 0;
    }
    if ((rc = select_body(h, best, h->out.p + toff, tlen)) < 0)
        return rc;
    for (size_t i = 0; i < h->nsel; i++)
        body_chars += h->blks[h->sel[i]].n.chars;
    if (body_chars < MIN_BODY_CHARS) {
        snprintf(h->msg, sizeof h->msg, "no article text found in the page (%" PRIu64 " characters of body)",
                 body_chars);
        return 0;
    }
    hi = (size_t)h->sel[0];
    lo = tline != (size_t)-1 && tline < hi ? tline : hi > AROUND_TITLE ? hi - AROUND_TITLE : 0;
    tail_end = (size_t)h->sel[h->nsel - 1] + 1 + AROUND_TITLE;
    if (tail_end > h->nblk)
        tail_end = h->nblk;
    choose_date(h, lo, hi, tail_end, date);
    choose_source(h, lo, hi, tail_end, &src, &srclen);
    /* src points into txt or hd, never into out: safe to copy */
    off[FUPIN_F_SOURCE] = h->out.len;
    len[FUPIN_F_SOURCE] = srclen;
    if (buf_put(&h->out, src, srclen) < 0)
        return FUPIN_ENOMEM;
    off[FUPIN_F_DATE] = h->out.len;
    len[FUPIN_F_DATE] = strlen(date);
    if (buf_put(&h->out, date, strlen(date)) < 0)
        return FUPIN_ENOMEM;
    {
        span u = h->canonical.len ? h->canonical : h->og_url;
        off[FUPIN_F_URL] = h->out.len;
        len[FUPIN_F_URL] = u.len;
        if (buf_put(&h->out, h->hd.p + u.off, u.len) < 0)
            return FUPIN_ENOMEM;
    }
    off[FUPIN_F_BODY] = h->out.len;
    for (size_t i = 0; i < h->nsel; i++)
        if ((i && buf_put(&h->out, "\n", 1) < 0) ||
            buf_put(&h->out, line_at(h, (size_t)h->sel[i]), h->blks[h->sel[i]].text.len) < 0)
            return FUPIN_ENOMEM;
    len[FUPIN_F_BODY] = h->out.len - off[FUPIN_F_BODY];
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        if (len[f]) {
            a->f[f].ptr = h->out.p + off[f];
            a->f[f].len = len[f];
        }
    return 1;
}

/* Gumbo looks through the stack of open elements at every tag, so its time
 * grows with the square of the nesting: 20 000 unclosed <div>s take 2 s,
 * 100 000 take 45.  No real page comes near; a page that does is refused
 * before gumbo sees it.  The depth is estimated from the tags that never
 * close themselves (an unclosed <p> or <li> is closed by the next one, a
 * <br> holds nothing), which is enough to stop the attack and never near a
 * real page's count. */
static int too_deep(const char *s, size_t n)
{
    static const char *const names[] = { "div", "span", "table", "font", "b", "i", "em", "strong", "section",
                                         "article", "blockquote", "ul", "ol", "dl", "center", "a", "u", "small" };
    long depth = 0;

    for (const char *p = s ? memchr(s, '<', n) : NULL; p; p = memchr(p + 1, '<', n - (size_t)(p + 1 - s))) {
        const char *q = p + 1, *end = s + n;
        int close = q < end && *q == '/';
        size_t k = 0;
        q += close;
        while (q + k < end && k < 12 && ((q[k] >= 'a' && q[k] <= 'z') || (q[k] >= 'A' && q[k] <= 'Z')))
            k++;
        if (k == 0 || (q + k < end && q[k] != '>' && q[k] != ' ' && q[k] != '\t' && q[k] != '\n' && q[k] != '/'))
            continue;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i]) == k && !strncasecmp(q, names[i], k)) {
                depth += close ? (depth > 0 ? -1 : 0) : 1;
                if (depth > NESTING_MAX)
                    return 1;
                break;
            }
        if (p + 1 >= end)
            break;
    }
    return 0;
}

int fupin_html_parse(fupin_html *h, const char *text, size_t len, fupin_article *a)
{
    GumboOptions opt = kGumboDefaultOptions;
    GumboOutput *g;
    int rc;

    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        a->f[f].ptr = "";
        a->f[f].len = 0;
    }
    if (!h || (!text && len))
        return FUPIN_EINVAL;
    reset(h);
    arena_reset(&h->arena, 1);
    opt.allocator = arena_alloc;
    opt.deallocator = arena_free;
    opt.userdata = &h->arena;
    opt.max_errors = 0;
    /* hd and out must exist even when empty: fields point into them */
    if (buf_put(&h->hd, "", 0) < 0 || buf_put(&h->out, "", 0) < 0)
        return FUPIN_ENOMEM;
    if (too_deep(text, len)) {
        snprintf(h->msg, sizeof h->msg, "no article: elements nested more than %d deep", NESTING_MAX);
        return 0;
    }
    g = gumbo_parse_with_options(&opt, text ? text : "", len);
    if (!g)
        return FUPIN_ENOMEM;
    rc = walk(h, g->document);
    /* no gumbo_destroy_output(): the arena holds the whole tree */
    arena_reset(&h->arena, 1);
    if (rc >= 0)
        rc = extract(h, a);
    if (rc != 1)
        for (int f = 0; f < FUPIN_F_COUNT; f++) {
            a->f[f].ptr = "";
            a->f[f].len = 0;
        }
    if (rc == FUPIN_ENOMEM)
        snprintf(h->msg, sizeof h->msg, "out of memory");
    return rc;
}
