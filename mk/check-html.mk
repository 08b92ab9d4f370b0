# make check-html: the HTML digest of tests/data/digest/html_fixture.json,
# rendered by headless Chromium to PNG at desktop and phone widths and to
# PDF, and checked to have rendered (size, not blank, the charts drawn, the
# share-of-voice bar fitted to a phone's width, more than one printed
# page). Skips with a message when Chromium is not installed or cannot run
# at all (scripts/deps-html installs it); fails when it runs but the page
# does not render.
HTML_RENDER = $(BUILD)/tools/render_html

.PHONY: check-html
check-html: $(HTML_RENDER)
	@scripts/check-html $(HTML_RENDER) tests/data/digest/html_fixture.json $(BUILD)/check-html

$(HTML_RENDER): tests/tools/render_html.c $(LIBOBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)
