/* xap.cc - fupin's only C++: the C entry points of xap.h mapped onto Xapian.
 *
 * Owns the handle structs behind xap.h's opaque types; each wraps one Xapian
 * object plus the std::string that holds the message of its last failure
 * (and, for readers, the strings that get_data/get_value hand out).  Every
 * extern "C" function runs its body through guard(), which catches every
 * exception, copies the message into the handle (or errbuf for the open
 * functions) and returns the status mapped as xap.h documents.  One guard
 * rather than a try/catch ladder pasted into forty functions, so that no
 * entry point can miss a catch clause.
 *
 * The only parsing done here is of stub database files that list remote
 * shards: Xapian opens stub "remote" lines with its default timeouts, so to
 * honour the caller's timeout such stubs are read here, in Xapian's stub
 * format ("<type> <rest>" per line; '#' comments; "auto"/"glass"/"chert"
 * lines name local shards, relative to the stub's directory; "remote
 * host:port" or "remote :program args" name remote ones).
 */
#include "xap.h"
#include "status.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include <sys/stat.h>

namespace {

constexpr size_t kMaxFacets = 4;

/* Stores msg as the handle's message.  Copying can itself run out of
 * memory, and nothing may throw from a catch handler into C. */
void keep(std::string &err, const char *msg) noexcept
{
    try {
        err.assign(msg);
    } catch (...) {
        err.clear();
    }
}

/* Copies e's description into err and returns st, or FUPIN_ENOSPC when a
 * database error says the disk is full. */
int record(std::string &err, const Xapian::Error &e, int st, bool dberr) noexcept
{
    try {
        /* "Type: msg (context: ...) (strerror)": type and message plus
         * whatever context and errno Xapian recorded. */
        err = e.get_description();
    } catch (...) {
        keep(err, "out of memory copying a Xapian error message");
    }
    if (dberr) {
        const char *es = e.get_error_string();
        if (e.get_msg().find("No space left") != std::string::npos ||
            (es && std::strstr(es, "No space left")))
            return FUPIN_ENOSPC;
    }
    return st;
}

/* Runs f so that no exception escapes (see the file comment); f returns a
 * status, or nothing for FUPIN_OK.  Xapian::Error has no virtual functions
 * (no dynamic_cast), so the mapping is this ladder of catch clauses, most
 * derived classes first. */
template <typename F>
int guard(std::string &err, F &&f) noexcept
{
    try {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            return FUPIN_OK;
        } else {
            return f();
        }
    } catch (const Xapian::DatabaseLockError &e) {
        return record(err, e, FUPIN_ELOCKED, true);
    } catch (const Xapian::DatabaseOpeningError &e) { /* and VersionError */
        return record(err, e, FUPIN_EDBOPEN, true);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return record(err, e, FUPIN_EMODIFIED, true);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return record(err, e, FUPIN_ECORRUPT, true);
    } catch (const Xapian::DatabaseError &e) {
        return record(err, e, FUPIN_EXAPIAN, true);
    } catch (const Xapian::NetworkTimeoutError &e) {
        return record(err, e, FUPIN_ETIMEOUT, false);
    } catch (const Xapian::NetworkError &e) {
        return record(err, e, FUPIN_ENETWORK, false);
    } catch (const Xapian::DocNotFoundError &e) {
        return record(err, e, FUPIN_ENOTFOUND, false);
    } catch (const Xapian::WildcardError &e) {
        /* Only OP_WILDCARD with WILDCARD_LIMIT_ERROR throws this. */
        return record(err, e, FUPIN_ELIMIT, false);
    } catch (const Xapian::InvalidArgumentError &e) {
        return record(err, e, FUPIN_EINVAL, false);
    } catch (const Xapian::Error &e) {
        return record(err, e, FUPIN_EXAPIAN, false);
    } catch (const std::bad_alloc &) {
        keep(err, "std::bad_alloc: out of memory");
        return FUPIN_ENOMEM;
    } catch (const std::exception &e) {
        keep(err, e.what());
        return FUPIN_EXAPIAN;
    } catch (...) {
        keep(err, "unknown C++ exception");
        return FUPIN_EXAPIAN;
    }
}

