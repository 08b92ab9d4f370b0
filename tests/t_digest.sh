#!/bin/sh
# `earshot digest` on the offline sample (plus one feed with a hostile
# title): the files, the latest links, the JSON schema, CSV quoting, the
# options, and the digest every run writes for today.
. "$(dirname "$0")/lib/sh"

# The sample, copied so one more feed can join it.
cp -r "$TOP/feeds/sample" "$T/sample"
sed -i "s|^lexicon .*|lexicon = $TOP/lexicon/en.tsv|" "$T/sample/earshot.conf"
cat >"$T/sample/hostile.feed" <<'FEED'
[feed hostile]
type = rss
url  = hostile.rss
FEED
cat >"$T/sample/hostile.rss" <<'RSS'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>h</title>
<item><title>Acme, the "worst"&#10;ever</title><link>https://h.example/1</link>
<guid>h1</guid><pubDate>Sun, 22 Nov 2026 11:00:00 +0000</pubDate>
<description>Acme is terrible and awful, I hate it.</description></item>
</channel></rss>
RSS
CONF=$T/sample/earshot.conf S=$T/state O=$T/results D=$T/results/digest
digest() { "$EARSHOT" digest -c "$CONF" --state-dir "$S" --out-dir "$O" "$@"; }

check_status 3 "digest before any run" digest --date 2026-11-22
check_grep "digest says there is no state yet" 'no state yet' "$T/err"
check_status 0 "sample run" "$EARSHOT" run --all -c "$CONF" --state-dir "$S" --out-dir "$O"
# The run wrote today's digest so far.
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); print(d["partial"], d["days"])' \
	"$D/latest.json" >"$T/today" 2>&1
check_grep "the run writes today's digest, partial" '^True 7$' "$T/today"
# A run that finds nothing new leaves today's digest as it was (a new one
# would be a new file, renamed over it).
today=$(readlink "$D/latest.json")
inode=$(stat -c %i "$D/$today")
check_status 0 "a run with nothing new" "$EARSHOT" run --all -c "$CONF" --state-dir "$S" --out-dir "$O"
[ "$(stat -c %i "$D/$today")" = "$inode" ] && ok || bad "a run with nothing new rewrote the digest"
rm "$D/$today"
check_status 0 "a run with nothing new, no digest yet" "$EARSHOT" run --all -c "$CONF" \
	--state-dir "$S" --out-dir "$O"
[ -s "$D/$today" ] && ok || bad "a run with nothing new did not write a missing digest"

check_status 0 "digest of the sample's day" digest --date 2026-11-22
check_grep "digest says where the files are" "$D/: 2026-11-22.html, 2026-11-22.md" "$T/out"
for e in json md csv html; do
	[ -s "$D/2026-11-22.$e" ] && ok || bad "no 2026-11-22.$e"
	[ "$(readlink "$D/latest.$e")" = "2026-11-22.$e" ] && ok || bad "latest.$e is not a relative link"
	cmp -s "$D/latest.$e" "$D/2026-11-22.$e" && ok || bad "latest.$e does not resolve"
done
ls -a "$D" | grep -v -e '^\.\.\?$' -e '^20..-..-..\.' -e '^latest\.' >"$T/stray"
[ ! -s "$T/stray" ] && ok || bad "temporary files left: $(cat "$T/stray")"

python3 - "$D/latest.json" >"$T/schema" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
top = "schema generated timezone date days period partial brands groups needs_reply footnotes"
brand = ("name competitors day previous avg7 period trend share_of_voice listening ratings"
         " daily sources sources_daily top_terms top_authors aspects most_negative most_positive")
metrics = ("mentions positive neutral negative positive_share neutral_share negative_share"
           " ratio net_sentiment compound_avg authors")
bad = [k for k in top.split() if k not in d]
for b in d["brands"]:
    bad += [b["name"] + "." + k for k in brand.split() if k not in b]
    for span in ("day", "previous", "avg7", "period"):
        bad += [b["name"] + "." + span + "." + k for k in metrics.split() if k not in b[span]]
    bad += [b["name"] + ".listening." + k for k in "strength passion reach sentiment".split()
            if k not in b["listening"]]
    if len(b["daily"]) != 7: bad.append(b["name"] + ".daily has %d days" % len(b["daily"]))
for m in d["needs_reply"]:
    s, e = m["highlight"]
    if m["snippet"].encode()[s:e].decode().lower() not in ("acme", "globex", "initech"):
        bad.append("highlight " + m["id"])
