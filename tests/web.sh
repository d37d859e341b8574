#!/bin/sh
# web.sh - fupin.cgi in a real web server and a real browser.
#
# Starts lighttpd on a free 127.0.0.1 port with the same binary as a CGI
# (mod_cgi, database from a fupin.conf next to it) and as a FastCGI
# responder (mod_fastcgi, database from FUPIN_DB), against a database of
# ../shared/corpus/fupin (the 新闻联播 file, to keep it quick), and checks
# with curl: status codes, headers, HTML and JSON, paging, filters, facets,
# the article view, hostile input, HEAD, POST, OpenSearch, and that the
# FastCGI process sees a commit to the database.  Then headless Chromium
# types a query into the page and submits it; the rendered results must
# show highlighted matches.  Screenshots go to $BUILD/test-out/web/.
# Every server it started is stopped on exit.
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
T=$(mktemp -d /tmp/fupin-web-XXXXXX)
LPID=""
cleanup() {
    if [ -n "$LPID" ]; then
        kill "$LPID" 2>/dev/null
        # lighttpd stops the FastCGI processes it spawned before it exits.
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$LPID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$LPID" 2>/dev/null
    fi
    cp "$T/error.log" "$OUT/lighttpd-error.log" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for c in lighttpd curl; do
    if ! command -v $c >/dev/null 2>&1; then
        bad "$c is not installed (scripts/install-deps test)"; echo "$pass passed, $fail failed"; exit 1
    fi
done
ABS_BIN=$(cd "$BIN" && pwd)
LIGHTTPD=$(command -v lighttpd)

# The database: FUPIN_WEB_DB reuses one (for quick iterations by hand).
DB=$T/db
if [ -n "${FUPIN_WEB_DB:-}" ]; then
    cp -r "$FUPIN_WEB_DB" "$DB"
else
    "$BIN/fupin-index" -q -d "$DB" "$SHARED/corpus/fupin/xwlb-fupin-2012-2026.jsonl.zst" 2>"$T/idx.err"
    check "index the 新闻联播 file ($(cat "$T/idx.err"))" test -d "$DB"
fi

# The web root: the CGI with its fupin.conf (a relative path, from its
# folder), a copy without a database, and the page that drives Chromium.
mkdir -p "$T/www/cgi-bin" "$T/www/nodb"
cp "$BIN/fupin.cgi" "$T/www/cgi-bin/fupin.cgi"
printf '# fupin.cgi reads this\ndb = ../../db\n' >"$T/www/cgi-bin/fupin.conf"
cp "$BIN/fupin.cgi" "$T/www/nodb/fupin.cgi"
cat >"$T/www/drive.html" <<'EOF'
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>drive</title></head>
<body style="margin:0">
<pre id="report" style="margin:0;font-size:11px">pending</pre>
<iframe id="f" src="/fcgi/fupin" style="width:1260px;height:1400px;border:0"></iframe>
<script>
/* Acts as a user: types a query into the search box, presses the button,
 * then reports what the results page shows. */
var step = 0, fr = document.getElementById('f');
fr.addEventListener('load', function () {
  var d = fr.contentDocument;
  if (step === 0) {
    step = 1;
    var box = d.querySelector('input[name=q]');
    box.focus();
    box.value = '驻村 第一书记';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    d.querySelector('button[type=submit]').click();
  } else if (step === 1) {
    step = 2;
    var marks = Array.prototype.map.call(d.querySelectorAll('.snippet b'),
                                         function (b) { return b.textContent; });
    document.getElementById('report').textContent =
      'RESULT hits=' + d.querySelectorAll('li.hit').length + ' marks=' + marks.length +
      ' first=' + (marks[0] || '') + ' stats=' + (d.querySelector('.stats') || {}).textContent +
      ' search=' + fr.contentWindow.location.search;
  }
});
</script>
</body></html>
EOF

start_server() {
    port=$(( 20000 + ($$ * 7) % 30000 ))
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$((port + 1))
        cat >"$T/lighttpd.conf" <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ( "mod_setenv", "mod_cgi", "mod_fastcgi" )
server.errorlog = "$T/error.log"
# Let long query strings reach the CGI, which must refuse them itself.
server.max-request-field-size = 65535
mimetype.assign = ( ".html" => "text/html; charset=utf-8" )
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( ".cgi" => "" ) }
\$HTTP["url"] =~ "^/nodb/" {
    cgi.assign = ( ".cgi" => "" )
    setenv.add-environment = ( "FUPIN_DB" => "$T/no-such-db" )
}
fastcgi.server = ( "/fcgi/fupin" => ((
    "socket" => "$T/fupin.sock",
    "bin-path" => "$ABS_BIN/fupin.cgi",
    "bin-environment" => ( "FUPIN_DB" => "$DB" ),
    "check-local" => "disable",
    "max-procs" => 1
)) )
EOF
        "$LIGHTTPD" -D -f "$T/lighttpd.conf" >"$T/lighttpd.out" 2>&1 &
        LPID=$!
        for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/drive.html" && return 0
            kill -0 "$LPID" 2>/dev/null || break
            sleep 0.25
        done
        kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null; LPID=""
    done
    return 1
}
if ! start_server; then
    bad "lighttpd did not start: $(cat "$T/lighttpd.out" "$T/error.log" 2>/dev/null | tail -n 5)"
    echo "$pass passed, $fail failed"; exit 1
