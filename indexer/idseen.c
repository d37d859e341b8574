/* idseen.c - ids written in this run: an open-addressing table of hashes.
 *
 * Slot: the id's hash (0 marks an empty slot, so a hash of 0 is stored as 1),
 * the index of its file in a list of names, and its line.  The table doubles
 * at half load; files are consecutive in a run, so a name is copied only
 * when it differs from the last one.
 */
#include <stdlib.h>
#include <string.h>

#include "idseen.h"
#include "../common/status.h"

typedef struct slot {
    uint64_t h;
    uint64_t line : 40;      /* a trillion lines is enough */
    uint64_t file : 24;
} slot;

struct fupin_idseen {
    slot *t;
    size_t cap, n;           /* cap is a power of two */
    char **files;
    size_t nfiles, files_cap;
};

int fupin_idseen_new(fupin_idseen **out)
{
    fupin_idseen *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s || !(s->t = calloc(1024, sizeof *s->t))) {
        free(s);
        return FUPIN_ENOMEM;
    }
    s->cap = 1024;
    *out = s;
    return 0;
}

void fupin_idseen_free(fupin_idseen *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    free(s->t);
    free(s);
}

static slot *find(slot *t, size_t cap, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);

    while (t[i].h && t[i].h != h)
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static int grow(fupin_idseen *s)
{
    size_t cap = s->cap * 2;
    slot *t = calloc(cap, sizeof *t);

    if (!t)
        return FUPIN_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->t[i].h)
            *find(t, cap, s->t[i].h) = s->t[i];
    free(s->t);
    s->t = t;
    s->cap = cap;
    return 0;
}

/* Index of file in the name list, copying it if it is not the last one. */
static int file_index(fupin_idseen *s, const char *file, size_t *idx)
{
    if (s->nfiles && !strcmp(s->files[s->nfiles - 1], file)) {
        *idx = s->nfiles - 1;
        return 0;
    }
    if (s->nfiles >= (1u << 24) - 1)   /* out of file numbers: share the last */
        return *idx = s->nfiles - 1, 0;
    if (s->nfiles == s->files_cap) {
        size_t nc = s->files_cap ? s->files_cap * 2 : 16;
        char **nf = realloc(s->files, nc * sizeof *nf);
        if (!nf)
            return FUPIN_ENOMEM;
        s->files = nf;
        s->files_cap = nc;
    }
    if (!(s->files[s->nfiles] = strdup(file)))
        return FUPIN_ENOMEM;
    *idx = s->nfiles++;
    return 0;
}

int fupin_idseen_add(fupin_idseen *s, uint64_t h, const char *file, uint64_t line,
                     const char **first_file, uint64_t *first_line)
{
    slot *e;
    size_t fi;
    int rc;

    if (!h)
        h = 1;
    e = find(s->t, s->cap, h);
    if (e->h) {
        *first_file = s->files[e->file];
        *first_line = e->line;
        return 1;
    }
    if ((rc = file_index(s, file ? file : "?", &fi)) < 0)
        return rc;
    if (2 * (s->n + 1) > s->cap) {
        if ((rc = grow(s)) < 0)
            return rc;
        e = find(s->t, s->cap, h);
    }
    e->h = h;
    e->file = fi;
    e->line = line;
    s->n++;
    return 0;
}
