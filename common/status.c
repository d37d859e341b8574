/* status.c - words for the project-wide status codes (see status.h). */
#include "status.h"

const char *fupin_strerror(int status)
{
    switch (status) {
    case FUPIN_OK: return "success";
    case FUPIN_ENOMEM: return "out of memory";
    case FUPIN_EINVAL: return "invalid argument";
    case FUPIN_EIO: return "input/output error";
    case FUPIN_EFORMAT: return "malformed input";
    case FUPIN_ECORRUPT: return "stored data is corrupt";
    case FUPIN_ENOTFOUND: return "not found";
    case FUPIN_EXAPIAN: return "Xapian error";
    case FUPIN_ELOCKED: return "database is locked by another process";
    case FUPIN_EDBOPEN: return "database cannot be opened";
    case FUPIN_ENETWORK: return "network error talking to a remote shard";
    case FUPIN_ELIMIT: return "limit exceeded";
    case FUPIN_EMODIFIED: return "database was modified while reading";
    case FUPIN_EUNSUPPORTED: return "unsupported format or feature";
    case FUPIN_EENCODING: return "text encoding cannot be decoded";
    case FUPIN_ENOSPC: return "no space left on device";
    case FUPIN_ETIMEOUT: return "timed out";
    case FUPIN_ESYNTAX: return "query syntax error";
    default: return "unknown error";
    }
}
