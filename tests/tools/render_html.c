/* render_html DOC.json > page.html: the HTML digest of a digest document,
 * for make check-html (a browser renders the page) and for eyes. */
#include <stdio.h>

#include "digest_html.h"

int
main(int argc, char **argv)
{
	json_error_t e;
	json_t *doc;
	struct buf out = {0};
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: render_html DOC.json > PAGE.html\n");
		return 2;
	}
	if (!(doc = json_load_file(argv[1], 0, &e))) {
		fprintf(stderr, "%s:%d: %s\n", argv[1], e.line, e.text);
		return 1;
	}
	if (digest_html(doc, &out) < 0)
		fprintf(stderr, "%s: not a schema 1 digest document\n", argv[1]);
	else if (fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0)
		rc = 0;
	else
		perror("render_html: stdout");
	buf_free(&out);
	json_decref(doc);
	return rc;
}
