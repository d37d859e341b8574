#!/bin/sh
# web.sh - fupin.cgi in a real web server and a real browser.
#
# Starts lighttpd on a free 127.0.0.1 port with the same binary as a CGI
# (mod_cgi, database from a fupin.conf next to it) and as a FastCGI
# responder (mod_fastcgi, database from FUPIN_DB), against a database of
# $FUPIN_SHARED/corpus/fupin, and checks with curl: status codes, headers,
# HTML and JSON, paging, filters, facets, reprint collapsing, the article
# view, hostile input, HEAD, POST, OpenSearch, a missing database, and that
# the FastCGI process sees a commit to the database.  Then a headless
# Chromium, driven over the DevTools protocol, types a query into the page,
# presses Enter, and the rendered results must show highlighted matches;
# it follows a facet, the next page and an article, and screenshots go to
# $BUILD/test-out/web/.  Every server and browser it started is stopped on
# exit, failed or not.
#
# The database is built once per indexer source and corpus and kept in
# $BUILD/test-out/web-db (indexing is most of this test's time); each run
# works on a copy.  FUPIN_WEB_DB=PATH uses that database instead.
set -u
BIN=${BIN:-bin}
BUILD=${BUILD:-build}
SHARED=${FUPIN_SHARED:-../shared}
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
OUT=$BUILD/test-out/web
mkdir -p "$OUT"
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description command...
    d=$1; shift
    if "$@" >/dev/null 2>&1; then ok; else bad "$d"; fi
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

if [ ! -d "$SHARED/corpus/fupin" ] && [ -z "${FUPIN_WEB_DB:-}" ]; then
    echo "SKIP: $SHARED/corpus/fupin is absent; web checks skipped"
    ok; finish
fi
for c in lighttpd curl jq $PY; do
    command -v $c >/dev/null 2>&1 || { bad "$c is not installed (scripts/install-deps test)"; finish; }
done