/* The open functions have no handle yet: their message goes to errbuf. */
int open_status(int st, const std::string &err, char *errbuf, size_t errlen) noexcept
{
    if (errbuf && errlen)
        std::snprintf(errbuf, errlen, "%s", st ? err.c_str() : "");
    return st;
}

/* Hands a metadata string to C as a malloc'd NUL-terminated copy. */
int copy_out(const std::string &s, std::string &err, char **val, size_t *len) noexcept
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) {
        keep(err, "out of memory copying metadata");
        return FUPIN_ENOMEM;
    }
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *val = p;
    *len = s.size();
    return FUPIN_OK;
}

/* Large metadata values are stored in chunks: glass reads a 1 MiB tag
 * item by item into one growing string (4.5-9.5 ms here), but 16 tags of
 * 64 KiB in 0.6 ms, and every search process that shows text reads the
 * 1 MiB compression dictionary once.  The key then holds a manifest,
 * META_MARK "<chunks> <bytes>", and the chunks are key#0, key#1, ...
 * No value fupin stores starts with a NUL, so the mark cannot be data. */
const char META_MARK[] = "\0fupin-chunks ";
const size_t META_MARK_LEN = sizeof META_MARK - 1;
const size_t META_CHUNK = 65536;

bool meta_manifest(const std::string &v, size_t *chunks, size_t *bytes)
{
    unsigned long long c, b;
    if (v.size() <= META_MARK_LEN || v.compare(0, META_MARK_LEN, META_MARK, META_MARK_LEN) != 0)
        return false;
    if (std::sscanf(v.c_str() + META_MARK_LEN, "%llu %llu", &c, &b) != 2)
        return false;
    *chunks = static_cast<size_t>(c);
    *bytes = static_cast<size_t>(b);
    return true;
}

std::string meta_chunk_key(const std::string &key, size_t i)
{
    return key + "#" + std::to_string(i);
}

/* Reads key (a plain value, or a manifest and its chunks) into a malloc'd
 * NUL-terminated copy, assembled in place: no 1 MiB string. */
int meta_get(const Xapian::Database &db, const std::string &key, std::string &err, char **val,
             size_t *len)
{
    std::string v = db.get_metadata(key);
    size_t chunks, bytes;
    if (!meta_manifest(v, &chunks, &bytes))
        return copy_out(v, err, val, len);
    char *p = static_cast<char *>(std::malloc(bytes + 1));
    if (!p) {
        keep(err, "out of memory reading metadata");
        return FUPIN_ENOMEM;
    }
    size_t at = 0;
    for (size_t i = 0; i < chunks; i++) {
        std::string c = db.get_metadata(meta_chunk_key(key, i));
        if (c.size() > bytes - at) {
            at = bytes + 1;
            break;
        }
        std::memcpy(p + at, c.data(), c.size());
        at += c.size();
    }
    if (at != bytes) {
        std::free(p);
        keep(err, ("metadata " + key + " is damaged (its chunks do not add up)").c_str());
        return FUPIN_ECORRUPT;
    }
    p[bytes] = '\0';
    *val = p;
    *len = bytes;
    return FUPIN_OK;
}

void meta_set(Xapian::WritableDatabase &db, const std::string &key, const char *val, size_t len)
{
    size_t old_chunks = 0, old_bytes, chunks = 0;
    meta_manifest(db.get_metadata(key), &old_chunks, &old_bytes);
    if (len > META_CHUNK) {
        chunks = (len + META_CHUNK - 1) / META_CHUNK;
        for (size_t i = 0; i < chunks; i++) {
            size_t n = std::min(META_CHUNK, len - i * META_CHUNK);
            db.set_metadata(meta_chunk_key(key, i), std::string(val + i * META_CHUNK, n));
        }
        db.set_metadata(key, std::string(META_MARK, META_MARK_LEN) + std::to_string(chunks) + " " +
                                 std::to_string(len));
    } else {
        db.set_metadata(key, std::string(val, len));
    }
    for (size_t i = chunks; i < old_chunks; i++)   /* "" deletes */
        db.set_metadata(meta_chunk_key(key, i), std::string());
}

