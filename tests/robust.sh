#!/bin/sh
# robust.sh - the indexer under faults: a second writer, SIGKILL at random
# moments, a full disk, and searches while it commits.  Nothing committed
# may be lost, nothing may be duplicated, and every failure is explained.
set -u
. "$(dirname "$0")/check.shlib"
SHARED=${FUPIN_SHARED:-../shared}
FUPIN=$SHARED/corpus/fupin
T=$(mktemp -d /tmp/fupin-robust-XXXXXX)
MNT=""
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    jobs -p | xargs -r kill 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
articles() { $IDX --stats -d "$1" 2>/dev/null | awk '/^articles:/ {print $2}'; }
documents() { $IDX --stats -d "$1" 2>/dev/null | awk '/^documents:/ {print $2}'; }
xcheck() { # a database, single or sharded, passes xapian-check
    if [ -f "$1/XAPIANDB" ]; then
        for s in "$1"/shard-*; do xapian-check "$s" >/dev/null 2>&1 || return 1; done
    else
        xapian-check "$1" >/dev/null 2>&1
    fi
}
total=3263

# 1. SIGKILL at random moments, five times, then the same command to the end.
DB=$T/killed
seed=7
for i in 1 2 3 4 5; do
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    ms=$(( 300 + seed % 7000 ))
    $IDX -q -j2 --batch 500 -d "$DB" "$FUPIN" 2>/dev/null &
    pid=$!
    sleep "$(awk "BEGIN {print $ms / 1000}")"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    sleep 0.2
    if [ -e "$DB" ]; then
        check "after kill $i at ${ms}ms the database passes xapian-check" xcheck "$DB"
        n=$(documents "$DB")
        check "after kill $i the database opens ($n documents)" [ -n "$n" ]
    else
        ok   # killed before the first commit: nothing to check but nothing lost
    fi
done
$IDX -q -j2 --batch 500 -d "$DB" "$FUPIN"; rc=$?
check "re-run after the kills finishes (exit $rc)" [ $rc -eq 0 ]
check "exactly $total articles, no duplicates (got $(documents "$DB"))" [ "$(documents "$DB")" = $total ]
check "no damaged records" sh -c "! $IDX --stats -d '$DB' | grep -q damaged"
check "xapian-check after the re-run" xcheck "$DB"
# Every 50th input article, as stored, field for field (fupin-search --json --show).
cat >"$T/same.py" <<'EOF'
import json, subprocess, sys
srch, db, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
arts = []
for path in sys.argv[4:]:
    out = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    arts += [json.loads(l) for l in out.decode().splitlines() if l.strip()]
sample, bad = arts[::step], 0
for a in sample:
    r = subprocess.run([srch, "-d", db, "--json", "--show", str(a["id"])], capture_output=True)
    got = json.loads(r.stdout) if r.returncode == 0 else {}
    diff = [f for f in ("id", "title", "source", "date", "url", "byline", "body")
            if f in a and str(a[f]) != got.get(f)]
    if diff:
        bad += 1
        print("differs: %s %s" % (a["id"], diff))
print("%d of %d sampled articles byte-identical" % (len(sample) - bad, len(sample)))
sys.exit(1 if bad or not sample else 0)
EOF
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
check "after the kills, sampled articles are stored byte for byte" $PY "$T/same.py" "$SRCH" "$DB" 50 "$FUPIN"/*.jsonl.zst

# Killed in the middle of an incremental update of an existing database.
$IDX -q -j1 --batch 300 -d "$DB" "$FUPIN" 2>/dev/null &
pid=$!; sleep 3; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "incremental run killed: still $total articles" [ "$(documents "$DB")" = $total ]
check "incremental run killed: xapian-check" xcheck "$DB"

# 2. A second indexer on the same database gets a clear "locked" error.
$IDX -q -j1 --batch 100 -d "$DB" "$FUPIN" 2>/dev/null &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e "$DB/flintlock" ] && break; sleep 0.2; done
sleep 1
$IDX -q -j1 -d "$DB" corpus/ 2>"$T/lock.err"; rc=$?
check "second writer exits 4 (got $rc)" [ $rc -eq 4 ]
check "second writer says locked: $(cat "$T/lock.err")" grep -qi "lock" "$T/lock.err"

# 3. Searches while the indexer commits never fail.
fails=0
for _ in $(seq 1 40); do
    $SRCH -d "$DB" --count 扶贫 >/dev/null 2>>"$T/search.err"
    rc=$?
    [ $rc -le 1 ] || fails=$((fails + 1))
done
wait $pid; rc=$?
check "indexer finished beside the searches (exit $rc)" [ $rc -eq 0 ]
check "40 searches during commits, $fails failed: $(head -c 300 "$T/search.err")" [ $fails -eq 0 ]
check "still $total articles" [ "$(documents "$DB")" = $total ]

# 4. A full disk: a clear message, the last commit intact.
MNT=$T/small
mkdir -p "$MNT"
if mount -t tmpfs -o size=6m tmpfs "$MNT" 2>/dev/null; then
    # A new database is written as parts: the failure leaves none behind.
    $IDX -q -j2 --batch 200 -d "$MNT/new" "$FUPIN" 2>"$T/full0.err"; rc=$?
    check "full disk, new database: exits 3 (got $rc)" [ $rc -eq 3 ]
    check "full disk, new database: no parts left ($(ls "$MNT" | tr '\n' ' '))" \
        [ -z "$(ls "$MNT")" ]
    # An existing database is written in place, commit by commit.
    printf '%s\n' '{"id":"first","title":"t","body":"扶贫"}' >"$T/first.jsonl"
    $IDX -q -d "$MNT/db" "$T/first.jsonl"
    $IDX -q -j1 --batch 200 -d "$MNT/db" "$FUPIN" 2>"$T/full.err"; rc=$?
    check "full disk exits 3 (got $rc)" [ $rc -eq 3 ]
    check "full disk is named: $(head -c 300 "$T/full.err")" grep -qi "space" "$T/full.err"
    if [ -e "$MNT/db/iamglass" ]; then
        n=$(documents "$MNT/db")
        check "after a full disk the database opens ($n documents, a whole number of commits)" \
            sh -c "[ -n '$n' ] && [ \$(( ($n - 1) % 200 )) -eq 0 ]"
        check "after a full disk: xapian-check" xcheck "$MNT/db"
    fi
    umount "$MNT"; MNT=""
else
    echo "SKIP: cannot mount a tmpfs here (not root?); full-disk case not run"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