fi
ok
HOST=http://127.0.0.1:$port
echo "lighttpd on $HOST (pid $LPID)"

# req NAME curl-args...: body in $T/NAME.b, headers in $T/NAME.h; prints the status.
req() {
    n=$1; shift
    curl -s -o "$T/$n.b" -D "$T/$n.h" -w '%{http_code}' --max-time 60 "$@"
}
hdr() { # NAME HEADER: its value
    grep -i "^$2:" "$T/$1.h" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}
has() { grep -q -- "$2" "$T/$1.b"; }
hasnt() { ! grep -q -- "$2" "$T/$1.b"; }
json() { # NAME PYTHON-EXPR-ON-d: true when the expression holds
    $PY -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$T/$1.b"
}
jget() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$T/$1.b"; }

Q1='驻村 第一书记'
SRC='央视网·新闻联播'
$BIN/fupin-search -d "$DB" --json --facets -n 10 "$Q1" >"$T/cli.b"

for mode in cgi fcgi; do
    if [ $mode = cgi ]; then U=$HOST/cgi-bin/fupin.cgi; else U=$HOST/fcgi/fupin; fi
    m="[$mode]"

    # The start page.
    s=$(req home "$U")
    check "$m home: 200 ($s)" [ "$s" = 200 ]
    check "$m home: Content-Type" [ "$(hdr home Content-Type)" = "text/html; charset=utf-8" ]
    check "$m home: nosniff" [ "$(hdr home X-Content-Type-Options)" = nosniff ]
    check "$m home: CSP" sh -c "grep -qi \"^Content-Security-Policy: default-src 'none'\" '$T/home.h'"
    check "$m home: UTF-8 and zh-CN" sh -c "grep -q '<meta charset=\"utf-8\">' '$T/home.b' && grep -q 'lang=\"zh-CN\"' '$T/home.b'"
    check "$m home: search form" has home '<input type="search" name="q"'
    check "$m home: OpenSearch link" has home 'rel="search" type="application/opensearchdescription+xml"'

    # A search: count, time, hits with highlighted snippets, facets.
    s=$(req s1 -G --data-urlencode "q=$Q1" "$U")
    check "$m search: 200 ($s)" [ "$s" = 200 ]
    check "$m search: ten hits" [ "$(grep -c '<li class="hit">' "$T/s1.b")" -eq 10 ]
    check "$m search: count and time" sh -c "grep -q '找到.*篇文章，用时 [0-9.]* 毫秒' '$T/s1.b'"
    check "$m search: highlighted matches" sh -c "grep -q '<b>驻村</b>\|<b>第一书记</b>\|<b>驻村第一书记</b>' '$T/s1.b'"
    check "$m search: title links to the article view" sh -c "grep -q '<h2><a href=\"?q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0&amp;id=xwlb-' '$T/s1.b'"
    check "$m search: query kept in the box" has s1 "value=\"$Q1\""
    check "$m search: source facet" has s1 '<h3>来源</h3>'
    check "$m search: year facet" sh -c "grep -q 'from=20[0-9][0-9]&amp;to=20[0-9][0-9]' '$T/s1.b'"
    check "$m search: paging" has s1 'rel="next"'
    check "$m search: Content-Length is the body" [ "$(hdr s1 Content-Length)" = "$(wc -c <"$T/s1.b" | tr -d ' ')" ]

    # JSON: the schema of fupin-search --json, the same answer, with facets.
    s=$(req j1 -G --data-urlencode "q=$Q1" -d format=json "$U")
    check "$m json: 200 ($s)" [ "$s" = 200 ]
    check "$m json: Content-Type" [ "$(hdr j1 Content-Type)" = "application/json; charset=utf-8" ]
    check "$m json: schema" json j1 'set(["query","total","total_exact","offset","took_ms","hits","facets"]) <= set(d) and all(set(["rank","id","score","title","date","source","url","snippet"]) <= set(h) for h in d["hits"]) and "<b>" in d["hits"][0]["snippet"]'
    check "$m json: same hits as fupin-search --json" $PY -c '
