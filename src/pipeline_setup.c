/* What a run and `earshot check` build from the configuration before
 * anything is fetched: each brand's lexicon and the compiled matcher; and
 * pipeline_run, which builds them for one pass. */
#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "lexicon.h"
#include "log.h"
#include "match.h"

int
pipeline_lexicons(const struct conf *c, struct lexicon ***out)
{
	struct lexicon **lx = calloc(c->nbrands + 1, sizeof *lx), *global;
	const char **paths;
	const char *def = lexicon_default_path();
	size_t i, j, n;
	char err[512];

	*out = NULL;
	if (!lx)
		return -1;
	if (!c->lexicon.n && !def) {
		log_error("no sentiment lexicon: set 'lexicon' in %s (none is installed "
		    "in " EARSHOT_DATADIR "/lexicon, there is no ./lexicon/en.tsv and "
		    "$EARSHOT_LEXICON is not set)", c->path);
		free(lx);
		return -1;
	}
	paths = calloc(c->lexicon.n + 1 + 64, sizeof *paths);
	n = 0;
	if (c->lexicon.n)
		for (i = 0; i < c->lexicon.n; i++)
			paths[n++] = c->lexicon.v[i];
	else
		paths[n++] = def;
	if (!(global = lexicon_load(paths, n, err, sizeof err))) {
		log_error("%s", err);
		free(paths);
		free(lx);
		return -1;
	}
	/* The last slot keeps the shared lexicon so it is freed exactly once. */
	lx[c->nbrands] = global;
	for (i = 0; i < c->nbrands; i++) {
		const struct conf_brand *b = &c->brands[i];
		size_t k = n;

		if (!b->lexicon.n) {
			lx[i] = global;
			continue;
		}
		for (j = 0; j < b->lexicon.n && k < n + 64; j++)
			paths[k++] = b->lexicon.v[j];
		if (!(lx[i] = lexicon_load(paths, k, err, sizeof err))) {
			log_error("brand '%s' (%s:%d): %s", b->name, b->file, b->line, err);
			lx[i] = global;
			pipeline_lexicons_free(c, lx);
			free(paths);
			return -1;
		}
	}
	free(paths);
	*out = lx;
	return 0;
}

void
pipeline_lexicons_free(const struct conf *c, struct lexicon **lx)
{
	size_t i;

	if (!lx)
		return;
	for (i = 0; i < c->nbrands; i++)
		if (lx[i] != lx[c->nbrands])
			lexicon_free(lx[i]);
	lexicon_free(lx[c->nbrands]);
	free(lx);
}

int
pipeline_prepare(const struct conf *c, struct pipeline_res *pr)
{
	pr->m = NULL;
	if (pipeline_lexicons(c, &pr->lex) < 0)
		return -1;
	if (!(pr->m = pipeline_matcher(c))) {
		pipeline_release(c, pr);
		return -1;
	}
	return 0;
}

void
pipeline_release(const struct conf *c, struct pipeline_res *pr)
{
	match_free(pr->m);
	pipeline_lexicons_free(c, pr->lex);
	pr->m = NULL;
	pr->lex = NULL;
}

enum run_result
pipeline_run(const struct conf *c, const struct run_opts *o, struct run_stats *st)
{
	struct pipeline_res pr;
	struct run_clock setup;
	enum run_result res;

	/* Loading the lexicons and compiling the patterns is the run's setup
	 * too; the pass starts its own clock, so this time is added after. */
	run_clock_start(&setup, STAGE_SETUP);
	if (pipeline_prepare(c, &pr) < 0) {
		memset(st, 0, sizeof *st);
		return RUN_CONFIG;
	}
	run_clock_stop(&setup);
	res = pipeline_pass(c, &pr, o, st);
	st->clock.wall[STAGE_SETUP] += setup.wall[STAGE_SETUP];
	st->clock.cpu[STAGE_SETUP] += setup.cpu[STAGE_SETUP];
	pipeline_release(c, &pr);
	return res;
}

struct matcher *
pipeline_matcher(const struct conf *c)
{
	struct match_brand *mb = calloc(c->nbrands + 1, sizeof *mb);
	struct match_opts mo;
	struct matcher *m;
	char err[512];
	size_t i;

	if (!mb)
		return NULL;
	for (i = 0; i < c->nbrands; i++) {
		const struct conf_brand *b = &c->brands[i];

		mb[i].name = b->name;
		mb[i].patterns = (const char *const *)b->match.v;
		mb[i].npatterns = b->match.n;
		mb[i].excludes = (const char *const *)b->exclude.v;
		mb[i].nexcludes = b->exclude.n;
		mb[i].requires = (const char *const *)b->require.v;
		mb[i].nrequires = b->require.n;
		mb[i].feeds = (const char *const *)b->feeds.v;
		mb[i].nfeeds = b->feeds.n;
		mb[i].case_sensitive = b->case_sensitive;
	}
	match_opts_default(&mo);
	/* JIT code is opaque to valgrind, which reports false errors in it;
	 * EARSHOT_NO_JIT=1 gives it (and anyone debugging) the interpreter. */
	mo.no_jit = getenv("EARSHOT_NO_JIT") && strcmp(getenv("EARSHOT_NO_JIT"), "0");
	mo.context_sentences = (unsigned)c->context_sentences;
	if (!(m = match_new(mb, c->nbrands, &mo, err, sizeof err)))
		log_error("%s: %s", c->path, err);
	free(mb);
	return m;
}
