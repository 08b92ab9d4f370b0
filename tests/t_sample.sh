#!/bin/sh
# The walking skeleton end to end on the bundled offline sample: check, run,
# the output files, and a second run that records nothing new.
. "$(dirname "$0")/lib/sh"

CONF=$TOP/feeds/sample/earshot.conf
S=$T/state O=$T/results
run() { "$EARSHOT" run -c "$CONF" --state-dir "$S" --out-dir "$O" "$@"; }
# jsonl FILE EXPR: prints EXPR evaluated for each JSON line of FILE (r is the record).
jsonl() { python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); print(eval(sys.argv[2]))' "$1" "$2"; }

check_status 0 "check accepts the sample" "$EARSHOT" check -c "$CONF" --state-dir "$S" --out-dir "$O"
check_grep "check says OK" 'configuration OK' "$T/out"
check_grep "check lists the brands" '^3 brands:' "$T/out"
check_grep "check lists the feeds" '^4 feeds:' "$T/out"
check_grep "check says a new feed is due" 'never polled, due now' "$T/out"
[ ! -e "$S" ] && ok || bad "check created the state dir; it must not write anything"

check_status 0 "first run" run
for f in mentions.jsonl alerts.jsonl summary.json summary.md; do
	[ -s "$O/$f" ] && ok || bad "first run did not write $f"
done
check_grep "run reports where the results are" "Results in $O" "$T/err"

n=$(wc -l <"$O/mentions.jsonl")
[ "$n" -eq 24 ] && ok || bad "sample has 24 brand mentions, mentions.jsonl has $n"
jsonl "$O/mentions.jsonl" 'r["brand"]' | sort | uniq -c | awk '{print $2, $1}' >"$T/per-brand"
check_grep "Acme is mentioned 11 times" '^Acme 11$' "$T/per-brand"
check_grep "Globex is mentioned 7 times" '^Globex 7$' "$T/per-brand"
check_grep "Initech is mentioned 6 times" '^Initech 6$' "$T/per-brand"

# Every record carries the interface keys, and ids are unique.
keys='id brand feed item_id link author published title snippet compound label aspects'
jsonl "$O/mentions.jsonl" "all(k in r for k in '$keys'.split()) and -1 <= r['compound'] <= 1" \
	| sort -u >"$T/keys"
check_grep "every mention has every key" '^True$' "$T/keys"
check_nogrep "no mention lacks a key" '^False$' "$T/keys"
jsonl "$O/mentions.jsonl" 'r["id"]' | sort | uniq -d >"$T/dups"
[ ! -s "$T/dups" ] && ok || bad "duplicate mention ids: $(cat "$T/dups")"

# The cartoon anvil is excluded; the angry review is negative and alerts;
# "not bad at all" is positive.
check_nogrep "the excluded anvil article is no mention" '/anvils"' "$O/mentions.jsonl"
jsonl "$O/mentions.jsonl" 'r["link"].rsplit("/",1)[1] + " " + r["brand"] + " " + r["label"]' >"$T/labels"
check_grep "WORST. SUPPORT. EVER!! is negative" '^98121 Acme negative$' "$T/labels"
check_grep "not bad at all is positive" '^98122 Acme positive$' "$T/labels"
check_grep "highly recommend is positive" '^1005 Initech positive$' "$T/labels"
check_grep "the outage report is negative" '^acme-outage Acme negative$' "$T/labels"
check_grep "the angry review alerts" '"link":"https://apps.example/reviews/98121"' "$O/alerts.jsonl"
jsonl "$O/alerts.jsonl" 'r["kind"] + " " + r["mention"]["label"]' | sort -u >"$T/alert-kinds"
check_grep "alerts are negative mentions" '^negative negative$' "$T/alert-kinds"
[ "$(wc -l <"$T/alert-kinds")" -eq 1 ] && ok || bad "an alert is not a negative mention"

# The summary agrees with the mention log.
python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
for b in s["brands"]:
    print(b["brand"], b["mentions"], b["positive"] + b["neutral"] + b["negative"], b["ratio_text"])' \
	"$O/summary.json" >"$T/summary"
check_grep "summary counts Acme" '^Acme 11 11 ' "$T/summary"
check_grep "summary counts Globex" '^Globex 7 7 ' "$T/summary"
check_grep "summary counts Initech" '^Initech 6 6 ' "$T/summary"
check_grep "summary.md has the table" '^\| Acme \| 11 \|' "$O/summary.md"

# A second run polls again (--all) but records nothing new.
cp "$O/mentions.jsonl" "$T/m1"; cp "$O/alerts.jsonl" "$T/a1"
check_status 0 "second run" run --all
cmp -s "$T/m1" "$O/mentions.jsonl" && ok || bad "second run changed mentions.jsonl"
cmp -s "$T/a1" "$O/alerts.jsonl" && ok || bad "second run changed alerts.jsonl"
check_grep "second run finds nothing new" '0 new items, 0 mentions' "$T/err"

# Without --all nothing is due yet.
check_status 0 "third run (nothing due)" run
check_grep "nothing is due" '^earshot: note: 0 feeds' "$T/err"
check_status 0 "check after the runs" "$EARSHOT" check -c "$CONF" --state-dir "$S" --out-dir "$O"
check_grep "check shows the last success" 'last success 20' "$T/out"

# A second run while one holds the lock does nothing and says why.
python3 - "$S/earshot.lock" "$T/locked" <<'PY' &
import fcntl, sys, time, os
f = open(sys.argv[1], "a"); fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close(); time.sleep(10)
PY
holder=$!
i=0; while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check_status 4 "a run while another holds the lock" run --all
check_grep "the locked run says another run is working" 'another earshot run' "$T/err"
kill $holder 2>/dev/null; wait $holder 2>/dev/null

finish