import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["total"]==b["total"] and [h["id"] for h in a["hits"]]==[h["id"] for h in b["hits"]]
assert a["facets"]["source"]==b["facets"]["source"] and a["facets"]["year"]==b["facets"]["year"]
' "$T/j1.b" "$T/cli.b"
    total=$(jget j1 'd["total"]')
    id1=$(jget j1 'd["hits"][0]["id"]')
    title1=$(jget j1 'd["hits"][0]["title"]')

    # Paging: page 2 continues page 1; n is clamped.
    s=$(req j2 -G --data-urlencode "q=$Q1" -d format=json -d page=2 "$U")
    check "$m page 2: offset 10, ranks 11.." json j2 'd["offset"]==10 and d["hits"][0]["rank"]==11'
    check "$m page 2: other hits than page 1" $PY -c '
import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert not set(h["id"] for h in a["hits"]) & set(h["id"] for h in b["hits"])' "$T/j1.b" "$T/j2.b"
    s=$(req p2 -G --data-urlencode "q=$Q1" -d page=2 "$U")
    check "$m page 2 html: current page and prev link" sh -c "grep -q '<span class=\"cur\">2</span>' '$T/p2.b' && grep -q 'rel=\"prev\"' '$T/p2.b'"
    s=$(req j3 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d n=1000 "$U")
    check "$m n=1000 clamps to 100 hits" json j3 'len(d["hits"])==100'
    s=$(req j4 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d n=0 "$U")
    check "$m n=0 gives one hit" json j4 'len(d["hits"])==1'
    s=$(req j5 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d offset=3 -d n=2 "$U")
    check "$m offset=3: ranks 4, 5" json j5 '[h["rank"] for h in d["hits"]]==[4,5]'

    # Filters and facets.
    s=$(req f4 -G -d q=%E6%89%B6%E8%B4%AB -d format=json "$U")
    s=$(req f1 -G -d q=%E6%89%B6%E8%B4%AB -d format=json --data-urlencode "source=$SRC" "$U")
    check "$m source filter" json f1 'd["total"]>0 and all(h["source"]=="'"$SRC"'" for h in d["hits"])'
    check "$m source filter: total is the source facet's count" $PY -c '
