/* terms.c - the few computed parts of the index scheme (see terms.h). */
#include <stdio.h>
#include <string.h>
#include "terms.h"
#include "status.h"
#include "tokenize.h"

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

int fupin_terms_scheme_flags(const char *name, size_t len, unsigned *flags)
{
    static const struct { const char *name; unsigned flags; } known[] = {
        { FUPIN_SCHEME_ALL_UNIGRAMS, FUPIN_TOK_ALL_UNIGRAMS },
        { FUPIN_SCHEME_FINAL_UNIGRAMS, 0 },
        { FUPIN_SCHEME_ALL_UNIGRAMS FUPIN_SCHEME_JOIN_SUFFIX, FUPIN_TOK_ALL_UNIGRAMS | FUPIN_TOK_JOINS },
        { FUPIN_SCHEME_FINAL_UNIGRAMS FUPIN_SCHEME_JOIN_SUFFIX, FUPIN_TOK_JOINS },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i].name) == len && memcmp(known[i].name, name, len) == 0) {
            *flags = known[i].flags;
            return 0;
        }
    *flags = 0;
    return FUPIN_EFORMAT;
}

const char *fupin_terms_scheme_name(unsigned flags)
{
    if (flags & FUPIN_TOK_JOINS)
        return flags & FUPIN_TOK_ALL_UNIGRAMS ? FUPIN_SCHEME_ALL_UNIGRAMS FUPIN_SCHEME_JOIN_SUFFIX
                                              : FUPIN_SCHEME_FINAL_UNIGRAMS FUPIN_SCHEME_JOIN_SUFFIX;
    return flags & FUPIN_TOK_ALL_UNIGRAMS ? FUPIN_SCHEME_ALL_UNIGRAMS : FUPIN_SCHEME_FINAL_UNIGRAMS;
}

void fupin_terms_order_bounds(const char *from, const char *to, char lo[14], size_t *lo_len,
                              char hi[14], size_t *hi_len)
{
    memcpy(lo, from && *from ? from : "000000000001", 12);
    lo[12] = '\0';
    *lo_len = 12;
    *hi_len = 0;
    hi[0] = '\0';
    if (to && *to) {
        memcpy(hi, to, 12);
        hi[12] = '\xff';
        hi[13] = '\0';
        *hi_len = 13;
    }
}

size_t fupin_terms_order_date(const char *v, size_t len)
{
    if (!v || len < 12 || memcmp(v, "000000000000", 12) == 0)
        return 0;
    return 12;
}
