/* query.c - owns fupin's query language: a lexer and a recursive-descent
 * parser from query text to a fupin_qnode tree, and the tree's canonical
 * s-expression dump (see query.h for the language).
 *
 * The whole query is checked as UTF-8 (by utf8proc) before parsing, so the
 * lexer only ever splits at code-point boundaries and every text it keeps
 * is valid UTF-8; a NUL byte is refused too, as keyword text is handed on
 * as C strings.  The lexer hands out one token at a time; the parser keeps
 * one token of lookahead.  Grammar, loosest first:
 *
 *   query   := or                       (a stray ")" at top level is skipped)
 *   or      := and ("OR" and)*
 *   and     := unary+                   ("AND" between items is allowed)
 *   unary   := ("NOT" | "-")* primary
 *   primary := word | phrase | date | "(" or ")"? | field":(" or ")"?
 *
 * Sloppy input never fails: an operator with nothing to act on, an empty
 * phrase, an empty group or a field prefix with nothing after it ("title:")
 * simply drops out, and a missing ")" or closing quote is supplied at the
 * end.  Only a bad date (or reversed range), invalid UTF-8, a NUL byte or a
 * limit is an error.  Shape rules that keep the tree canonical: AND/OR with
 * one kid become the kid, an AND inside an AND (or OR inside OR) is merged
 * into its parent, NOT NOT x is x, and a run of dashes in front of an item
 * counts as one "-".  As extras
 * beyond query.h: uppercase AND is accepted as a no-op, and title:( ... ) or
 * source:( ... ) gives the field to every keyword in the group that has none.
 *
 * Nesting of parentheses is capped (QUERY_MAX_DEPTH) so that neither the
 * parser nor the recursive free/dump can run out of stack; NOT chains are
 * counted in a loop, never recursed.
 */
#include "query.h"
#include "../common/date.h"
#include "../common/status.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define QUERY_MAX_DEPTH 32      /* deepest parenthesis nesting accepted */

enum tok_kind {
    T_END, T_LP, T_RP, T_OR, T_AND, T_NOT, T_MINUS,
    T_WORD, T_PHRASE, T_DATE,
    T_FIELD_LP,                 /* title:( or source:( */
    T_EMPTY                     /* "", title: or date: with nothing in it */
};

struct token {
    int kind;
    int field;                  /* WORD, PHRASE, FIELD_LP */
    size_t off, len;            /* WORD, PHRASE: text in the query */
    char from[13], to[13];      /* DATE */
};

struct parser {
    const char *q;
    size_t len, pos;
    int after_minus;            /* the last token was "-": no keyword next */
    struct token tok;           /* lookahead */
    size_t nterms, max_terms;
    int depth;
    int status;
    char *err;
    size_t errlen;
};

/* Drops a code point that truncation left half-written at the end of s, so
 * a message that quotes the query stays valid UTF-8. */
static void cut_utf8(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0 || (unsigned char)s[i - 1] < 0xC0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

static void fail(struct parser *p, int status, const char *fmt, ...)
{
    if (p->status)
        return;                 /* keep the first error */
    p->status = status;
    if (p->err && p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n >= p->errlen)
            cut_utf8(p->err);
    }
}

/* ---- characters ---- */

/* Decodes the code point at byte i (the query is valid UTF-8). */
static int32_t cp_at(const struct parser *p, size_t i, size_t *n)
{
    unsigned char b = (unsigned char)p->q[i];
    if (b < 0x80) {
        *n = 1;
        return b;
    }
    int32_t cp = 0;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p->q + i,
                                          (utf8proc_ssize_t)(p->len - i), &cp);
    *n = k > 0 ? (size_t)k : 1;
    return cp;
}

static int is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp <= ' ' || cp == 0x7f;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP || c == UTF8PROC_CATEGORY_CC;
}

static int is_lp(int32_t cp) { return cp == '(' || cp == 0xFF08; }
static int is_rp(int32_t cp) { return cp == ')' || cp == 0xFF09; }
static int is_colon(int32_t cp) { return cp == ':' || cp == 0xFF1A; }
static int is_quote(int32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0xFF02;
}
static int ends_word(int32_t cp)
{
    return is_space(cp) || is_lp(cp) || is_rp(cp) || is_quote(cp);
}

/* ---- lexer ---- */

