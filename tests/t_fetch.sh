#!/bin/sh
# `earshot run` against the loopback server (tests/lib/httpd.py) with good
# feeds and misbehaving ones: each failure is recorded with its reason, the
# good feeds' mentions are recorded, nothing hangs past the timeouts, the
# schedule obeys backoff and Retry-After, a 304 costs no parsing, and the
# request headers (User-Agent, secrets from ${VAR} and header_file) reach
# the server but no log, state or output file.
. "$(dirname "$0")/lib/sh"

S=$T/state O=$T/results C=$T/e2e.conf REQ=$T/requests
TOKEN=e2e-s3cr3t-token FILEKEY=f1le-k3y-value
export EARSHOT_E2E_TOKEN=$TOKEN

# The server lives as long as fd 3 (its stdin) is open: it stops when this
# script ends, however it ends.
mkfifo "$T/srv.in"
python3 "$TOP/tests/lib/httpd.py" "$REQ" <"$T/srv.in" >"$T/port" &
SRV=$!
exec 3>"$T/srv.in"
trap 'exec 3>&-; kill $SRV 2>/dev/null; wait $SRV 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
P=$(head -n 1 "$T/port")
REFUSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U=http://127.0.0.1:$P

printf '# for the api feed\nX-Api-Key: %s\n' "$FILEKEY" >"$T/api.headers"
feed() { printf '[feed %s]\nurl = %s\n' "$1" "$2"; shift 2; for l in "$@"; do printf '%s\n' "$l"; done; }
{
	cat <<CONF
state_dir = state
user_agent_contact = https://example.org/e2e-contact
interval = 10m
min_interval = 1s
max_backoff = 6h
connect_timeout = 2s
timeout = 3s
stall_timeout = 1s
max_body = 64K
[brand Acme]
match = \bacme\b
CONF
	feed etag "$U/feed/etag" "interval = 1s" 'header = Authorization: Bearer ${EARSHOT_E2E_TOKEN}'
	feed api "$U/feed/api" "header_file = api.headers"
	feed plain "$U/feed/plain"
	feed notfound "$U/status/404"
	feed broken "$U/status/500"
	feed limited "$U/status/429"
	feed unavailable "$U/status/503" "interval = 1s"
	feed hang "$U/hang"
	feed trickle "$U/slow"
	feed bomb "$U/bomb"
	feed big "$U/big"
	feed loop "$U/loop"
	feed tofile "$U/redirect-file"
	feed reset "$U/reset"
	feed cut "$U/chunked-cut"
	feed refused "http://127.0.0.1:$REFUSED/feed"
} >"$C"

run() { "$EARSHOT" run -v -c "$C" --out-dir "$O" "$@"; }
now() { date +%s; }
# failing FEED REASON: `earshot check` shows FEED failing for REASON.
failing() {
	awk -v f="$1" '$1 == f { on = 1; next } /^  [^ ]/ { on = 0 } on' "$T/check" >"$T/feed"
	check_grep "$1 is recorded as failing: $2" "FAILING since .*: $2\$" "$T/feed"
}
# due FEED PATTERN: FEED's line in the `earshot check` output matches PATTERN.
due() { check_grep "$1 is $2" "^  $1 .*$2" "$T/check"; }

[ -n "$P" ] && ok || bad "the loopback server did not start"

t0=$(now)
check_status 1 "a run with failing feeds exits 1" run
t1=$(now)
cp "$T/err" "$T/err1"
# hang and trickle take the 3 s timeout, in parallel with the rest (more
# time under valgrind).
limit=8; [ -n "${TEST_WRAP:-}" ] && limit=30
[ $((t1 - t0)) -le $limit ] && ok || bad "the first run took $((t1 - t0)) s; the timeouts are 2 s and 3 s"
check_grep "the run counts the failures" '16 feeds, 13 failed ' "$T/err1"
for f in etag api plain; do
	check_grep "feed $f is fetched and parsed" "feed $f: 1 items, 1 new, 1 mentions" "$T/err1"
done

