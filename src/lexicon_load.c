/* Loading a lexicon: earshot's own files, third-party AFINN and VADER lists,
 * and the companion lists (negations, intensifiers, contrast words, aspects,
 * phrases) beside the first file, each line checked and its error named by
 * file and line. */
#include "lexicon.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lexicon_int.h"
#include "util.h"

#define MAX_LINE 4096

/* What a file holds, which decides how its lines are read. */
enum kind { K_VALENCE, K_NEGATION, K_BOOST, K_CONTRAST, K_ASPECT };

/* A companion list beside the first file, and what stands in for it when it
 * is missing (a third-party lexicon on its own still gets the core rules). */
struct companion {
	const char *name;
	enum kind kind;
	const char *fallback;
};

static const struct companion companions[] = {
	{ "negations.txt", K_NEGATION,
	    "not\nno\nnever\nnone\nnothing\nnobody\nneither\nnor\nwithout\n"
	    "cannot\nhardly\nbarely\nain't\ndon't\ndoesn't\ndidn't\nisn't\n"
	    "wasn't\naren't\nweren't\ncan't\ncouldn't\nwon't\nwouldn't\n" },
	{ "intensifiers.tsv", K_BOOST,
	    "extremely\t0.29\nvery\t0.25\nreally\t0.25\nso\t0.25\n"
	    "absolutely\t0.25\ntotally\t0.25\nslightly\t-0.2\nsomewhat\t-0.2\n"
	    "kind of\t-0.2\na bit\t-0.2\n" },
	{ "contrast.txt", K_CONTRAST,
	    "but\nhowever\nyet\nalthough\tconcessive\nthough\tconcessive\n" },
	{ "aspects.tsv", K_ASPECT, "" },
	{ "phrases.tsv", K_VALENCE, "" },
};

/* Splits line at tabs into field[0..max); returns the number of fields,
 * max + 1 when there are more. */
static size_t
split_tabs(char *line, char **field, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		if (n == max)
			return max + 1;
		field[n++] = p;
		if (!(p = strchr(p, '\t')))
			return n;
		*p++ = '\0';
	}
}

/* A plain decimal ("-1.5", "3", "0.25") of at most 15 digits, exactly as
 * strtod reads it: the digits and the power of ten are both exact doubles,
 * so one division rounds correctly. Lexicons are thousands of these, and
 * strtod was a third of loading one. NULL for anything else. */
static const char *
plain_decimal(const char *s, double *v)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
	    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char *p = s + (*s == '-' || *s == '+');
	uint64_t m = 0;
	int digits = 0, frac = -1;

	for (; (*p >= '0' && *p <= '9') || (*p == '.' && frac < 0); p++) {
		if (*p == '.') {
			frac = 0;
			continue;
		}
		if (++digits > 15)
			return NULL;
		m = m * 10 + (uint64_t)(*p - '0');
		frac += frac >= 0;
	}
	/* An exponent, hex, or anything else after it is strtod's to judge. */
	if (!digits || (*p && *p != ' '))
		return NULL;
	*v = (double)m / pow10[frac > 0 ? frac : 0];
	if (*s == '-')
		*v = -*v;
	return p;
}

