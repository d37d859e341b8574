/* reprint_eval.c - precision and recall of reprint clustering on the test
 * set of tests/reprint_set.h (real articles of the fupin corpus and reprints
 * made from them), with the agreement margins behind the threshold.
 *
 *   build/tools/reprint_eval [-v]       ($FUPIN_SHARED, default ../shared)
 * -v lists the pairs of different corpus articles that were clustered
 * (agreement of the pair itself, ids, titles, body lengths).
 *
 *   build/tools/reprint_eval --group FILE.jsonl.zst...
 * signs every article of the files and groups them, printing the time of
 * each step and the clusters found: the cost of clustering a large archive
 * (e.g. the 84k articles of corpus/news) without building an index.
 */
#include <time.h>
#include "../reprint_set.h"

static double secs(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static int group_files(int n, char **files)
{
    dc_corpus c = { 0 };
    fupin_normalizer *nz = NULL;
    struct timespec t0, t1, t2;
    for (int i = 0; i < n; i++)
        if (dc_corpus_load(&c, files[i]) < 0) {
            fprintf(stderr, "reprint_eval: cannot read %s\n", files[i]);
            return 1;
        }
    fupin_reprint_sig *sig = malloc(c.n * sizeof *sig);
    uint32_t *comp = malloc(c.n * sizeof *comp), *size = calloc(c.n, sizeof *size);
    char *t = NULL;
    if (!sig || !comp || !size || fupin_normalizer_new(0, &nz) != 0)
        return 1;
    double sign_s = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < c.n; i++) {
        struct timespec a0, a1;
        fupin_norm nm;
        const fupin_article *a = &c.a[i];
        fupin_normalizer_run(nz, a->f[FUPIN_F_TITLE].ptr, a->f[FUPIN_F_TITLE].len, 0, &nm);
        t = realloc(t, nm.len + 1);
        memcpy(t, nm.text, nm.len);
        size_t tl = nm.len;
        fupin_normalizer_run(nz, a->f[FUPIN_F_BODY].ptr, a->f[FUPIN_F_BODY].len, 0, &nm);
        clock_gettime(CLOCK_MONOTONIC, &a0);
        fupin_reprint_sign(t, tl, nm.text, nm.len, &sig[i]);
        clock_gettime(CLOCK_MONOTONIC, &a1);
        sign_s += secs(&a0, &a1);
        sig[i].day = rs_day(&a->f[FUPIN_F_DATE]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (fupin_reprint_group(sig, c.n, comp) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t2);
    uint32_t clusters = 0, clustered = 0, biggest = 0, big_at = 0;
    for (size_t i = 0; i < c.n; i++)
        size[comp[i]]++;
    for (size_t i = 0; i < c.n; i++) {
        if (size[i] > 1) {
            clusters++;
            clustered += size[i];
        }
        if (size[i] > biggest) {
            biggest = size[i];
            big_at = (uint32_t)i;
        }
    }
    printf("%zu articles: normalise+sign %.2f s (signing alone %.2f s), group %.3f s\n", c.n,
           secs(&t0, &t1), sign_s, secs(&t1, &t2));
    printf("clusters %u holding %u articles; largest %u (%.*s)\n", clusters, clustered, biggest,
           (int)c.a[big_at].f[FUPIN_F_TITLE].len, c.a[big_at].f[FUPIN_F_TITLE].ptr);
    /* Sizes of clusters: how many of 2, 3-5, 6-20, more. */
    uint32_t hist[4] = { 0 };
    for (size_t i = 0; i < c.n; i++)
        if (size[i] > 1)
            hist[size[i] == 2 ? 0 : size[i] <= 5 ? 1 : size[i] <= 20 ? 2 : 3]++;
    printf("cluster sizes: 2: %u, 3-5: %u, 6-20: %u, >20: %u\n", hist[0], hist[1], hist[2], hist[3]);
    /* Every 20th pair (cluster of two), to judge by eye. */
    for (size_t i = 0, k = 0; i < c.n; i++) {
        if (size[comp[i]] != 2 || comp[i] == i)
            continue;
        size_t j = comp[i];
        if (k++ % 20)
            continue;
        printf("  pair %2u/64  %.10s %.*s | %.10s %.*s\n", fupin_reprint_agree(&sig[i], &sig[j]),
               c.a[j].f[FUPIN_F_DATE].ptr, (int)c.a[j].f[FUPIN_F_TITLE].len, c.a[j].f[FUPIN_F_TITLE].ptr,
               c.a[i].f[FUPIN_F_DATE].ptr, (int)c.a[i].f[FUPIN_F_TITLE].len, c.a[i].f[FUPIN_F_TITLE].ptr);
    }
    /* The largest cluster's members: agreement with their closest other
     * member, date, title (to judge by eye what it holds). */
    for (size_t i = 0, shown = 0; i < c.n && shown < 30; i++) {
        if (comp[i] != big_at)
            continue;
        unsigned best = 0;
        for (size_t j = 0; j < c.n; j++)
            if (j != i && comp[j] == big_at && fupin_reprint_agree(&sig[i], &sig[j]) > best)
                best = fupin_reprint_agree(&sig[i], &sig[j]);
        printf("  %2u/64 %s %.10s %.*s\n", best, sig[i].short_text ? "s" : " ",
               c.a[i].f[FUPIN_F_DATE].ptr, (int)c.a[i].f[FUPIN_F_TITLE].len, c.a[i].f[FUPIN_F_TITLE].ptr);
        shown++;
    }
    free(t);
    free(sig);
    free(comp);
    free(size);
    fupin_normalizer_free(nz);
    dc_corpus_free(&c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--group") == 0)
        return group_files(argc - 2, argv + 2);
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    const char *shared = getenv("FUPIN_SHARED") && *getenv("FUPIN_SHARED")
                       ? getenv("FUPIN_SHARED") : "../shared";
    rs_set s;
    rs_metrics m;
    struct timespec t0, t1;
    if (rs_build(&s, shared) != 0) {
        fprintf(stderr, "reprint_eval: cannot read the corpus under %s\n", shared);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rs_measure(&s, &m) != 0) {
        fprintf(stderr, "reprint_eval: out of memory\n");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("test set: %zu corpus articles, %zu originals x %d reprints = %zu documents\n",
           s.c.n, s.originals, RS_KINDS - 1, s.n);
    printf("signature K=%d, threshold %d/%d agreeing (est. Jaccard >= %.2f), shingles of %d atoms\n",
           FUPIN_REPRINT_K, FUPIN_REPRINT_AGREE, FUPIN_REPRINT_K,
           (double)FUPIN_REPRINT_AGREE / FUPIN_REPRINT_K, FUPIN_REPRINT_SHINGLE);
    printf("signing + clustering: %.2f s\n",
           (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("clusters: %u holding %u documents\n", m.clusters, m.clustered);
    printf("pairs: true %llu, predicted %llu, correct %llu\n", (unsigned long long)m.true_pairs,
           (unsigned long long)m.predicted_pairs, (unsigned long long)m.tp);
    printf("precision %.4f  recall %.4f\n", m.precision, m.recall);
    printf("\n%-22s %8s %8s %8s\n", "reprint kind", "found", "of", "min agree");
    for (int k = 1; k < RS_KINDS; k++)
        printf("%-22s %8u %8u %8u\n", rs_kind_name[k], m.found[k], m.variants[k], m.min_agree[k]);
    printf("\nsame-topic pairs (same source, shared place name in titles): %llu, clustered %llu,"
           " highest agreement %u/%d\n", (unsigned long long)m.hard_pairs,
           (unsigned long long)m.hard_joined, m.max_hard_agree, FUPIN_REPRINT_K);
    printf("pairs of different corpus articles clustered: %llu%s%s\n",
           (unsigned long long)m.corpus_pairs_joined, m.example_fp[0] ? "  e.g. " : "",
           m.example_fp);
    for (size_t i = 0; verbose && i < m.njoined; i++) {
        const fupin_article *a = &s.c.a[m.joined[i][0]], *b = &s.c.a[m.joined[i][1]];
        printf("  %2u/64  %.*s (%zu B) %.*s | %.*s (%zu B) %.*s\n", m.joined[i][2],
               (int)a->f[FUPIN_F_ID].len, a->f[FUPIN_F_ID].ptr, a->f[FUPIN_F_BODY].len,
               (int)a->f[FUPIN_F_TITLE].len, a->f[FUPIN_F_TITLE].ptr,
               (int)b->f[FUPIN_F_ID].len, b->f[FUPIN_F_ID].ptr, b->f[FUPIN_F_BODY].len,
               (int)b->f[FUPIN_F_TITLE].len, b->f[FUPIN_F_TITLE].ptr);
    }
    for (size_t i = 0; verbose && i < m.nmissed; i++) {
        const rs_doc *o = &s.d[m.missed[i][0]], *r = &s.d[m.missed[i][1]];
        printf("  missed %-20s agree %2u/64, body %zu -> %zu bytes: %.*s\n", rs_kind_name[r->kind],
               m.missed[i][2], o->blen, r->blen, (int)o->tlen, o->title);
    }
    rs_free(&s);
    return 0;
}
