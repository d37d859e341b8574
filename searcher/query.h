/* query.h - parses fupin's query language into a tree.
 *
 * Language:
 *   - whitespace-separated keywords are ANDed:  驻村 第一书记
 *   - "..." is an exact phrase (may mix scripts); “…” and full-width ＂ too
 *   - OR between two items (uppercase, as a word of its own): 扶贫 OR 脱贫
 *   - -word and NOT word exclude
 *   - ( ) group; unbalanced quotes or parentheses are closed at the end or
 *     ignored, never fatal
 *   - title:word / title:"..." and source:word restrict a keyword to a field
 *   - date:FROM..TO with FROM/TO as YYYY, YYYY-MM or YYYY-MM-DD (either side
 *     may be empty: date:2019.. , date:..2019-06); date:2019 alone is a year
 * Precedence: NOT/- binds tightest, then AND (implicit), then OR.
 * Full-width space (U+3000), parentheses and colon count as their ASCII forms.
 * Keyword text is kept raw (as typed); the caller normalises it.
 */
#ifndef FUPIN_QUERY_H
#define FUPIN_QUERY_H

#include <stddef.h>

enum fupin_qtype {
    FUPIN_Q_AND = 1,    /* all kids */
    FUPIN_Q_OR,         /* any kid */
    FUPIN_Q_NOT,        /* exactly one kid: excluded (only meaningful inside AND) */
    FUPIN_Q_WORD,       /* a keyword */
    FUPIN_Q_PHRASE,     /* a quoted phrase */
    FUPIN_Q_DATE        /* a date range */
};

enum fupin_qfield { FUPIN_QF_ANY = 0, FUPIN_QF_TITLE, FUPIN_QF_SOURCE };

typedef struct fupin_qnode fupin_qnode;
struct fupin_qnode {
    int type;                 /* enum fupin_qtype */
    int field;                /* enum fupin_qfield, for WORD and PHRASE */
    char *text;               /* WORD/PHRASE: raw text, NUL-terminated (owned by the tree) */
    size_t len;
    /* DATE: inclusive bounds as 12-digit "YYYYMMDDHHMM" strings, NUL-terminated;
     * an open end is "" (from) or "" (to). */
    char from[13], to[13];
    fupin_qnode **kids;       /* AND/OR/NOT children (owned by the tree) */
    size_t nkids;
};

typedef struct fupin_query_limits {
    size_t max_bytes;         /* longer query -> FUPIN_ELIMIT (0: none) */
    size_t max_terms;         /* more WORD/PHRASE nodes -> FUPIN_ELIMIT (0: none) */
} fupin_query_limits;

/* Parses q[0..len) (UTF-8).  Returns 0 and *root (NULL for an empty query,
 * e.g. only spaces), FUPIN_ELIMIT, FUPIN_ESYNTAX (bad date in date:,
 * invalid UTF-8, a NUL byte) with a message in errbuf, or FUPIN_ENOMEM.  limits may be
 * NULL.  The tree is owned by the caller: fupin_query_free(). */
int fupin_query_parse(const char *q, size_t len, const fupin_query_limits *limits,
                      fupin_qnode **root, char *errbuf, size_t errlen);
void fupin_query_free(fupin_qnode *root);

/* Writes a canonical s-expression of the tree (for golden tests), e.g.
 * (and (word "驻村") (or (word "a") (phrase title "b c")) (not (word "x"))
 * (date 201901010000 201912312359)).  An open date end is written *, an
 * empty tree (NULL) as ().  Returns a malloc'd string or NULL (no memory). */
char *fupin_query_dump(const fupin_qnode *root);

#endif
