#!/bin/sh
# Alerts to a webhook, against a real loopback receiver (tests/lib/httpd.py):
# each alert arrives once; a receiver answering 500, down or slow keeps the
# alerts in the outbox until it recovers; the URL never leaks.
. "$(dirname "$0")/lib/sh"

SECRET=s3cr3t-hook-token-4711
httpd_start --record "$T/received"
PORT=$HTTPD_PORT
export EARSHOT_TEST_HOOK="http://127.0.0.1:$PORT/hook/$SECRET"
cat >"$T/earshot.conf" <<CONF
lexicon = $TOP/lexicon/en.tsv
negative_threshold = -0.4
[brand Acme]
match = \bacme(?:\s+(?:mobile|cloud))?\b
exclude = \bacme\s+anvils?\b
[brand Globex]
match = \bglobex\b
[brand Initech]
match = \binitech\b
include = $TOP/feeds/sample/*.feed
[alert]
webhook = \${EARSHOT_TEST_HOOK}
webhook_format = json
max_per_hour = 100
CONF
run() { s=$1; shift; "$EARSHOT" run -c "$T/earshot.conf" --state-dir "$T/$s" --out-dir "$T/$s/o" "$@"; }
mode() { curl -sf "http://127.0.0.1:$PORT/mode/$1" >/dev/null || bad "receiver mode $1"; }
ids() { python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["id"])' "$1" | sort; }
received() { [ -e "$T/received" ] && wc -l <"$T/received" || echo 0; }
# same_alerts DESC STATE: the receiver got each alert of STATE exactly once.
same_alerts() {
	ids "$T/$2/o/alerts.jsonl" >"$T/want"; ids "$T/received" >"$T/got"
	if cmp -s "$T/want" "$T/got"; then ok; else bad "$1: receiver has $(wc -l <"$T/got")" \
		"bodies, alerts.jsonl $(wc -l <"$T/want")"; fi
}
# age STATE: the retry time of every waiting alert has come (as if an hour passed).
age() { sqlite3 "$T/$1/earshot.db" 'UPDATE outbox SET next_try = 0 WHERE delivered IS NULL'; }
pending() { sqlite3 "$T/$1/earshot.db" \
	"SELECT count(*) FROM outbox WHERE channel = 'webhook' AND delivered IS NULL"; }

# A receiver that works: every alert once, and again nothing on the next run.
check_status 0 "run with a working receiver" run a
[ "$(wc -l <"$T/a/o/alerts.jsonl")" -eq 5 ] && ok || bad "the sample has 5 alerts"
same_alerts "working receiver" a
check_status 0 "second run" run a --all
same_alerts "a second run sends nothing again" a
cat "$T/err" >>"$T/logs"

# Answering 500: the alerts wait, retry on schedule, arrive once it recovers.
: >"$T/received"; mode 500
check_status 0 "run while the receiver answers 500" run b
cat "$T/err" >>"$T/logs"
check_grep "the failure is logged" 'not delivered \(webhook: HTTP 500\); will retry' "$T/err"
[ "$(received)" -eq 0 ] && ok || bad "a 500 answer was recorded"
[ "$(pending b)" -eq 5 ] && ok || bad "5 alerts should wait in the outbox, $(pending b) do"
[ "$(wc -l <"$T/b/o/alerts.jsonl")" -eq 5 ] && ok || bad "alerts.jsonl is written whatever the webhook does"
mode ok
check_status 0 "run before the retry is due" run b
[ "$(received)" -eq 0 ] && ok || bad "a retry went out before its backoff ended"
age b
check_status 0 "run after the receiver recovered" run b
cat "$T/err" >>"$T/logs"
same_alerts "after a 500" b
[ "$(pending b)" -eq 0 ] && ok || bad "alerts still pending after recovery"
age b; check_status 0 "one more run" run b
same_alerts "a recovered alert is sent once" b

# Down (nothing listening): the same, with the receiver back on its port.
: >"$T/received"; httpd_stop
check_status 0 "run while the receiver is down" run c
cat "$T/err" >>"$T/logs"
check_grep "the refused connection is logged" "not delivered \(webhook: Couldn't connect" "$T/err"
[ "$(pending c)" -eq 5 ] && ok || bad "5 alerts should wait while it is down, $(pending c) do"
httpd_start --port "$PORT" --record "$T/received"
[ "$HTTPD_PORT" = "$PORT" ] && ok || bad "the receiver did not come back on port $PORT"
age c
check_status 0 "run after the receiver is back" run c
cat "$T/err" >>"$T/logs"
same_alerts "after being down" c

# Slow (half a second per alert) is slow, not failed.
: >"$T/received"; mode slow/0.5
check_status 0 "run with a slow receiver" run d
cat "$T/err" >>"$T/logs"
same_alerts "slow receiver" d
mode ok

# The Slack format: {"text": ...} with the brand and the reason.
: >"$T/received"
sed 's/^webhook_format = json/webhook_format = slack/' "$T/earshot.conf" >"$T/slack.conf"
check_status 0 "run with the Slack format" "$EARSHOT" run -c "$T/slack.conf" \
	--state-dir "$T/e" --out-dir "$T/e/o"
python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l); print(sorted(o) == ["text"] and o["text"].startswith("[") and "negative (" in o["text"])' \
	"$T/received" | sort -u >"$T/slack"
[ "$(cat "$T/slack")" = True ] && ok || bad "Slack bodies are not {\"text\": \"[severity] brand: reason...\"}"
[ "$(received)" -eq 5 ] && ok || bad "Slack format: $(received) messages, want 5"

# The URL is a secret: not in any message, output file or the database.
if grep -rl "$SECRET" "$T/logs" "$T"/?/o "$T"/?/earshot.db* 2>/dev/null; then
	bad "the webhook URL leaked into the files above"; else ok; fi
finish
