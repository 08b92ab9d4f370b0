#!/bin/sh
# The systemd units in scripts/systemd: systemd-analyze verify accepts them
# (with ExecStart= pointing at the binary under test), exit statuses map
# onto the unit's success and failure, and the sandbox stays tight.
# Skipped without systemd-analyze (Debian's systemd package).
. "$(dirname "$0")/lib/sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "$NAME: skipped (no systemd-analyze)"
	finish; exit
fi

# Units as make install writes them, with @BINDIR@ a folder holding the
# binary under its installed name.
SRC=$TOP/scripts/systemd
UNITS="earshot.service earshot.timer earshot-digest.service earshot-digest.timer"
mkdir -p "$T/bin" "$T/units"
ln -s "$EARSHOT" "$T/bin/earshot"
for u in $UNITS; do
	if [ -e "$SRC/$u.in" ]; then sed "s|@BINDIR@|$T/bin|g" "$SRC/$u.in" >"$T/units/$u"
	else cp "$SRC/$u" "$T/units/$u"; fi
done
# Documentation= names man pages: with man(1) present, verify looks them up
# (in the source's pages); without it, that part is left out.
mkdir -p "$T/man/man1" "$T/man/man5"
cp "$TOP/scripts/man/earshot.1.in" "$T/man/man1/earshot.1"
cp "$TOP/scripts/man/earshot.conf.5.in" "$T/man/man5/earshot.conf.5"
MANPATH=$T/man; export MANPATH
command -v man >/dev/null 2>&1 && MANCHECK=--man=yes || MANCHECK=--man=no
cd "$T/units" || exit 1
units_verify "the four units verify" $MANCHECK $(for u in $UNITS; do printf './%s ' "$u"; done)
check_nogrep "no placeholder is left" '@[A-Z]+@' earshot.service

# The check can fail: a misspelt key and a missing binary are both caught.
sed 's/^Nice=/Nicee=/' earshot.service >bad.service
systemd-analyze verify --man=no ./bad.service >"$T/verify.bad" 2>&1
check_grep "a misspelt key is reported" "Unknown key 'Nicee'" "$T/verify.bad"
sed "s|$T/bin|$T/nowhere|" earshot.service >nobin.service
check_status 1 "a missing binary fails verify" systemd-analyze verify --man=no ./nobin.service

# Exit statuses (src/cmd.h): 1 (some feeds failed) and 4 (another run holds
# the lock) are not failures of the run unit, 2 and 3 are; the digest
# retries after 4 but not after 2 or 3.
check_grep "run: 1 and 4 are success" '^SuccessExitStatus=1 4$' earshot.service
check_nogrep "run: 2 and 3 stay failures" '^SuccessExitStatus=.*[23]' earshot.service
check_grep "digest: no retry on 2 or 3" '^RestartPreventExitStatus=2 3$' earshot-digest.service
check_nogrep "digest: 4 is not success" '^SuccessExitStatus=' earshot-digest.service
for s in earshot.service earshot-digest.service; do
	check_grep "$s: data in the state directory" \
	    'ExecStart=.* --state-dir %S/earshot --out-dir %S/earshot/out' "$s"
	check_grep "$s: no W+X memory, so no JIT" '^Environment=EARSHOT_NO_JIT=1$' "$s"
	check_grep "$s: MemoryDenyWriteExecute" '^MemoryDenyWriteExecute=yes$' "$s"
done

# The two services share one sandbox: the lines from the first Secrets
# comment on are the same.
sed -n '/^# Secrets/,$p' earshot.service >run.sandbox
sed -n '/^# Secrets/,$p' earshot-digest.service >digest.sandbox
check "the services share one sandbox" cmp -s run.sandbox digest.sandbox

# Exposure as systemd rates it, 0 (locked down) .. 10: keep it "OK" (< 2).
for s in earshot.service earshot-digest.service; do
	check_status 0 "$s: exposure under 2.0" \
	    systemd-analyze security --offline=true --threshold=20 "./$s"
done
finish
