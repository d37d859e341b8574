#!/bin/sh
# cli.sh - the two command-line programs as a user runs them.
set -u
. "$(dirname "$0")/check.shlib"
T=$(mktemp -d /tmp/fupin-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
DB=$T/db

# Index the bundled corpus.
$IDX -d "$DB" corpus/ >"$T/idx.out" 2>"$T/idx.err"; rc=$?
check "index corpus/ exits 0 (got $rc: $(cat "$T/idx.err"))" [ $rc -eq 0 ]
check "summary names the article count" grep -q "articles" "$T/idx.err"
n1=$($IDX --stats -d "$DB" | awk '/^articles:/ {print $2}')
check "corpus/ has articles ($n1)" [ "${n1:-0}" -ge 5 ]

# The seed report is found by its keywords, highlighted when piped.
$SRCH -d "$DB" 驻村 第一书记 >"$T/s1" 2>&1; rc=$?
check "search exits 0" [ $rc -eq 0 ]
check "seed report found" grep -q "驻村铁军" "$T/s1"
check "matches bracketed when piped" grep -q "\[驻村\]\|\[第一书记\]" "$T/s1"

# JSON output has the documented schema.
$SRCH -d "$DB" --json -n 20 '"脱贫攻坚" 张家界 -疫情' >"$T/j1"; rc=$?
check "json search exits 0" [ $rc -eq 0 ]
check "json schema" $PY -c '
import json,sys
d=json.load(open(sys.argv[1]))
assert set(["query","total","offset","hits"]) <= set(d), d.keys()
assert d["total"] >= 1
h=d["hits"][0]
assert set(["rank","id","score","title","date","source","url","snippet"]) <= set(h)
assert "<b>" in h["snippet"]
assert h["rank"] == 1
' "$T/j1"
id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["hits"][0]["id"])' "$T/j1")

# --show prints the stored article; --count prints a number.
$SRCH -d "$DB" --show "$id" >"$T/show"; rc=$?
check "--show exits 0" [ $rc -eq 0 ]
check "--show prints the body" grep -q "深冬时节" "$T/show"
check "--show has no site footer" sh -c "! grep -q '欢迎您访问红星网' '$T/show'"
cnt=$($SRCH -d "$DB" --count 扶贫)
check "--count prints a positive number ($cnt)" [ "${cnt:-0}" -ge 1 ]
$SRCH -d "$DB" --show no-such-id >/dev/null 2>"$T/e"; rc=$?
check "--show of an unknown id exits 1 ($rc)" [ $rc -eq 1 ]
check "--show of an unknown id says so" grep -q "no article" "$T/e"

# A keyword matches exactly its run of characters.
$SRCH -d "$DB" --count 驻村铁军 >"$T/c1"
check "驻村铁军 found once or more" [ "$(cat "$T/c1")" -ge 1 ]
$SRCH -d "$DB" --count 铁军驻村 >"$T/c2"; rc=$?
check "铁军驻村 (characters present, not in this order) finds nothing" [ "$(cat "$T/c2")" -eq 0 ]

# Re-indexing replaces: no duplicates.
$IDX -q -d "$DB" corpus/; rc=$?
n2=$($IDX --stats -d "$DB" | awk '/^articles:/ {print $2}')
check "re-index keeps $n1 articles (got $n2)" [ "$n1" = "$n2" ]

# Bad input: reported as file:line, the rest indexed, exit status 1.
mkdir -p "$T/in"
printf '%s\n' '{"id":"a1","title":"甲","source":"s","date":"2020-01-02","url":"","body":"扶贫车间开工"}' \
  '{"id":"a2","title":broken' \
  '{"id":"a3","title":"丙","source":"s","date":"2020-01-03","url":"","body":"易地扶贫搬迁"}' >"$T/in/x.jsonl"
$IDX -d "$T/db2" "$T/in" 2>"$T/e2"; rc=$?
check "malformed line gives exit 1 ($rc)" [ $rc -eq 1 ]
check "message names file and line" grep -q "x.jsonl:2:" "$T/e2"
check "good lines indexed" [ "$($SRCH -d "$T/db2" --count 扶贫)" -eq 2 ]

# Date ranges: bounds include their whole day; an undated article is in no
# range, even an open one; a date: term and --from/--to agree.
printf '%s\n' '{"id":"d1","title":"t","source":"s","date":"2020-01-31 23:59","body":"产业扶贫"}' \
  '{"id":"d2","title":"t","source":"s","date":"2020-02-01","body":"产业扶贫"}' \
  '{"id":"d3","title":"t","source":"s","body":"产业扶贫"}' \
  '{"id":"d4","title":"t","source":"s","date":"2019-12-31","body":"产业扶贫"}' >"$T/in/d.jsonl"
$IDX -q -d "$T/db3" "$T/in/d.jsonl"
ids() { $SRCH -d "$T/db3" --json --no-collapse --sort date-asc -n 0 "$@" 2>&1 |
        $PY -c 'import json,sys; print("".join(h["id"] + " " for h in json.load(sys.stdin)["hits"]))'; }
check "--to 2020-01 ($(ids --to 2020-01 扶贫))" [ "$(ids --to 2020-01 扶贫)" = "d4 d1 " ]
check "--from 2020-01 ($(ids --from 2020-01 扶贫))" [ "$(ids --from 2020-01 扶贫)" = "d1 d2 " ]
check "--from/--to one day ($(ids --from 2020-02-01 --to 2020-02-01 扶贫))" \
  [ "$(ids --from 2020-02-01 --to 2020-02-01 扶贫)" = "d2 " ]
