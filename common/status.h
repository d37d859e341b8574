/* status.h - the one project-wide status enum and its strerror.
 *
 * Every fupin function that can fail returns an int: 0 (FUPIN_OK) on success,
 * one of the negative values below on failure.  Library code never prints or
 * exits; callers turn a status into words with fupin_strerror().
 */
#ifndef FUPIN_STATUS_H
#define FUPIN_STATUS_H

enum fupin_status {
    FUPIN_OK = 0,
    FUPIN_ENOMEM = -1,      /* out of memory */
    FUPIN_EINVAL = -2,      /* bad argument from the caller */
    FUPIN_EIO = -3,         /* read or write failed (errno-level) */
    FUPIN_EFORMAT = -4,     /* malformed input: a line or file we could not parse */
    FUPIN_ECORRUPT = -5,    /* stored data is damaged */
    FUPIN_ENOTFOUND = -6,   /* no such article, key or file */
    FUPIN_EXAPIAN = -7,     /* any other Xapian error (message kept by the handle) */
    FUPIN_ELOCKED = -8,     /* database is locked by another writer */
    FUPIN_EDBOPEN = -9,     /* database cannot be opened (missing, not a database) */
    FUPIN_ENETWORK = -10,   /* remote shard unreachable or connection lost */
    FUPIN_ELIMIT = -11,     /* a query or input limit was exceeded */
    FUPIN_EMODIFIED = -12,  /* database changed under a reader: reopen and retry */
    FUPIN_EUNSUPPORTED = -13, /* format or feature this build does not handle */
    FUPIN_EENCODING = -14,  /* text whose encoding cannot be decoded */
    FUPIN_ENOSPC = -15,     /* no space left on device */
    FUPIN_ETIMEOUT = -16,   /* an operation ran out of time */
    FUPIN_ESYNTAX = -17,    /* query syntax that cannot be understood */
    FUPIN_STATUS_MIN_ = -18
};

/* Returns a static English description of status; never NULL (unknown codes
 * give "unknown error"). */
const char *fupin_strerror(int status);

#endif
