#!/bin/sh
# make install into a temporary DESTDIR with PREFIX=/usr/local: the files
# land where they should, the installed binary works with the installed
# lexicon, the example configuration is valid, the man pages lint clean,
# the installed units verify, and make uninstall removes exactly that.
. "$(dirname "$0")/lib/sh"

D=$T/root
P=/usr/local
LEX=$D$P/share/earshot/lexicon
BIN=$D$P/bin/earshot
MK="make -s --no-print-directory -C $TOP DESTDIR=$D PREFIX=$P INSTALL_BIN=$EARSHOT"
# Away from the source tree, whose ./lexicon/en.tsv would be found.
cd "$T" || exit 1

check_status 0 "make install" $MK install
find "$D" -type f | sed "s|^$D||" | sort >"$T/files"
cat >"$T/want" <<LIST
/etc/earshot/earshot.conf.example
$P/bin/earshot
$P/lib/systemd/system/earshot-digest.service
$P/lib/systemd/system/earshot-digest.timer
$P/lib/systemd/system/earshot.service
$P/lib/systemd/system/earshot.timer
$(cd "$TOP/lexicon" && for f in *; do echo "$P/share/earshot/lexicon/$f"; done)
$P/share/man/man1/earshot.1
$P/share/man/man5/earshot.conf.5
LIST
sort -o "$T/want" "$T/want"
if cmp -s "$T/want" "$T/files"; then ok; else
	bad "installed files differ from the list"; diff "$T/want" "$T/files" >&2; fi
check "the binary is executable" test -x "$BIN"

check_status 0 "installed --version" "$BIN" --version
check_grep "installed --version names it" '^earshot [0-9]' "$T/out"

# The sample without its lexicon line: the binary's default is the
# installed lexicon. Outside DESTDIR that path is $P/share/earshot, which
# this machine may not have; then the error names it.
cp -R "$TOP/feeds/sample" "$T/sample"
sed '/^lexicon/d' "$TOP/feeds/sample/earshot.conf" >"$T/sample/earshot.conf"
RUNARGS="-c $T/sample/earshot.conf --state-dir $T/state --out-dir $T/results"
if [ ! -e "$P/share/earshot/lexicon/en.tsv" ]; then
	check_status 2 "no lexicon installed" env -u EARSHOT_LEXICON "$BIN" check $RUNARGS
	check_grep "the default is the installed path" "none is installed in $P/share/earshot/lexicon" "$T/err"
fi
EARSHOT_LEXICON=$LEX/en.tsv; export EARSHOT_LEXICON
check_status 0 "installed check on the sample" "$BIN" check $RUNARGS
check_status 0 "installed run on the sample" "$BIN" run --all $RUNARGS
check_grep "the run found mentions" '"brand":"Acme"' "$T/results/mentions.jsonl"
check_grep "the run wrote the summary" 'Acme' "$T/results/summary.md"

# The example configuration is valid as shipped (its secrets set).
SLACK_WEBHOOK=https://hooks.example.invalid/x REVIEWS_TOKEN=t \
    check_status 0 "the example configuration checks" "$BIN" check \
    -c "$D/etc/earshot/earshot.conf.example" --state-dir "$T/state2"

# Every key of the configuration's key table is described in
# earshot.conf(5) and shown in the example.
for k in $(sed -n 's/^	{ "\([a-z_]*\)", *S_.*/\1/p' "$TOP/src/conf_read.c" | sort -u); do
	check_grep "earshot.conf(5) describes $k" "^\.It Cm .*\<$k\>" "$D$P/share/man/man5/earshot.conf.5"
	check_grep "the example shows $k" "^#?$k +=" "$D/etc/earshot/earshot.conf.example"
done

# Every command (src/main.c's table) has its entry in earshot(1).
for c in $(sed -n 's/^	{ "\([a-z]*\)", *cmd_.*/\1/p' "$TOP/src/main.c"); do
	check_grep "earshot(1) describes $c" "^\.It Cm $c\$" "$D$P/share/man/man1/earshot.1"
done

# ... and every long option its --help lists.
for c in $(sed -n 's/^	{ "\([a-z]*\)", *cmd_.*/\1/p' "$TOP/src/main.c"); do
	for o in $("$BIN" "$c" --help | sed -n 's/^ *\(-[a-z], \)\{0,1\}--\([a-z-]*\).*/\2/p'); do
		check_grep "earshot(1) describes $c --$o" "^\\.(It .*)?Fl \\\\-$o\\>" \
		    "$D$P/share/man/man1/earshot.1"
	done
done

# Man pages: mandoc's lint when there, else groff's warnings.
for m in man1/earshot.1 man5/earshot.conf.5; do
	f=$D$P/share/man/$m
	check_nogrep "$m: no placeholder left" '@[A-Z]+@' "$f"
	if command -v mandoc >/dev/null 2>&1; then
		check_status 0 "$m: mandoc -T lint" mandoc -T lint -W warning "$f"
	elif command -v groff >/dev/null 2>&1; then
		groff -mandoc -w w -z "$f" >"$T/groff.err" 2>&1
		check "$m: groff -w" test ! -s "$T/groff.err"
	fi
done

# The installed units, with ExecStart= pointing into DESTDIR and their
# Documentation= man pages looked up in it.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$T/units"
	for u in "$D$P"/lib/systemd/system/*; do
		sed "s|^ExecStart=$P/bin/|ExecStart=$D$P/bin/|" "$u" >"$T/units/${u##*/}"
	done
	command -v man >/dev/null 2>&1 && MANCHECK=--man=yes || MANCHECK=--man=no
	MANPATH=$D$P/share/man; export MANPATH
	units_verify "installed units verify" $MANCHECK "$T/units/earshot.service" \
	    "$T/units/earshot.timer" "$T/units/earshot-digest.service" \
	    "$T/units/earshot-digest.timer"
fi

# Uninstall keeps what it did not install (your configuration) and
# removes everything else.
echo "# mine" >"$D/etc/earshot/earshot.conf"
check_status 0 "make uninstall" $MK uninstall
check "uninstall keeps earshot.conf" test -f "$D/etc/earshot/earshot.conf"
rm "$D/etc/earshot/earshot.conf"
find "$D" -type f >"$T/left"
check "no file is left" test ! -s "$T/left"
check "no lexicon folder is left" test ! -e "$D$P/share/earshot"
finish