"$EARSHOT" check -c "$C" >"$T/check" 2>"$T/check.err"
failing notfound 'HTTP 404 Not Found'
failing broken 'HTTP 500 Internal Server Error'
failing limited 'HTTP 429 Too Many Requests'
failing unavailable 'HTTP 503 Service Unavailable'
failing hang 'connected, but no response for 1 s'
failing trickle 'too slow: under 10 bytes/s for 1 s'
failing bomb 'response larger than 64 KiB \(limit max_body\)'
failing big 'response larger than 64 KiB \(limit max_body\)'
failing loop 'too many redirects \(more than 5\)'
failing tofile 'refused a redirect to a URL that is not http or https'
failing reset 'connection reset by 127.0.0.1 after 100 bytes'
failing cut 'response cut short: 127.0.0.1 closed the connection after 10 bytes'
failing refused "connection refused by 127.0.0.1 port $REFUSED"
for f in etag api plain; do
	check_grep "feed $f succeeded" "^  $f " "$T/check"
done
[ "$(grep -c 'last success' "$T/check")" -eq 3 ] && ok || bad "three feeds should have succeeded"
# Retry-After: a date in 2099 is capped at max_backoff (6 h); 120 s beats
# the feed's own 1 s interval. A first failure waits one interval (10m +-10%).
due limited 'due in (5h59m|6h00m)'
due unavailable 'due in 2m'
due notfound 'due in (9|10|11)m'
due plain 'due in 10m'
check_grep "no mention of Acme is missed" '"feed": ?"plain"' "$O/mentions.jsonl"
[ "$(wc -l <"$O/mentions.jsonl")" -eq 3 ] && ok || bad "three good feeds, three mentions"

# Right after: only the 1 s feed is due, and it answers 304, so nothing is
# parsed; the backed-off feeds and Retry-After are left alone.
sleep 1.1
: >"$REQ"
check_status 0 "the second run polls only the due feed" run
check_grep "the second run polls one feed" '1 feed, 0 new items' "$T/err"
check_grep "the ETag feed is not modified" 'feed etag: not modified' "$T/err"
check_nogrep "nothing is parsed" 'feed etag: [0-9]+ items' "$T/err"
check_grep "the stored ETag is sent" '^If-None-Match: "etag-v1"' "$REQ"
[ "$(grep -c '^GET ' "$REQ")" -eq 1 ] && ok || bad "the second run made $(grep -c '^GET ' "$REQ") requests, want 1"

# --feed polls a feed that is not due; each failure doubles its wait.
check_status 1 "--feed polls a backed-off feed" run --feed notfound
check_grep "--feed polls that feed alone" '1 feed, 1 failed ' "$T/err"
check_status 1 "--feed again" run --feed notfound
"$EARSHOT" check -c "$C" >"$T/check" 2>/dev/null
due notfound 'due in (3[6-9]|4[0-4])m'
check_grep "three failures in a row are counted" 'FAILING since .* \(3 times\): HTTP 404' "$T/check"

# What the server saw: who we are, and the secrets it was sent.
VERSION=$("$EARSHOT" --version 2>&1 | grep -oE '[0-9]+\.[0-9]+[0-9.a-z-]*' | head -n 1)
run --all >/dev/null 2>"$T/err3"
check_grep "the User-Agent names earshot, its version and the contact" \
	"^User-Agent: earshot/$VERSION \(\+https://example.org/e2e-contact\)\$" "$REQ"
check_grep "the Authorization header from \${VAR} is sent" "^Authorization: Bearer $TOKEN\$" "$REQ"
check_grep "the header_file header is sent" "^X-Api-Key: $FILEKEY\$" "$REQ"
check_nogrep "the token goes to the etag feed only" "X-Api-Key: .*$TOKEN" "$REQ"
"$EARSHOT" check -c "$C" >"$T/check" 2>&1
for f in "$T/err1" "$T/err" "$T/err3" "$T/check"; do
	check_nogrep "no secret in $(basename "$f")" "$TOKEN|$FILEKEY" "$f"
done
grep -raE "$TOKEN|$FILEKEY" "$T/state" "$O" >/dev/null && bad "a secret reached the state or output" || ok

# The fetch hands the Content-Type on: its charset beats the page's <meta>.
printf '[feed page]\ntype = html\nurl = %s\nitems = //article\ntitle = .//h2\n' \
    "$U/latin1-page" >"$T/page.feed"
check_status 0 "earshot parse reads the latin-1 page" "$EARSHOT" parse --map "$T/page.feed" "$U/latin1-page"
check_grep "the header's ISO-8859-1 decodes the page" '"title":"Café crème for Acme"' "$T/out"

finish