check "date:..2020-01 ($(ids '扶贫 date:..2020-01'))" [ "$(ids '扶贫 date:..2020-01')" = "d4 d1 " ]
check "-date:2020 keeps undated ($(ids '扶贫 -date:2020'))" [ "$(ids '扶贫 -date:2020')" = "d3 d4 " ]

# Errors: no database, usage.
$SRCH -d "$T/nonexistent" 扶贫 >/dev/null 2>"$T/e3"; rc=$?
check "missing database exits 3 ($rc)" [ $rc -eq 3 ]
check "missing database is named" grep -q "nonexistent" "$T/e3"
$SRCH -d "$DB" >/dev/null 2>&1; rc=$?
check "no query is a usage error ($rc)" [ $rc -eq 2 ]
$IDX --jobs x corpus >/dev/null 2>&1; rc=$?
check "bad option value is a usage error ($rc)" [ $rc -eq 2 ]
check "--help documents exit status" sh -c "$IDX --help | grep -q 'Exit status'"

# --batch: one JSON line per query with its time.
printf '扶贫\n驻村 第一书记\n\n' | $SRCH -d "$DB" --batch >"$T/b"
check "batch gives one line per query" [ "$(wc -l <"$T/b")" -eq 3 ]
check "batch lines are JSON with took_ms" $PY -c '
import json,sys
ls=[json.loads(l) for l in open(sys.argv[1])]
assert "took_ms" in ls[0] and ls[0]["total"] >= 1
assert "error" in ls[2]
' "$T/b"

# --no-snippets: the same hits, no snippet.
printf '扶贫\n' | $SRCH -d "$DB" --batch >"$T/ns1"
printf '扶贫\n' | $SRCH -d "$DB" --batch --no-snippets >"$T/ns2"
check "--no-snippets: same ids, no snippets" $PY -c '
import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert [h["id"] for h in a["hits"]] == [h["id"] for h in b["hits"]] and a["hits"]
assert all(h["snippet"] for h in a["hits"]) and not any(h["snippet"] for h in b["hits"])
' "$T/ns1" "$T/ns2"

# --ids-only: the same hits, totals and order as full hits, with nothing
# but the id; verified queries and pages past the first too.
printf '扶贫\n脱贫攻坚\n"驻村工作队"\n张家界 扶贫\n' >"$T/iq"
for o in "" "--exact-total" "--offset 2 -n 3" "--no-collapse --exact-total -n 0"; do
    # shellcheck disable=SC2086
    $SRCH -d "$DB" --batch --no-snippets $o <"$T/iq" >"$T/io1"
    # shellcheck disable=SC2086
    $SRCH -d "$DB" --batch --ids-only $o <"$T/iq" >"$T/io2"
    check "--ids-only $o: same hits and totals, ids only" $PY -c '
import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) == 4 and any(x["hits"] for x in a)
for x, y in zip(a, b):
    assert (x["total"], x["total_exact"]) == (y["total"], y["total_exact"]), (x["query"], x["total"], y["total"])
    assert [(h["id"], h["rank"], h["score"], h["copies"]) for h in x["hits"]] == \
           [(h["id"], h["rank"], h["score"], h["copies"]) for h in y["hits"]], x["query"]
    assert all(h["title"] and h["date"] for h in x["hits"])
    assert not any(h["title"] or h["date"] or h["source"] or h["snippet"] for h in y["hits"])
' "$T/io1" "$T/io2"
done
$SRCH -d "$DB" --ids-only -n 2 扶贫 >"$T/it"; rc=$?
check "--ids-only text: rank, id, score lines (rc $rc)" \
    sh -c "[ $rc -eq 0 ] && sed -n 2p '$T/it' | grep -Eq '^1\. [^ ]+  score [0-9.]+\$' && [ \$(wc -l <'$T/it') -eq 3 ]"
# An id longer than the ORDER value keeps (240 bytes) still comes out whole.
long=$($PY -c 'print("L" * 300)')
printf '{"id":"%s","title":"长编号","body":"长编号的文章。","date":"2020-01-02"}\n' "$long" >"$T/long.jsonl"
$IDX -d "$T/ldb" "$T/long.jsonl" 2>/dev/null
$SRCH -d "$T/ldb" --ids-only --json 编号 >"$T/lo"
check "--ids-only: a 300-byte id comes out whole" $PY -c '
import json,sys
d=json.load(open(sys.argv[1])); assert [h["id"] for h in d["hits"]] == ["L" * 300], d
' "$T/lo"

# BM25: the default is k1 1, b 0 (no length normalisation); --bm25 changes
# the scores, and a B outside 0..1 is refused.
$SRCH -d "$DB" --json -n 5 扶贫 >"$T/bm0"
$SRCH -d "$DB" --json -n 5 --bm25 1,0 扶贫 >"$T/bm1"
$SRCH -d "$DB" --json -n 5 --bm25 1,0.5 扶贫 >"$T/bm2"
check "default BM25 is --bm25 1,0, and 1,0.5 scores otherwise" $PY -c '
import json,sys
a,b,c=[[(h["id"], h["score"]) for h in json.load(open(p))["hits"]] for p in sys.argv[1:]]
assert a and a == b and [s for _, s in a] != [s for _, s in c], (a, c)
' "$T/bm0" "$T/bm1" "$T/bm2"
$SRCH -d "$DB" --bm25 1,1.5 扶贫 >/dev/null 2>"$T/bme"; rc=$?
check "--bm25 1,1.5 refused (rc $rc)" sh -c "[ $rc -eq 2 ] && grep -q '0 <= B <= 1' '$T/bme'"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
