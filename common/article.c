/* article.c - names of article fields (see article.h). */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "status.h"

const char *fupin_article_field_name(int field)
{
    static const char *const names[FUPIN_F_COUNT] = {
        "id", "title", "source", "date", "url", "byline", "body"
    };
    if (field < 0 || field >= FUPIN_F_COUNT)
        return "?";
    return names[field];
}

int fupin_article_copy(const fupin_article *a, fupin_article *out, char **block, size_t *bytes)
{
    size_t total = 0;
    for (int f = 0; f < FUPIN_F_COUNT; f++)
        total += a->f[f].len;
    char *buf = malloc(total ? total : 1), *p = buf;
    *block = buf;
    if (!buf)
        return FUPIN_ENOMEM;
    for (int f = 0; f < FUPIN_F_COUNT; f++) {
        if (a->f[f].len)
            memcpy(p, a->f[f].ptr, a->f[f].len);
        out->f[f].ptr = p;
        out->f[f].len = a->f[f].len;
        p += a->f[f].len;
    }
    *bytes = total;
    return 0;
}
