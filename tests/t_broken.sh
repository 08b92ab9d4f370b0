#!/bin/sh
# Bad input: every error names the file, line or feed, and one broken feed
# never stops the others or loses what was recorded.
. "$(dirname "$0")/lib/sh"

S=$T/state O=$T/results
cp "$TOP/feeds/sample/reviews.rss" "$T/good.rss"
mkconf() { cat >"$T/$1"; }

# A configuration that does not exist.
check_status 2 "missing configuration" "$EARSHOT" run -c "$T/nope.conf"
check_grep "missing configuration is named" "$T/nope.conf" "$T/err"

# A malformed line and a misspelt key: file and line, and a suggestion.
mkconf bad.conf <<CONF
[brand Acme]
match = acme
this line has no equals sign
[feed f]
url = good.rss
intervall = 15m
CONF
check_status 2 "malformed configuration" "$EARSHOT" check -c "$T/bad.conf"
check_grep "the bad line is named" "bad.conf:3: expected 'key = value'" "$T/err"
check_grep "the misspelt key gets a suggestion" "bad.conf:6: unknown key 'intervall' \(did you mean 'interval'\?\)" "$T/err"

# A regex that does not compile is caught by check, before anything runs.
mkconf regex.conf <<CONF
[brand Acme]
match = acme(
[feed f]
url = good.rss
CONF
check_status 2 "bad regex" "$EARSHOT" check -c "$T/regex.conf"
check_grep "the bad regex names its brand" "brand Acme" "$T/err"
check_status 2 "run refuses a bad regex too" "$EARSHOT" run -c "$T/regex.conf" --state-dir "$S" --out-dir "$O"
[ ! -e "$S" ] && [ ! -e "$O" ] && ok || bad "a run with a bad regex wrote state or output"

# check finds a feed file that is missing.
mkconf missing.conf <<CONF
[brand Acme]
match = acme
[feed gone]
url = not-there.rss
CONF
check_status 2 "check reports an unreadable feed file" "$EARSHOT" check -c "$T/missing.conf"
check_grep "the unreadable feed is named" "feed 'gone': cannot read" "$T/err"

# One good feed, one missing file, one that is not a feed: the run goes on,
# records the good feed's mentions, names each failure and exits 1.
printf 'this is <not> a feed & never was\n' >"$T/garbage.rss"
printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>Acme is great</title>\n<link>http://x.example/1</link></item><item><title>Acme cut sho' >"$T/cut.rss"
mkconf mixed.conf <<CONF
negative_threshold = -0.4
[alert]
webhook = \${EARSHOT_TEST_HOOK}
[brand Acme]
match = \bacme\b
[feed vanished]
url = vanished.rss
[feed garbage]
url = garbage.rss
[feed good]
url = good.rss
header = Authorization: Bearer \${EARSHOT_TEST_TOKEN}
CONF
cp "$T/good.rss" "$T/vanished.rss"
"$EARSHOT" check -c "$T/mixed.conf" >/dev/null 2>&1 || true
rm "$T/vanished.rss"
export EARSHOT_TEST_TOKEN=tok-4f9d2a EARSHOT_TEST_HOOK=http://127.0.0.1:9/hook/hk-77e1c0
check_status 1 "a run with broken feeds exits 1" \
	"$EARSHOT" run -v -c "$T/mixed.conf" --state-dir "$S" --out-dir "$O"
check_grep "the missing feed is named" '^earshot: error: feed vanished: ' "$T/err"
check_grep "the garbage feed is named" '^earshot: error: feed garbage: ' "$T/err"
check_nogrep "the good feed did not fail" 'error: feed good' "$T/err"
n=$(grep -c '"brand":"Acme"' "$O/mentions.jsonl" 2>/dev/null || echo 0)
[ "$n" -eq 4 ] && ok || bad "the good feed's 4 Acme mentions were not all recorded (got $n)"
check_grep "the run summary counts the failures" '3 feeds, 2 failed' "$T/err"
cp "$T/err" "$T/run-err"
cp "$T/good.rss" "$T/vanished.rss"
check_status 0 "check after a failing run" "$EARSHOT" check -c "$T/mixed.conf" --state-dir "$S" --out-dir "$O"
check_grep "check shows the feed failing and why" 'FAILING since .*: ' "$T/out"
# Secrets from the environment never reach the logs or the output files.
for f in "$T/run-err" "$T/out" $(find "$O" -type f); do
	if grep -q -e tok-4f9d2a -e hk-77e1c0 "$f"; then bad "a secret leaked into $f"; else ok; fi
done
check_grep "the failed webhook is retried later" 'not delivered .*will retry' "$T/run-err"

# A truncated feed still yields the items before the cut.
mkconf cut.conf <<CONF
[brand Acme]
match = acme
[feed cut]
url = cut.rss
CONF
"$EARSHOT" run -c "$T/cut.conf" --state-dir "$T/s2" --out-dir "$T/o2" >"$T/out" 2>"$T/err"
check_grep "the item before the cut is recorded" '"title":"Acme is great' "$T/o2/mentions.jsonl"

# A lexicon that cannot be used stops the run before it writes: with no
# state it creates none; over a state it leaves the state and the results
# as they were.
printf 'good\t2\nbad\tabc\n' >"$T/bad.tsv"
mkconf lexicon.conf <<CONF
lexicon = $T/bad.tsv
[brand Acme]
match = acme
[feed cut]
url = cut.rss
CONF
check_status 2 "a bad lexicon with no state yet" "$EARSHOT" run -c "$T/lexicon.conf" --state-dir "$T/s4" --out-dir "$T/o4"
check_grep "the bad lexicon line is named" "bad.tsv:2: valence 'abc' is not a number" "$T/err"
[ ! -e "$T/s4" ] && [ ! -e "$T/o4" ] && ok || bad "a run with a bad lexicon wrote state or output"
(cd "$T" && cksum s2/* o2/*.jsonl) >"$T/before"
check_status 2 "a bad lexicon over a state" "$EARSHOT" run --all -c "$T/lexicon.conf" --state-dir "$T/s2" --out-dir "$T/o2"
(cd "$T" && cksum s2/* o2/*.jsonl) | cmp -s - "$T/before" && ok ||
	bad "a run with a bad lexicon changed the state or the results"

# State that cannot be written: status 3, and the reason.
: >"$T/file"
check_status 3 "unwritable state dir" "$EARSHOT" run -c "$T/cut.conf" --state-dir "$T/file/state" --out-dir "$T/o3"
check_grep "the unwritable folder is named" "$T/file/state" "$T/err"

finish
