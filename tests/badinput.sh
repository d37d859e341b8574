#!/bin/sh
# badinput.sh - the indexer fed bad input through the command line: invalid
# UTF-8, NUL bytes, a BOM, CRLF, empty files, a 50 MB line, binary files,
# truncated .zst/.gz, malformed JSON, missing title or body, an id repeated
# in one dump, unreadable files and directories, symlink loops.  Each case:
# a message naming the file (and line), everything valid indexed (and stored
# byte for byte), the exit status that `fupin-index --help` documents.
# The parts (dump reader, JSON and text parsers) are tested in test_dump.c.
set -u
. "$(dirname "$0")/check.shlib"
T=$(mktemp -d /tmp/fupin-badinput-XXXXXX)
trap 'chmod -R u+rwx "$T" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
chmod 755 "$T"
IN=$T/in
mkdir -p "$IN"
E=$T/err
articles() { $IDX --stats -d "$1" 2>/dev/null | awk '/^articles:/ {print $2}'; }
has() { grep -qF -- "$1" "$E"; }                     # the messages hold this text
count() { grep -cF -- "$1" "$E"; }                   # lines of messages holding it
stored() { $SRCH -d "$DB" --show "$1" >"$T/show" 2>/dev/null; }   # id is in the database
field() { # id name: a stored header field (--show prints "name    value" lines, a blank line, the body)
    $SRCH -d "$DB" --show "$1" 2>/dev/null |
        awk -v f="$2" '/^$/ { exit } index($0, f " ") == 1 { s = substr($0, length(f) + 1); sub(/^ +/, "", s); print s; exit }'
}
body() { # id: the stored body (up to the blank line before any list of reprints)
    $SRCH -d "$DB" --show "$1" 2>/dev/null | awk 'b && /^$/ { exit } b { print } /^$/ { b = 1 }'
}

# ---- the inputs ----
printf '%s\n' '{"id":"g1","title":"好标题","source":"s","date":"2020-01-02","url":"","body":"扶贫车间开工"}' \
    '{"id":"g2","title":"第二篇","body":"易地扶贫搬迁"}' >"$IN/good.jsonl"
# invalid UTF-8: 2 + 1 bad sequences on line 1, 1 + 1 on line 2 (JSON Lines), 3 in text
printf '{"id":"u1","title":"坏\377\376字节","body":"正文\303里有坏字节"}\n{"id":"u2","title":"又\377","body":"再一个\200"}\n' >"$IN/badutf8.jsonl"
printf '无效字节标题\n\n正文\377\376里有坏字节。\n第二段\200。\n' >"$IN/badutf8.txt"
# NUL: escaped (kept, reported once), raw in a JSON line (that line skipped)
printf '{"id":"n1","title":"空字符","body":"前\\u0000后"}\n{"id":"n2","title":"raw\000nul","body":"x"}\n{"id":"n3","title":"之后","body":"照常"}\n' >"$IN/nul.jsonl"
# a stray NUL deep in a text file (past the 8 KB binary sniff): reported, kept
{ printf '长文标题\n\n'; i=0; while [ $i -lt 400 ]; do printf '正文一正文一。\n'; i=$((i + 1)); done
  printf '=====\n第二篇长文\n\n正文\000二。\n'; } >"$IN/nul-late.txt"
# BOM and CRLF
printf '\357\273\277{"id":"b1","title":"有BOM","body":"正文"}\n' >"$IN/bom.jsonl"
printf '\357\273\277带BOM的标题\n\n带BOM的正文。\n' >"$IN/bom.txt"
printf '{"id":"c1","title":"回车","body":"正文"}\r\n{"id":"c2","title":"回车二","body":"正文二"}\r\n' >"$IN/crlf.jsonl"
printf '回车换行标题\r\n\r\n第一段。\r\n第二段。\r\n' >"$IN/crlf.txt"
# empty files
: >"$IN/empty.jsonl"; : >"$IN/empty.txt"; printf '\n\n  \n' >"$IN/blank.jsonl"
# binary: NUL bytes, and bytes that are no text in any charset
$PY -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 12)' >"$IN/binary.dat"
$PY -c 'import random, sys; r = random.Random(5); sys.stdout.buffer.write(bytes(r.choice([0x80, 0x81, 0xfe, 0xff, 0xc0, 0xc1, 0xf8]) for _ in range(4000)))' >"$IN/binary.txt"
# a 50 MB line: garbage between two good JSON lines; a 50 MB one-line text file
{ printf '{"id":"h1","title":"长行之前","body":"扶贫"}\n'; head -c 52428800 /dev/zero | tr '\0' 'x'
  printf '\n{"id":"h3","title":"长行之后","body":"扶贫"}\n'; } >"$IN/long.jsonl"
