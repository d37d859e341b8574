/* article.c - names of article fields (see article.h). */
#include "article.h"

const char *fupin_article_field_name(int field)
{
    static const char *const names[FUPIN_F_COUNT] = {
        "id", "title", "source", "date", "url", "byline", "body"
    };
    if (field < 0 || field >= FUPIN_F_COUNT)
        return "?";
    return names[field];
}