/* Byte index where the bare word starting at i ends. */
static size_t word_end(const struct parser *p, size_t i)
{
    size_t n;
    while (i < p->len && !ends_word(cp_at(p, i, &n)))
        i += n;
    return i;
}

/* Reads a phrase whose opening quote ends at byte i.  Any quote character
 * closes it (people mix “ with "), the end of the query too; white space at
 * either end of the phrase is dropped. */
static void lex_phrase(struct parser *p, size_t i, int field)
{
    size_t n = 0, a = i, b;
    while (i < p->len && !is_quote(cp_at(p, i, &n)))
        i += n;
    b = i;
    p->pos = i < p->len ? i + n : i;
    while (a < b && is_space(cp_at(p, a, &n)))
        a += n;
    while (b > a) {             /* step back over trailing spaces */
        size_t c = b - 1;
        while (c > a && ((unsigned char)p->q[c] & 0xC0) == 0x80)
            c--;
        if (!is_space(cp_at(p, c, &n)))
            break;
        b = c;
    }
    p->tok.kind = a < b ? T_PHRASE : T_EMPTY;
    p->tok.field = field;
    p->tok.off = a;
    p->tok.len = b - a;
}

/* Parses one side of a date range; an empty side stays "". */
static int date_side(struct parser *p, const char *s, size_t n, int end,
                     char out[13], size_t voff, size_t vlen)
{
    out[0] = '\0';
    if (n == 0)
        return 0;
    if (fupin_date_parse(s, n, end, out) == 0)
        return 0;
    fail(p, FUPIN_ESYNTAX, "bad date \"%.*s\" in \"date:%.*s\" (use YYYY, YYYY-MM or "
         "YYYY-MM-DD, a range as FROM..TO)", (int)n, s, (int)vlen, p->q + voff);
    return -1;
}

/* date:VALUE with VALUE at q[v, v+vlen). */
static void lex_date(struct parser *p, size_t v, size_t vlen)
{
    const char *s = p->q + v;
    const char *dots = vlen >= 2 ? memmem(s, vlen, "..", 2) : NULL;
    struct token *t = &p->tok;

    t->kind = T_EMPTY;
    if (vlen == 0)
        return;
    if (!dots) {
        if (date_side(p, s, vlen, 0, t->from, v, vlen) ||
            date_side(p, s, vlen, 1, t->to, v, vlen))
            return;
    } else {
        size_t l = (size_t)(dots - s);
        if (date_side(p, s, l, 0, t->from, v, vlen) ||
            date_side(p, dots + 2, vlen - l - 2, 1, t->to, v, vlen))
            return;
        if (!t->from[0] && !t->to[0])
            return;             /* date:.. says nothing */
        if (t->from[0] && t->to[0] && strcmp(t->from, t->to) > 0) {
            fail(p, FUPIN_ESYNTAX, "date range \"%.*s\" ends before it starts",
                 (int)vlen, s);
            return;
        }
    }
    t->kind = T_DATE;
}

/* If a field prefix (title: source: date:, any case, ASCII or full-width
 * colon) starts at i, returns its field (or -1 for date) and sets *after to
 * the byte after the colon; returns 0 otherwise. */
static int field_prefix(const struct parser *p, size_t i, size_t *after)
{
    static const struct { const char *name; int field; } pre[] = {
        { "title", FUPIN_QF_TITLE }, { "source", FUPIN_QF_SOURCE }, { "date", -1 }
    };
    for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++) {
        size_t n = strlen(pre[k].name), cl;
        if (p->len - i > n && strncasecmp(p->q + i, pre[k].name, n) == 0 &&
            is_colon(cp_at(p, i + n, &cl))) {
            *after = i + n + cl;
            return pre[k].field;
        }
    }
    return 0;
}

static int is_keyword(const char *s, size_t n, const char *kw)
{
    return n == strlen(kw) && memcmp(s, kw, n) == 0;
}