head -c 52428800 /dev/zero | tr '\0' 'y' >"$IN/long.txt"
# truncated .zst: two frames (lines 1-5, 6-10), cut inside the second
$PY - "$T" <<'EOF'
import json, sys
d = sys.argv[1]
def lines(a, b, p):
    return "".join(json.dumps({"id": "%s%d" % (p, i), "title": "标题%d" % i, "body": "扶贫" * 40 + str(i)},
                              ensure_ascii=False) + "\n" for i in range(a, b)).encode()
open(d + "/z1.jsonl", "wb").write(lines(1, 6, "z"))
open(d + "/z2.jsonl", "wb").write(lines(6, 11, "z"))
open(d + "/g.jsonl", "wb").write(lines(1, 41, "q"))
EOF
zstd -q "$T/z1.jsonl" -o "$T/z1.zst"; zstd -q "$T/z2.jsonl" -o "$T/z2.zst"
cat "$T/z1.zst" "$T/z2.zst" >"$T/z.zst"
head -c $(( $(wc -c <"$T/z1.zst") + $(wc -c <"$T/z2.zst") / 2 )) "$T/z.zst" >"$IN/trunc.jsonl.zst"
gzip -c "$T/g.jsonl" >"$T/g.gz"
head -c $(( $(wc -c <"$T/g.gz") * 2 / 3 )) "$T/g.gz" >"$IN/trunc.jsonl.gz"
# malformed JSON lines, missing title or body
printf '%s\n' '{"id":"m1","title":"甲","body":"一"}' '{"id":"m2","title":broken' '[1,2]' '"str"' \
    '{"id":"m5","title":123}' '{"id":"m6","title":"丙","body":"三"}' '{"id":"m7","title":"截断' >"$IN/malformed.jsonl"
printf '%s\n' '{"id":"t1","body":"只有正文"}' '{"id":"t2","title":"只有标题"}' '{"id":"t3","source":"s"}' \
    '{"id":"t4","title":"","body":""}' >"$IN/missing.jsonl"
printf '只有标题的文章\n' >"$IN/title-only.txt"
# an id repeated in one dump (and in another file of it)
printf '%s\n' '{"id":"d1","title":"第一版","body":"一"}' '{"id":"d2","title":"另一篇","body":"二"}' \
    '{"id":"d1","title":"第二版","body":"二版正文"}' >"$IN/dup.jsonl"
printf '%s\n' '{"id":"d2","title":"别的文件里","body":"三"}' >"$IN/dup2.jsonl"
# symlinks: a loop, a link up the tree, a broken link
mkdir -p "$IN/sub"
printf '%s\n' '{"id":"s1","title":"子目录","body":"扶贫"}' >"$IN/sub/s.jsonl"
ln -s . "$IN/loop"; ln -s .. "$IN/sub/up"; ln -s nowhere "$IN/broken"
# unreadable file and directory (see below for root)
mkdir -p "$IN/locked-dir"
printf '%s\n' '{"id":"x1","title":"锁住的目录","body":"扶贫"}' >"$IN/locked-dir/x.jsonl"
printf '%s\n' '{"id":"x2","title":"锁住的文件","body":"扶贫"}' >"$IN/locked.jsonl"
chmod 000 "$IN/locked.jsonl" "$IN/locked-dir"

# ---- one run over all of it ----
# root reads anything: run the indexer as nobody so that chmod 000 counts.
RUN=""
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then
        RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
        chmod 777 "$T"
    else
        echo "SKIP: running as root without setpriv: unreadable files are readable here"
        chmod 755 "$IN/locked.jsonl" "$IN/locked-dir"
    fi
fi
DB=$T/db
$RUN $IDX -j2 -d "$DB" "$IN" >"$T/out" 2>"$E"; rc=$?
check "bad input gives exit 1, indexed with skips (got $rc: $(tail -n 1 "$E"))" [ $rc -eq 1 ]
check "no crash, no sanitizer report" sh -c "! grep -q -e 'Sanitizer' -e 'runtime error' '$E'"
check "summary line" has "articles ("
DB=$T/db

