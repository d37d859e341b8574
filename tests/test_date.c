/* test_date.c - fupin_date_parse: every accepted form at both ends of its
 * period, every kind of rejection, month lengths checked against the C
 * library's calendar for 800 years, round trips, and the full-width fold
 * checked against utf8proc's NFKC. */
#include "../common/date.h"
#include "../common/status.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

struct ok_case { const char *in, *lo, *hi; };

static const struct ok_case oks[] = {
    /* YYYY and YYYY-MM: the whole year / month */
    { "2019", "201901010000", "201912312359" },
    { "2019-12", "201912010000", "201912312359" },
    { "2019-04", "201904010000", "201904302359" },
    { "2019-02", "201902010000", "201902282359" },
    { "2020-02", "202002010000", "202002292359" },   /* leap: divisible by 4 */
    { "1900-02", "190002010000", "190002282359" },   /* not: by 100 */
    { "2000-02", "200002010000", "200002292359" },   /* leap: by 400 */
    { "2019/06", "201906010000", "201906302359" },
    { "2019.6", "201906010000", "201906302359" },
    /* a day */
    { "2019-12-21", "201912210000", "201912212359" },
    { "2019/12/21", "201912210000", "201912212359" },
    { "2019.12.21", "201912210000", "201912212359" },
    { "2019-1-5", "201901050000", "201901052359" },
    { "2020-02-29", "202002290000", "202002292359" },
    { "20191221", "201912210000", "201912212359" },
    /* a minute (seconds are checked and dropped) */
    { "2019-12-21 08:30", "201912210830", "201912210830" },
    { "2019-12-21 8:05", "201912210805", "201912210805" },
    { "2019-12-21 23:59:59", "201912212359", "201912212359" },
    { "2019-12-21T00:00:00", "201912210000", "201912210000" },
    { "2019/12/21  08:30", "201912210830", "201912210830" },
    { "201912210830", "201912210830", "201912210830" },
    /* 年月日 */
    { "2019年", "201901010000", "201912312359" },
    { "2019年12月", "201912010000", "201912312359" },
    { "2019年2月", "201902010000", "201902282359" },
    { "2019年12月21日", "201912210000", "201912212359" },
    { "2019年1月5日", "201901050000", "201901052359" },
    { "2019年12月21日 08:30", "201912210830", "201912210830" },
    { "2019年12月21日08:30", "201912210830", "201912210830" },
    /* full-width digits and punctuation, surrounding white space */
    { "２０１９", "201901010000", "201912312359" },
    { "２０１９－１２－２１", "201912210000", "201912212359" },
    { "２０１９年１２月２１日", "201912210000", "201912212359" },
    { "２０１９年１２月２１日　０８：３０", "201912210830", "201912210830" },
    { "2019-１2-2１", "201912210000", "201912212359" },
    { "  2019-12-21  ", "201912210000", "201912212359" },
    { "\t2019\n", "201901010000", "201912312359" },
    { "　2019-12　", "201912010000", "201912312359" },
    { "\xc2\xa0" "2019-12-21 08:30\xc2\xa0", "201912210830", "201912210830" },
};

static const char *const bads[] = {
    "", "   ", "　", "2019-13", "2019-00", "2019-02-29", "1900-02-29", "2100-02-29",
    "2019-04-31", "2019-12-32", "2019-12-00", "2019-12-21 24:00", "2019-12-21 23:60",
    "2019-12-21 08:30:60", "2019-12-21 08:3", "2019-12-21 083", "2019-12-21 08",
    "2019-12-21 08:30:", "19", "201", "20190", "2019121", "2019122108", "20191332",
    "20190229", "201913010000", "201912212400", "0000", "00000101", "2019-", "2019-12-",
    "2019--12", "-2019", "2019-12/21", "2019/12-21", "2019-123", "2019-12-211",
    "20190-1", "2019-12-21x", "x2019", "2019-12-21 08:30 extra", "2019-12-21 08:30 +0800",
    "2019 12 21", "2019年12月21", "2019年13月", "2019年12", "2019年12月32日",
    "2019年2月29日", "2019年12月21日 25:00", "年", "2019月", "２０１９－１３",
    "abc", "2019\xff", "\xe5\xb9", "２０１９\xef\xbc", "2019-12-21 08:30\x01",
    "123456789012345678901234567890", "2019-1-1-1", "2019.12.21.08",
    "1-2-3-4-5-6-7-8-9-1-2-3-4-5-6-7-8-9", "2019--------------------------12",
};

/* The last day of y-m by the C library's own calendar. */
static int libc_days(int y, int m)
{
    struct tm tm = { 0 };
    tm.tm_year = y - 1900;
    tm.tm_mon = m;          /* day 0 of the next month is the last of this one */
    tm.tm_mday = 0;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    return out.tm_mday;
}