static int
parse_number(const char *where, size_t lineno, const char *what, const char *s,
    double lo, double hi, double *out, char *err, size_t errlen)
{
	const char *fast;
	char *end;
	double v;

	errno = 0;
	if ((fast = plain_decimal(s, &v)))
		end = (char *)(uintptr_t)fast;
	else
		v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno || !isfinite(v)) {
		errf(err, errlen, "%s:%zu: %s '%s' is not a number", where, lineno, what, s);
		return -1;
	}
	if (v < lo || v > hi) {
		errf(err, errlen, "%s:%zu: %s %g is out of range %g..%g", where, lineno,
		    what, v, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int
aspect_index(struct lexicon *lx, const char *name, const char *where,
    size_t lineno, char *err, size_t errlen)
{
	unsigned i;

	for (i = 0; i < lx->naspects; i++)
		if (strcmp(lx->aspect[i], name) == 0)
			return (int)i;
	if (!*name || strchr(name, ' ')) {
		errf(err, errlen, "%s:%zu: aspect name '%s' must be one word", where,
		    lineno, name);
		return -1;
	}
	if (lx->naspects == MAX_ASPECTS) {
		errf(err, errlen, "%s:%zu: more than %d aspects", where, lineno, MAX_ASPECTS);
		return -1;
	}
	if (!(lx->aspect[i] = xstrdup(name))) {
		errf(err, errlen, "%s:%zu: out of memory", where, lineno);
		return -1;
	}
	lx->naspects++;
	return (int)i;
}

/* The valence a line of a term file gives, by its number of fields:
 * 2 earshot (or AFINN, scaled), 3-4 VADER (the mean). */
static int
line_valence(char **f, size_t nf, int afinn, const char *where, size_t lineno,
    double *v, char *err, size_t errlen)
{
	if (nf == 1) {
		errf(err, errlen, "%s:%zu: expected 'term<TAB>valence' but found no tab",
		    where, lineno);
		return -1;
	}
	if (nf > 4) {
		errf(err, errlen, "%s:%zu: too many tab-separated fields (expected "
		    "'term<TAB>valence')", where, lineno);
		return -1;
	}
	if (nf == 2 && afinn) {
		if (parse_number(where, lineno, "valence", f[1], -5, 5, v, err, errlen) < 0)
			return -1;
		*v *= 0.8;
		return 0;
	}
	return parse_number(where, lineno, "valence", f[1], -4, 4, v, err, errlen);
}

/* Applies one non-comment line of a file of the given kind. */
static int
apply_line(struct lexicon *lx, enum kind kind, int afinn, char *line,
    const char *where, size_t lineno, char *err, size_t errlen)
{
	char *f[5];
	size_t nf = split_tabs(line, f, NELEM(f) - 1), len;
	struct lexicon_entry *e, *first;
	double v = 0;
	int a = -1;

	len = lexicon_normalise(f[0], strlen(f[0]));
	f[0][len] = '\0';
	if (!len) {
		errf(err, errlen, "%s:%zu: empty term", where, lineno);
		return -1;
	}
	if (kind == K_VALENCE) {
		if (line_valence(f, nf, afinn, where, lineno, &v, err, errlen) < 0)
			return -1;
	} else if (kind == K_BOOST || kind == K_ASPECT) {
		if (nf != 2) {
			errf(err, errlen, "%s:%zu: expected 'term<TAB>%s'", where, lineno,
			    kind == K_BOOST ? "weight" : "aspect");
			return -1;
		}
		if (kind == K_BOOST &&
		    parse_number(where, lineno, "weight", f[1], -1, 1, &v, err, errlen) < 0)
			return -1;
		if (kind == K_ASPECT &&
		    (a = aspect_index(lx, str_trim(f[1]), where, lineno, err, errlen)) < 0)
			return -1;
	} else if (nf > 2 || (nf == 2 && (kind != K_CONTRAST ||
	    strcmp(str_trim(f[1]), "concessive") != 0))) {
		errf(err, errlen, "%s:%zu: expected one term per line%s", where, lineno,
		    kind == K_CONTRAST ? " (optionally <TAB>concessive)" : "");
		return -1;
	}
	if (!(e = lexicon_entry_get(lx, f[0], len))) {
		errf(err, errlen, "%s:%zu: out of memory", where, lineno);
		return -1;
	}
	if (e->words > LEXICON_MAX_WORDS) {
		errf(err, errlen, "%s:%zu: '%s' has more than %d words", where, lineno,
		    f[0], LEXICON_MAX_WORDS);
		return -1;
	}
	switch (kind) {
	case K_VALENCE:
		if (!(e->flags & LEX_VALENCE))
			lx->nvalence++;
		e->flags |= LEX_VALENCE;
		e->valence = v;
		break;
	case K_NEGATION: e->flags |= LEX_NEGATION; break;
	case K_BOOST: e->flags |= LEX_BOOST; e->boost = v; break;
	case K_CONTRAST: e->flags |= nf == 2 ? LEX_CONCESSIVE : LEX_CONTRAST; break;
	case K_ASPECT: e->aspect = a; break;
	}
	if (e->words > 1) {
		/* The first word tells the scorer how far to look for a phrase. */
		unsigned words = e->words;

		if (!(first = lexicon_entry_get(lx, f[0], strcspn(f[0], " ")))) {
			errf(err, errlen, "%s:%zu: out of memory", where, lineno);
			return -1;
		}
		if (first->phrase_max < words)
			first->phrase_max = words;
	}
	return 0;
}

static int
is_comment(const char *line)
{
	line += strspn(line, " \t\r\n");
	return *line == '#' || !*line;
}

/* AFINN files are bare integer lists; any comment line (earshot's files all
 * start with one) or a decimal means earshot's own -4..4 scale. */
static int
looks_afinn(FILE *f)
{
	char line[MAX_LINE + 2];
	int ints = 0;

	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t'), *end;

		if (line[strspn(line, " \t\r\n")] == '#')
			return 0;
		if (is_comment(line))
			continue;
		if (!tab || strchr(tab + 1, '\t'))
			return 0;
		strtol(tab + 1, &end, 10);
		if (end == tab + 1 || end[strspn(end, " \r\n")])
			return 0;
		ints++;
	}
	return ints > 0;
}

static int
load_stream(struct lexicon *lx, FILE *f, enum kind kind, const char *where,
    char *err, size_t errlen)
{
	char line[MAX_LINE + 2];
	size_t lineno = 0, n;
	int afinn = 0;

	if (kind == K_VALENCE) {
		afinn = looks_afinn(f);
		rewind(f);
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			errf(err, errlen, "%s:%zu: line longer than %d bytes", where, lineno,
			    MAX_LINE);
			return -1;
		}
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (is_comment(line))
			continue;
		if (apply_line(lx, kind, afinn, line, where, lineno, err, errlen) < 0)
			return -1;
	}
	if (ferror(f)) {
		errf(err, errlen, "%s: read error", where);
		return -1;
	}
	return 0;
}

