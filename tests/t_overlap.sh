#!/bin/sh
# Two runs started together on the same state: one does the work, the other
# exits 4 at once and touches nothing. A slow webhook receiver keeps the
# working one busy long enough for the race to be real.
. "$(dirname "$0")/lib/sh"

httpd_start --record "$T/received"
curl -sf "http://127.0.0.1:$HTTPD_PORT/mode/slow/0.3" >/dev/null || bad "receiver mode"
sed -e "s|^lexicon .*|lexicon = $TOP/lexicon/en.tsv|" -e "s|^include = \*.feed|include = $TOP/feeds/sample/*.feed|" \
	"$TOP/feeds/sample/earshot.conf" >"$T/earshot.conf"
printf '[alert]\nwebhook = http://127.0.0.1:%s/hook/overlap\nwebhook_format = json\n' \
	"$HTTPD_PORT" >>"$T/earshot.conf"
run() { "$EARSHOT" run -c "$T/earshot.conf" --state-dir "$T/s" --out-dir "$T/o" >"$T/out$1" 2>"$T/err$1"; echo $? >"$T/rc$1"; }
for round in 1 2 3; do
	rm -rf "$T/s" "$T/o" "$T/received"
	run a & a=$!
	run b & b=$!
	wait "$a" "$b"
	rcs=$(cat "$T/rca" "$T/rcb" | sort | tr '\n' ' ')
	[ "$rcs" = "0 4 " ] && ok || bad "round $round: exit statuses $rcs, want one 0 and one 4"
	loser=a; [ "$(cat "$T/rca")" = 4 ] || loser=b
	check_grep "round $round: the loser says why" 'another earshot run \(pid [0-9]+\) is still working' \
		"$T/err$loser"
	[ "$(wc -l <"$T/o/mentions.jsonl")" -eq 24 ] && ok || bad "round $round: mentions recorded twice or not at all"
	[ "$(wc -l <"$T/received")" -eq 5 ] && ok || bad "round $round: $(wc -l <"$T/received") posts, want 5"
done
# The loser does not wait for the winner: it has exited while the winner
# is still posting (5 alerts at 1 s each), however slow the machine.
rm -rf "$T/s" "$T/o"
curl -sf "http://127.0.0.1:$HTTPD_PORT/mode/slow/1" >/dev/null || bad "receiver mode"
run a & a=$!
i=0; while [ ! -e "$T/s/earshot.lock" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
sleep 0.3
run b
[ "$(cat "$T/rcb")" = 4 ] && ok || bad "a run beside a busy one exited $(cat "$T/rcb")"
kill -0 "$a" 2>/dev/null && ok || bad "the locked run waited for the busy one to finish"
wait "$a"
[ "$(cat "$T/rca")" = 0 ] && ok || bad "the busy run exited $(cat "$T/rca")"
finish