Xapian::Database open_tcp(const std::string &host, unsigned port, unsigned timeout_ms)
{
    if (timeout_ms == 0)
        return Xapian::Remote::open(host, port);
    return Xapian::Remote::open(host, port, timeout_ms, timeout_ms);
}

/* "host:port" (host may be "[v6addr]"); false if malformed. */
bool split_hostport(const std::string &s, std::string &host, unsigned &port)
{
    std::string::size_type colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
        return false;
    const char *p = s.c_str() + colon + 1;
    char *end = nullptr;
    errno = 0;
    unsigned long v = std::strtoul(p, &end, 10);
    if (errno || *end || v == 0 || v > 65535 || *p < '0' || *p > '9')
        return false;
    host.assign(s, 0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    port = static_cast<unsigned>(v);
    return true;
}

/* The stub file that Xapian would read for path, or "" if path is a
 * database directory or nothing. */
std::string stub_file_of(const std::string &path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return std::string();
    if (S_ISREG(st.st_mode))
        return path;
    if (!S_ISDIR(st.st_mode) || stat((path + "/iamglass").c_str(), &st) == 0 ||
        stat((path + "/iamchert").c_str(), &st) == 0)
        return std::string();
    std::string f = path + "/XAPIANDB";
    return stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? f : std::string();
}

struct StubLine {
    std::string type, rest;
};

/* Reads file as a stub; true only if every line is one we open ourselves
 * and at least one is remote.  Anything else (a single-file database, a
 * line type we do not handle) is left to Xapian::Database(path). */
bool read_remote_stub(const std::string &file, std::vector<StubLine> &lines)
{
    std::ifstream in(file);
    if (!in)
        return false;
    bool remote = false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::string::size_type sp = line.find(' ');
        if (sp == std::string::npos)
            return false;
        StubLine l{line.substr(0, sp), line.substr(sp + 1)};
        if (l.rest.empty())
            return false;
        if (l.type == "remote")
            remote = true;
        else if (l.type != "auto" && l.type != "glass" && l.type != "chert")
            return false;
        lines.push_back(std::move(l));
    }
    return remote;
}

Xapian::Database open_stub_lines(const std::string &file, const std::vector<StubLine> &lines,
                                 unsigned timeout_ms)
{
    std::string::size_type slash = file.rfind('/');
    std::string dir = slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
    Xapian::Database db;
    for (const StubLine &l : lines) {
        if (l.type != "remote") {
            db.add_database(Xapian::Database(l.rest[0] == '/' ? l.rest : dir + l.rest));
        } else if (l.rest[0] == ':') {
            std::string::size_type sp = l.rest.find(' ');
            std::string prog = l.rest.substr(1, sp == std::string::npos ? sp : sp - 1);
            std::string args = sp == std::string::npos ? std::string() : l.rest.substr(sp + 1);
            db.add_database(timeout_ms ? Xapian::Remote::open(prog, args, timeout_ms)
                                       : Xapian::Remote::open(prog, args));
        } else {
            std::string host;
            unsigned port;
            if (!split_hostport(l.rest, host, port))
                throw Xapian::DatabaseOpeningError(file + ": bad remote line '" + l.rest + "'");
            db.add_database(open_tcp(host, port, timeout_ms));
        }
    }
    return db;
}

Xapian::Database open_path(const std::string &path, unsigned timeout_ms)
{
    if (path.compare(0, 4, "tcp:") == 0) {
        std::string host;
        unsigned port;
        if (!split_hostport(path.substr(4), host, port))
            throw Xapian::InvalidArgumentError("expected tcp:host:port, got '" + path + "'");
        return open_tcp(host, port, timeout_ms);
    }
    if (timeout_ms) {
        std::string stub = stub_file_of(path);
        std::vector<StubLine> lines;
        if (!stub.empty() && read_remote_stub(stub, lines))
            return open_stub_lines(stub, lines, timeout_ms);
    }
    return Xapian::Database(path);
}

} // namespace

struct fupin_xdoc {
    Xapian::Document doc;
    std::string err;
};

struct fupin_xwdb {
    Xapian::WritableDatabase db;
    std::string err;
    std::string data;   /* the last get_data */
};

struct fupin_xdb {
    Xapian::Database db;
    std::string err;
    std::string data, value; /* what get_data / get_value point into */
};