# invalid UTF-8: repaired, counted, reported once per file with its line
check "badutf8.jsonl reported once" [ "$(count 'badutf8.jsonl')" -eq 1 ]
check "badutf8.jsonl: line and count" has "in/badutf8.jsonl:1: 5 invalid UTF-8 sequences replaced by U+FFFD"
check "badutf8.txt reported once" [ "$(count 'badutf8.txt')" -eq 1 ]
check "badutf8.txt: line and count" has "in/badutf8.txt:1: 3 invalid UTF-8 sequences replaced by U+FFFD"
check "summary counts every repair" has "; 8 invalid UTF-8 sequences replaced by U+FFFD"
check "u1 stored with U+FFFD" [ "$(field u1 title)" = "坏��字节" ]
check "u2 stored with U+FFFD" [ "$(body u2)" = "再一个�" ]
check "u1 found by its text" [ "$($SRCH -d "$DB" --count 坏字节)" -eq 2 ]

# NUL bytes
check "raw NUL in a JSON line: line named" has "in/nul.jsonl:2: invalid JSON"
check "escaped NUL reported once with its line" has "in/nul.jsonl:1: 1 NUL byte in the text"
check "n1 and n3 indexed" sh -c "$SRCH -d '$DB' --show n1 >/dev/null && $SRCH -d '$DB' --show n3 >/dev/null"
check "late NUL in a text file reported" has "in/nul-late.txt:404: 1 NUL byte"
check "both articles of nul-late.txt indexed" [ "$($SRCH -d "$DB" --count 第二篇长文)" -eq 1 ]

# BOM, CRLF: nothing reported, text stored without them
check "BOM and CRLF files give no message" sh -c "! grep -q -e 'bom\\.' -e 'crlf\\.' '$E'"
check "BOM not in the JSON title" [ "$(field b1 title)" = "有BOM" ]
check "BOM not in the text title" [ "$($SRCH -d "$DB" --count 带BOM的标题)" -eq 1 ]
check "CRLF JSON lines both indexed" sh -c "$SRCH -d '$DB' --show c1 >/dev/null && $SRCH -d '$DB' --show c2 >/dev/null"
check "CRLF: no CR stored" sh -c "! $SRCH -d '$DB' --show c2 | grep -q \"\$(printf '\\r')\""
id=$($SRCH -d "$DB" --json 回车换行标题 | $PY -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])' 2>/dev/null)
check "CRLF text file indexed" [ -n "$id" ]
check "CRLF text body stored without CR" [ "$(body "$id" | tr '\n' '|')" = "第一段。|第二段。|" ]

# empty files
check "empty.jsonl named" has "in/empty.jsonl: empty file"
check "empty.txt named" has "in/empty.txt: empty file"
check "blank.jsonl named" has "in/blank.jsonl: empty file"

# binary files
check "binary.dat skipped and named" has "in/binary.dat: binary file"
check "binary.txt skipped and named" sh -c "grep -F 'in/binary.txt: ' '$E' | grep -q -i -e binary -e 'not UTF-8'"

# 50 MB lines
check "50 MB garbage line named" has "in/long.jsonl:2: invalid JSON"
check "lines around it indexed" sh -c "$SRCH -d '$DB' --show h1 >/dev/null && $SRCH -d '$DB' --show h3 >/dev/null"
check "50 MB one-line text file not reported (indexed: see the total)" sh -c "! grep -q 'long.txt' '$E'"

# truncated compressed files: what came before the break is indexed
check "truncated .zst: file and line named" has "in/trunc.jsonl.zst:6: truncated zstd stream"
n=0; for i in 1 2 3 4 5; do stored z$i && n=$((n + 1)); done
check "truncated .zst: its 5 whole articles indexed ($n)" [ $n -eq 5 ]
check "truncated .zst: nothing after the cut" sh -c "! $SRCH -d '$DB' --show z6 >/dev/null 2>&1"
gzl=$(sed -n 's/.*in\/trunc\.jsonl\.gz:\([0-9]*\): truncated gzip stream.*/\1/p' "$E")
check "truncated .gz: file and line named ($gzl)" [ -n "$gzl" ]
n=0; i=1; while [ $i -le 40 ]; do stored q$i && n=$((n + 1)); i=$((i + 1)); done
check "truncated .gz: every line before the break indexed ($n = ${gzl:-?} - 1)" [ "$n" -eq $(( ${gzl:-0} - 1 )) ]
q3=""; i=0; while [ $i -lt 40 ]; do q3="${q3}扶贫"; i=$((i + 1)); done
check "truncated .gz: a whole article stored byte for byte" [ "$(body q3)" = "${q3}3" ]