import json,sys
a=json.load(open(sys.argv[1])); f=json.load(open(sys.argv[2]))
assert a["facets"]["exact"] and [x["count"] for x in a["facets"]["source"] if x["value"]==sys.argv[3]]==[f["total"]]
' "$T/f4.b" "$T/f1.b" "$SRC"
    s=$(req f2 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d from=2019 -d to=2019 -d n=100 "$U")
    check "$m date filter" json f2 'd["total"]>0 and all(h["date"].startswith("2019") for h in d["hits"])'
    s=$(req f3 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d sort=date -d n=50 "$U")
    check "$m sort=date: newest first" json f3 'len(d["hits"])==50 and [h["date"] for h in d["hits"]]==sorted([h["date"] for h in d["hits"]], reverse=True)'
    y=$(jget f4 'd["facets"]["year"][0]["value"]'); yc=$(jget f4 'd["facets"]["year"][0]["count"]')
    s=$(req f5 -G -d q=%E6%89%B6%E8%B4%AB -d format=json -d from="$y" -d to="$y" "$U")
    check "$m year facet $y narrows to its count $yc" json f5 "d['total']==$yc"
    # Follow a facet link as a browser would (from the HTML page).
    s=$(req f6 -G -d q=%E6%89%B6%E8%B4%AB "$U")
    link=$(grep -o '<li><a href="?[^"]*from=[0-9]*&amp;to=[0-9]*"' "$T/f6.b" | head -n 1 | sed 's/^<li><a href="//; s/"$//; s/&amp;/\&/g')
    s=$(req f7 "$U$link")
    check "$m facet link '$link' works ($s)" sh -c "[ '$s' = 200 ] && grep -q 'class=\"chips\"' '$T/f7.b'"
    s=$(req f8 -G --data-urlencode "source=$SRC" -d from=2020 "$U")
    check "$m filters without a query ($s)" sh -c "[ '$s' = 200 ] && grep -q '<li class=\"hit\">' '$T/f8.b'"

    # The article view.
    s=$(req a1 -G --data-urlencode "id=$id1" "$U")
    check "$m article: 200 ($s)" [ "$s" = 200 ]
    check "$m article: title" has a1 "<h1>$title1</h1>"
    check "$m article: body paragraphs" sh -c "[ \$(grep -c '^<p>' '$T/a1.b') -ge 1 ]"
    s=$(req a2 -G --data-urlencode "id=$id1" -d format=json "$U")
    check "$m article json" json a2 'd["id"]=="'"$id1"'" and len(d["body"])>0'
    s=$(req a3 -G -d id=no-such-article "$U")
    check "$m unknown article: 404 ($s)" [ "$s" = 404 ]
    s=$(req a4 -G -d id=no-such-article -d format=json "$U")
    check "$m unknown article json: 404 ($s)" json a4 'd["status"]==404'

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
    s=$(req h4 "$U?q=%ED%A0%80&format=json"); check "$m surrogate, json: 400 ($s)" json h4 'd["status"]==400'
    s=$(req h5 "$U?q=%E9%A9"); check "$m truncated UTF-8: 400 ($s)" [ "$s" = 400 ]
    # lighttpd re-encodes a bad escape in the URL itself; in a body it reaches us.
    s=$(req h6 "$U?q=%zz"); check "$m bad %-escape in the URL answered ($s)" [ "$s" = 200 -o "$s" = 400 ]
    s=$(req h6p -X POST -d 'q=%zz' "$U"); check "$m bad %-escape in a POST: 400 ($s)" [ "$s" = 400 ]
    # lighttpd itself refuses a request line of 100 KB (and its FastCGI side one
    # of 50 KB); 30 KB reaches the program.
    big=$($PY -c 'print("q=" + "%E6%89%B6" * 11200)')
    s=$(req h7 "$U?$big"); check "$m 100 KB GET query: 4xx ($s)" [ "$s" -ge 400 -a "$s" -lt 500 ]
    big=$($PY -c 'print("q=" + "%E6%89%B6" * 3300)')
    s=$(req h7b "$U?$big"); check "$m 30 KB GET query: 400 ($s)" [ "$s" = 400 ]
    check "$m 30 KB query: short message" has h7b 'too long'
    check "$m 30 KB query: not echoed" [ "$(wc -c <"$T/h7b.b")" -lt 20000 ]
    $PY -c 'import sys; sys.stdout.write("format=json&q=" + "a" * 102400)' >"$T/big.form"
    s=$(req h8 -X POST --data-binary @"$T/big.form" "$U"); check "$m 100 KB POST query: 400 ($s)" [ "$s" = 400 ]
    check "$m 100 KB POST query: JSON error" json h8 'd["status"]==400 and "too long" in d["error"]'
    s=$(req h9 -G --data-urlencode "q=$Q1" -d format=json -d 'utm=%C3%28' -d 'x=%3Cb%3E' -d collapse=1 -d no-collapse -d '=' -d '&&' "$U")
    check "$m unknown params ignored ($s)" json h9 'd["total"]=='"$total"
    s=$(req h9p -X POST -d 'utm=%FF%00%zz&q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0&format=json&junk' "$U")
    check "$m unknown params with bad bytes ignored in a POST ($s)" json h9p 'd["total"]=='"$total"
    s=$(req h10 "$U?q=x&from=2019-13"); check "$m bad date: 400 ($s)" [ "$s" = 400 ]
    s=$(req h11 "$U?q=x&from=2020&to=2019"); check "$m from after to: 400 ($s)" [ "$s" = 400 ]
    s=$(req h12 "$U?q=x&sort=random"); check "$m bad sort: 400 ($s)" [ "$s" = 400 ]
    s=$(req h13 "$U?q=x&page=abc"); check "$m bad page: 400 ($s)" [ "$s" = 400 ]
    s=$(req h14 "$U?q=x&page=100000"); check "$m page too far: 400 ($s)" [ "$s" = 400 ]
    s=$(req h15 "$U?q=%28"); check "$m nothing to search for: 400 ($s)" [ "$s" = 400 ]
    s=$(req h16 "$U?q=&format=json"); check "$m empty json query: 400 ($s)" json h16 'd["status"]==400'
    s=$(req h17 "$U?q=$(printf 'x%.0s' $(seq 1 1001))"); check "$m 1001-byte query: 400 ($s)" [ "$s" = 400 ]
    s=$(req h18 "$U?q=$(printf 'x%.0s' $(seq 1 1000))"); check "$m 1000-byte query: 200 ($s)" [ "$s" = 200 ]

    # HEAD: the GET's headers, no body.
    s=$(curl -s -I -o "$T/hd.h" -w '%{http_code}' --max-time 30 -G --data-urlencode "id=$id1" "$U")
    check "$m HEAD: 200 ($s)" [ "$s" = 200 ]
    check "$m HEAD: the GET's length" [ "$(grep -i '^Content-Length:' "$T/hd.h" | tr -dc 0-9)" = "$(wc -c <"$T/a1.b" | tr -d ' ')" ]
    s=$(curl -s -X HEAD -o "$T/hd2.b" -w '%{http_code}' --max-time 30 "$U?q=%E9%A9%BB%E6%9D%91" 2>/dev/null)
    check "$m HEAD: no body" [ ! -s "$T/hd2.b" ]
    s=$(curl -s -I -o /dev/null -w '%{http_code}' --max-time 30 "$U?q=%FF")
    check "$m HEAD of a bad request: 400 ($s)" [ "$s" = 400 ]

    # POST, other methods.
    s=$(req po -X POST --data-urlencode "q=$Q1" -d format=json "$U")
    check "$m POST form: 200 ($s)" json po 'd["total"]=='"$total"
    s=$(req po2 -X POST -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' --data-urlencode "q=$Q1" "$U?format=json")
    check "$m POST with charset, format from the URL" json po2 'd["total"]=='"$total"
    s=$(req po3 -F "q=$Q1" "$U"); check "$m POST multipart: 415 ($s)" [ "$s" = 415 ]
    s=$(req po4 -X PUT -d q=x "$U"); check "$m PUT: 405 ($s)" [ "$s" = 405 ]
    check "$m 405 says Allow" [ "$(hdr po4 Allow)" = "GET, HEAD, POST" ]

    # OpenSearch.
    s=$(req os "$U?opensearch=1")
    check "$m opensearch: 200 ($s)" [ "$s" = 200 ]
    check "$m opensearch: type" sh -c "grep -qi '^Content-Type: application/opensearchdescription+xml' '$T/os.h'"
    check "$m opensearch: valid, with this URL" $PY -c '
import sys, xml.etree.ElementTree as E
r=E.parse(sys.argv[1]).getroot(); ns="{http://a9.com/-/spec/opensearch/1.1/}"
t=[u.get("template") for u in r.findall(ns+"Url") if u.get("type")=="text/html"][0]
assert t.startswith(sys.argv[2]+"?q={searchTerms}"), t' "$T/os.b" "$U"
done

# No database: 503, and the FastCGI keeps serving (it was never broken).
s=$(req nd "$HOST/nodb/fupin.cgi?q=x")
check "no database: 503 ($s)" [ "$s" = 503 ]
check "no database: Retry-After" [ -n "$(hdr nd Retry-After)" ]
s=$(req nd2 "$HOST/nodb/fupin.cgi?q=x&format=json")
check "no database, json: 503" json nd2 'd["status"]==503'
s=$(req nd3 "$HOST/nodb/fupin.cgi")
check "no database: the start page still works ($s)" [ "$s" = 200 ]

# The FastCGI process keeps its handle, and sees a commit made after it opened.
U=$HOST/fcgi/fupin
s=$(req r0 -G -d q=%E7%BD%91%E9%A1%B5%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8 -d format=json "$U")
check "new word not there yet" json r0 'd["total"]==0'
printf '%s\n' '{"id":"web-test-1","title":"网页测试专用文章","source":"测试","date":"2021-03-04","url":"","body":"这是网页测试专用的一段正文。"}' >"$T/extra.jsonl"
"$BIN/fupin-index" -q -d "$DB" "$T/extra.jsonl"
s=$(req r1 -G -d q=%E7%BD%91%E9%A1%B5%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8 -d format=json "$U")
check "FastCGI sees the new article after a commit" json r1 'd["total"]==1 and d["hits"][0]["id"]=="web-test-1"'

# Lighttpd logged no crash of the program.
check "no CGI/FastCGI errors in the server log" sh -c "! grep -qi 'signal\|segfault\|abort\|died\|fastcgi.*error' '$T/error.log'"

# Headless Chromium: type, submit, look at what is rendered.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium is not installed (scripts/install-deps test installs it); browser checks skipped"
else
    chrome() { # args...: one headless run with a fresh profile, bounded in time
        prof=$(mktemp -d "$T/profile-XXXXXX")
        timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --disable-dev-shm-usage --user-data-dir="$prof" "$@" 2>>"$T/chromium.err"
    }
    chrome --virtual-time-budget=20000 --dump-dom "$HOST/drive.html" >"$T/drive.dom"
    report=$(grep -o 'RESULT[^<]*' "$T/drive.dom" | head -n 1)
    echo "chromium: $report"
    check "chromium: the typed query was submitted" sh -c "echo '$report' | grep -q 'search=?q=%E9%A9%BB%E6%9D%91+%E7%AC%AC%E4%B8%80%E4%B9%A6%E8%AE%B0'"
    check "chromium: ten results rendered" sh -c "echo '$report' | grep -q 'hits=10 '"
    check "chromium: highlighted matches rendered" sh -c "echo '$report' | grep -q 'marks=[1-9]' && echo '$report' | grep -q 'first=\(驻村\|第一书记\|驻村第一书记\) '"
    check "chromium: count shown" sh -c "echo '$report' | grep -q 'stats=找到 [0-9,]* 篇文章'"
    chrome --window-size=1280,1440 --virtual-time-budget=20000 --screenshot="$OUT/search-typed.png" "$HOST/drive.html" >/dev/null
    check "chromium: screenshot of the submitted search" test -s "$OUT/search-typed.png"
    chrome --dump-dom "$HOST/cgi-bin/fupin.cgi?q=%E6%98%93%E5%9C%B0%E6%89%B6%E8%B4%AB%E6%90%AC%E8%BF%81" >"$T/cgi.dom"
    check "chromium: CGI page parsed with highlighted snippets" sh -c "grep -q '<p class=\"snippet\">.*<b>易地扶贫搬迁</b>' '$T/cgi.dom'"
    chrome --window-size=1280,1000 --screenshot="$OUT/article.png" "$HOST/cgi-bin/fupin.cgi?id=$id1" >/dev/null
    check "chromium: screenshot of an article" test -s "$OUT/article.png"
    echo "screenshots: $OUT/search-typed.png $OUT/article.png"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
