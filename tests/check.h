/* check.h - the smallest test harness: CHECK counts, TEST_DONE reports.
 * Each test program ends with the line "N passed, N failed" that
 * scripts/run-tests adds up. */
#ifndef FUPIN_CHECK_H
#define FUPIN_CHECK_H
#include <stdio.h>

static int check_passed_, check_failed_;

#define CHECK(cond, ...) do { \
    if (cond) { check_passed_++; } \
    else { check_failed_++; printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
           printf(__VA_ARGS__); printf("\n"); fflush(stdout); } \
} while (0)

#define TEST_DONE() (printf("%d passed, %d failed\n", check_passed_, check_failed_), \
                     check_failed_ ? 1 : 0)
#endif
