/* replay.h - the plain main of every fuzz target built without libFuzzer.
 *
 * A target includes it last, under FUPIN_FUZZ_REPLAY_MAIN: the program then
 * feeds LLVMFuzzerTestOneInput every file named on the command line, and
 * every file (not starting with '.') in a directory named, so `make test`
 * replays the saved inputs of tests/fuzz/corpus/NAME with any compiler.
 * Exit status 1 when a file could not be read; a crash is the target's.
 */
#ifndef FUPIN_FUZZ_REPLAY_H
#define FUPIN_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* 0 when the file was read and replayed, 1 when it could not be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) {
        perror(path);
        return 1;
    }
    do {
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!nb) {
                fprintf(stderr, "%s: out of memory\n", path);
                abort();
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int replay(const char *path, size_t *count)
{
    struct stat st;
    struct dirent *e;
    DIR *dir;
    int bad = 0;

    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return replay_file(path);
    }
    if (!(dir = opendir(path))) {
        perror(path);
        return 1;
    }
    while ((e = readdir(dir)) != NULL) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        bad |= replay(sub, count);
    }
    closedir(dir);
    return bad;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int bad = 0;

    for (int i = 1; i < argc; i++)
        bad |= replay(argv[i], &count);
    printf("replayed %zu inputs\n", count);
    return bad;
}

#endif
