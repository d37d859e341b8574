/* stats.h - what a fupin database holds: articles, bytes, compression. */
#ifndef FUPIN_STATS_H
#define FUPIN_STATS_H

#include <stdio.h>

/* Reads every stored record of the database at db and prints a report to
 * out: articles, raw and stored bytes and their ratio, dictionaries and their
 * sizes, scheme, shards.  Returns 0, or a status with a message in errbuf. */
int fupin_stats_print(const char *db, FILE *out, char *errbuf, size_t errlen);

#endif
