#!/bin/sh
# limits.sh - the query limits through fupin-search: each refuses with its
# own message and exit status (2 for a query over a limit, 3 for the time
# limit), in a normal run and in --batch (one JSON error line).  The limits
# themselves, with lowered values, are tested in test_limits.c.
set -u
. "$(dirname "$0")/check.shlib"
T=$(mktemp -d /tmp/fupin-limits-XXXXXX)
trap 'rm -rf "$T"' EXIT
DB=$T/db
$IDX -q -d "$DB" corpus/; rc=$?
check "index corpus/ (exit $rc)" [ $rc -eq 0 ]

long=$(head -c 5000 /dev/zero | tr '\0' 'a')
many=$(i=0; while [ $i -lt 33 ]; do printf '词%d ' $i; i=$((i + 1)); done)
deep=$(i=0; while [ $i -lt 40 ]; do printf '('; i=$((i + 1)); done)扶贫
limit() { # description expected-exit message-part query [options]
    d=$1; want=$2; part=$3; q=$4; shift 4
    $SRCH -d "$DB" "$@" -- "$q" >"$T/out" 2>"$T/err"; rc=$?
    check "$d: exit $want (got $rc)" [ $rc -eq "$want" ]
    check "$d: says '$part' ($(cat "$T/err"))" grep -qF -- "$part" "$T/err"
    check "$d: prints no results" [ ! -s "$T/out" ]
}
limit "5000-byte query" 2 "the limit is 4096" "$long"
limit "33 keywords" 2 "more than 32 keywords" "$many"
limit "40 parentheses" 2 "nested deeper than 32" "$deep"
limit "1 ns time limit" 3 "time limit" "扶贫" --timeout 0.000000001
limit "1 ns time limit, verified phrase" 3 "time limit" '"扶贫车间"' --timeout 0.000000001
$SRCH -d "$DB" --count --timeout 30 扶贫 >"$T/out" 2>"$T/err"; rc=$?
check "a generous time limit runs (exit $rc: $(cat "$T/err"))" [ $rc -eq 0 ] && [ "$(cat "$T/out")" -ge 1 ]

# --batch: one JSON line per query, the error in it, the next query still runs.
printf '%s\n%s\n%s\n' "$long" "$many" "扶贫" | $SRCH -d "$DB" --batch >"$T/b" 2>"$T/err"
check "batch: three lines" [ "$(wc -l <"$T/b")" -eq 3 ]
check "batch: limits as JSON errors, the last query answered" $PY -c '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
assert "4096" in ls[0]["error"], ls[0]
assert "32 keywords" in ls[1]["error"], ls[1]
assert ls[2]["total"] >= 1, ls[2]
' "$T/b"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