# malformed JSON, missing fields
for l in 2 3 4 5 7; do check "malformed.jsonl:$l named" has "in/malformed.jsonl:$l: "; done
check "malformed.jsonl: 5 messages" [ "$(count 'malformed.jsonl')" -eq 5 ]
check "malformed.jsonl: m1 and m6 indexed" sh -c "$SRCH -d '$DB' --show m1 >/dev/null && $SRCH -d '$DB' --show m6 >/dev/null"
check "missing title and body named (line 3)" has "in/missing.jsonl:3: missing title and body"
check "empty title and body named (line 4)" has "in/missing.jsonl:4: missing title and body"
check "body only and title only are articles" sh -c "$SRCH -d '$DB' --show t1 >/dev/null && $SRCH -d '$DB' --show t2 >/dev/null"
check "a text file with only a title line is an article" [ "$($SRCH -d "$DB" --count 只有标题的文章)" -eq 1 ]

# an id repeated in the dump
check "repeated id named with both places" has "in/dup.jsonl:3: id \"d1\" repeated (first at $IN/dup.jsonl:1)"
check "repeated id in another file named" has "in/dup2.jsonl:1: id \"d2\" repeated (first at $IN/dup.jsonl:2)"
check "the later copy is kept" [ "$(field d1 title)" = "第二版" ]
check "one d1 in the database" [ "$($SRCH -d "$DB" --count 第二版)" -eq 1 ] 
check "the earlier copy is gone" [ "$($SRCH -d "$DB" --count 第一版)" -eq 0 ]

# symlinks
check "symlink loop named" has "in/loop: symlink loop"
check "link up the tree named" has "in/sub/up: symlink loop"
check "broken link named" has "in/broken: broken symbolic link"
check "sub/ read once" [ "$(count 'sub/s.jsonl')" -eq 0 ] 
check "s1 indexed once" [ "$($SRCH -d "$DB" --count 子目录)" -eq 1 ]

# unreadable
if [ -n "$RUN" ] || [ "$(id -u)" != 0 ]; then
    check "unreadable file named" has "in/locked.jsonl: Permission denied"
    check "unreadable directory named" has "in/locked-dir: Permission denied"
    check "nothing from them indexed" sh -c "! $SRCH -d '$DB' --show x1 >/dev/null 2>&1 && ! $SRCH -d '$DB' --show x2 >/dev/null 2>&1"
else
    ok; ok; ok
fi

# Everything valid, counted: g1 g2, u1 u2, badutf8.txt, n1 n3, nul-late x2, b1, bom.txt,
# c1 c2, crlf.txt, h1 h3, long.txt, z1-5, q1..q(gzl-1), m1 m6, t1 t2, title-only,
# d1 d2 (the last copies), s1.
want=$(( 2 + 2 + 1 + 2 + 2 + 1 + 1 + 2 + 1 + 2 + 1 + 5 + ${gzl:-1} - 1 + 2 + 2 + 1 + 2 + 1 ))
got=$(articles "$DB")
check "every valid article indexed: $want (got $got)" [ "$got" = "$want" ]
skipped=$(sed -n 's/.*; \([0-9]*\) skipped.*/\1/p' "$E")
# malformed 5, missing 2, nul 1, empty 3, binary 2, long 1, trunc 2, dup 2, links 3, locked 2
check "skips counted: 23 (got $skipped)" [ "${skipped:-0}" -eq 23 ]
check "every message names an input path" sh -c "grep -v 'articles (' '$E' | grep -v -q -F '$IN/' && exit 1 || exit 0"
check "xapian-check passes" xapian-check "$DB" >/dev/null 2>&1

# The same run again: everything replaced, no repeats reported, same articles.
$RUN $IDX -j1 -d "$DB" "$IN" >/dev/null 2>"$E"; rc=$?
check "second run: exit 1 again (same skips)" [ $rc -eq 1 ]
check "second run: same article count" [ "$(articles "$DB")" = "$want" ]
check "second run: repeats within the run only" [ "$(count 'repeated')" -eq 2 ]

# Only good input: exit 0; only a repaired file: still exit 0.
mkdir -p "$T/good"; cp "$IN/good.jsonl" "$IN/badutf8.jsonl" "$T/good/"
$IDX -q -d "$T/db2" "$T/good" 2>"$E"; rc=$?
check "good input and repaired UTF-8 exit 0 (got $rc)" [ $rc -eq 0 ]
check "the repair still reported with -q" has "badutf8.jsonl:1: 5 invalid UTF-8"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
