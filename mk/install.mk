# make install / uninstall: the binary, the lexicon, an example
# configuration, the systemd units and the man pages, under DESTDIR.
# INSTALL_BIN installs another build of the binary (tests/t_install.sh
# passes the one under test) without building ./earshot.
SYSCONFDIR     ?= /etc
MANDIR         ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_BIN    ?=

LEXICON_FILES = $(notdir $(wildcard lexicon/*))
UNITS         = earshot.service earshot.timer earshot-digest.service earshot-digest.timer
MAN_PAGES     = man1/earshot.1 man5/earshot.conf.5
CONF_EXAMPLE  = $(SYSCONFDIR)/earshot/earshot.conf.example

# Units and man pages name where the other files went: a template NAME.in
# is installed as NAME with these replaced.
INSTALL_SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@SYSTEMDUNITDIR@|$(SYSTEMDUNITDIR)|g'

install: $(if $(INSTALL_BIN),,$(EARSHOT))
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/lexicon \
	    $(DESTDIR)$(SYSCONFDIR)/earshot $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(or $(INSTALL_BIN),$(EARSHOT)) $(DESTDIR)$(BINDIR)/earshot
	install -m 644 $(addprefix lexicon/,$(LEXICON_FILES)) $(DESTDIR)$(DATADIR)/lexicon/
	install -m 644 scripts/earshot.conf.example $(DESTDIR)$(CONF_EXAMPLE)
	set -e; for f in $(addprefix systemd/,$(UNITS)) $(addprefix man/,$(MAN_PAGES)); do \
	    case $$f in systemd/*) to=$(DESTDIR)$(SYSTEMDUNITDIR)/$${f#*/} ;; \
	        *) to=$(DESTDIR)$(MANDIR)/$${f#*/}; f=man/$${f##*/} ;; esac; \
	    if [ -e scripts/$$f.in ]; then $(INSTALL_SUBST) scripts/$$f.in >$$to; chmod 644 $$to; \
	    else install -m 644 scripts/$$f $$to; fi; done

# Removes what install put there and the folders only earshot uses; the
# configuration folder only if nothing else (your earshot.conf) is in it.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/earshot $(DESTDIR)$(CONF_EXAMPLE) \
	    $(addprefix $(DESTDIR)$(DATADIR)/lexicon/,$(LEXICON_FILES)) \
	    $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(UNITS)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/,$(MAN_PAGES))
	rmdir $(DESTDIR)$(DATADIR)/lexicon $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(SYSCONFDIR)/earshot 2>/dev/null || true
