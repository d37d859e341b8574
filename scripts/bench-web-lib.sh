# bench-web-lib.sh - what scripts/bench-web and scripts/bench-web-load
# share (sourced, not run): a scratch folder, a fupin database of
# $FUPIN_SHARED/corpus/fupin, lighttpd on a free 127.0.0.1 port serving
# fupin.cgi as CGI (/cgi-bin/fupin.cgi) and as FastCGI (/fcgi/fupin), and
# wrk runs over the query mix of scripts/bench-web.lua.  Everything started
# is stopped on exit.
#
# Env: BIN (bin), FUPIN_SHARED (../shared), FUPIN_BENCH_DB (reuse a fupin
# database of the same articles instead of indexing them).

BIN=${BIN:-bin}
SHARED=${FUPIN_SHARED:-../shared}
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
HERE=$(cd "$(dirname "$0")" && pwd)
ME=$(basename "$0")

bw_need() { # command...
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { echo "$ME: $c missing (scripts/install-deps bench)" >&2; exit 1; }
    done
}
bw_need lighttpd wrk curl

T=$(mktemp -d /tmp/fupin-$ME-XXXXXX)
LPID=""
bw_cleanup() { # (under set -e: no command here may fail)
    if [ -n "$LPID" ]; then
        kill "$LPID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$LPID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$LPID" 2>/dev/null || true
    fi
    rm -rf "$T"
}
trap bw_cleanup EXIT
trap 'exit 1' INT TERM HUP

# Copies of the programs, so a rebuild of $BIN cannot disturb a run.
mkdir -p "$T/bin"
cp "$BIN/fupin-index" "$BIN/fupin-search" "$BIN/fupin.cgi" "$T/bin/" || exit 1

# The database: $DB (absolute).
bw_db() {
    if [ -n "${FUPIN_BENCH_DB:-}" ]; then
        DB=$(cd "$FUPIN_BENCH_DB" && pwd)
    else
        DB=$T/fupin.db
        echo "$ME: indexing $SHARED/corpus/fupin" >&2
        "$T/bin/fupin-index" -q -d "$DB" "$SHARED/corpus/fupin/" || exit 1
    fi
}

# bw_start PROCS [EXTRA-CONFIG]: lighttpd with fupin as CGI and as PROCS
# FastCGI responders, plus EXTRA-CONFIG lines; sets HOST.
bw_start() {
    procs=$1; extra=${2:-}
    mkdir -p "$T/www/cgi-bin"
    cp "$T/bin/fupin.cgi" "$T/www/cgi-bin/fupin.cgi"
    echo "db=$DB" >"$T/www/cgi-bin/fupin.conf"
    echo "$T" >"$T/www/token.txt"
    for _ in 1 2 3 4 5; do
        port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
        cat >"$T/lighttpd.conf" <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $port
server.modules = ( "mod_setenv", "mod_cgi", "mod_fastcgi" )
server.errorlog = "$T/error.log"
server.max-connections = 512
mimetype.assign = ( ".txt" => "text/plain" )
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( ".cgi" => "" ) }
fastcgi.server = ( "/fcgi/fupin" => ((
    "socket" => "$T/fupin.sock",
    "bin-path" => "$T/bin/fupin.cgi",
    "bin-environment" => ( "FUPIN_DB" => "$DB" ),
    "check-local" => "disable",
    "max-procs" => $procs
)) )
$extra
EOF
        lighttpd -D -f "$T/lighttpd.conf" >"$T/lighttpd.out" 2>&1 &
        LPID=$!
        for _ in $(seq 1 40); do
            if [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/token.txt")" = "$T" ]; then
                HOST=http://127.0.0.1:$port
                return 0
            fi
            kill -0 "$LPID" 2>/dev/null || break
            sleep 0.25
        done
        kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null; LPID=""
    done
    echo "$ME: lighttpd did not start" >&2
    cat "$T/lighttpd.out" "$T/error.log" >&2 2>/dev/null
    exit 1
}

# The FastCGI responders lighttpd runs (process ids).
bw_responders() {
    for p in $(ps -o pid= --ppid "$LPID"); do
        [ "$(ps -o comm= -p "$p")" = fupin.cgi ] && echo "$p"
    done
}
bw_rss_kb() { # pid: resident set size in KiB
    sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# bw_wrk CONNECTIONS SECONDS URL PARAM [EXTRA]: runs wrk (1 thread) over the
# query mix; sets RPS P50 P99 ERRORS REQUESTS (errors: socket errors,
# timeouts and answers other than 2xx/3xx).
bw_wrk() {
    c=$1; d=$2; url=$3; shift 3
    wrk -t1 -c"$c" -d"${d}s" --timeout 20s -s "$HERE/bench-web.lua" "$url" -- "$@" >"$T/wrk.out" 2>&1
    line=$(grep '^RESULT' "$T/wrk.out")
    [ -n "$line" ] || { cat "$T/wrk.out" >&2; line="RESULT 0 0 0 1 0"; }
    set -- $line
    RPS=$2; P50=$3; P99=$4; ERRORS=$5; REQUESTS=$6
}