struct fupin_xquery {
    Xapian::Query q;
};

struct fupin_xenquire {
    /* Declared before enq so that enq, which holds plain pointers to the
     * spies, is destroyed first. */
    std::unique_ptr<Xapian::ValueCountMatchSpy> spies[kMaxFacets];
    Xapian::valueno slots[kMaxFacets];
    size_t nfacets;
    Xapian::Enquire enq;
    std::string err;

    explicit fupin_xenquire(const Xapian::Database &db) : slots(), nfacets(0), enq(db) {}
};

struct fupin_xmset {
    Xapian::MSet mset;
};

extern "C" {

/* ---------- documents ---------- */

int fupin_xdoc_new(fupin_xdoc **out)
{
    *out = nullptr;
    std::string err;
    return guard(err, [&] { *out = new fupin_xdoc(); });
}

void fupin_xdoc_free(fupin_xdoc *d)
{
    delete d;
}

void fupin_xdoc_clear(fupin_xdoc *d)
{
    guard(d->err, [&] {
        d->doc.clear_terms();
        d->doc.clear_values();
        d->doc.set_data(std::string());
    });
}

int fupin_xdoc_add_term(fupin_xdoc *d, const char *t, size_t len, unsigned wdf_inc)
{
    return guard(d->err, [&] { d->doc.add_term(std::string(t, len), wdf_inc); });
}

int fupin_xdoc_add_boolean_term(fupin_xdoc *d, const char *t, size_t len)
{
    return guard(d->err, [&] { d->doc.add_boolean_term(std::string(t, len)); });
}

int fupin_xdoc_set_value(fupin_xdoc *d, unsigned slot, const char *v, size_t len)
{
    return guard(d->err, [&] { d->doc.add_value(slot, std::string(v, len)); });
}

int fupin_xdoc_set_data(fupin_xdoc *d, const char *data, size_t len)
{
    return guard(d->err, [&] { d->doc.set_data(std::string(data, len)); });
}

const char *fupin_xdoc_errmsg(const fupin_xdoc *d)
{
    return d ? d->err.c_str() : "";
}

/* ---------- writable databases ---------- */

int fupin_xwdb_open(const char *path, int mode, char *errbuf, size_t errlen, fupin_xwdb **out)
{
    *out = nullptr;
    std::string err;
    int st = guard(err, [&] {
        int action;
        switch (mode & ~FUPIN_XWDB_NO_SYNC) {
        case FUPIN_XWDB_CREATE_OR_OPEN: action = Xapian::DB_CREATE_OR_OPEN; break;
        case FUPIN_XWDB_CREATE: action = Xapian::DB_CREATE; break;
        case FUPIN_XWDB_CREATE_OR_OVERWRITE: action = Xapian::DB_CREATE_OR_OVERWRITE; break;
        case FUPIN_XWDB_OPEN: action = Xapian::DB_OPEN; break;
        default: throw Xapian::InvalidArgumentError("fupin_xwdb_open: unknown mode");
        }
        std::unique_ptr<fupin_xwdb> h(new fupin_xwdb{
            Xapian::WritableDatabase(path, action | Xapian::DB_BACKEND_GLASS |
                                     ((mode & FUPIN_XWDB_NO_SYNC) ? Xapian::DB_NO_SYNC : 0)),
            std::string(), std::string()});
        *out = h.release();
    });
    return open_status(st, err, errbuf, errlen);
}

int fupin_xwdb_close(fupin_xwdb *db)
{
    if (!db)
        return FUPIN_OK;
    int st = guard(db->err, [&] { db->db.close(); });
    delete db;
    return st;
}

int fupin_xwdb_replace_document(fupin_xwdb *db, const char *idterm, size_t len,
                                const fupin_xdoc *doc)
{
    return guard(db->err, [&] { db->db.replace_document(std::string(idterm, len), doc->doc); });
}

int fupin_xwdb_add_document(fupin_xwdb *db, const fupin_xdoc *doc)
{
    return guard(db->err, [&] { db->db.add_document(doc->doc); });
}

int fupin_xwdb_delete_document(fupin_xwdb *db, const char *idterm, size_t len)
{
    return guard(db->err, [&] { db->db.delete_document(std::string(idterm, len)); });
}

int fupin_xwdb_commit(fupin_xwdb *db)
{
    return guard(db->err, [&] { db->db.commit(); });
}

int fupin_xwdb_set_metadata(fupin_xwdb *db, const char *key, const char *val, size_t len)
{
    return guard(db->err, [&] { meta_set(db->db, key, val, len); });
}

int fupin_xwdb_get_metadata(fupin_xwdb *db, const char *key, char **val, size_t *len)
{
    *val = nullptr;
    *len = 0;
    return guard(db->err, [&] { return meta_get(db->db, key, db->err, val, len); });
}

int fupin_xwdb_get_doccount(fupin_xwdb *db, uint32_t *count)
{
    *count = 0;
    return guard(db->err, [&] { *count = db->db.get_doccount(); });
}

int fupin_xwdb_term_exists(fupin_xwdb *db, const char *t, size_t len, int *yes)
{
    *yes = 0;
    return guard(db->err, [&] { *yes = db->db.term_exists(std::string(t, len)) ? 1 : 0; });
}

int fupin_xwdb_get_data(fupin_xwdb *db, fupin_docid id, const char **data, size_t *len)
{
    *data = nullptr;
    *len = 0;
    return guard(db->err, [&] {
        db->data = db->db.get_document(id).get_data();
        *data = db->data.data();
        *len = db->data.size();
    });
}

int fupin_xwdb_set_data(fupin_xwdb *db, fupin_docid id, const char *data, size_t len)
{
    return guard(db->err, [&] {
        Xapian::Document doc = db->db.get_document(id);
        doc.set_data(std::string(data, len));
        db->db.replace_document(id, doc);
    });
}

int fupin_xwdb_set_value(fupin_xwdb *db, fupin_docid id, unsigned slot, const char *v,
                         size_t len)
{
    return guard(db->err, [&] {
        /* add_value of "" removes the value; only the values change, which
         * replace_document writes without touching the postings. */
        Xapian::Document doc = db->db.get_document(id);
        doc.add_value(slot, std::string(v, len));
        db->db.replace_document(id, doc);
    });
}

int fupin_xwdb_values(fupin_xwdb *db, unsigned slot, fupin_xwdb_value_cb cb, void *ctx)
{
    return guard(db->err, [&]() -> int {
        for (Xapian::ValueIterator it = db->db.valuestream_begin(slot);
             it != db->db.valuestream_end(slot); ++it) {
            const std::string &v = *it;
            int r = cb(ctx, it.get_docid(), v.data(), v.size());
            if (r)
                return r;
        }
        return FUPIN_OK;
    });
}

const char *fupin_xwdb_errmsg(const fupin_xwdb *db)
{
    return db ? db->err.c_str() : "";
}

/* ---------- readable databases ---------- */

int fupin_xdb_open(const char *path, unsigned timeout_ms, char *errbuf, size_t errlen,
                   fupin_xdb **out)
{
    return fupin_xdb_open_many(&path, 1, timeout_ms, errbuf, errlen, out);
}

int fupin_xdb_open_many(const char *const *paths, size_t n, unsigned timeout_ms,
                        char *errbuf, size_t errlen, fupin_xdb **out)
{
    *out = nullptr;
    std::string err;
    int st = guard(err, [&] {
        std::unique_ptr<fupin_xdb> h(new fupin_xdb());
        if (n == 1) {
            h->db = open_path(paths[0], timeout_ms);
        } else {
            for (size_t i = 0; i < n; i++)
                h->db.add_database(open_path(paths[i], timeout_ms));
        }
        *out = h.release();
    });
    return open_status(st, err, errbuf, errlen);
}

void fupin_xdb_close(fupin_xdb *db)
{
    delete db;
}

int fupin_xdb_reopen(fupin_xdb *db)
{
    return guard(db->err, [&] { db->db.reopen(); });
}

int fupin_xdb_get_doccount(fupin_xdb *db, uint32_t *count)
{
    *count = 0;
    return guard(db->err, [&] { *count = db->db.get_doccount(); });
}

int fupin_xdb_get_termfreq(fupin_xdb *db, const char *t, size_t len, uint32_t *freq)
{
    *freq = 0;
    return guard(db->err, [&] { *freq = db->db.get_termfreq(std::string(t, len)); });
}

int fupin_xdb_find_term(fupin_xdb *db, const char *t, size_t len, fupin_docid *id)
{
    *id = 0;
    return guard(db->err, [&] {
        std::string term(t, len);
        Xapian::PostingIterator it = db->db.postlist_begin(term);
        if (it == db->db.postlist_end(term)) {
            keep(db->err, "no document is indexed by the term");
            return FUPIN_ENOTFOUND;
        }
        *id = *it;
        return FUPIN_OK;
    });
}

int fupin_xdb_get_data(fupin_xdb *db, fupin_docid id, const char **data, size_t *len)
{
    *data = nullptr;
    *len = 0;
    return guard(db->err, [&] {
        /* Unchecked, the read costs half (no look for the document first);
         * only empty data is checked again, for an unknown docid. */
        db->data = db->db.get_document(id, Xapian::DOC_ASSUME_VALID).get_data();
        if (db->data.empty())
            db->data = db->db.get_document(id).get_data();
        *data = db->data.data();
        *len = db->data.size();
    });
}

int fupin_xdb_get_value(fupin_xdb *db, fupin_docid id, unsigned slot, const char **v,
                        size_t *len)
{
    *v = nullptr;
    *len = 0;
    return guard(db->err, [&] {
        db->value = db->db.get_document(id, Xapian::DOC_ASSUME_VALID).get_value(slot);
        *v = db->value.data();
        *len = db->value.size();
    });
}

int fupin_xdb_get_metadata(fupin_xdb *db, const char *key, char **val, size_t *len)
{
    *val = nullptr;
    *len = 0;
    return guard(db->err, [&] { return meta_get(db->db, key, db->err, val, len); });
}

int fupin_xdb_allterms(fupin_xdb *db, const char *prefix, size_t plen, size_t max,
                       fupin_xdb_term_cb cb, void *ctx)
{
    return guard(db->err, [&]() -> int {
        std::string p(prefix, plen);
        size_t seen = 0;
        for (Xapian::TermIterator it = db->db.allterms_begin(p); it != db->db.allterms_end(p);
             ++it) {
            if (max && seen == max) {
                keep(db->err, "allterms: more terms than the limit");
                return FUPIN_ELIMIT;
            }
            const std::string &t = *it;
            int r = cb(ctx, t.data(), t.size(), it.get_termfreq());
            if (r)
                return r;
            seen++;
        }
        return FUPIN_OK;
    });
}

const char *fupin_xdb_errmsg(const fupin_xdb *db)
{
    return db ? db->err.c_str() : "";
}

/* ---------- queries ---------- */

} // extern "C"

