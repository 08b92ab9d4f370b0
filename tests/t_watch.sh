#!/bin/sh
# `earshot watch` against the loopback server: hundreds of short passes
# with flat memory (VmRSS after warm-up against the end), the schedule's
# own timing, SIGHUP with a bad and a good new configuration, SIGTERM and
# SIGINT ending it cleanly (status 0, a consistent state, the pass at hand
# finished), and the run lock shared with `earshot run`.
. "$(dirname "$0")/lib/sh"

httpd_start "$T/requests" --record "$T/received"
U=http://127.0.0.1:$HTTPD_PORT
W=$T/watch.log

# conf FILE [LINES...]: a configuration with the lines given and brand Acme.
conf() {
	f=$1; shift
	{ printf 'state_dir = state\nlexicon = %s\nmin_interval = 0\nnegative_threshold = -0.3\n' \
		"$TOP/lexicon/en.tsv"
	  for l in "$@"; do printf '%s\n' "$l"; done
	  printf '[brand Acme]\nmatch = \\bacme\\b\n'; } >"$f"
}
passes() { cat "$W" 2>/dev/null | grep -c 'Results in'; }
# rss PID: the lowest of 20 readings of VmRSS 50 ms apart. One reading
# lands on one of two levels about 260 kB apart (where in a pass it is);
# the lowest of a second's readings is the level between passes.
rss() {
	rss_i=0 rss_min=
	while [ $rss_i -lt 20 ]; do
		rss_v=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)
		[ -n "$rss_v" ] || break
		[ -z "$rss_min" ] || [ "$rss_v" -lt "$rss_min" ] && rss_min=$rss_v
		rss_i=$((rss_i + 1)); sleep 0.05
	done
	echo "$rss_min"
}
# heap: "PASS KB", the last pass's memory in use as -vv logs it.
heap() { sed -n 's/.*after pass \([0-9]*\): \([0-9]*\) kB of memory in use$/\1 \2/p' "$W" |
	tail -n 1; }
