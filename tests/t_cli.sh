#!/bin/sh
# The command line: help, version, unknown commands and options, exit
# statuses, and log formatting for the journal.
. "$(dirname "$0")/lib/sh"

check_status 2 "no arguments is a usage error" "$EARSHOT"
check_grep "usage goes to stderr" '^usage: earshot COMMAND' "$T/err"

check_status 0 "--help" "$EARSHOT" --help
check_grep "--help lists run" '^  run ' "$T/out"
check_grep "--help documents exit status 1" '^  1  the run finished but some feeds failed' "$T/out"
check_grep "--help documents exit status 3" '^  3  could not run at all' "$T/out"

check_status 0 "--version" "$EARSHOT" --version
check_grep "--version names the program" '^earshot [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"

check_status 2 "unknown command" "$EARSHOT" frobnicate
check_grep "unknown command is named" "unknown command 'frobnicate'" "$T/err"

for cmd in run check digest alerts parse score explain; do
	check_status 0 "$cmd --help" "$EARSHOT" "$cmd" --help
	check_grep "$cmd --help starts with usage" "^usage: earshot $cmd" "$T/out"
done

check_status 2 "unknown option to run" "$EARSHOT" run --no-such-option
check_status 2 "stray argument to run" "$EARSHOT" run -c "$TOP/feeds/sample/earshot.conf" extra

# An unfinished command says so and fails rather than pretend.
check_status 3 "digest with no state yet" "$EARSHOT" digest -c "$TOP/feeds/sample/earshot.conf" \
	--state-dir "$T/none" --out-dir "$T/none-out"
check_grep "digest says plainly there is no state yet" 'no state yet' "$T/err"
[ ! -e "$T/none" ] && ok || bad "digest created a state dir"

# Under systemd (JOURNAL_STREAM set) lines carry syslog priorities.
JOURNAL_STREAM=8:1234 check_status 2 "missing config under the journal" \
	"$EARSHOT" run -c "$T/none.conf"
check_grep "journal lines start with <3> for errors" '^<3>' "$T/err"
check_status 2 "missing config on a terminal" "$EARSHOT" run -c "$T/none.conf"
check_grep "plain lines say error" '^earshot: error: ' "$T/err"

# --state-dir alone moves the default out dir (the file names none) with it;
# an out_dir the file names stays.
printf '[brand A]\nmatch = a\n[feed f]\nurl = %s\n' "$TOP/feeds/sample/news.rss" >"$T/nodirs.conf"
check_status 0 "check with --state-dir only" "$EARSHOT" check -c "$T/nodirs.conf" --state-dir "$T/st"
check_grep "the out dir follows --state-dir" "^output: $T/st/out\$" "$T/out"
printf 'out_dir = /srv/out\n' | cat - "$T/nodirs.conf" >"$T/outdir.conf"
check_status 0 "check with out_dir in the file" "$EARSHOT" check -c "$T/outdir.conf" --state-dir "$T/st"
check_grep "the file's out_dir stays" '^output: /srv/out$' "$T/out"

finish
