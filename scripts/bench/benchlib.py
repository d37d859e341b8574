"""Shared plumbing of the benchmark scripts in scripts/bench/.

Owns the three text formats every tool here reads or writes:

  queries file   one query a line: KIND<TAB>QUERY, keywords in QUERY separated
                 by one space.  A document matches when its title or its body
                 contains every keyword.

  results file   one line per query, in the order of the queries file:
                 KIND<TAB>QUERY<TAB>COUNT<TAB>TIME_MS<TAB>STATUS<TAB>IDS
                 COUNT is the match count the engine reported in the timed
                 call, TIME_MS that call's latency (engine call + top 10 ids +
                 full match count), STATUS is "ok", "fail:<message>", or a
                 comma-separated list of flags: "scan" (answered without the
                 index, e.g. SQLite LIKE), "short" (fewer than min(10, COUNT)
                 top hits came back); IDS is
                 the full sorted list of matching article ids, separated by
                 one space (fetched in a separate, untimed pass).

  corpus         zstd-compressed JSON Lines with id, title, body (read
                 through `zstd -dc`, so several files simply concatenate).

Runs under /usr/bin/python3 (Debian's), the interpreter python3-xapian is
built for.
"""
import json
import math
import subprocess
import sys


def articles(files, limit=None):
    """Yields (id, title, body) from the corpus files, in file order."""
    proc = subprocess.Popen(["zstd", "-dcq", "--", *files],
                            stdout=subprocess.PIPE, bufsize=1 << 20)
    n = 0
    stopped = False
    try:
        for line in proc.stdout:
            if limit is not None and n >= limit:
                stopped = True
                break
            a = json.loads(line)
            n += 1
            yield a["id"], a["title"], a["body"]
    finally:
        if stopped:
            proc.kill()
        proc.stdout.close()
        rc = proc.wait()
    if not stopped and rc != 0:
        raise RuntimeError("zstd -dc failed with status %d" % rc)


def read_queries(path):
    """Returns [(kind, query)] from a queries file."""
    out = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            kind, sep, query = line.partition("\t")
            if not sep or not query.strip():
                raise ValueError("%s:%d: expected KIND<TAB>QUERY" % (path, ln))
            out.append((kind, query))
    return out


def keywords(query):
    return [k for k in query.split(" ") if k]


def clean_msg(msg):
    """One-line message safe inside a results-file column."""
    return " ".join(str(msg).replace("\t", " ").split())[:200]


class ResultWriter:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8")

    def write(self, kind, query, count, time_ms, status, ids):
        ids = sorted(ids)
        self.f.write("%s\t%s\t%d\t%.4f\t%s\t%s\n" % (
            kind, query, count, time_ms, status, " ".join(ids)))

    def close(self):
        self.f.close()


def read_results(path):
    """Returns [dict(kind, query, count, time_ms, status, ids:set)]."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                raise ValueError("%s: bad results line: %.80r" % (path, line))
            kind, query, count, ms, status, ids = parts
            out.append({"kind": kind, "query": query, "count": int(count),
                        "time_ms": float(ms), "status": status,
                        "ids": set(ids.split(" ")) if ids else set()})
    return out


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    v = sorted(values)
    k = max(1, math.ceil(p / 100.0 * len(v)))
    return v[k - 1]


def die(prog, msg):
    sys.stderr.write("%s: %s\n" % (prog, msg))
    sys.exit(1)