int main(void)
{
    char out[13];

    for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++) {
        const struct ok_case *c = &oks[i];
        int rc = fupin_date_parse(c->in, strlen(c->in), 0, out);
        CHECK(rc == 0 && strcmp(out, c->lo) == 0, "[%s] start: rc %d, %s, want %s",
              c->in, rc, out, c->lo);
        rc = fupin_date_parse(c->in, strlen(c->in), 1, out);
        CHECK(rc == 0 && strcmp(out, c->hi) == 0, "[%s] end: rc %d, %s, want %s",
              c->in, rc, out, c->hi);
    }

    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        for (int end = 0; end < 2; end++) {
            memcpy(out, "XXXXXXXXXXXX", 13);
            int rc = fupin_date_parse(bads[i], strlen(bads[i]), end, out);
            CHECK(rc == FUPIN_EFORMAT && out[0] == '\0', "[%s] end %d: rc %d, out [%s]",
                  bads[i], end, rc, out);
        }
    }

    /* arguments */
    CHECK(fupin_date_parse("2019", 4, 0, NULL) == FUPIN_EINVAL, "NULL out");
    CHECK(fupin_date_parse(NULL, 0, 0, out) == FUPIN_EFORMAT && out[0] == '\0', "NULL, 0");
    CHECK(fupin_date_parse("2019-12-21XYZ", 10, 0, out) == 0 &&
          strcmp(out, "201912210000") == 0, "length is honoured: %s", out);
    CHECK(fupin_date_parse("2019-12-21", 7, 1, out) == 0 &&
          strcmp(out, "201912312359") == 0, "cut to a month: %s", out);
    CHECK(fupin_date_parse("2019\0-12", 8, 0, out) == FUPIN_EFORMAT, "embedded NUL");

    /* month lengths against the C library, 1600..2400 */
    int mismatches = 0;
    for (int y = 1600; y <= 2400; y++) {
        for (int m = 1; m <= 12; m++) {
            char in[64], want[64];
            snprintf(in, sizeof in, "%04d-%02d", y, m);
            snprintf(want, sizeof want, "%04d%02d%02d2359", y, m, libc_days(y, m));
            if (fupin_date_parse(in, strlen(in), 1, out) != 0 || strcmp(out, want) != 0) {
                if (mismatches++ < 5)
                    CHECK(0, "[%s] gives %s, libc says %s", in, out, want);
            }
            /* the day after the last is rejected, the last accepted */
            snprintf(in, sizeof in, "%04d-%02d-%02d", y, m, libc_days(y, m) + 1);
            if (fupin_date_parse(in, strlen(in), 0, out) != FUPIN_EFORMAT && mismatches++ < 5)
                CHECK(0, "[%s] accepted", in);
        }
    }
    CHECK(mismatches == 0, "%d month lengths differ from libc", mismatches);

    /* round trips: every minute-stamp we produce parses back to itself */
    int bad_trips = 0;
    for (int y = 2019; y <= 2020; y++) {
        for (int d = 0; d < 366 + (y == 2020); d++) {
            struct tm tm = { .tm_year = y - 1900, .tm_mday = 1 + d, .tm_hour = 12 };
            time_t t = timegm(&tm);
            gmtime_r(&t, &tm);
            char in[64], lo[13], hi[13], again[13];
            snprintf(in, sizeof in, "%04d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
            if (fupin_date_parse(in, strlen(in), 0, lo) || fupin_date_parse(in, strlen(in), 1, hi) ||
                fupin_date_parse(lo, 12, 1, again) || strcmp(lo, again) ||
                fupin_date_parse(hi, 12, 0, again) || strcmp(hi, again) ||
                memcmp(lo, hi, 8) || strcmp(lo + 8, "0000") || strcmp(hi + 8, "2359"))
                bad_trips++;
        }
    }
    CHECK(bad_trips == 0, "%d days failed the round trip", bad_trips);

    /* date.c folds U+FF01..U+FF5E to ASCII by subtraction: NFKC must agree */
    int folds = 0;
    for (int32_t cp = 0xFF01; cp <= 0xFF5E; cp++) {
        utf8proc_uint8_t in[8];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
        in[n] = 0;
        utf8proc_uint8_t *nf = utf8proc_NFKC(in);
        if (!nf || nf[0] != (utf8proc_uint8_t)(cp - 0xFEE0) || nf[1] != 0)
            folds++;
        free(nf);
    }
    CHECK(folds == 0, "%d full-width characters fold differently from NFKC", folds);

    return TEST_DONE();
}
