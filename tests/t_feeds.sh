#!/bin/sh
# The ready feed definitions through the binary: `earshot parse --map` on
# each sample prints its items, links resolved against the definition's
# url, and a whole run with them as file:// feeds records the mentions.
. "$(dirname "$0")/lib/sh"

F=$TOP/feeds D=$TOP/tests/data/feeds
for s in google-alerts.xml reddit-search.json hn-search.json mastodon-tag.json \
    appstore-reviews.json trustpilot-reviews.html; do
	check_status 0 "parse --map ${s%.*}" "$EARSHOT" parse --map "$F/${s%.*}.feed" "$D/$s"
	check_grep "${s%.*} has Acme items" '"text":"[^"]*Acme' "$T/out"
done
# The last run was the review page: relative links, ratings, three reviews.
check_grep "review links are absolute" \
    '"link":"https://www.trustpilot.com/reviews/6632a1f0e4b0c1d2e3f40001"' "$T/out"
check_grep "stars as 0..1 of 5" '"rating":0.8,"rating_scale":5' "$T/out"
check "three reviews" test "$(wc -l <"$T/out")" -eq 3

# A map whose XPath is broken: the feed and the field are named.
sed 's|^title .*|title = .//h2[|' "$F/trustpilot-reviews.feed" >"$T/bad.feed"
check_status 1 "broken XPath" "$EARSHOT" parse --map "$T/bad.feed" "$D/trustpilot-reviews.html"
check_grep "broken XPath named" "bad XPath for title './/h2\['" "$T/err"

# A run over the Reddit and App Store samples as file:// feeds.
cat >"$T/earshot.conf" <<CONF
lexicon = $TOP/lexicon/en.tsv
state_dir = $T/state
[brand Acme]
match = \bacme\b
[feed reddit]
type = json
url = $D/reddit-search.json
items = data.children
id = data.name
title = data.title
text = data.selftext
date = data.created_utc
[feed appstore]
type = json
url = $D/appstore-reviews.json
items = feed.entry
id = id.label
link         = link.attributes.href
title = title.label
text = content.label
rating = im:rating.label
rating_scale = 5
CONF
check_status 0 "run with json feeds" "$EARSHOT" run -c "$T/earshot.conf" --all
check_grep "reddit mention" '"feed":"reddit"' "$T/state/out/mentions.jsonl"
check_grep "app store mention" '"feed":"appstore"' "$T/state/out/mentions.jsonl"
# Every review links to the app itself: the same link is no reason to
# take the second review for the first.
n=$(grep -c '"feed":"appstore"' "$T/state/out/mentions.jsonl")
[ "$n" -eq 2 ] && ok || bad "both App Store reviews name Acme; $n recorded"
finish
