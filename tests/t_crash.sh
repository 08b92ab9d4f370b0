#!/bin/sh
# Crash safety with real processes: `earshot run` over 30 generated feeds
# (2000 mentions, 300 alerts) delivering to a loopback webhook receiver is
# killed with SIGKILL at random points at least 50 times, then left to
# finish. Every mention must be recorded exactly once (mentions.jsonl and
# the database), every alert must reach the receiver at least once and
# alerts.jsonl exactly once, and the database must pass integrity_check.
# CRASH_SEED=N repeats a run's kill points; CRASH_KILLS=N asks for more.
. "$(dirname "$0")/lib/sh"

SEED=${CRASH_SEED:-$(date +%s)}
WANT_KILLS=${CRASH_KILLS:-50}
mkdir -p "$T/feeds"
for f in $(seq 0 29); do
	python3 "$TOP/tests/lib/genfeed.py" "$T/feeds/f$f.rss" 50 --first $((f * 50)) \
		--second Globex
done | awk '{m += $2; a += $4} END {print m, a}' >"$T/expected"
read -r EXP_MENTIONS EXP_ALERTS <"$T/expected"
conf() {
	printf 'lexicon = %s\n[brand Acme]\nmatch = \\bacme\\b\n' "$TOP/lexicon/en.tsv"
	printf '[brand Globex]\nmatch = \\bglobex\\b\n'
	for f in $(seq 0 29); do printf '[feed f%d]\nurl = %s/feeds/f%d.rss\n' $f "$T" $f; done
}
conf >"$T/ref.conf"
{ conf; printf '[alert]\nwebhook = http://127.0.0.1:%s/hook/crash\n' PORT
  printf 'webhook_format = json\nmax_per_hour = 100000\n'; } >"$T/crash.conf"

# The reference: the same feeds, one run, nothing killed, no webhook.
check_status 0 "reference run" "$EARSHOT" run -c "$T/ref.conf" --state-dir "$T/ref" \
	--out-dir "$T/ref/o"
ids() { python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["id"])' "$1"; }
ids "$T/ref/o/mentions.jsonl" | sort >"$T/ref-mentions"
ids "$T/ref/o/alerts.jsonl" | sort >"$T/ref-alerts"
[ "$(wc -l <"$T/ref-mentions")" -eq "$EXP_MENTIONS" ] && ok ||
	bad "reference run recorded $(wc -l <"$T/ref-mentions") mentions, the feeds hold $EXP_MENTIONS"
[ "$(wc -l <"$T/ref-alerts")" -eq "$EXP_ALERTS" ] && ok ||
	bad "reference run raised $(wc -l <"$T/ref-alerts") alerts, the feeds hold $EXP_ALERTS negative posts"

# The receiver takes 20 ms an alert, so kills land in delivery as well as
# in fetching, parsing and recording.
httpd_start --record "$T/received"
sed -i "s/PORT/$HTTPD_PORT/" "$T/crash.conf"
curl -sf "http://127.0.0.1:$HTTPD_PORT/mode/slow/0.02" >/dev/null || bad "receiver mode"
# Every run polls all feeds (--all), so even once everything is recorded a
# run has work to be killed in; short delays keep kills likely on a fast
# or a loaded machine, and the list is long enough that WANT_KILLS is
# reached either way.
python3 -c 'import random,sys
r = random.Random(int(sys.argv[1]))
for _ in range(int(sys.argv[2]) * 8): print("%.3f" % r.uniform(0, 0.15))' "$SEED" "$WANT_KILLS" \
	>"$T/delays"
kills=0 runs=0
while read -r d; do
	[ "$kills" -ge "$WANT_KILLS" ] && break
	"$EARSHOT" run --all -c "$T/crash.conf" --state-dir "$T/s" --out-dir "$T/s/o" \
		2>>"$T/log" &
	pid=$!
	sleep "$d"; kill -KILL "$pid" 2>/dev/null; { wait "$pid"; } 2>/dev/null; rc=$?
	runs=$((runs + 1))
	case $rc in
	137) kills=$((kills + 1)) ;;
	0) ;;
	*) bad "run $runs (killed after ${d}s) exited $rc" ;;
	esac
done <"$T/delays"
[ "$kills" -ge "$WANT_KILLS" ] && ok || bad "only $kills of $runs runs were killed (seed $SEED)"
check_status 0 "the run after the kills" "$EARSHOT" run -c "$T/crash.conf" \
	--state-dir "$T/s" --out-dir "$T/s/o"

DB=$T/s/earshot.db
ids "$T/s/o/mentions.jsonl" | sort >"$T/mentions"
ids "$T/s/o/alerts.jsonl" | sort >"$T/alerts"
ids "$T/received" | sort >"$T/received-ids"
sort -u "$T/received-ids" >"$T/delivered"
db_mentions=$(sqlite3 "$DB" 'SELECT count(*) FROM mentions')
cmp -s "$T/mentions" "$T/ref-mentions" && ok || bad "mentions.jsonl differs from the reference:" \
	"$(wc -l <"$T/mentions") lines, $(sort -u "$T/mentions" | wc -l) distinct (seed $SEED)"
[ "$db_mentions" -eq "$EXP_MENTIONS" ] && ok || bad "the database holds $db_mentions mentions"
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM unexported')" -eq 0 ] && ok ||
	bad "mentions left unexported"
cmp -s "$T/alerts" "$T/ref-alerts" && ok || bad "alerts.jsonl differs from the reference:" \
	"$(wc -l <"$T/alerts") lines, $(sort -u "$T/alerts" | wc -l) distinct (seed $SEED)"
cmp -s "$T/delivered" "$T/ref-alerts" && ok || bad "the receiver got $(wc -l <"$T/delivered")" \
	"distinct alerts, want the $EXP_ALERTS of the reference (seed $SEED)"
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM outbox WHERE delivered IS NULL')" -eq 0 ] && ok ||
	bad "alerts left in the outbox"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] && ok || bad "integrity_check failed"
echo "t_crash.sh: $kills kills in $runs runs (seed $SEED); mentions expected $EXP_MENTIONS," \
	"recorded $(wc -l <"$T/mentions") in mentions.jsonl and $db_mentions in the db;" \
	"alerts expected $EXP_ALERTS, $(wc -l <"$T/alerts") in alerts.jsonl," \
	"$(wc -l <"$T/delivered") delivered ($(wc -l <"$T/received-ids") posts)"
finish
