/* date.c - turns the date notations found in articles and queries into
 * fupin's 12-digit "YYYYMMDDHHMM" form (see date.h).
 *
 * Parsing runs in two steps.  First the input is read into a short list of
 * pieces: runs of digits (ASCII or full-width ０-９) and single separator
 * characters (- / . : T 年 月 日, full-width －／．： folded to ASCII, and
 * any run of white space as one ' ').  Then the list is matched against the
 * accepted shapes, and the numbers are range-checked.  Splitting the two
 * keeps each shape a few readable lines instead of one tangled scanner.
 *
 * Beyond the forms date.h lists, the matcher also takes what costs nothing
 * extra and is unambiguous: YYYY/MM and YYYY.MM, 1-digit month and day in
 * separated forms (2019-1-5), "T" between date and time (ISO 8601),
 * "YYYY年" and "YYYY年M月", and the stored 12-digit form itself, so that
 * fupin_date_parse(out) gives out back.  Seconds are checked, then dropped.
 */
#include "date.h"
#include "status.h"

#include <string.h>
#include <utf8proc.h>

enum { P_NUM, P_SEP };

struct piece {
    int kind;
    int ndig;              /* P_NUM: number of digits */
    unsigned long long val;
    int32_t sep;           /* P_SEP: separator, folded to ASCII where it has one */
};

#define MAX_PIECES 16      /* the longest shape has 13; more cannot match */
#define MAX_DIGITS 12      /* the longest digit run we accept (stored form) */

#define CP_NIAN 0x5E74     /* 年 */
#define CP_YUE  0x6708     /* 月 */
#define CP_RI   0x65E5     /* 日 */

static int is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP;
}

/* Reads s into pieces.  Returns the number of pieces or -1 when a character
 * cannot be part of any date. */
static int split(const char *s, size_t len, struct piece *pc)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            cp = b;
            i++;
        } else {
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                  (utf8proc_ssize_t)(len - i), &cp);
            if (k <= 0)
                return -1;
            i += (size_t)k;
        }
        int digit = -1;
        if (cp >= '0' && cp <= '9')
            digit = cp - '0';
        else if (cp >= 0xFF10 && cp <= 0xFF19)      /* full-width ０-９ */
            digit = cp - 0xFF10;
        else if (cp >= 0xFF01 && cp <= 0xFF5E)      /* other full-width ASCII */
            cp -= 0xFEE0;
        if (digit >= 0) {
            if (n > 0 && pc[n - 1].kind == P_NUM) {
                if (pc[n - 1].ndig >= MAX_DIGITS)
                    return -1;
                pc[n - 1].ndig++;
                pc[n - 1].val = pc[n - 1].val * 10 + (unsigned)digit;
                continue;
            }
            if (n == MAX_PIECES)
                return -1;
            pc[n++] = (struct piece){ P_NUM, 1, (unsigned)digit, 0 };
            continue;
        }
        if (is_space(cp)) {
            /* leading spaces vanish; a run inside or at the end is one ' ' */
            if (n > 0 && !(pc[n - 1].kind == P_SEP && pc[n - 1].sep == ' ')) {
                if (n == MAX_PIECES)
                    return -1;
                pc[n++] = (struct piece){ P_SEP, 0, 0, ' ' };
            }
            continue;
        }
        if (cp != '-' && cp != '/' && cp != '.' && cp != ':' && cp != 'T' &&
            cp != CP_NIAN && cp != CP_YUE && cp != CP_RI)
            return -1;
        if (n == MAX_PIECES)
            return -1;
        pc[n++] = (struct piece){ P_SEP, 0, 0, cp };
    }
    if (n > 0 && pc[n - 1].kind == P_SEP && pc[n - 1].sep == ' ')
        n--;                                   /* trailing spaces */
    return n;
}

/* A tiny cursor over the pieces: each accessor consumes on success only. */
struct cur {
    const struct piece *pc;
    int n, k;
};

static int num(struct cur *c, int mind, int maxd, int *v)
{
    if (c->k >= c->n || c->pc[c->k].kind != P_NUM || c->pc[c->k].ndig < mind ||
        c->pc[c->k].ndig > maxd)
        return 0;
    *v = (int)c->pc[c->k].val;
    c->k++;
    return 1;
}