T=$(mktemp -d /tmp/fupin-web-XXXXXX)
LPID=""; KIDS=""; BPID=""
cleanup() {
    # The browser driver closes Chromium when told to stop.
    [ -n "$BPID" ] && kill "$BPID" 2>/dev/null && wait "$BPID" 2>/dev/null
    if [ -n "$LPID" ]; then
        # lighttpd stops the FastCGI responders it spawned before it exits;
        # any it left behind are killed by the ids noted at start.
        kill "$LPID" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$LPID" 2>/dev/null || break; sleep 0.3; done
        kill -9 "$LPID" 2>/dev/null
        for k in $KIDS; do
            [ "$(ps -o comm= -p "$k" 2>/dev/null)" = fupin.cgi ] && kill -9 "$k" 2>/dev/null
        done
    fi
    cp "$T/error.log" "$OUT/lighttpd-error.log" 2>/dev/null
    cp "$T/chromium.err" "$OUT/chromium.err" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Copies of the programs: others may rebuild $BIN while this runs.
mkdir -p "$T/bin"
cp "$BIN/fupin-index" "$BIN/fupin-search" "$BIN/fupin.cgi" "$T/bin/" || { bad "no programs in $BIN"; finish; }

# The database.
DB=$T/db
CACHE=$BUILD/test-out/web-db
if [ -n "${FUPIN_WEB_DB:-}" ]; then
    cp -r "$FUPIN_WEB_DB" "$DB"
else
    # Keyed on what decides the index (fupin-index relinks whenever any
    # module changes, so its own bytes would miss the cache too often).
    key=$( (cat indexer/* common/* Makefile; ls -l "$SHARED/corpus/fupin/") 2>/dev/null | cksum)
    if [ -d "$CACHE/db" ] && [ "$(cat "$CACHE/key" 2>/dev/null)" = "$key" ]; then
        cp -r "$CACHE/db" "$DB"
        echo "database: a copy of $CACHE/db"
    else
        # zstd level 1 for the stored articles: a third less time, same texts.
        "$T/bin/fupin-index" -q --level 1 -d "$DB" "$SHARED/corpus/fupin/" 2>"$T/idx.err"
        rc=$?
        check "index corpus/fupin: exit 0 (got $rc: $(head -c 300 "$T/idx.err"))" [ $rc -eq 0 ]
        [ $rc -eq 0 ] || finish
        rm -rf "$CACHE.$$"; mkdir -p "$CACHE.$$"
        cp -r "$DB" "$CACHE.$$/db" && echo "$key" >"$CACHE.$$/key" &&
            rm -rf "$CACHE" && mv "$CACHE.$$" "$CACHE"
        rm -rf "$CACHE.$$"
    fi
fi
NARTICLES=$("$T/bin/fupin-index" --stats -d "$DB" 2>/dev/null | sed -n 's/^articles[^0-9]*\([0-9][0-9]*\).*/\1/p' | head -n 1)

# The web root: the CGI with its fupin.conf (a relative path, from its
# folder), a copy that is given a database that does not exist, and a token
# that tells our server from anything else on the port.
mkdir -p "$T/www/cgi-bin" "$T/www/nodb"
cp "$T/bin/fupin.cgi" "$T/www/cgi-bin/fupin.cgi"
printf '# fupin.cgi reads this\ndb = ../../db\n' >"$T/www/cgi-bin/fupin.conf"
cp "$T/bin/fupin.cgi" "$T/www/nodb/fupin.cgi"
echo "$T" >"$T/www/token.txt"
LIGHTTPD=$(command -v lighttpd)

start_server() {
    for _ in 1 2 3 4 5; do
        # A port the kernel just had free; if someone takes it first,
        # lighttpd fails to bind (or the token differs) and we try again.
        port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        cat >"$T/lighttpd.conf" <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ( "mod_setenv", "mod_cgi", "mod_fastcgi" )
server.errorlog = "$T/error.log"
# Let long query strings reach the CGI, which must refuse them itself.
server.max-request-field-size = 65535
mimetype.assign = ( ".txt" => "text/plain" )
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( ".cgi" => "" ) }
\$HTTP["url"] =~ "^/nodb/" {
    cgi.assign = ( ".cgi" => "" )
    setenv.add-environment = ( "FUPIN_DB" => "$T/no-such-db" )
}
fastcgi.server = ( "/fcgi/fupin" => ((
    "socket" => "$T/fupin.sock",
    "bin-path" => "$T/bin/fupin.cgi",
    "bin-environment" => ( "FUPIN_DB" => "$DB" ),
    "check-local" => "disable",
    "max-procs" => 1
)) )
EOF
        "$LIGHTTPD" -D -f "$T/lighttpd.conf" >"$T/lighttpd.out" 2>&1 &
        LPID=$!
        for _ in $(seq 1 40); do
            [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/token.txt")" = "$T" ] && return 0
            kill -0 "$LPID" 2>/dev/null || break
            sleep 0.25
        done
        kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null; LPID=""
    done
    return 1
}
if ! start_server; then
    bad "lighttpd did not start: $(cat "$T/lighttpd.out" "$T/error.log" 2>/dev/null | tail -n 5)"
    finish
fi
ok
HOST=http://127.0.0.1:$port
KIDS=$(ps -o pid= --ppid "$LPID" 2>/dev/null)
echo "lighttpd on $HOST (pid $LPID, FastCGI responder pid $(echo $KIDS)); $NARTICLES articles"

# req NAME curl-args...: body in $D/NAME.b, headers in $D/NAME.h; prints the status.
req() {
    n=$1; shift
    curl -s -o "$D/$n.b" -D "$D/$n.h" -w '%{http_code}' --max-time 60 "$@"
}
hdr() { # NAME HEADER: its value
    grep -i "^$2:" "$D/$1.h" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}
has() { grep -q -- "$2" "$D/$1.b"; }
hasnt() { ! grep -q -- "$2" "$D/$1.b"; }
json() { # NAME JQ-FILTER [jq args]: true when the filter holds on the body
    n=$1; e=$2; shift 2
    jq -e "$@" "$e" "$D/$n.b" >/dev/null 2>&1
}
json2() { # NAME1 NAME2 JQ-FILTER-ON-$a-$b [jq args]
    a=$1; b=$2; e=$3; shift 3
    jq -n -e --slurpfile a "$D/$a.b" --slurpfile b "$D/$b.b" "$@" "\$a[0] as \$a | \$b[0] as \$b | $e" >/dev/null 2>&1
}
jget() { jq -r "$2" "$D/$1.b"; }
repeat() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }

Q1='驻村 第一书记'
Q1E='%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0'
FP=%E6%89%B6%E8%B4%AB   # 扶贫
SRC='人民日报'
"$T/bin/fupin-search" -d "$DB" --json --facets -n 10 "$Q1" >"$T/cli.b"
"$T/bin/fupin-search" -d "$DB" --json --facets --no-collapse -n 10 扶贫 >"$T/clinc.b"
"$T/bin/fupin-search" -d "$DB" --json --facets -n 50 扶贫 >"$T/clic.b"

# The checks of one endpoint, run for the CGI and the FastCGI responder at
# once (each in a subshell with its own folder D and counts).
endpoint_checks() { # cgi|fcgi
    mode=$1; pass=0; fail=0
    D=$T/$mode; mkdir -p "$D"; cp "$T"/cli*.b "$D"/
    if [ $mode = cgi ]; then U=$HOST/cgi-bin/fupin.cgi; else U=$HOST/fcgi/fupin; fi
    m="[$mode]"

    # The start page.
    s=$(req home "$U")
    check "$m home: 200 ($s)" [ "$s" = 200 ]
    check "$m home: Content-Type" [ "$(hdr home Content-Type)" = "text/html; charset=utf-8" ]
    check "$m home: nosniff" [ "$(hdr home X-Content-Type-Options)" = nosniff ]
    check "$m home: CSP" grep -qi "^Content-Security-Policy: default-src 'none'" "$D/home.h"
    check "$m home: UTF-8 declared" has home '<meta charset="utf-8">'
    check "$m home: zh-CN" has home 'lang="zh-CN"'
    check "$m home: search form" has home '<input type="search" name="q"'
    check "$m home: OpenSearch link" has home 'rel="search" type="application/opensearchdescription+xml"'

    # A search: count, time, hits with highlighted snippets, facets.
    s=$(req s1 -G --data-urlencode "q=$Q1" "$U")
    check "$m search: 200 ($s)" [ "$s" = 200 ]
    check "$m search: ten hits" [ "$(grep -c '<li class="hit">' "$D/s1.b")" -eq 10 ]
    check "$m search: count and time" grep -q '找到.*篇文章，用时 [0-9.]* 毫秒' "$D/s1.b"
    check "$m search: highlighted matches" grep -q '<b>驻村</b>\|<b>第一书记</b>\|<b>驻村第一书记</b>' "$D/s1.b"
    check "$m search: title links to the article view" grep -q "<h2><a href=\"?q=$Q1E&amp;id=[a-z]*-" "$D/s1.b"
    check "$m search: query kept in the box" has s1 "value=\"$Q1\""
    check "$m search: source facet" has s1 '<h3>来源</h3>'
    check "$m search: year facet" grep -q 'from=20[0-9][0-9]&amp;to=20[0-9][0-9]' "$D/s1.b"
    check "$m search: paging" has s1 'rel="next"'
    check "$m search: Content-Length is the body" [ "$(hdr s1 Content-Length)" = "$(wc -c <"$D/s1.b" | tr -d ' ')" ]

    # JSON: the schema of fupin-search --json, the same answer, with facets.
    s=$(req j1 -G --data-urlencode "q=$Q1" -d format=json "$U")
    check "$m json: 200 ($s)" [ "$s" = 200 ]
    check "$m json: Content-Type" [ "$(hdr j1 Content-Type)" = "application/json; charset=utf-8" ]
    check "$m json: schema" json j1 '(["query","total","total_exact","offset","took_ms","hits","facets"] - keys) == [] and (.hits | length) == 10 and all(.hits[]; (["rank","id","score","title","date","source","url","snippet","copies"] - keys) == []) and (.hits[0].snippet | contains("<b>"))'
    check "$m json: same hits and facets as fupin-search --json" json2 j1 cli '$a.total == $b.total and [$a.hits[].id] == [$b.hits[].id] and $a.facets.source == $b.facets.source and $a.facets.year == $b.facets.year'
    total=$(jget j1 .total)
    id1=$(jget j1 '.hits[0].id')
    title1=$(jget j1 '.hits[0].title')

    # Paging: page 2 continues page 1; n is clamped.
    s=$(req j2 -G --data-urlencode "q=$Q1" -d format=json -d page=2 "$U")
    check "$m page 2: offset 10, ranks 11.." json j2 '.offset == 10 and .hits[0].rank == 11'
    check "$m page 2: other hits than page 1" json2 j1 j2 '([$a.hits[].id] - [$b.hits[].id]) == [$a.hits[].id]'
    s=$(req p2 -G --data-urlencode "q=$Q1" -d page=2 "$U")
    check "$m page 2 html: current page marked" has p2 '<span class="cur">2</span>'
    check "$m page 2 html: prev link" has p2 'rel="prev"'
    check "$m page 2 html: numbered from 11" has p2 '<ol class="hits" start="11">'
    s=$(req j3 -G -d q=$FP -d format=json -d n=1000 "$U")
    check "$m n=1000 clamps to 100 hits" json j3 '(.hits | length) == 100'
    s=$(req j4 -G -d q=$FP -d format=json -d n=0 "$U")
    check "$m n=0 gives one hit" json j4 '(.hits | length) == 1'
    s=$(req j5 -G -d q=$FP -d format=json -d offset=3 -d n=2 "$U")
    check "$m offset=3: ranks 4, 5" json j5 '[.hits[].rank] == [4, 5]'

    # Filters and facets.  Facets count every copy of a reprint, so their
    # counts are compared with totals of searches that do not collapse; and
    # they count candidates when the query needs checking against the text
    # (facets.exact false): then they bound the filtered total.
    s=$(req f4 -G -d q=$FP -d format=json -d collapse=0 "$U")
    s=$(req f1 -G -d q=$FP -d format=json -d collapse=0 --data-urlencode "source=$SRC" "$U")
    check "$m source filter" json f1 '.total > 0 and all(.hits[]; .source == $s)' --arg s "$SRC"
    check "$m source filter: total is the source facet's count" json2 f4 f1 '[$a.facets.source[] | select(.value == $s) | .count] as $c | if $a.facets.exact then $c == [$b.total] else ($c | length) == 1 and $c[0] >= $b.total end' --arg s "$SRC"
    s=$(req f2 -G -d q=$FP -d format=json -d from=2019 -d to=2019 -d n=100 "$U")
    check "$m date filter" json f2 '.total > 0 and all(.hits[]; .date | startswith("2019"))'
    s=$(req f3 -G -d q=$FP -d format=json -d sort=date -d n=50 "$U")
    check "$m sort=date: newest first" json f3 '(.hits | length) == 50 and [.hits[].date] == ([.hits[].date] | sort | reverse)'
    s=$(req f3a -G -d q=$FP -d format=json -d sort=date-asc -d n=50 "$U")
    check "$m sort=date-asc: oldest first" json f3a '(.hits | length) == 50 and [.hits[].date] == ([.hits[].date] | sort)'
    y=$(jget f4 '.facets.year[0].value'); yc=$(jget f4 '.facets.year[0].count'); fx=$(jget f4 .facets.exact)
    s=$(req f5 -G -d q=$FP -d format=json -d collapse=0 -d from="$y" -d to="$y" "$U")
    check "$m year facet $y narrows to its count $yc (exact: $fx)" json f5 "if $fx then .total == $yc else .total > 0 and .total <= $yc end"
    check "$m year facet $y: hits of that year" json f5 'all(.hits[]; .date | startswith($y))' --arg y "$y"
    # Follow a facet link as a browser would (from the HTML page).
    s=$(req f6 -G -d q=$FP "$U")
    link=$(grep -o '<li><a href="?[^"]*from=[0-9]*&amp;to=[0-9]*"' "$D/f6.b" | head -n 1 | sed 's/^<li><a href="//; s/"$//; s/&amp;/\&/g')
    s=$(req f7 "$U$link")
    check "$m facet link '$link' works ($s)" [ "$s" = 200 ]
    check "$m facet link: the filter shown as a chip" has f7 'class="chips"'
    s=$(req f8 -G --data-urlencode "source=$SRC" -d from=2020 "$U")
    check "$m filters without a query ($s)" [ "$s" = 200 ]
    check "$m filters without a query: hits" has f8 '<li class="hit">'
    check "$m filters without a query: snippets, nothing marked" sh -c "grep -q '<p class=\"snippet\">' '$D/f8.b' && ! grep -q '<p class=\"snippet\">.*<b>' '$D/f8.b'"

    # Reprint collapsing: on by default, collapse=0 shows every copy.
    s=$(req c0 -G -d q=$FP -d format=json -d collapse=0 -d n=10 "$U")
    check "$m collapse=0: every copy, as fupin-search --no-collapse" json2 c0 clinc '$a.total == $b.total and [$a.hits[].id] == [$b.hits[].id]'
    check "$m collapse=0: no copies counted" json c0 'all(.hits[]; .copies == 0)'
    # 50 hits: a page that holds reprint clusters whatever the ranking.
    s=$(req c1 -G -d q=$FP -d format=json -d n=50 "$U")
    check "$m collapsed: fewer hits than copies" json2 c1 c0 '$a.total < $b.total and ([$a.hits[].copies] | add) > 0'
    check "$m collapsed: the same as fupin-search" json2 c1 clic '$a.total == $b.total and [$a.hits[] | [.id, .copies]] == [$b.hits[] | [.id, .copies]]'
    s=$(req c1h -G -d q=$FP -d n=50 "$U")
    check "$m collapsed: copies said in the page" grep -q '<div class="copies"><a href="?q=[^"]*id=[^"]*">另有 [1-9][0-9]* 篇相似报道</a>' "$D/c1h.b"
    cid=$(jget c1 '[.hits[] | select(.copies > 0)][0].id'); cn=$(jget c1 '[.hits[] | select(.copies > 0)][0].copies')
    s=$(req c2 -G --data-urlencode "id=$cid" "$U")
    check "$m article lists its $cn copies ($s)" has c2 "相似报道（$cn 篇）"
    s=$(req c3 -G --data-urlencode "id=$cid" -d format=json "$U")
    check "$m article json lists its copies" json c3 '.id == $id and (.copies | length) == ($n | tonumber) and all(.copies[]; .id != $id)' --arg id "$cid" --arg n "$cn"

    # The article view.
    s=$(req a1 -G --data-urlencode "id=$id1" "$U")
    check "$m article: 200 ($s)" [ "$s" = 200 ]
    check "$m article: title" has a1 "<h1>$title1</h1>"
    check "$m article: body paragraphs" [ "$(grep -c '^<p>' "$D/a1.b")" -ge 1 ]
    s=$(req a2 -G --data-urlencode "id=$id1" -d format=json "$U")
    check "$m article json" json a2 '.id == $id and (.body | length) > 0' --arg id "$id1"
    s=$(req a3 -G -d id=no-such-article "$U")
    check "$m unknown article: 404 ($s)" [ "$s" = 404 ]
    s=$(req a4 -G -d id=no-such-article -d format=json "$U")
    check "$m unknown article json: 404 ($s)" json a4 '.status == 404'

    # Hostile input.
    s=$(req h1 -G --data-urlencode 'q=<script>alert(1)</script>"'"'"' onmouseover=x' "$U")
    check "$m <script> query answered ($s)" [ "$s" = 200 ]
    check "$m <script> never echoed raw" hasnt h1 '<script>alert'
    check "$m quotes never echoed raw" hasnt h1 "\"' onmouseover"
    check "$m <script> shown escaped" has h1 '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; onmouseover=x'
    s=$(req h2 "$U?q=a%00b"); check "$m %00 in the URL: 400 ($s)" [ "$s" = 400 ]
    s=$(req h2p -X POST -d 'q=a%00b' "$U"); check "$m %00 in a POST: 400 ($s)" [ "$s" = 400 ]
    check "$m %00: the program says why" has h2p 'NUL byte'
    s=$(req h3 "$U?q=%C3%28"); check "$m invalid UTF-8: 400 ($s)" [ "$s" = 400 ]
    check "$m invalid UTF-8: says so" has h3 'not valid UTF-8'
    s=$(req h4 "$U?q=%ED%A0%80&format=json"); check "$m surrogate, json: 400 ($s)" json h4 '.status == 400'
    s=$(req h5 "$U?q=%E9%A9"); check "$m truncated UTF-8: 400 ($s)" [ "$s" = 400 ]
    # lighttpd re-encodes a bad escape in the URL itself; in a body it reaches us.
    s=$(req h6 "$U?q=%zz"); check "$m bad %-escape in the URL answered ($s)" [ "$s" = 200 -o "$s" = 400 ]
    s=$(req h6p -X POST -d 'q=%zz' "$U"); check "$m bad %-escape in a POST: 400 ($s)" [ "$s" = 400 ]
    # lighttpd itself refuses a request line of 100 KB (and its FastCGI side
    # one of 50 KB); 30 KB reaches the program.
    s=$(req h7 "$U?q=$(repeat %E6%89%B6 11200)"); check "$m 100 KB GET query: 4xx ($s)" [ "$s" -ge 400 -a "$s" -lt 500 ]
    s=$(req h7b "$U?q=$(repeat %E6%89%B6 3300)"); check "$m 30 KB GET query: 400 ($s)" [ "$s" = 400 ]
    check "$m 30 KB query: short message" has h7b 'too long'
    check "$m 30 KB query: not echoed" [ "$(wc -c <"$D/h7b.b")" -lt 20000 ]
    { printf 'format=json&q='; repeat a 102400; } >"$D/big.form"
    s=$(req h8 -X POST --data-binary @"$D/big.form" "$U"); check "$m 100 KB POST query: 400 ($s)" [ "$s" = 400 ]
    check "$m 100 KB POST query: JSON error" json h8 '.status == 400 and (.error | contains("too long"))'
    s=$(req h9 -G --data-urlencode "q=$Q1" -d format=json -d 'utm=%C3%28' -d 'x=%3Cb%3E' -d no-collapse -d '=' -d '&&' "$U")
    check "$m unknown params ignored ($s)" json h9 ".total == $total"
    s=$(req h9p -X POST -d "utm=%FF%00%zz&q=$Q1E&format=json&junk" "$U")
    check "$m unknown params with bad bytes ignored in a POST ($s)" json h9p ".total == $total"
    s=$(req h10 "$U?q=x&from=2019-13"); check "$m bad date: 400 ($s)" [ "$s" = 400 ]
    s=$(req h11 "$U?q=x&from=2020&to=2019"); check "$m from after to: 400 ($s)" [ "$s" = 400 ]
    s=$(req h12 "$U?q=x&sort=random"); check "$m bad sort: 400 ($s)" [ "$s" = 400 ]
    s=$(req h13 "$U?q=x&page=abc"); check "$m bad page: 400 ($s)" [ "$s" = 400 ]
    s=$(req h14 "$U?q=x&page=100000"); check "$m page too far: 400 ($s)" [ "$s" = 400 ]
    s=$(req h14c "$U?q=x&collapse=maybe"); check "$m bad collapse: 400 ($s)" [ "$s" = 400 ]
    s=$(req h15 "$U?q=%28"); check "$m nothing to search for: 400 ($s)" [ "$s" = 400 ]
    s=$(req h16 "$U?q=&format=json"); check "$m empty json query: 400 ($s)" json h16 '.status == 400'
    s=$(req h17 "$U?q=$(repeat x 1001)"); check "$m 1001-byte query: 400 ($s)" [ "$s" = 400 ]
    s=$(req h18 "$U?q=$(repeat x 1000)"); check "$m 1000-byte query: 200 ($s)" [ "$s" = 200 ]

    # HEAD: the GET's headers, no body.
    s=$(curl -s -I -o "$D/hd.h" -w '%{http_code}' --max-time 30 -G --data-urlencode "id=$id1" "$U")
    check "$m HEAD: 200 ($s)" [ "$s" = 200 ]
    check "$m HEAD: the GET's length" [ "$(grep -i '^Content-Length:' "$D/hd.h" | tr -dc 0-9)" = "$(wc -c <"$D/a1.b" | tr -d ' ')" ]
    # HTTP/1.0 closes after the answer, so curl reads whatever follows the
    # headers (and, told of a Content-Length, complains that nothing did).
    rm -f "$D/hd2.b"
    curl -s --http1.0 -X HEAD -o "$D/hd2.b" -D "$D/hd2.h" --max-time 10 "$U?q=$FP" 2>/dev/null
    check "$m HEAD: a search's headers" grep -q '^HTTP/1.0 200' "$D/hd2.h"
    check "$m HEAD: no body" [ ! -s "$D/hd2.b" ]
    s=$(curl -s -I -o /dev/null -w '%{http_code}' --max-time 30 "$U?q=%FF")
    check "$m HEAD of a bad request: 400 ($s)" [ "$s" = 400 ]

    # POST, other methods.
    s=$(req po -X POST --data-urlencode "q=$Q1" -d format=json "$U")
    check "$m POST form: 200 ($s)" json po ".total == $total"
    s=$(req po2 -X POST -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' --data-urlencode "q=$Q1" "$U?format=json")
    check "$m POST with charset, format from the URL" json po2 ".total == $total"
    s=$(req po3 -F "q=$Q1" "$U"); check "$m POST multipart: 415 ($s)" [ "$s" = 415 ]
    s=$(req po4 -X PUT -d q=x "$U"); check "$m PUT: 405 ($s)" [ "$s" = 405 ]
    check "$m 405 says Allow" [ "$(hdr po4 Allow)" = "GET, HEAD, POST" ]

    # OpenSearch.
    s=$(req os "$U?opensearch=1")
    check "$m opensearch: 200 ($s)" [ "$s" = 200 ]
    check "$m opensearch: type" grep -qi '^Content-Type: application/opensearchdescription+xml' "$D/os.h"
    check "$m opensearch: valid, with this URL" $PY -c '
import sys, xml.etree.ElementTree as E
r=E.parse(sys.argv[1]).getroot(); ns="{http://a9.com/-/spec/opensearch/1.1/}"
assert r.find(ns+"ShortName").text
t=[u.get("template") for u in r.findall(ns+"Url") if u.get("type")=="text/html"][0]
assert t.startswith(sys.argv[2]+"?q={searchTerms}"), t' "$D/os.b" "$U"
    echo "ENDPOINT $pass $fail"
}
pids=""
for mode in cgi fcgi; do
    endpoint_checks $mode >"$T/$mode.out" 2>&1 &
    pids="$pids $!"
done
wait $pids
for mode in cgi fcgi; do
    grep -v '^ENDPOINT' "$T/$mode.out"
    res=$(grep '^ENDPOINT' "$T/$mode.out")
    if [ -n "$res" ]; then
        set -- $res; pass=$((pass + $2)); fail=$((fail + $3))
    else
        bad "[$mode] the checks did not finish"
    fi
done
D=$T/main; mkdir -p "$D"

# No database: 503 with Retry-After; the start page needs none.
s=$(req nd "$HOST/nodb/fupin.cgi?q=x")
check "no database: 503 ($s)" [ "$s" = 503 ]
check "no database: Retry-After" [ -n "$(hdr nd Retry-After)" ]
s=$(req nd2 "$HOST/nodb/fupin.cgi?q=x&format=json")
check "no database, json: 503" json nd2 '.status == 503'
s=$(req nd3 "$HOST/nodb/fupin.cgi")
check "no database: the start page still works ($s)" [ "$s" = 200 ]

# The FastCGI process keeps its handle, and sees a commit made after it opened.
U=$HOST/fcgi/fupin
NEW=%E7%BD%91%E9%A1%B5%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8   # 网页测试专用
s=$(req r0 -G -d q=$NEW -d format=json "$U")
check "new word not there yet" json r0 '.total == 0'
printf '%s\n' '{"id":"web-test-1","title":"网页测试专用文章","source":"测试","date":"2021-03-04","url":"","body":"这是网页测试专用的一段正文。"}' >"$T/extra.jsonl"
"$T/bin/fupin-index" -q -d "$DB" "$T/extra.jsonl"
s=$(req r1 -G -d q=$NEW -d format=json "$U")
check "FastCGI sees the new article after a commit" json r1 '.total == 1 and .hits[0].id == "web-test-1"'
check "the same FastCGI responder answered throughout" [ "$(ps -o pid= --ppid "$LPID" | tr -d ' ')" = "$(echo $KIDS)" ]

# Lighttpd logged no crash of the program.
# (Under make asan the sanitizers' reports land there too.)
check "no CGI/FastCGI crash in the server log" sh -c "! grep -qi 'signal\|segfault\|abort\|died\|fastcgi.*error\|Sanitizer\|runtime error' '$T/error.log'"

# Headless Chromium over the DevTools protocol (--remote-debugging-pipe: a
# JSON message per NUL-terminated line on fds 3 and 4).
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    bad "chromium is not installed (scripts/install-deps test installs it)"
    finish
fi
cat >"$T/browser.py" <<'EOF'
import base64, json, os, re, select, signal, subprocess, sys, time
chrome, host, out, prof, errlog = sys.argv[1:6]
signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))   # so that Chromium is closed
npass = nfail = 0
def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
    else:
        nfail += 1
        print("FAIL: chromium: " + what, flush=True)