namespace {

/* For the mset getters, which have no status to return: fallback if
 * Xapian throws (it does not for an MSet already in memory). */
template <typename T, typename F>
T quiet(T fallback, F &&f) noexcept
{
    try {
        return f();
    } catch (...) {
        return fallback;
    }
}

/* Query constructors have no handle to keep a message in: any failure
 * gives NULL. */
template <typename F>
fupin_xquery *make_query(F &&f) noexcept
{
    try {
        return new fupin_xquery{f()};
    } catch (...) {
        return nullptr;
    }
}

} // namespace

extern "C" {

fupin_xquery *fupin_xquery_term(const char *t, size_t len, unsigned wqf)
{
    return make_query([&] { return Xapian::Query(std::string(t, len), wqf); });
}

int fupin_xquery_is_term(const fupin_xquery *q)
{
    if (!q)
        return 0;
    /* A scaled term counts as its term. */
    Xapian::Query x = q->q;
    while (x.get_type() == Xapian::Query::OP_SCALE_WEIGHT && x.get_num_subqueries() == 1)
        x = x.get_subquery(0);
    return x.get_type() == Xapian::Query::LEAF_TERM;
}

fupin_xquery *fupin_xquery_wildcard(const char *prefix, size_t len, unsigned max_expansion)
{
    return make_query([&] {
        return Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                             max_expansion, Xapian::Query::WILDCARD_LIMIT_ERROR,
                             Xapian::Query::OP_OR);
    });
}