static int sep(struct cur *c, int32_t ch)
{
    if (c->k >= c->n || c->pc[c->k].kind != P_SEP || c->pc[c->k].sep != ch)
        return 0;
    c->k++;
    return 1;
}

static int days_in(int y, int m)
{
    static const unsigned char d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* Optional " HH:MM[:SS]" after a full day.  Returns 1 when the rest of the
 * pieces is a valid time or nothing, 0 otherwise.  nian: the day was written
 * 年月日, where the time may follow without a space. */
static int time_part(struct cur *c, int nian, int *hh, int *mi)
{
    if (c->k == c->n)
        return 1;
    if (!sep(c, ' ') && !sep(c, 'T') && !nian)
        return 0;
    int ss = 0;
    if (!num(c, 1, 2, hh) || !sep(c, ':') || !num(c, 2, 2, mi))
        return 0;
    if (sep(c, ':') && !num(c, 2, 2, &ss))
        return 0;
    return c->k == c->n && ss < 60;
}

static void put(char *o, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

int fupin_date_parse(const char *s, size_t len, int end, char out[13])
{
    struct piece pc[MAX_PIECES];
    int rc = FUPIN_EFORMAT;
    int y = 0, mo = -1, d = -1, hh = -1, mi = -1;   /* -1: not given */

    if (!out)
        return FUPIN_EINVAL;
    out[0] = '\0';
    if (!s && len)
        goto done;
    int n = split(s, len, pc);
    if (n <= 0)
        goto done;
    struct cur c = { pc, n, 0 };

    if (n == 1 && pc[0].ndig == 8) {                 /* YYYYMMDD */
        y = (int)(pc[0].val / 10000);
        mo = (int)(pc[0].val / 100 % 100);
        d = (int)(pc[0].val % 100);
    } else if (n == 1 && pc[0].ndig == 12) {         /* YYYYMMDDHHMM */
        y = (int)(pc[0].val / 100000000);
        mo = (int)(pc[0].val / 1000000 % 100);
        d = (int)(pc[0].val / 10000 % 100);
        hh = (int)(pc[0].val / 100 % 100);
        mi = (int)(pc[0].val % 100);
    } else {
        if (!num(&c, 4, 4, &y))
            goto done;
        if (sep(&c, CP_NIAN)) {                      /* YYYY年[M月[D日[time]]] */
            if (c.k < c.n) {
                if (!num(&c, 1, 2, &mo) || !sep(&c, CP_YUE))
                    goto done;
                if (c.k < c.n) {
                    if (!num(&c, 1, 2, &d) || !sep(&c, CP_RI) ||
                        !time_part(&c, 1, &hh, &mi))
                        goto done;
                }
            }
        } else if (c.k < c.n) {                      /* YYYY-MM[-DD[ time]] */
            int32_t s1 = c.pc[c.k].kind == P_SEP ? c.pc[c.k].sep : 0;
            if ((s1 != '-' && s1 != '/' && s1 != '.') || !sep(&c, s1) ||
                !num(&c, 1, 2, &mo))
                goto done;
            if (c.k < c.n) {
                if (!sep(&c, s1) || !num(&c, 1, 2, &d) || !time_part(&c, 0, &hh, &mi))
                    goto done;
            }
        }
        if (c.k != c.n)
            goto done;
    }

    if (y < 1 || (mo != -1 && (mo < 1 || mo > 12)) || hh > 23 || mi > 59)
        goto done;
    if (mo == -1)
        mo = end ? 12 : 1;
    if (d != -1 && (d < 1 || d > days_in(y, mo)))
        goto done;
    if (d == -1)
        d = end ? days_in(y, mo) : 1;
    if (hh < 0) {
        hh = end ? 23 : 0;
        mi = end ? 59 : 0;
    }
    put(out, y, 4);
    put(out + 4, mo, 2);
    put(out + 6, d, 2);
    put(out + 8, hh, 2);
    put(out + 10, mi, 2);
    out[12] = '\0';
    rc = 0;
done:
    if (rc)
        out[0] = '\0';
    return rc;
}
