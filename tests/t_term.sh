#!/bin/sh
# The terminal: `earshot run` draws its progress line only on a terminal
# (a pty from util-linux `script`), never when stderr is a file, with -q or
# TERM=dumb; colours only on a terminal and never with NO_COLOR; the end
# note's wording; and `--json` of check and alerts, parsed.
. "$(dirname "$0")/lib/sh"

if ! command -v script >/dev/null; then
	echo "t_term.sh: util-linux script not installed (scripts/deps)"; finish; exit
fi
sed -e "s|^lexicon .*|lexicon = $TOP/lexicon/en.tsv|" -e "s|^include = \*.feed|include = $TOP/feeds/sample/*.feed|" \
	"$TOP/feeds/sample/earshot.conf" >"$T/earshot.conf"
printf 'this is <not> a feed\n' >"$T/garbage.rss"
printf '[feed broken]\nurl = %s/garbage.rss\n' "$T" >>"$T/earshot.conf"
OPTS="-c $T/earshot.conf --state-dir $T/s --out-dir $T/o"
# es COMMAND ARGS...: earshot COMMAND on the test's configuration and state.
es() { es_cmd=$1; shift; "$EARSHOT" "$es_cmd" $OPTS "$@"; }
ESC=$(printf '\033')
# on_pty FILE [ENV=VALUE...] -- COMMAND ARGS...: runs es COMMAND ARGS on a
# pty, the session (stderr and stdout as the terminal shows them) in FILE.
on_pty() {
	f=$1; shift; envs=
	while [ "$1" != -- ]; do envs="$envs $1"; shift; done; shift
	pty_cmd=$1; shift
	env TERM=xterm $envs script -qec "$EARSHOT $pty_cmd $OPTS $*" "$f" </dev/null >/dev/null 2>&1
}

# --- a run on a terminal: progress, then the coloured note
on_pty "$T/pty1" -- run --all
check_grep "progress is drawn in place" "$ESC\[K[0-9]+/5 feeds, [0-9,]+ new items, [0-9,]+ mentions, [0-9]+ failed, 0:0[0-9]" "$T/pty1"
check_grep "the last redraw counts every feed" '5/5 feeds, 19 new items, 24 mentions, 1 failed' "$T/pty1"
check_grep "negatives are red" "$ESC\[31m7 negative$ESC\[0m" "$T/pty1"
check_grep "failures are yellow" "$ESC\[33m1 failed$ESC\[0m \(see 'earshot check'\)" "$T/pty1"
check_grep "a log line clears the progress line first" "$ESC\[Kearshot: error: feed broken" "$T/pty1"

# --- NO_COLOR (any value): progress stays, colours go
rm -rf "$T/s" "$T/o"
on_pty "$T/pty2" NO_COLOR=1 -- run --all
check_grep "NO_COLOR: progress still shown" '5/5 feeds' "$T/pty2"
check_nogrep "NO_COLOR: no colour" "$ESC\[3[0-9]m" "$T/pty2"
rm -rf "$T/s" "$T/o"
on_pty "$T/pty3" NO_COLOR= -- run --all
check_nogrep "NO_COLOR set but empty: no colour either" "$ESC\[3[0-9]m" "$T/pty3"

# --- -q and TERM=dumb: no progress on a terminal
rm -rf "$T/s" "$T/o"
on_pty "$T/pty4" -- run --all -q
check_nogrep "-q: no progress" 'feeds, ' "$T/pty4"
rm -rf "$T/s" "$T/o"
env TERM=dumb script -qec "$EARSHOT run $OPTS --all" "$T/pty5" </dev/null >/dev/null 2>&1
check_nogrep "TERM=dumb: no progress" "$ESC\[K" "$T/pty5"
check_nogrep "TERM=dumb: no colour" "$ESC\[3[0-9]m" "$T/pty5"

# --- piped: neither, and the note as the README shows it
rm -rf "$T/s" "$T/o"
check_status 1 "a piped run with a broken feed" env TERM=xterm "$EARSHOT" run $OPTS --all
check_nogrep "piped: no escapes at all" "$ESC" "$T/err"
check_nogrep "piped: no carriage returns" "$(printf '\r')" "$T/err"
check_grep "the end note" "note: 5 feeds, 1 failed \(see 'earshot check'\), 19 new items, 24 mentions: 12 positive, 7 negative, 5 alerts\. Results in $T/o" "$T/err"

# --- check and alerts on a terminal: colours in the listings, none piped
on_pty "$T/pty6" -- check
check_grep "check: a failing feed is yellow" "$ESC\[33mFAILING since" "$T/pty6"
on_pty "$T/pty7" -- alerts --since 30d
check_grep "alerts: a negative alert is red" "$ESC\[31m\[[a-z]+\] [A-Za-z]+: negative" "$T/pty7"
check_status 0 "alerts piped" es alerts --since 30d
check_nogrep "alerts piped: no colour" "$ESC" "$T/out"
check_grep "alerts piped: still listed" '^\[[a-z]+\] [A-Za-z]+: negative' "$T/out"

# --- --json
check_status 0 "check --json" es check --json
check "check --json: the facts" python3 - "$T/out" "$T/o" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["out_dir"] == sys.argv[2], d
assert [b["name"] for b in d["brands"]] == ["Acme", "Globex", "Initech"]
acme = d["brands"][0]
assert acme["patterns"] == 1 and acme["exclusions"] == 1
assert acme["negative_threshold"] == -0.4 and acme["competitors"] == ["Globex", "Initech"]
assert d["lexicon_terms"] > 1000 and len(d["files"]) == 3
feeds = {f["name"]: f for f in d["feeds"]}
assert len(feeds) == 5
b = feeds["broken"]
assert b["failures"] == 1 and b["failing_since"] and b["last_error"] and b["http_status"] is None
assert b["last_success"] is None and b["type"] == "rss" and b["url"].endswith("garbage.rss")
t = feeds["tech-news"]
assert t["failures"] == 0 and t["last_error"] is None and t["failing_since"] is None
assert t["last_success"].endswith("Z") and t["due"] is False and t["interval"] == 1800
assert t["next_due"] > t["last_attempt"]
PY
check_status 2 "check --json on a bad file" "$EARSHOT" check --json -c /dev/null/none
[ -s "$T/out" ] && bad "check --json printed a document for a bad file" || ok
check_status 0 "alerts --json" es alerts --json --since 30d
check "alerts --json: one record per line, as in alerts.jsonl" python3 - "$T/out" "$T/o/alerts.jsonl" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == 5 and sorted(a["id"] for a in got) == sorted(a["id"] for a in want)
assert all(a["kind"] == "negative" and a["mention"]["label"] == "negative" for a in got)
PY
finish