fupin_xquery *fupin_xquery_combine(int op, fupin_xquery *const *subs, size_t n)
{
    Xapian::Query::op xop;
    switch (op) {
    case FUPIN_XOP_AND: xop = Xapian::Query::OP_AND; break;
    case FUPIN_XOP_OR: xop = Xapian::Query::OP_OR; break;
    case FUPIN_XOP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case FUPIN_XOP_FILTER: xop = Xapian::Query::OP_FILTER; break;
    case FUPIN_XOP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
    case FUPIN_XOP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
    case FUPIN_XOP_MAX: xop = Xapian::Query::OP_MAX; break;
    default: return nullptr;
    }
    for (size_t i = 0; i < n; i++)
        if (!subs[i])
            return nullptr;
    return make_query([&] {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            v.push_back(subs[i]->q);
        return Xapian::Query(xop, v.begin(), v.end());
    });
}

fupin_xquery *fupin_xquery_value_range(unsigned slot, const char *lo, size_t lolen,
                                       const char *hi, size_t hilen)
{
    return make_query([&] {
        if (lo && hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, std::string(lo, lolen),
                                 std::string(hi, hilen));
        if (hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, std::string(hi, hilen));
        /* With both ends open Xapian turns VALUE_GE "" into MatchAll. */
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot,
                             lo ? std::string(lo, lolen) : std::string());
    });
}

