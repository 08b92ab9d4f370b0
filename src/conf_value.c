/* Converting configuration values: paths relative to the file, file://
 * URLs, ${VAR} references, numbers and sizes, and the spelling distance
 * behind "did you mean". */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf_int.h"
#include "util.h"

char *
conf_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *
conf_join_path(const char *dir, const char *p)
{
	struct buf b = {0};

	if (p[0] == '/' || !strcmp(dir, "."))
		return xstrdup(p);
	buf_printf(&b, "%s/%s", dir, p);
	return buf_detach(&b);
}

/* Reads a secret named name from $CREDENTIALS_DIRECTORY (systemd's
 * LoadCredential=), so units need no environment variables for secrets. */
static char *
read_credential(const char *name)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char path[PATH_MAX], line[4096];
	FILE *f;
	char *s = NULL;

	if (!dir || strchr(name, '/') ||
	    snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
	    !(f = fopen(path, "r")))
		return NULL;
	if (fgets(line, sizeof line, f))
		s = xstrdup(str_trim(line));
	fclose(f);
	return s;
}

/* One header line: a token name, a colon, and no control bytes, so a
 * mistyped file cannot smuggle a second header. */
static int
header_line_ok(const char *s)
{
	const char *c = strchr(s, ':'), *p;

	if (!c || c == s)
		return 0;
	for (p = s; p < c; p++)
		if (!isgraph((unsigned char)*p))
			return 0;
	for (p = s; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

int
conf_read_headers(const char *path, struct strlist *out, char *err, size_t errlen)
{
	char line[CONF_MAX_HEADER_LINE + 2];
	struct stat sb;
	int n = 0, rc = 0;
	FILE *f = NULL;

	errno = 0;
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || !(f = fopen(path, "r"))) {
		snprintf(err, errlen, "cannot read header file '%s': %s", path,
		    errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof line, f)) {
		char *s;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: header line longer than %d bytes", path,
			    n, CONF_MAX_HEADER_LINE);
			rc = -1;
		} else if (n > CONF_MAX_HEADER_LINES) {
			snprintf(err, errlen, "%s: more than %d lines", path, CONF_MAX_HEADER_LINES);
			rc = -1;
		} else if (*(s = str_trim(line)) && *s != '#') {
			/* The line is a secret: the message says where, never what. */
			if (!header_line_ok(s)) {
				snprintf(err, errlen, "%s:%d: header must look like 'Name: value'",
				    path, n);
				rc = -1;
			} else if (strlist_add(out, s) < 0) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
			}
		}
	}
	fclose(f);
	return rc;
}

char *
conf_expand_vars(const char *v, char *err, size_t errlen)
{
	struct buf b = {0};
	const char *p = v, *end;
	size_t n;

	while (*p) {
		/* The text up to the next '$' at once: a byte at a time was
		 * a quarter of reading a configuration of 16,000 feeds. */
		if (*p != '$') {
			end = strchr(p, '$');
			n = end ? (size_t)(end - p) : strlen(p);
			buf_append(&b, p, n);
			p += n;
		} else if (p[1] == '{' && (end = strchr(p + 2, '}'))) {
			char name[256];
			const char *val;
			char *cred = NULL;

			n = (size_t)(end - p - 2);
			if (n == 0 || n >= sizeof name) {
				errf(err, errlen, "bad variable reference in '%s'", v);
				goto fail;
			}
			memcpy(name, p + 2, n);
			name[n] = '\0';
			if (!(val = getenv(name)) && !(val = cred = read_credential(name))) {
				errf(err, errlen, "environment variable %s is not set "
				    "(referenced as ${%s})", name, name);
				goto fail;
			}
			buf_puts(&b, val);
			free(cred);
			p = end + 1;
		} else {
			buf_putc(&b, *p++);
		}
	}
	return buf_detach(&b);
fail:
	buf_free(&b);
	return NULL;
}

size_t
conf_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp, d[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < d[j] ? (prev < d[j - 1] ? prev : d[j - 1]) :
			    (d[j] < d[j - 1] ? d[j] : d[j - 1]));
			prev = tmp;
		}
	}
	return d[lb];
}

int
conf_parse_number(const char *v, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	return errno || end == v || *end ? -1 : 0;
}

long long
conf_parse_size(const char *v)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	n = strtoll(v, &end, 10);
	switch (toupper((unsigned char)*end)) {
	case '\0': return n;
	case 'K': n *= 1024; break;
	case 'M': n *= 1024 * 1024; break;
	case 'G': n *= 1024LL * 1024 * 1024; break;
	default: return -1;
	}
	if (end[1] && !(toupper((unsigned char)end[1]) == 'B' && !end[2]) &&
	    strcasecmp(end + 1, "iB"))
		return -1;
	return n;
}

int
conf_has_url_scheme(const char *s)
{
	const char *p = s;

	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return p > s && isalpha((unsigned char)*s) && p[0] == ':' && p[1] == '/';
}

/* A file:// URL for a path relative to dir (the file's folder). */
char *
conf_file_url(const char *dir, const char *path)
{
	char *p = conf_join_path(dir, path), cwd[PATH_MAX];
	struct buf b = {0};

	if (p[0] == '/')
		buf_printf(&b, "file://%s", p);
	else if (getcwd(cwd, sizeof cwd))
		buf_printf(&b, "file://%s/%s", cwd, p[0] == '.' && p[1] == '/' ? p + 2 : p);
	else
		buf_printf(&b, "file://%s", p);
	free(p);
	return buf_detach(&b);
}

int
conf_valid_zone(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX], magic[4];
	FILE *f;
	int ok;

	if (!strcmp(name, "UTC"))
		return 1;
	/* A name, not a path: the C library would read any file it names. */
	if (!*name || *name == '/' || strstr(name, "..") ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(name))
		return 0;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", name) >= sizeof path || !(f = fopen(path, "rb")))
		return 0;
	/* glibc silently treats an unreadable zone as UTC: look for TZif. */
	ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	fclose(f);
	return ok;
}