/* Moves the lookahead to the next token. */
static void next(struct parser *p)
{
    struct token *t = &p->tok;
    int after_minus = p->after_minus;
    size_t n, i = p->pos;
    int32_t cp = 0;

    p->after_minus = 0;
    t->kind = T_END;            /* after an error the rest is not read */
    if (p->status)
        return;
    t->field = FUPIN_QF_ANY;
    t->off = t->len = 0;
    t->from[0] = t->to[0] = '\0';

    while (i < p->len && is_space(cp = cp_at(p, i, &n)))
        i += n;
    if (i >= p->len) {
        t->kind = T_END;
        p->pos = i;
        return;
    }
    if (is_lp(cp) || is_rp(cp)) {
        t->kind = is_lp(cp) ? T_LP : T_RP;
        p->pos = i + n;
        return;
    }
    if (is_quote(cp)) {
        lex_phrase(p, i + n, FUPIN_QF_ANY);
        return;
    }
    if (cp == '-') {
        size_t j = i;
        while (j < p->len && p->q[j] == '-')
            j++;
        int32_t c2 = j < p->len ? cp_at(p, j, &n) : ' ';
        if (is_space(c2) || is_rp(c2)) {
            t->kind = T_EMPTY;  /* dashes standing alone mean nothing */
            p->pos = j;
            return;
        }
        t->kind = T_MINUS;
        p->after_minus = 1;
        p->pos = j;
        return;
    }

    size_t v, e;
    int field = field_prefix(p, i, &v);
    if (field) {
        int32_t c2 = v < p->len ? cp_at(p, v, &n) : ' ';
        if (field < 0) {                        /* date: */
            if (is_quote(c2)) {
                size_t a = v + n;
                e = a;
                while (e < p->len && !is_quote(cp_at(p, e, &n)))
                    e += n;
                p->pos = e < p->len ? e + n : e;
                lex_date(p, a, e - a);
            } else {
                e = word_end(p, v);
                p->pos = e;
                lex_date(p, v, e - v);
            }
            return;
        }
        if (is_quote(c2)) {
            lex_phrase(p, v + n, field);
            return;
        }
        if (is_lp(c2)) {
            t->kind = T_FIELD_LP;
            t->field = field;
            p->pos = v + n;
            return;
        }
        e = word_end(p, v);
        t->kind = e > v ? T_WORD : T_EMPTY;
        t->field = field;
        t->off = v;
        t->len = e - v;
        p->pos = e;
        return;
    }

    e = word_end(p, i);
    p->pos = e;
    t->off = i;
    t->len = e - i;
    t->kind = T_WORD;
    if (!after_minus) {
        if (is_keyword(p->q + i, e - i, "OR"))
            t->kind = T_OR;
        else if (is_keyword(p->q + i, e - i, "AND"))
            t->kind = T_AND;
        else if (is_keyword(p->q + i, e - i, "NOT"))
            t->kind = T_NOT;
    }
}

/* ---- tree ---- */

void fupin_query_free(fupin_qnode *root)
{
    if (!root)
        return;
    for (size_t i = 0; i < root->nkids; i++)
        fupin_query_free(root->kids[i]);
    free(root->kids);
    free(root->text);
    free(root);
}

static fupin_qnode *node_new(struct parser *p, int type)
{
    fupin_qnode *n = calloc(1, sizeof *n);
    if (!n)
        fail(p, FUPIN_ENOMEM, "out of memory");
    else
        n->type = type;
    return n;
}

/* Appends kid to parent, taking ownership of kid even on failure.  A kid of
 * the parent's own type (AND in AND, OR in OR) is merged.  Capacity is not
 * stored: it is the next power of two from 4, so it grows exactly when
 * nkids reaches one. */
static int node_push(struct parser *p, fupin_qnode *parent, fupin_qnode *kid)
{
    if (kid->type == parent->type && (kid->type == FUPIN_Q_AND || kid->type == FUPIN_Q_OR)) {
        int rc = 0;
        for (size_t i = 0; i < kid->nkids; i++) {
            if (rc == 0)
                rc = node_push(p, parent, kid->kids[i]);
            else
                fupin_query_free(kid->kids[i]);
        }
        kid->nkids = 0;
        fupin_query_free(kid);
        return rc;
    }
    size_t n = parent->nkids;
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n ? n * 2 : 4;
        fupin_qnode **k = realloc(parent->kids, cap * sizeof *k);
        if (!k) {
            fupin_query_free(kid);
            fail(p, FUPIN_ENOMEM, "out of memory");
            return -1;
        }
        parent->kids = k;
    }
    parent->kids[parent->nkids++] = kid;
    return 0;
}