fupin_xquery *fupin_xquery_scale(const fupin_xquery *q, double f)
{
    if (!q)
        return nullptr;
    return make_query([&] { return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, f); });
}

fupin_xquery *fupin_xquery_match_all(void)
{
    return make_query([] { return Xapian::Query::MatchAll; });
}

fupin_xquery *fupin_xquery_match_nothing(void)
{
    return make_query([] { return Xapian::Query::MatchNothing; });
}

void fupin_xquery_free(fupin_xquery *q)
{
    delete q;
}

char *fupin_xquery_describe(const fupin_xquery *q)
{
    if (!q)
        return nullptr;
    try {
        std::string s = q->q.get_description();
        char *p = static_cast<char *>(std::malloc(s.size() + 1));
        if (p)
            std::memcpy(p, s.c_str(), s.size() + 1);
        return p;
    } catch (...) {
        return nullptr;
    }
}

/* ---------- matching ---------- */

int fupin_xenquire_new(fupin_xdb *db, fupin_xenquire **out)
{
    *out = nullptr;
    /* No enquire yet to hold a message: it goes to db. */
    return guard(db->err, [&] { *out = new fupin_xenquire(db->db); });
}

void fupin_xenquire_free(fupin_xenquire *e)
{
    delete e;
}

int fupin_xenquire_set_query(fupin_xenquire *e, const fupin_xquery *q)
{
    return guard(e->err, [&] { e->enq.set_query(q->q); });
}

int fupin_xenquire_set_bm25(fupin_xenquire *e, double k1, double k2, double k3, double b,
                            double min_normlen)
{
    return guard(e->err, [&] {
        e->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
    });
}

int fupin_xenquire_set_sort_relevance(fupin_xenquire *e)
{
    return guard(e->err, [&] { e->enq.set_sort_by_relevance(); });
}

int fupin_xenquire_set_sort_value(fupin_xenquire *e, unsigned slot, int reverse)
{
    return guard(e->err, [&] { e->enq.set_sort_by_value_then_relevance(slot, reverse != 0); });
}

int fupin_xenquire_set_sort_relevance_then_value(fupin_xenquire *e, unsigned slot, int reverse)
{
    return guard(e->err, [&] { e->enq.set_sort_by_relevance_then_value(slot, reverse != 0); });
}

int fupin_xenquire_set_time_limit(fupin_xenquire *e, double seconds)
{
    return guard(e->err, [&] { e->enq.set_time_limit(seconds); });
}

int fupin_xenquire_set_collapse_key(fupin_xenquire *e, unsigned slot)
{
    return guard(e->err, [&] { e->enq.set_collapse_key(slot); });
}

int fupin_xenquire_add_facet(fupin_xenquire *e, unsigned slot)
{
    return guard(e->err, [&] {
        if (e->nfacets == kMaxFacets) {
            keep(e->err, "add_facet: at most 4 facet slots");
            return FUPIN_ELIMIT;
        }
        e->slots[e->nfacets++] = slot;
        return FUPIN_OK;
    });
}