# wait_for SECONDS COMMAND...: polls COMMAND every 0.05 s until it succeeds.
wait_for() {
	wf_max=$(($1 * 20)); shift; wf_i=0
	while ! "$@" && [ $wf_i -lt "$wf_max" ]; do sleep 0.05; wf_i=$((wf_i + 1)); done
	"$@"
}
at_least() { [ "$(passes)" -ge "$1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
requests() { grep -c "GET $1 " "$T/requests"; }

# --- usage
check_status 0 "watch --help" "$EARSHOT" watch --help
check_grep "the help names SIGHUP" 'SIGHUP' "$T/out"
check_status 2 "a bad --cycles" "$EARSHOT" watch --cycles x -c /dev/null
conf "$T/bad.conf" 'intervall = 5m'
check_status 2 "a bad configuration at start" "$EARSHOT" watch -c "$T/bad.conf"
check_grep "it names the file and line" 'bad.conf:5: unknown key' "$T/err"

# --- memory: every feed every 5 ms. New items that name no brand, a
# stream naming Acme (new for the first 60 requests: mentions, scores,
# alerts), 304s, a failing feed and a file re-read each pass. The state's
# growth under the stream would show up as SQLite's page cache, not a leak,
# so the stream stops before the first sample.
mkdir -p "$T/m"
conf "$T/m/earshot.conf" "[feed plain]" "url = $U/fresh/plain?plain" \
	"[feed stream]" "url = $U/fresh/stream?upto=60" "[feed same]" "url = $U/feed/same" \
	"[feed down]" "url = $U/status/500" "[feed file]" "url = $TOP/feeds/sample/news.rss"
"$EARSHOT" watch --tick 5 -vv -c "$T/m/earshot.conf" 2>"$W" & pid=$!
check "memory: 100 passes for the warm-up" wait_for 30 at_least 100
rss0=$(rss $pid) n0=$(passes) heap0=$(heap)
wait_for 40 at_least $((n0 + 400))
rss1=$(rss $pid) n1=$(passes) heap1=$(heap)
kill -TERM $pid; wait $pid; rc=$?
[ "$rc" -eq 0 ] && ok || bad "memory: watch exited $rc after SIGTERM"
grow=$((rss1 - rss0))
echo "t_watch.sh: VmRSS $rss0 kB after $n0 passes, $rss1 kB after $n1 (+$grow kB)"
# AddressSanitizer's quarantine and valgrind own the process's memory and
# slow it down: there the passes must only work (their leak checks stand in).
if [ "$(head -c 2 "$EARSHOT")" = '#!' ] || ldd "$EARSHOT" 2>/dev/null | grep -q libasan; then
	echo "t_watch.sh: instrumented binary, memory bound not checked"
else
	[ "$n1" -ge $((n0 + 400)) ] && ok || bad "memory: only $n1 passes in 40 s"
	# With one reading at each end this moved from -200 to +608 kB (the
	# latter in a full `make test`); the lowest of 20 gave +96 to +180 kB
	# in 7 runs, 4 of them beside two busy loops; 1,400 bytes a pass kept
	# made it +772 kB. It also sees what is not the heap (threads' stacks).
	[ "$grow" -le 512 ] && ok || bad "memory: VmRSS grew $grow kB from pass $n0 to $n1"
	# The heap's own count (glibc's mallinfo2; the line is missing
	# elsewhere) is exact where RSS moves by pages: it grows ~20 kB here
	# (SQLite's page cache over the state's fetch log), and 300 bytes a
	# pass kept made it +169 kB where VmRSS moved +204, inside its bound.
	if [ -n "$heap0" ] && [ -n "$heap1" ]; then
		set -- $heap0; hp0=$1 hk0=$2; set -- $heap1; hp1=$1 hk1=$2
		echo "t_watch.sh: heap $hk0 kB after pass $hp0, $hk1 kB after pass $hp1"
		[ $((hk1 - hk0)) -le 128 ] && ok ||
			bad "memory: the heap grew $((hk1 - hk0)) kB from pass $hp0 to $hp1"
	else
		echo "t_watch.sh: no heap figure from this C library, heap bound not checked"
	fi
fi
check_grep "memory: the stream's mentions were recorded" '"brand":"Acme","feed":"stream"' \
	"$T/m/state/out/mentions.jsonl"
check_grep "memory: the failing feed is reported" 'feed down: HTTP 500' "$W"

# --- the schedule: every 1 s; SIGHUP with a bad, then a good configuration
mkdir -p "$T/s"
conf "$T/s/earshot.conf" 'interval = 1s' "[feed tick]" "url = $U/fresh/tick"
"$EARSHOT" watch -c "$T/s/earshot.conf" 2>"$W" & pid=$!
check "schedule: 3 passes in 8 s" wait_for 8 at_least 3
n=$(requests /fresh/tick)
[ "$n" -le 10 ] && ok || bad "schedule: $n polls of a 1 s feed in 3 passes"
cp "$T/s/earshot.conf" "$T/s/good.conf"
printf 'intervall = 1s\n' >>"$T/s/earshot.conf"
kill -HUP $pid
check "reload: the bad file is reported" wait_for 6 grep -q 'keeping the old one' "$W"
check_grep "reload: with its file and line" 'earshot.conf:10: unknown key .intervall.' "$W"
n=$(passes)
check "reload: the old configuration keeps polling" wait_for 6 at_least $((n + 2))
check_nogrep "no Says mentions before the reload" '"brand":"Says"' "$T/s/state/out/mentions.jsonl"
conf "$T/s/earshot.conf" 'interval = 1s' '[brand Says]' 'match = \bsays\b' \
	"[feed tick]" "url = $U/fresh/tick"
kill -HUP $pid
check "reload: the good file is taken" wait_for 6 grep -q 'configuration reloaded: 2 brands, 1 feed' "$W"
check "reload: the new brand is matched" wait_for 8 grep -qs '"brand":"Says"' \
	"$T/s/state/out/mentions.jsonl"
kill -TERM $pid
check "SIGTERM: watch exits promptly" wait_for 5 gone $pid
wait $pid; rc=$?
[ "$rc" -eq 0 ] && ok || bad "SIGTERM: exit $rc"
check_grep "SIGTERM: it says it stopped" 'stopped after [0-9]+ polling passes' "$W"
db_check() {
	python3 - "$1/state/earshot.db" "$1/state/out/mentions.jsonl" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
ids = [json.loads(l)["id"] for l in open(sys.argv[2])]
assert len(ids) == len(set(ids)), "a mention written twice"
assert sorted(ids) == sorted(r[0] for r in db.execute("SELECT id FROM mentions")), \
    "mentions.jsonl and the database disagree"
assert db.execute("SELECT count(*) FROM outbox WHERE delivered IS NULL").fetchone()[0] == 0, \
    "alerts left undelivered"
PY
}
check "SIGTERM: the state is consistent" db_check "$T/s"

# --- SIGINT during a pass whose alert delivery is slow: the pass finishes
# (the alert is posted and marked delivered), then watch exits 0.
mkdir -p "$T/i"
curl -sf "$U/mode/slow/1" >/dev/null || bad "receiver mode"
conf "$T/i/earshot.conf" 'interval = 1h' "[feed neg]" "url = $U/fresh/neg" \
	'[alert]' "webhook = $U/hook/watch" 'webhook_format = json'
"$EARSHOT" watch -c "$T/i/earshot.conf" 2>"$W" & pid=$!
check "SIGINT: the feed is polled" wait_for 5 grep -q 'GET /fresh/neg ' "$T/requests"
sleep 0.3    # parsed and recorded; the delivery takes a second
kill -INT $pid
check "SIGINT: watch exits after the pass" wait_for 4 gone $pid
wait $pid; rc=$?
[ "$rc" -eq 0 ] && ok || bad "SIGINT: exit $rc"
[ "$(wc -l <"$T/received" 2>/dev/null)" -eq 1 ] && ok || bad "SIGINT: the alert was not delivered"
check "SIGINT: the state is consistent" db_check "$T/i"
curl -sf "$U/mode/ok" >/dev/null || bad "receiver mode"

# --- the run lock: watch sleeping leaves it free for `earshot run`; a
# lock held elsewhere stops its pass, which happens once it is free.
mkdir -p "$T/l" "$T/l2/state"
conf "$T/l/earshot.conf" 'interval = 1h' "[feed hourly]" "url = $U/fresh/hourly"
conf "$T/l2/earshot.conf" 'interval = 1h' "[feed held]" "url = $U/fresh/held"
"$EARSHOT" watch -c "$T/l/earshot.conf" 2>"$W" & pid=$!
check "lock: watch polls" wait_for 8 at_least 1
check_status 0 "lock: a run beside a sleeping watch does its work" \
	"$EARSHOT" run -c "$T/l/earshot.conf" --all
kill -TERM $pid; wait $pid
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], "w"); time.sleep(2)' \
	"$T/l2/state/earshot.lock" "$T/locked" & holder=$!
check "lock: held by another process" wait_for 5 test -e "$T/locked"
"$EARSHOT" watch -c "$T/l2/earshot.conf" 2>"$W" & pid=$!
check "lock: watch sees the lock" wait_for 6 grep -q 'another earshot run' "$W"
[ "$(requests /fresh/held)" -eq 0 ] && ok || bad "lock: watch polled under another's lock"
wait $holder
check "lock: watch polls once it is free" wait_for 8 at_least 1
[ "$(requests /fresh/held)" -eq 1 ] && ok || bad "lock: $(requests /fresh/held) polls, want 1"
kill -TERM $pid; wait $pid
httpd_stop
finish