/* An AND/OR being built: none, one or more kids. */
static fupin_qnode *node_finish(fupin_qnode *n)
{
    if (n && n->nkids < 2) {
        fupin_qnode *kid = n->nkids ? n->kids[0] : NULL;
        n->nkids = 0;
        fupin_query_free(n);
        return kid;
    }
    return n;
}

static fupin_qnode *leaf(struct parser *p)
{
    const struct token *t = &p->tok;
    int type = t->kind == T_WORD ? FUPIN_Q_WORD :
               t->kind == T_PHRASE ? FUPIN_Q_PHRASE : FUPIN_Q_DATE;
    fupin_qnode *n = NULL;

    if (type != FUPIN_Q_DATE && p->max_terms && ++p->nterms > p->max_terms) {
        fail(p, FUPIN_ELIMIT, "query has more than %zu keywords", p->max_terms);
        return NULL;
    }
    if (!(n = node_new(p, type)))
        return NULL;
    if (type == FUPIN_Q_DATE) {
        memcpy(n->from, t->from, sizeof n->from);
        memcpy(n->to, t->to, sizeof n->to);
        return n;
    }
    n->field = t->field;
    n->len = t->len;
    if (!(n->text = malloc(t->len + 1))) {
        fupin_query_free(n);
        fail(p, FUPIN_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(n->text, p->q + t->off, t->len);
    n->text[t->len] = '\0';
    return n;
}

/* Gives field to every keyword under n that has none (title:( ... )). */
static void set_field(fupin_qnode *n, int field)
{
    if ((n->type == FUPIN_Q_WORD || n->type == FUPIN_Q_PHRASE) && n->field == FUPIN_QF_ANY)
        n->field = field;
    for (size_t i = 0; i < n->nkids; i++)
        set_field(n->kids[i], field);
}

/* ---- parser ---- */

static fupin_qnode *parse_or(struct parser *p);

static fupin_qnode *parse_primary(struct parser *p)
{
    fupin_qnode *n = NULL;
    int kind = p->tok.kind, field = p->tok.field;

    switch (kind) {
    case T_WORD: case T_PHRASE: case T_DATE:
        n = leaf(p);
        next(p);
        break;
    case T_LP: case T_FIELD_LP:
        if (++p->depth > QUERY_MAX_DEPTH) {
            fail(p, FUPIN_ELIMIT, "parentheses nested deeper than %d", QUERY_MAX_DEPTH);
            break;
        }
        next(p);
        n = parse_or(p);
        if (p->tok.kind == T_RP)
            next(p);            /* else the end of the query closes it */
        p->depth--;
        if (n && kind == T_FIELD_LP)
            set_field(n, field);
        break;
    default:                    /* T_EMPTY */
        next(p);
        break;
    }
    if (p->status) {            /* reading the token after n can fail */
        fupin_query_free(n);
        n = NULL;
    }
    return n;
}

/* NOT and "-" chains are counted, not recursed: "NOT NOT ... x" of any
 * length cannot exhaust the stack.  An operator with nothing after it to
 * act on is dropped. */
static fupin_qnode *parse_unary(struct parser *p)
{
    size_t nots = 0;
    while (p->tok.kind == T_NOT || p->tok.kind == T_MINUS) {
        nots++;
        next(p);
    }
    int k = p->tok.kind;
    if (k == T_END || k == T_OR || k == T_AND || k == T_RP)
        return NULL;
    fupin_qnode *n = parse_primary(p);
    if (!n || nots % 2 == 0)
        return n;
    if (n->type == FUPIN_Q_NOT) {       /* -( -x ) is x */
        fupin_qnode *kid = n->kids[0];
        n->nkids = 0;
        fupin_query_free(n);
        return kid;
    }
    fupin_qnode *neg = node_new(p, FUPIN_Q_NOT);
    if (!neg || node_push(p, neg, n)) {
        if (!neg)
            fupin_query_free(n);
        fupin_query_free(neg);
        return NULL;
    }
    return neg;
}

static fupin_qnode *parse_and(struct parser *p)
{
    fupin_qnode *and = NULL;
    for (;;) {
        int k = p->tok.kind;
        if (k == T_END || k == T_OR)
            break;
        if (k == T_RP) {
            if (p->depth > 0)
                break;
            next(p);            /* a ")" nothing opened */
            continue;
        }
        if (k == T_AND) {
            next(p);
            continue;
        }
        fupin_qnode *kid = parse_unary(p);
        if (p->status)
            goto fail;
        if (!kid)
            continue;
        if (!and && !(and = node_new(p, FUPIN_Q_AND))) {
            fupin_query_free(kid);
            goto fail;
        }
        if (node_push(p, and, kid))
            goto fail;
    }
    return node_finish(and);
fail:
    fupin_query_free(and);
    return NULL;
}

static fupin_qnode *parse_or(struct parser *p)
{
    fupin_qnode *or = NULL;
    for (;;) {
        fupin_qnode *kid = parse_and(p);
        if (p->status)
            goto fail;
        if (kid) {
            if (!or && !(or = node_new(p, FUPIN_Q_OR))) {
                fupin_query_free(kid);
                goto fail;
            }
            if (node_push(p, or, kid))
                goto fail;
        }
        if (p->tok.kind != T_OR)
            break;
        next(p);
    }
    return node_finish(or);
fail:
    fupin_query_free(or);
    return NULL;
}

int fupin_query_parse(const char *q, size_t len, const fupin_query_limits *limits,
                      fupin_qnode **root, char *errbuf, size_t errlen)
{
    struct parser p = { .q = q, .len = len, .err = errbuf, .errlen = errlen };
    fupin_qnode *tree = NULL;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!root || (!q && len)) {
        fail(&p, FUPIN_EINVAL, "no query or no place for the result");
        goto done;
    }
    if (limits && limits->max_bytes && len > limits->max_bytes) {
        fail(&p, FUPIN_ELIMIT, "query is %zu bytes, the limit is %zu", len,
             limits->max_bytes);
        goto done;
    }
    p.max_terms = limits ? limits->max_terms : 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)q + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            fail(&p, FUPIN_ESYNTAX, "query is not valid UTF-8 (byte %zu)", i);
            goto done;
        }
        if (cp == 0) {          /* keyword text must survive strlen() */
            fail(&p, FUPIN_ESYNTAX, "query contains a NUL byte (byte %zu)", i);
            goto done;
        }
        i += (size_t)k;
    }
    next(&p);
    if (!p.status)
        tree = parse_or(&p);