to_r, to_w = os.pipe()       # we write commands, Chromium reads fd 3
from_r, from_w = os.pipe()   # Chromium writes fd 4, we read
hi_r = os.dup2(to_r, 100); hi_w = os.dup2(from_w, 101)
def child():
    os.dup2(hi_r, 3); os.dup2(hi_w, 4)
p = subprocess.Popen([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions",
                      "--remote-debugging-pipe", "--user-data-dir=" + prof, "about:blank"],
                     stdin=subprocess.DEVNULL, stdout=open(errlog, "ab"), stderr=subprocess.STDOUT,
                     preexec_fn=child, close_fds=False)
for fd in (to_r, from_w, hi_r, hi_w):
    os.close(fd)
deadline = time.time() + 100
buf = b""; events = []; nid = 0

def read_msg():
    global buf
    while b"\0" not in buf:
        left = deadline - time.time()
        if left <= 0 or not select.select([from_r], [], [], left)[0]:
            raise TimeoutError("no answer from Chromium")
        chunk = os.read(from_r, 1 << 20)
        if not chunk:
            raise EOFError("Chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)

def call(method, params=None, sid=None):
    global nid
    nid += 1
    m = {"id": nid, "method": method, "params": params or {}}
    if sid:
        m["sessionId"] = sid
    os.write(to_w, json.dumps(m).encode() + b"\0")
    while True:
        r = read_msg()
        if r.get("id") == nid:
            if "error" in r:
                raise RuntimeError(method + ": " + json.dumps(r["error"]))
            return r["result"]
        events.append(r)

def wait_event(name, since):
    while True:
        for e in events[since:]:
            if e.get("method") == name:
                return e
        since = len(events)
        events.append(read_msg())

try:
    tid = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    sid = call("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
    for m in ("Page.enable", "Runtime.enable", "Log.enable"):
        call(m, sid=sid)
    call("Emulation.setDeviceMetricsOverride",
         {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False}, sid)
    def js(expr):
        r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, sid)
        return r["result"].get("value")
    def until_loaded(action):
        n = len(events)
        action()
        wait_event("Page.loadEventFired", n)
    def go(url):
        until_loaded(lambda: call("Page.navigate", {"url": url}, sid))
    def shot(name):
        data = base64.b64decode(call("Page.captureScreenshot", {"format": "png"}, sid)["data"])
        open(os.path.join(out, name), "wb").write(data)
        return data
    def key(k, code, vk, text=""):
        for t in ("keyDown", "keyUp"):
            ev = {"type": t, "key": k, "code": code, "windowsVirtualKeyCode": vk,
                  "nativeVirtualKeyCode": vk}
            if t == "keyDown" and text:
                ev["text"] = text
            call("Input.dispatchKeyEvent", ev, sid)
    report = """JSON.stringify({
        search: location.search,
        hits: document.querySelectorAll('li.hit').length,
        marks: Array.from(document.querySelectorAll('.snippet b'), b => b.textContent),
        markWeight: (b => b ? getComputedStyle(b).fontWeight : '')(document.querySelector('.snippet b')),
        stats: (document.querySelector('.stats') || {}).textContent || '',
        start: (document.querySelector('ol.hits') || {start: 0}).start,
        dates: Array.from(document.querySelectorAll('.hit .meta'), d => d.textContent.slice(0, 4)),
        chips: (document.querySelector('.chips') || {}).textContent || '',
        box: (document.querySelector('input[name=q]') || {}).value,
        scripts: document.scripts.length})"""

    # The start page, styled (the CSP lets the inline style through).
    go(host + "/fcgi/fupin")
    check("扶贫新闻检索" in js("document.title"), "start page title")
    check(js("getComputedStyle(document.querySelector('.logo')).color") == "rgb(179, 38, 30)",
          "start page styled (inline CSS allowed by the CSP)")
    # Type a query into the box as a user would (insertText is what an input
    # method commits), then press Enter.
    js("document.querySelector('input[name=q]').focus()")
    call("Input.insertText", {"text": "驻村"}, sid)
    key(" ", "Space", 32, " ")
    call("Input.insertText", {"text": "第一书记"}, sid)
    check(js("document.activeElement.value") == "驻村 第一书记", "typed text in the box")
    until_loaded(lambda: key("Enter", "Enter", 13, "\r"))
    r = json.loads(js(report))
    print("chromium: search %s: %d hits, marks %s, %s" % (r["search"], r["hits"], r["marks"][:4], r["stats"]))
    check(r["search"].startswith("?q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0"),
          "the typed query was submitted: " + r["search"])
    check(r["hits"] == 10, "ten results rendered (%d)" % r["hits"])
    check(len(r["marks"]) > 0 and r["marks"][0] in ("驻村", "第一书记", "驻村第一书记"),
          "highlighted matches rendered: %s" % r["marks"][:3])
    check(r["markWeight"] in ("700", "bold"), "highlights shown bold (%s)" % r["markWeight"])
    check(r["stats"].startswith("找到") and "篇文章" in r["stats"], "count shown: " + r["stats"])
    check(r["box"] == "驻村 第一书记", "query kept in the box")
    png = shot("search-typed.png")
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, "screenshot of the results (%d bytes)" % len(png))

    # Narrow by the first year facet, go to the next page, open an article.
    year = js("document.querySelector('aside li a[href*=\"from=\"]').textContent")
    until_loaded(lambda: js("document.querySelector('aside li a[href*=\"from=\"]').click()"))
    r = json.loads(js(report))
    check(r["hits"] > 0 and all(d == year for d in r["dates"]), "year facet %s: hits of that year %s" % (year, r["dates"]))
    check(year in r["chips"], "year facet shown as a chip: " + r["chips"])
    go(host + "/fcgi/fupin?q=%E6%89%B6%E8%B4%AB")
    until_loaded(lambda: js("document.querySelector('a[rel=next]').click()"))
    r = json.loads(js(report))
    check(r["start"] == 11 and r["hits"] == 10, "next page starts at 11 (%s)" % r["start"])
    title = js("document.querySelector('li.hit h2 a').textContent")
    until_loaded(lambda: js("document.querySelector('li.hit h2 a').click()"))
    check(js("document.querySelector('article h1').textContent") == title, "article view of " + title)
    check(js("document.querySelectorAll('article p').length") >= 1, "article paragraphs")
    shot("article.png")

    # A hit standing for reprints says how many; its article lists them.
    go(host + "/fcgi/fupin?q=%E6%89%B6%E8%B4%AB&n=50")
    said = js("(a => a ? a.textContent : '')(document.querySelector('.copies a'))")
    check(re.fullmatch(r"另有 [1-9][0-9]* 篇相似报道", said or ""), "a hit says how many copies: %r" % said)
    if said:
        until_loaded(lambda: js("document.querySelector('.copies a').click()"))
        n = int(re.search(r"[0-9]+", said).group())
        got = js("document.querySelectorAll('section.copies li a').length")
        check(got == n, "its article lists %d copies (%s)" % (n, got))
        shot("copies.png")

    # The CGI, and hostile input that must stay text.
    go(host + "/cgi-bin/fupin.cgi?q=%E6%98%93%E5%9C%B0%E6%89%B6%E8%B4%AB%E6%90%AC%E8%BF%81")
    check(js("document.querySelector('.snippet b').textContent") == "易地扶贫搬迁", "CGI page with highlights")
    evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    go(host + "/cgi-bin/fupin.cgi?q=" + "".join("%%%02X" % c for c in evil.encode()))
    r = json.loads(js(report))
    check(r["box"] == evil and r["scripts"] == 0 and js("document.images.length") == 0,
          "hostile query shown as text (box %r, %d scripts)" % (r["box"], r["scripts"]))
    check(not any(e.get("method") == "Page.javascriptDialogOpening" for e in events), "no script ran")
    csp = [e["params"]["entry"]["text"] for e in events if e.get("method") == "Log.entryAdded"
           and "Content Security Policy" in e["params"]["entry"].get("text", "")]
    check(not csp, "no CSP violation: %s" % csp[:2])
except Exception as e:
    check(False, "driving the browser: %s: %s" % (type(e).__name__, e))
finally:
    try:
        os.write(to_w, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
        p.wait(10)
    except Exception:
        p.kill()
        p.wait()
print("BROWSER %d %d" % (npass, nfail))
EOF
prof=$(mktemp -d "$T/profile-XXXXXX")
timeout -k 5 120 $PY "$T/browser.py" "$CHROMIUM" "$HOST" "$OUT" "$prof" "$T/chromium.err" >"$T/browser.out" 2>&1 &
BPID=$!
wait $BPID
BPID=""
grep -v '^BROWSER' "$T/browser.out"
res=$(grep '^BROWSER' "$T/browser.out")
if [ -n "$res" ]; then
    set -- $res
    pass=$((pass + $2)); fail=$((fail + $3))
else
    bad "the browser driver gave no result (see above)"
fi
echo "screenshots: $OUT/search-typed.png $OUT/article.png $OUT/copies.png"
finish
