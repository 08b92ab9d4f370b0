#!/bin/sh
# threads: whatever the number of worker threads, a run records exactly
# what the single-threaded run does (mentions, alerts, counts, per-feed log
# lines), on the offline sample and on many generated feeds whose
# syndicated posts make the store order matter: a post in several feeds
# is one mention, of the feed stored first.
. "$(dirname "$0")/lib/sh"

# norm DIR: DIR's mentions and alerts, less their per-run creation times, sorted.
norm() { python3 - "$1" <<'PY'
import json, sys
def strip(r):
    r.pop("created", None)
    if isinstance(r.get("mention"), dict):
        r["mention"].pop("created", None)
    return json.dumps(r, sort_keys=True)
for f in ("mentions.jsonl", "alerts.jsonl"):
    for l in sorted(strip(json.loads(l)) for l in open(sys.argv[1] + "/" + f)):
        print(f, l)
PY
}
# run_as N CONF NAME [ARGS]: runs CONF with `threads = N` in state NAME.
run_as() {
	n=$1 conf=$2 name=$3; shift 3
	{ echo "threads = $n"; cat "$conf"; } >"${conf%/*}/$name.conf"
	check_status "${EXPECT:-0}" "$name: run" "$EARSHOT" run --all -v --stats -c "${conf%/*}/$name.conf" \
	    --state-dir "$T/$name.s" --out-dir "$T/$name.o" "$@"
	grep -E '^earshot: (info: feed|warning|error|stats: [0-9])' "$T/err" | sort >"$T/$name.log"
	grep -E 'ran on [0-9]+ threads' "$T/err" >"$T/$name.threads"
	norm "$T/$name.o" >"$T/$name.rec"
}
# same A B WHAT: A's and B's records and log lines are the same.
same() {
	if cmp -s "$T/$1.rec" "$T/$2.rec"; then ok; else
		bad "$3: records differ between $1 and $2"; diff "$T/$1.rec" "$T/$2.rec" | head -5 >&2; fi
	if cmp -s "$T/$1.log" "$T/$2.log"; then ok; else
		bad "$3: log lines differ between $1 and $2"; diff "$T/$1.log" "$T/$2.log" | head -5 >&2; fi
}

# The sample, its paths made absolute.
mkdir "$T/sample"
cp "$TOP"/feeds/sample/*.feed "$TOP"/feeds/sample/*.rss "$TOP"/feeds/sample/*.atom "$T/sample/"
sed "s|\.\./\.\./lexicon|$TOP/lexicon|" "$TOP/feeds/sample/earshot.conf" >"$T/sample/earshot.conf"
run_as 1 "$T/sample/earshot.conf" s1
run_as 4 "$T/sample/earshot.conf" s4
[ "$(grep -c '^mentions' "$T/s1.rec")" -eq 24 ] && ok || bad "sample: 24 mentions, got $(grep -c '^mentions' "$T/s1.rec")"
same s1 s4 "sample"
[ ! -s "$T/s1.threads" ] && ok || bad "threads = 1 says it ran on threads"
check_grep "threads = 4 says the stage times are summed" 'ran on 4 threads' "$T/s4.threads"

# gen DIR ROUND: 80 feeds of 30 items as file:// documents, a quarter of the
# posts syndicated to 3 feeds, some items twice in a feed, one feed broken,
# one brand whose pattern hits the match limit on some texts. ROUND 2 adds
# items to every third feed.
gen() { python3 - "$1" "$2" <<'PY'
import sys
d, rnd = sys.argv[1], int(sys.argv[2])
words = ["Acme support was great", "Globex is awful and slow", "I love the new Initech app",
         "Acme broke again, terrible", "nothing much happened today", "Globex shipped on time"]
def item(f, i):
    k = i % 4 == 0 and i or f * 1000 + i      # every 4th post is the same in 3 feeds
    src = k if i % 4 else (f // 3) * 1000 + i
    text = "%s%s. Post %d says more about it, with enough words to be hashed." % (
        "x" * 40 + " " if src % 9 == 0 else "", words[src % 6], src)
    return ("<item><guid>g%d-%d</guid><title>Post %d</title><link>https://e.example/%d/%d</link>"
            "<description>%s</description><pubDate>Mon, 30 Nov 2026 10:%02d:00 GMT</pubDate></item>"
            % (f, i, src, f, i, text, i % 60))
conf = ["lexicon = %s" % sys.argv[0]]
for f in range(80):
    n = 30 + (10 if rnd == 2 and f % 3 == 0 else 0)
    items = [item(f, i) for i in range(n)] + ([item(f, 5)] if f % 5 == 0 else [])
    body = "<rss version='2.0'><channel><title>f%d</title>%s</channel></rss>" % (f, "".join(items))
    if f == 7:
        body = "not a feed at all"
    open("%s/f%d.xml" % (d, f), "w").write(body)
PY
}
mkdir "$T/gen"
{
	echo "lexicon = $TOP/lexicon/en.tsv"
	echo "negative_threshold = -0.3"
	printf '[brand Acme]\nmatch = \\bacme\\b\n[brand Globex]\nmatch = \\bglobex\\b\n'
	printf '[brand Initech]\nmatch = \\binitech\\b\n[brand Slow]\nmatch = (?:x+x+)+y\n'
	i=0; while [ $i -lt 80 ]; do printf '[feed f%d]\nurl = file://%s/gen/f%d.xml\n' $i "$T" $i; i=$((i + 1)); done
} >"$T/gen.conf"
gen "$T/gen" 1
EXPECT=1 run_as 1 "$T/gen.conf" g1
grep '^earshot: info: feed' "$T/err" >"$T/g1.order"
# The feeds listed the other way round are stored in the same order (the
# state database's: store_feed_order), so each syndicated post is
# credited to the same feed as before.
{
	grep -v -e '^\[feed ' -e '^url = ' "$T/gen.conf"
	i=79; while [ $i -ge 0 ]; do printf '[feed f%d]\nurl = file://%s/gen/f%d.xml\n' $i "$T" $i; i=$((i - 1)); done
} >"$T/rev.conf"
EXPECT=1 run_as 1 "$T/rev.conf" r1
grep '^earshot: info: feed' "$T/err" >"$T/r1.order"
[ "$(wc -l <"$T/g1.order")" -eq 80 ] && cmp -s "$T/g1.order" "$T/r1.order" && ok ||
	bad "feeds listed the other way round are stored in another order"
same g1 r1 "feeds listed the other way round"
EXPECT=1 run_as 2 "$T/gen.conf" g2
EXPECT=1 run_as 4 "$T/gen.conf" g4
check_grep "the broken feed fails" 'error: feed f7' "$T/g1.log"
check_grep "the slow pattern hits its limit" 'warning: feed .*brand Slow.*match limit' "$T/g1.log"
# 79 good feeds x 30 items + 16 repeats; new: less the repeats, and 8 posts
# of each feed after the first good one of its group of 3 (26 x 16 + 8 + 8).
check_grep "syndicated posts are deduplicated" '^earshot: stats: 80 feeds .* 2386 items, 1954 new' "$T/g1.log"
same g1 g2 "generated, 2 threads"
same g1 g4 "generated, 4 threads"
# Again, with new items in some feeds: only they are new, in either case.
gen "$T/gen" 2
EXPECT=1 run_as 1 "$T/gen.conf" g1
EXPECT=1 run_as 4 "$T/gen.conf" g4
# 27 feeds (f % 3 == 0) x 10 new items.
check_grep "the second pass finds the added items" '^earshot: stats: 80 feeds .* [0-9]+ items, 270 new' "$T/g1.log"
same g1 g4 "generated, second pass"
finish