done:
    if (p.status) {
        fupin_query_free(tree);
        tree = NULL;
    }
    if (root)
        *root = tree;
    return p.status;
}

/* ---- dump ---- */

struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            b->oom = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* A quoted string: " and \ are escaped, control bytes become \xHH. */
static void sb_quoted(struct sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
            continue;
        sb_add(b, s + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            sb_add(b, e, 2);
        } else {
            char e[5];
            snprintf(e, sizeof e, "\\x%02x", c);
            sb_add(b, e, 4);
        }
    }
    sb_add(b, s + run, n - run);
    sb_add(b, "\"", 1);
}

static void dump_node(struct sbuf *b, const fupin_qnode *n)
{
    static const char *const names[] = { "?", "and", "or", "not", "word", "phrase", "date" };
    int t = n->type >= FUPIN_Q_AND && n->type <= FUPIN_Q_DATE ? n->type : 0;

    sb_add(b, "(", 1);
    sb_str(b, names[t]);
    if (t == FUPIN_Q_WORD || t == FUPIN_Q_PHRASE) {
        if (n->field == FUPIN_QF_TITLE)
            sb_str(b, " title");
        else if (n->field == FUPIN_QF_SOURCE)
            sb_str(b, " source");
        sb_add(b, " ", 1);
        sb_quoted(b, n->text ? n->text : "", n->text ? n->len : 0);
    } else if (t == FUPIN_Q_DATE) {
        sb_add(b, " ", 1);
        sb_str(b, n->from[0] ? n->from : "*");
        sb_add(b, " ", 1);
        sb_str(b, n->to[0] ? n->to : "*");
    }
    for (size_t i = 0; i < n->nkids; i++) {
        sb_add(b, " ", 1);
        dump_node(b, n->kids[i]);
    }
    sb_add(b, ")", 1);
}

char *fupin_query_dump(const fupin_qnode *root)
{
    struct sbuf b = { 0 };
    if (root)
        dump_node(&b, root);
    else
        sb_str(&b, "()");
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