print("schema", d["schema"], d["date"], d["partial"], d["period"]["from"], ",".join(bad) or "ok")
acme = d["brands"][0]
print("acme", acme["day"]["mentions"], acme["day"]["negative"], len(d["groups"]))
PY
check_grep "the JSON has every schema key" '^schema 1 2026-11-22 False 2026-11-16 ok$' "$T/schema"
# 4 sample mentions of Acme on the 22nd plus the hostile negative one;
# the three brands compete with each other: one group.
check_grep "the JSON counts Acme's day" '^acme 5 1 1$' "$T/schema"
check_grep "the hostile post needs a reply" '"title": "Acme, the \\"worst\\"' "$D/latest.json"

# RFC 4180: the hostile title is one quoted field, quotes doubled, and a
# CSV reader gets it back whole. (The parser makes its &#10; a space; the
# golden tests/data/digest/fixture.csv.golden holds a real line break.)
check_grep "the CSV has its header" '^date,brand,source,mentions,' "$D/latest.csv"
check_grep "the hostile title is quoted, its quotes doubled" '"Acme, the ""worst""' "$D/latest.csv"
python3 - "$D/latest.csv" >"$T/csv" 2>&1 <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
print("widths", sorted(set(len(r) for r in rows)))
for r in rows:
    if r[2] == "hostile" and r[3] != "0": print("hostile", r[0], r[1], r[9][:9], r[10])
print("rows", len(rows) - 1)
PY
check_grep "every CSV row has 11 fields" '^widths \[11\]$' "$T/csv"
check_grep "the hostile title comes back whole" '^hostile 2026-11-22 Acme Acme, the https://h.example/1$' "$T/csv"
# A row for each brand, source and day with mentions, counted here from
# the database itself (the sample's zone is UTC).
want=$(sqlite3 "$S/earshot.db" "SELECT count(*) FROM (SELECT DISTINCT brand, feed,
	date(coalesce(published, created), 'unixepoch') d FROM mentions
	WHERE d BETWEEN '2026-11-16' AND '2026-11-22')")
[ "$want" -gt 10 ] && ok || bad "the sample has only $want brand x source x days"
check_grep "one row per brand x source x day with mentions" "^rows $want\$" "$T/csv"
check_grep "the Markdown digest highlights the brand" '“\*\*Acme\*\*' "$D/latest.md"
check_grep "the Markdown links the post" '<https://h.example/1>' "$D/latest.md"

check_status 0 "a 30-day digest" digest --date 2026-11-22 --days 30
check_grep "the 30-day period" '30 days 2026-10-24 to 2026-11-22' "$D/latest.md"
for bad in "--days 0" "--days 367" "--days x" "--date 2026-02-30" "--date 22.11.2026" "--date 2026-11-2"; do
	# shellcheck disable=SC2086
	check_status 2 "digest $bad is a usage error" digest $bad
done
check_grep "a bad date says what it wants" 'YYYY-MM-DD' "$T/err"
check_status 0 "digest --help" digest --help
check_grep "help names the files" 'latest.md' "$T/out"

# The digest command gets the HTML page's path and the Markdown on stdin; a
# mail server that cannot be reached makes the status 1, the files stay.
cat >"$T/post.sh" <<SH
#!/bin/sh
cat >"$T/posted.md"
printf '%s\n' "\$1" >"$T/posted.path"
SH
chmod +x "$T/post.sh"
cp "$CONF" "$T/cmd.conf"
sed -i "1i digest_command = $T/post.sh" "$T/cmd.conf"
check_status 0 "digest with a digest command" "$EARSHOT" digest -c "$T/cmd.conf" \
	--state-dir "$S" --out-dir "$O" --date 2026-11-22
check_grep "the command got the HTML page" "^$D/2026-11-22.html\$" "$T/posted.path"
cmp -s "$T/posted.md" "$D/2026-11-22.md" && ok || bad "the command's stdin is not the Markdown digest"
sed -i "1i smtp_url = smtp://127.0.0.1:1\\nmail_from = e@example.com\\nmail_to = m@example.com" \
	"$T/cmd.conf"
rm -f "$D/2026-11-22.html"
check_status 1 "digest whose mail server is down" "$EARSHOT" digest -c "$T/cmd.conf" \
	--state-dir "$S" --out-dir "$O" --date 2026-11-22
check_grep "it says the e-mail was not sent" 'digest e-mail not sent' "$T/err"
[ -s "$D/2026-11-22.html" ] && ok || bad "the files were not written before the e-mail"

# A bad zone is a configuration error naming the file and line.
sed -i 's|^timezone .*|timezone = Europe/Berlni|' "$CONF"
check_status 2 "digest with a misspelt timezone" digest
check_grep "the error names file and line" 'earshot.conf:[0-9]+: .timezone. must be a time zone' "$T/err"
finish
