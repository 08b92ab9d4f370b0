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

# A storm: 40 angry posts at once, max_per_hour = 3. Three alerts go out,
# then one summary for the other 37; the next run within the hour sends only
# a summary of its new ones. Every alert is still in alerts.jsonl.
: >"$T/received"; mkdir -p "$T/storm"
python3 "$TOP/tests/lib/genfeed.py" "$T/storm/a.rss" 40 --negative-every 1 >/dev/null
cat >"$T/storm.conf" <<CONF
lexicon = $TOP/lexicon/en.tsv
[brand Acme]
match = \bacme\b
[feed storm]
url = $T/storm/a.rss
[alert]
webhook = \${EARSHOT_TEST_HOOK}
max_per_hour = 3
CONF
storm() { "$EARSHOT" run -c "$T/storm.conf" --state-dir "$T/s" --out-dir "$T/s/o" "$@"; }
check_status 0 "a storm of 40 negative mentions" storm
cat "$T/err" >>"$T/logs"
[ "$(received)" -eq 4 ] && ok || bad "storm: $(received) webhook messages, want 3 alerts and 1 summary"
python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["text"].split("\n")[0])' "$T/received" >"$T/texts"
[ "$(grep -cE '^\[[a-z]+\] Acme: negative' "$T/texts")" -eq 3 ] && ok || bad "storm: not 3 alerts first"
check_grep "the rest are one summary" \
	'^and 37 more negative mentions of Acme in the last hour: earshot alerts --brand Acme$' "$T/texts"
check_grep "the summary is logged" '37 alert\(s\) over max_per_hour \(3\)' "$T/err"
[ "$(wc -l <"$T/s/o/alerts.jsonl")" -eq 40 ] && ok || bad "alerts.jsonl must hold all 40"
[ "$(sqlite3 "$T/s/earshot.db" "SELECT count(*) FROM outbox WHERE delivered IS NULL")" -eq 0 ] \
	&& ok || bad "throttled alerts are left pending"
[ "$(sqlite3 "$T/s/earshot.db" "SELECT sum(throttled) FROM outbox")" -eq 37 ] && ok || bad "37 marked throttled"
check_status 0 "nothing new: nothing sent" storm --all
[ "$(received)" -eq 4 ] && ok || bad "a run without new alerts sent $(($(received) - 4)) messages"
python3 "$TOP/tests/lib/genfeed.py" "$T/storm/a.rss" 5 --first 40 --negative-every 1 >/dev/null
check_status 0 "five more within the hour" storm --all
[ "$(received)" -eq 5 ] && ok || bad "five more: want one more message (a summary), got $(($(received) - 4))"
check_grep "a summary of the five" '"text":"and 5 more negative mentions of Acme' "$T/received"
# The hour passes: the limit starts again.
sqlite3 "$T/s/earshot.db" "UPDATE outbox SET delivered = delivered - 3601"
python3 "$TOP/tests/lib/genfeed.py" "$T/storm/a.rss" 2 --first 45 --negative-every 1 >/dev/null
check_status 0 "two more an hour later" storm --all
[ "$(received)" -eq 7 ] && ok || bad "an hour later both alerts go out, got $(($(received) - 5))"
check_nogrep "an hour later nothing is summarised" '"text":"and 2 more' "$T/received"

# The URL is a secret: not in any message, output file or the database.
if grep -rl "$SECRET" "$T/logs" "$T"/?/o "$T"/?/earshot.db* 2>/dev/null; then
	bad "the webhook URL leaked into the files above"; else ok; fi
finish
