/* Finds brand mentions with PCRE2 and cuts the context each one is scored on. */
#ifndef EARSHOT_MATCH_H
#define EARSHOT_MATCH_H

#include <stddef.h>

/* One brand's rules, as configured. Arrays are borrowed for match_new's
 * call only. */
struct match_brand {
	const char *name;
	const char *const *patterns;  /* at least one; PCRE2 syntax */
	size_t npatterns;
	const char *const *excludes;  /* a hit inside an exclude match is ignored */
	size_t nexcludes;
	const char *const *requires;  /* each must also match somewhere in the text */
	size_t nrequires;
	const char *const *feeds;     /* only these feeds; none = all feeds */
	size_t nfeeds;
	int case_sensitive;           /* default 0: case-insensitive */
};

struct match_opts {
	unsigned context_sentences;   /* neighbours each side of the hit's sentence (0) */
	unsigned max_context;         /* bytes cap on the context (600) */
	unsigned match_limit;         /* PCRE2 match limit per call */
	unsigned depth_limit;         /* PCRE2 depth limit per call */
	int no_jit;                   /* 1: interpreter only (as when JIT is unavailable) */
	int no_prefilter;             /* 1: run every brand's patterns on every text */
};

/* A brand's first mention in a text. Offsets are bytes into the text. The
 * context is the hit's sentence plus context_sentences sentences either side
 * (breaks: . ! ? U+2026 and their runs and closing quotes before whitespace,
 * except after abbreviations and initials; every line break), trimmed of
 * whitespace and cut to max_context bytes around the hit on UTF-8
 * boundaries (a hit longer than that is its own context). */
struct match_hit {
	size_t brand;        /* index into the brands given to match_new */
	size_t start, end;   /* the matched span */
	size_t ctx_start, ctx_end; /* the sentence(s) around it, for scoring */
};

struct matcher;

/* Fills o with the defaults: 0 neighbour sentences, 600 bytes of context,
 * limits of 100000 matches and depth 5000, JIT and prefilter on. Zero
 * limits or cap given to match_new also mean these defaults; more than 64
 * context sentences count as 64. */
void match_opts_default(struct match_opts *o);
/* Compiles (and JITs) every pattern. Returns a matcher the caller frees with
 * match_free, or NULL with a message naming the brand, the pattern and the
 * offset of the error in err. o may be NULL for defaults. */
struct matcher *match_new(const struct match_brand *brands, size_t n,
    const struct match_opts *o, char *err, size_t errlen);
/* Frees the matcher and everything it compiled; NULL is fine. */
void match_free(struct matcher *m);
/* Finds at most one hit per brand in text[0..len) (UTF-8) from the given feed
 * (NULL: ignore feed scoping), in brand order. Writes up to maxhits hits and
 * returns how many. A brand whose patterns hit the match or depth limit is
 * skipped for this text and counted in *nerrors (may be NULL) with its
 * reason in err; the other brands are still matched.
 * A brand's hit is the earliest-starting non-empty match of any of its
 * patterns that overlaps no exclude match, in a text every require pattern
 * matches. *nerrors is set to the brands skipped; err holds the first one's
 * reason ("brand NAME: pattern N: match limit exceeded") or is emptied. It
 * uses the matcher's own scratch space: from one thread at a time. */
int match_text(const struct matcher *m, const char *feed, const char *text,
    size_t len, struct match_hit *hits, size_t maxhits, unsigned *nerrors,
    char *err, size_t errlen);

/* Scratch space for matching (match data, JIT stack, per-brand flags): a
 * matcher is read-only once built, so threads can share it, each matching
 * with a scratch of its own. */
struct match_scratch;
/* Scratch for m's brands; NULL when out of memory. Free with
 * match_scratch_free (NULL is fine) before m. */
struct match_scratch *match_scratch_new(const struct matcher *m);
void match_scratch_free(struct match_scratch *sc);
/* match_text with the caller's scratch sc (made for m). */
int match_text_with(const struct matcher *m, struct match_scratch *sc,
    const char *feed, const char *text, size_t len, struct match_hit *hits,
    size_t maxhits, unsigned *nerrors, char *err, size_t errlen);
/* Writes brand's prefilter literals (lowercase, '|'-separated) into out and
 * returns how many there are; 0 means the brand's patterns are run on every
 * text (a pattern the literal analysis does not follow, or no_prefilter). */
size_t match_literals(const struct matcher *m, size_t brand, char *out,
    size_t outlen);

#endif
