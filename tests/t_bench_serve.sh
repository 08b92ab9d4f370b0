#!/bin/sh
# tests/bench_serve.c, the loopback feed server of make bench and make
# bench-fetch: each file with its type and ETag, 304 and 404 as the Python
# server it replaced answered them, generations on every address,
# keep-alive and Connection: close, requests split across reads or
# pipelined, garbage and oversize requests, a slow reader and a client that
# leaves mid-body, and a clean exit on SIGTERM (valgrind-clean under make
# valgrind, which wraps the server too). make test gives $BENCH_SERVE.
. "$(dirname "$0")/lib/sh"

if [ -z "${BENCH_SERVE:-}" ] || ! command -v curl >/dev/null 2>&1; then
	echo "$NAME: skipped: needs curl and BENCH_SERVE (make test sets it)"
	finish
	exit
fi

D=$T/feeds
mkdir "$D"
printf '<rss><item><guid>gen0-1</guid><link>/gen0-1</link></item></rss>\n' >"$D/a.xml"
printf '<feed><id>gen0-7</id></feed>\n' >"$D/b.atom"
printf '{"items":[{"id":"gen0-2"}]}\n' >"$D/c.json"
printf '{"data":{"posts":[]}}\n' >"$D/d.api.json"
printf 'plain\n' >"$D/e.txt"
printf 'secret\n' >"$D/.hidden"
printf 'outside\n' >"$T/x"
# Larger than the socket buffers, so a response stays half-sent.
awk 'BEGIN { for (i = 0; i < 600000; i++) print "<p>gen0-" i "</p>" }' >"$D/big.xml"

: >"$T/ports"
${TEST_WRAP:-} "$BENCH_SERVE" "$D" 127.0.0.1 127.0.0.2 >"$T/ports" 2>"$T/serve.err" &
SRV=$!
trap 'kill $SRV 2>/dev/null; wait $SRV 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ "$(wc -l <"$T/ports")" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
P=$(sed -n 1p "$T/ports") P2=$(sed -n 2p "$T/ports")
[ -n "$P" ] && [ -n "$P2" ] && ok || bad "the server printed no ports: $(cat "$T/serve.err")"
U=http://127.0.0.1:$P

