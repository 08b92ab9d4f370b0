#!/bin/sh
# earshot run --stats: the per-stage table on stderr, its counts, and that
# its times add up (no timed assertions: only that they exist and agree).
. "$(dirname "$0")/lib/sh"

httpd_start
cat >"$T/earshot.conf" <<CONF
lexicon = $TOP/lexicon/en.tsv
user_agent_contact = https://example.org/test
[brand Acme]
match = acme
[feed a]
url = http://127.0.0.1:$HTTPD_PORT/feed/a
[feed b]
url = http://127.0.0.1:$HTTPD_PORT/feed/b
[feed c]
url = http://127.0.0.1:$HTTPD_PORT/feed/c
CONF
run() { "$EARSHOT" run --all -c "$T/earshot.conf" --state-dir "$T/s" --out-dir "$T/o" "$@"; }
# sane FILE: prints what is wrong with the table in FILE, nothing if all is well.
sane() { python3 - "$1" <<'PY'
import re, sys
rows, total = {}, None
for l in open(sys.argv[1]):
    m = re.match(r"^(\S.{0,11}?|\s\S.*?)\s+([0-9.]+)\s+([0-9.]*)\s+([0-9.]+)%", l)
    if l.startswith("total"):
        f = l.split()
        total = (float(f[1]), float(f[2]))
    elif m:
        rows[m.group(1).strip()] = (float(m.group(2)), m.group(3))
want = ["setup", "fetch wait", "parse", "dedup", "match", "score", "store", "alert",
        "feed work", "alert scan", "deliver", "report", "prune"]
for w in want:
    if w not in rows:
        print("no row", w)
if total is None:
    sys.exit(print("no total row"))
wall = sum(v[0] for k, v in rows.items() if k != "feed work")
if abs(wall - total[0]) > 0.01:
    print("stages sum to %.3f s, total says %.3f s" % (wall, total[0]))
feed = sum(rows[k][0] for k in want[2:8] if k in rows)
if "feed work" in rows and abs(feed - rows["feed work"][0]) > 0.01:
    print("feed work %.3f s is not the sum of its parts %.3f s" % (rows["feed work"][0], feed))
cpu = sum(float(v[1]) for v in rows.values() if v[1])
if cpu > total[1] + 0.01:
    print("phases' CPU %.3f s exceeds the process's %.3f s" % (cpu, total[1]))
if not 0 < total[0] < 60:
    print("total wall %.3f s is not plausible" % total[0])
PY
}

check_status 0 "run --stats" run --stats
check_grep "the counts line" '^earshot: stats: 3 feeds \(0 not modified, 0 failed\), 3 items, 3 new, 3 mentions' "$T/err"
check_grep "the table's header" '^stage +wall s +CPU s +wall% +count$' "$T/err"
check_grep "fetch wait counts the feeds" '^fetch wait +[0-9.]+ +[0-9.]+ +[0-9.]+% +3$' "$T/err"
check_grep "parse counts the items" '^parse +[0-9.]+ +[0-9.]+% +3$' "$T/err"
check_grep "score counts the mentions" '^score +[0-9.]+ +[0-9.]+% +3$' "$T/err"
check_grep "the total has CPU and peak RSS" '^total +[0-9.]+ +[0-9.]+ +user [0-9.]+ s, sys [0-9.]+ s, peak RSS [1-9][0-9]* KiB$' "$T/err"
check_grep "the table follows the run's summary" 'Results in' "$T/err"
sane "$T/err" >"$T/insane"
[ ! -s "$T/insane" ] && ok || bad "the table does not add up: $(cat "$T/insane")"
# The checker itself must be able to fail.
printf 'setup 1.000 1.000 50.0%% 0\ntotal 9.000 1.000\n' >"$T/bogus"
sane "$T/bogus" | grep -q 'stages sum to' && ok || bad "sane accepts a table that does not add up"

check_status 0 "a second run, all 304" run --stats
check_grep "every feed not modified" '^earshot: stats: 3 feeds \(3 not modified, 0 failed\), 0 items' "$T/err"
sane "$T/err" >"$T/insane"
[ ! -s "$T/insane" ] && ok || bad "the 304 table does not add up: $(cat "$T/insane")"

check_status 0 "no --stats, no table" run
check_nogrep "no table without --stats" '^stage ' "$T/err"
finish
