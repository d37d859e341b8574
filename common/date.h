/* date.h - dates as fupin stores and compares them.
 *
 * Inside the index a date is 12 digits "YYYYMMDDHHMM", so byte order is time
 * order.  Input dates come as "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DD",
 * "YYYY/MM/DD", "YYYY.MM.DD", "YYYY年M月D日[ HH:MM]", "YYYYMMDD", "YYYY-MM" or
 * "YYYY" (surrounding spaces ignored; full-width digits accepted).
 */
#ifndef FUPIN_DATE_H
#define FUPIN_DATE_H

#include <stddef.h>

/* Parses s[0..len) into out (12 digits + NUL).  Missing parts are filled as
 * the lowest (end == 0) or the highest (end == 1) moment of the period:
 * "2019" gives 201901010000 or 201912312359.  Checks month 1-12, day valid
 * for the month (leap years), hour < 24, minute < 60.  Returns 0 or
 * FUPIN_EFORMAT (out is then ""). */
int fupin_date_parse(const char *s, size_t len, int end, char out[13]);

#endif