etag() { printf '"%x-%d"' "$(wc -c <"$1")" "$2"; }
# get URL [CURL ARGS]: the response's headers in $T/h, body in $T/b.
get() { u=$1; shift; rm -f "$T/b"; curl -s -D "$T/h" -o "$T/b" "$@" "$u"; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

for f in a.xml:application/rss+xml b.atom:application/atom+xml \
    c.json:application/feed+json d.api.json:application/feed+json e.txt:text/plain; do
	n=${f%%:*} type=${f#*:}
	get "$U/$n"
	check "$n is served as it is on disk" cmp -s "$D/$n" "$T/b"
	check_grep "$n is $type" "^Content-Type: $(echo "$type" | sed 's/+/[+]/').\$" "$T/h"
	check_grep "$n has its ETag" "^ETag: $(etag "$D/$n" 0).\$" "$T/h"
	check_grep "$n has its length" "^Content-Length: $(wc -c <"$D/$n").\$" "$T/h"
done

get "$U/a.xml" -H "If-None-Match: $(etag "$D/a.xml" 0)"
check_grep "a matching If-None-Match is 304" '^HTTP/1.1 304 ' "$T/h"
check_grep "the 304 has the ETag" "^ETag: $(etag "$D/a.xml" 0)" "$T/h"
check_grep "the 304 has no body" '^Content-Length: 0' "$T/h"
check "the 304 has no body" test ! -s "$T/b"
check_status 0 "a stale ETag" status -H "If-None-Match: $(etag "$D/a.xml" 5)" "$U/a.xml"
check_grep "a stale ETag is 200" '^200$' "$T/out"

for p in nothing.xml ../x .hidden "" gen/x x/../a.xml; do
	check_status 0 "/$p" status --path-as-is "$U/$p"
	check_grep "/$p is 404" '^404$' "$T/out"
done

check_status 0 "/gen/3" curl -sf "$U/gen/3"
check_grep "/gen/3 answers ok" '^ok$' "$T/out"
sed 's/gen0-/gen3-/g' "$D/a.xml" >"$T/a3"
get "http://127.0.0.2:$P2/a.xml"
check "generation 3 on the other address too" cmp -s "$T/a3" "$T/b"
check_grep "generation 3's ETag" "^ETag: $(etag "$D/a.xml" 3)" "$T/h"
check_grep "generation 3's length" "^Content-Length: $(wc -c <"$T/a3")" "$T/h"
curl -s "$U/gen/12" >/dev/null
sed 's/gen0-/gen12-/g' "$D/big.xml" >"$T/big12"
get "$U/big.xml"
check "generation 12 of a large body (its length changes)" cmp -s "$T/big12" "$T/b"
curl -s "$U/gen/0" >/dev/null
get "$U/a.xml"
check "generation 0 is the file again" cmp -s "$D/a.xml" "$T/b"

curl -sv "$U/a.xml" "$U/b.atom" -o /dev/null -o /dev/null 2>"$T/v"
check_grep "keep-alive: the second URL reuses the connection" 'Re-using existing connection' "$T/v"
curl -sv -H 'Connection: close' "$U/a.xml" "$U/b.atom" -o /dev/null -o /dev/null 2>"$T/v"
check_nogrep "Connection: close is honoured" 'Re-using existing connection' "$T/v"
check_grep "Connection: close is answered" '^< Connection: close' "$T/v"

# raw CASE: talks to the server through a socket (see the cases below);
# prints what went wrong, exits 1.
raw() {
	python3 - "$P" "$1" "$(wc -c <"$D/big.xml")" <<'EOF'
import socket, struct, sys, time
port, case, big = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def conn():
    return socket.create_connection(("127.0.0.1", port), timeout=10)

def read_all(s):
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            return out
        if not b:
            return out
        out += b

def fail(why):
    sys.exit("%s: %s" % (case, why))

req = b"GET /a.xml HTTP/1.1\r\nHost: x\r\n\r\n"
if case == "split":
    s = conn()
    s.sendall(req[:9]); time.sleep(0.2); s.sendall(req[9:-1]); time.sleep(0.2)
    s.sendall(req[-1:] + b"GET /b.atom HTTP/1.1\r\nConnection: close\r\n\r\n")
    r = read_all(s)
    if r.count(b"HTTP/1.1 200 OK") != 2 or b"<feed>" not in r:
        fail(r[:300])
elif case == "lf":
    s = conn(); s.sendall(b"GET /e.txt HTTP/1.0\n\n")
    if not read_all(s).endswith(b"\r\n\r\nplain\n"):
        fail("no answer to bare LF lines")
elif case in ("garbage", "oversize", "body"):
    s = conn()
    s.sendall({"garbage": b"\x16\x03\x01 hello\r\n\r\n",
               "oversize": b"GET /a.xml HTTP/1.1\r\nX: " + b"y" * 9000,
               "body": b"GET /a.xml HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"}[case])
    r = read_all(s)
    if not r.startswith(b"HTTP/1.1 400 "):
        fail(r[:200])
elif case == "leave":
    # Leaves with most of a large body unread: the server sees a reset.
    for _ in range(3):
        s = conn(); s.sendall(req.replace(b"a.xml", b"big.xml")); s.recv(1000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
elif case == "slow":
    # A reader that stops does not stop the others.
    s = conn(); s.sendall(req.replace(b"a.xml", b"big.xml")); time.sleep(0.2)
    t = conn(); t.sendall(req.replace(b"HTTP/1.1", b"HTTP/1.0"))
    if b"200 OK" not in read_all(t):
        fail("no answer while another reader is stalled")
    s.shutdown(socket.SHUT_WR)
    r = read_all(s)
    if not r.endswith(b"</p>\n") or r.index(b"\r\n\r\n") + 4 + big != len(r):
        fail("the stalled reader got %d bytes" % len(r))
EOF
}
for c in split lf garbage oversize body leave slow; do
	check_status 0 "raw $c" raw "$c"
done
check_status 0 "the server still answers after all that" status "$U/a.xml"
check_grep "the server still answers after all that" '^200$' "$T/out"

kill -TERM $SRV
wait $SRV
rc=$?
check "SIGTERM ends the server with status 0 (it was $rc)" test $rc -eq 0
check "the server said nothing on stderr" test ! -s "$T/serve.err"
sed 's/^/    /' "$T/serve.err" >&2
finish