int fupin_xenquire_get_mset(fupin_xenquire *e, uint32_t first, uint32_t max,
                            uint32_t check_at_least, fupin_xmset **out)
{
    *out = nullptr;
    return guard(e->err, [&] {
        /* Fresh spies, so the counts are of this match only; the enquire
         * lets go of the old ones before they are destroyed. */
        e->enq.clear_matchspies();
        for (size_t k = 0; k < e->nfacets; k++) {
            e->spies[k].reset(new Xapian::ValueCountMatchSpy(e->slots[k]));
            e->enq.add_matchspy(e->spies[k].get());
        }
        std::unique_ptr<fupin_xmset> m(new fupin_xmset());
        m->mset = e->enq.get_mset(first, max, check_at_least);
        *out = m.release();
    });
}

int fupin_xenquire_facet(fupin_xenquire *e, size_t k, size_t max, fupin_xfacet_cb cb,
                         void *ctx)
{
    return guard(e->err, [&]() -> int {
        if (k >= e->nfacets || !e->spies[k]) {
            keep(e->err, "facet: no such facet, or no get_mset yet");
            return FUPIN_EINVAL;
        }
        const Xapian::ValueCountMatchSpy &spy = *e->spies[k];
        /* top_values_begin reserves room for maxvalues entries, so it gets
         * the real number of distinct values rather than "all". */
        size_t distinct = 0;
        for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end(); ++it)
            distinct++;
        size_t want = max && max < distinct ? max : distinct;
        if (want == 0)
            return FUPIN_OK;
        for (Xapian::TermIterator it = spy.top_values_begin(want);
             it != spy.top_values_end(want); ++it) {
            const std::string &v = *it;
            int r = cb(ctx, v.data(), v.size(), it.get_termfreq());
            if (r)
                return r;
        }
        return FUPIN_OK;
    });
}

const char *fupin_xenquire_errmsg(const fupin_xenquire *e)
{
    return e ? e->err.c_str() : "";
}

void fupin_xmset_free(fupin_xmset *m)
{
    delete m;
}

uint32_t fupin_xmset_size(const fupin_xmset *m)
{
    return quiet(0u, [&] { return m->mset.size(); });
}

uint32_t fupin_xmset_matches_estimated(const fupin_xmset *m)
{
    return quiet(0u, [&] { return m->mset.get_matches_estimated(); });
}

uint32_t fupin_xmset_matches_lower_bound(const fupin_xmset *m)
{
    return quiet(0u, [&] { return m->mset.get_matches_lower_bound(); });
}

uint32_t fupin_xmset_matches_upper_bound(const fupin_xmset *m)
{
    return quiet(0u, [&] { return m->mset.get_matches_upper_bound(); });
}

fupin_docid fupin_xmset_docid(const fupin_xmset *m, uint32_t i)
{
    return quiet(0u, [&] { return i < m->mset.size() ? *m->mset[i] : 0u; });
}

double fupin_xmset_weight(const fupin_xmset *m, uint32_t i)
{
    return quiet(0.0, [&] { return i < m->mset.size() ? m->mset[i].get_weight() : 0.0; });
}

/* ---------- maintenance ---------- */

int fupin_xapian_compact(const char *const *srcs, size_t n, const char *dest, int multipass,
                         char *errbuf, size_t errlen)
{
    std::string err;
    int st = guard(err, [&] {
        Xapian::Database db;
        for (size_t i = 0; i < n; i++)
            db.add_database(Xapian::Database(srcs[i]));
        /* FULL, as xapian-compact does by default: on news 4% smaller
         * than the API's default (STANDARD), and still fine to update. */
        unsigned flags = Xapian::DB_BACKEND_GLASS | Xapian::Compactor::FULL;
        if (multipass)
            flags |= Xapian::DBCOMPACT_MULTIPASS;
        db.compact(dest, flags);
    });
    return open_status(st, err, errbuf, errlen);
}

const char *fupin_xapian_version(void)
{
    return Xapian::version_string();
}

} // extern "C"