/* Loads path; a missing companion (fallback != NULL) loads its fallback. */
static int
load_file(struct lexicon *lx, const char *path, enum kind kind,
    const char *fallback, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f && errno == ENOENT && fallback) {
		if (!*fallback)
			return 0;
		if (!(f = fmemopen((void *)fallback, strlen(fallback), "r"))) {
			errf(err, errlen, "%s: built-in default: %s", path, strerror(errno));
			return -1;
		}
		rc = load_stream(lx, f, kind, "(built-in default)", err, errlen);
		fclose(f);
		return rc;
	}
	if (!f) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = load_stream(lx, f, kind, path, err, errlen);
	fclose(f);
	return rc;
}

static int
load_companions(struct lexicon *lx, const char *first, char *err, size_t errlen)
{
	const char *slash = strrchr(first, '/');
	int dirlen = slash ? (int)(slash - first) + 1 : 0;
	char path[4096];
	size_t i;

	for (i = 0; i < NELEM(companions); i++) {
		const struct companion *c = &companions[i];

		if ((size_t)snprintf(path, sizeof path, "%.*s%s", dirlen, first, c->name) >=
		    sizeof path) {
			errf(err, errlen, "%s: path too long", first);
			return -1;
		}
		if (load_file(lx, path, c->kind, c->fallback, err, errlen) < 0)
			return -1;
	}
	return 0;
}

struct lexicon *
lexicon_load(const char *const *paths, size_t npaths, char *err, size_t errlen)
{
	struct lexicon *lx;
	size_t i;

	if (!npaths) {
		errf(err, errlen, "no lexicon file given");
		return NULL;
	}
	if (!(lx = lexicon_new())) {
		errf(err, errlen, "%s: out of memory", paths[0]);
		return NULL;
	}
	if (load_companions(lx, paths[0], err, errlen) < 0)
		goto fail;
	for (i = 0; i < npaths; i++)
		if (load_file(lx, paths[i], K_VALENCE, NULL, err, errlen) < 0)
			goto fail;
	return lx;
fail:
	lexicon_free(lx);
	return NULL;
}

struct lexicon *
lexicon_load_or_default(const char *const *paths, size_t npaths, char *err,
    size_t errlen)
{
	const char *def;

	if (npaths)
		return lexicon_load(paths, npaths, err, errlen);
	if (!(def = lexicon_default_path())) {
		errf(err, errlen, "no sentiment lexicon found: none is installed in "
		    EARSHOT_DATADIR "/lexicon, there is no ./lexicon/en.tsv, and "
		    "$EARSHOT_LEXICON is not set; name one with --lexicon FILE");
		return NULL;
	}
	return lexicon_load(&def, 1, err, errlen);
}

const char *
lexicon_default_path(void)
{
	static const char *const candidates[] = {
		EARSHOT_DATADIR "/lexicon/en.tsv",
		"lexicon/en.tsv",
	};
	const char *env = getenv("EARSHOT_LEXICON");
	size_t i;

	/* A set but wrong $EARSHOT_LEXICON is returned anyway so that loading
	 * it fails naming it, rather than silently using another lexicon. */
	if (env && *env)
		return env;
	for (i = 0; i < NELEM(candidates); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}
