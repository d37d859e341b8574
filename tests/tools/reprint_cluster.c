/* reprint_cluster.c - runs the reprint clustering pass of an indexing run
 * on its own and prints what it found and how long it took.
 *
 *   build/tools/reprint_cluster DB
 *
 * DB is a fupin database (single or sharded).  The pass writes only the
 * cluster keys that changed, so a second run shows the cost of an index
 * run that changed nothing.
 */
#include <stdio.h>
#include "../../indexer/reprint.h"
#include "../../common/status.h"

int main(int argc, char **argv)
{
    fupin_reprint_stats st;
    char err[1024];
    if (argc != 2) {
        fprintf(stderr, "usage: reprint_cluster DB\n");
        return 2;
    }
    int rc = fupin_reprint_cluster(argv[1], &st, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "reprint_cluster: %s (%s)\n", err, fupin_strerror(rc));
        return 1;
    }
    printf("documents %u, signed %u, clusters %u holding %u articles, keys written %u\n",
           st.documents, st.fingerprinted, st.clusters, st.clustered, st.changed);
    printf("pass %.3f s, of which grouping %.3f s\n", st.seconds, st.group_seconds);
    return 0;
}
