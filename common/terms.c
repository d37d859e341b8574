/* terms.c - the few computed parts of the index scheme (see terms.h). */
#include <stdio.h>
#include <string.h>
#include "terms.h"

uint64_t fupin_terms_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

size_t fupin_terms_idterm(const char *id, size_t len, char buf[FUPIN_MAX_TERM + 1])
{
    size_t plen = strlen(FUPIN_PREFIX_ID);
    if (plen + len <= FUPIN_MAX_TERM) {
        memcpy(buf, FUPIN_PREFIX_ID, plen);
        memcpy(buf + plen, id, len);
        buf[plen + len] = '\0';
        return plen + len;
    }
    return (size_t)snprintf(buf, FUPIN_MAX_TERM + 1, "%s#%016llx", FUPIN_PREFIX_ID,
                            (unsigned long long)fupin_terms_hash(id, len));
}
