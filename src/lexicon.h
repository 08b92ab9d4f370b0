/* The sentiment lexicon: term valences plus the companion lists the rules
 * use (negations, intensifiers, contrast words, phrases, aspects). Loaded
 * once per run, read-only afterwards, so safe to share. */
#ifndef EARSHOT_LEXICON_H
#define EARSHOT_LEXICON_H

#include <stddef.h>

struct lexicon;

/* Loads the files in order, later entries overriding earlier ones. Each file
 * is earshot's own format or a third-party `term<TAB>score` file (AFINN,
 * VADER). Companion lists are found beside the first file. (A file with no
 * comment lines and only whole-number scores is taken for AFINN and scaled
 * by 0.8; a missing companion gets a built-in list, see lexicon/.) Returns a
 * lexicon the caller frees with lexicon_free, or NULL with a reason naming
 * the file and line in err. */
struct lexicon *lexicon_load(const char *const *paths, size_t npaths,
    char *err, size_t errlen);
/* Frees lx and its entries; NULL is ignored. */
void lexicon_free(struct lexicon *lx);
/* lexicon_load, or with no paths the lexicon_default_path(); for commands
 * with a --lexicon option. Returns NULL with the reason in err (also when
 * there is no default). */
struct lexicon *lexicon_load_or_default(const char *const *paths, size_t npaths,
    char *err, size_t errlen);
/* Number of term entries (for messages and tests). */
size_t lexicon_size(const struct lexicon *lx);
/* The lexicon used when the configuration names none: $EARSHOT_LEXICON, else
 * the installed EARSHOT_DATADIR/lexicon/en.tsv, else ./lexicon/en.tsv (a
 * source checkout). Returns a static or borrowed string, or NULL if none of
 * them exists. A set $EARSHOT_LEXICON is returned even if missing, so that
 * loading it fails naming it. */
const char *lexicon_default_path(void);

/* What the lexicon knows about one term (a word, an emoticon, an emoji or a
 * multi-word phrase); one term may play several roles. Terms are stored
 * normalised: ASCII lower case, words separated by one space, emoji without
 * variation selectors or skin tones (see lexicon_normalise). */
struct lexicon_entry {
	const char *term;
	size_t len;
	double valence;     /* -4..+4, when flags & LEX_VALENCE */
	double boost;       /* intensifier (> 0) or dampener (< 0), LEX_BOOST */
	unsigned flags;     /* LEX_* below */
	int aspect;         /* index of its aspect (lexicon_aspect_name), or -1 */
	unsigned words;     /* number of words in the term */
	unsigned phrase_max; /* longest multi-word term starting with this word */
};

enum {
	LEX_VALENCE = 1u << 0,    /* has a valence (0 = known neutral) */
	LEX_NEGATION = 1u << 1,   /* flips what follows */
	LEX_BOOST = 1u << 2,      /* intensifies or dampens what follows */
	LEX_CONTRAST = 1u << 3,   /* "but": what follows weighs more */
	LEX_CONCESSIVE = 1u << 4  /* "although": its own clause weighs less */
};

/* Most words a multi-word term may have; longer ones are a load error. */
#define LEXICON_MAX_WORDS 6

/* The entry for the normalised term[0..len), or NULL. O(1), no allocation;
 * the entry lives as long as lx. */
const struct lexicon_entry *lexicon_find(const struct lexicon *lx,
    const char *term, size_t len);
/* Name of aspect i in the order aspects.tsv introduces them, or NULL past the
 * last (at most 32). */
const char *lexicon_aspect_name(const struct lexicon *lx, unsigned i);
/* Normalises a term in place as lexicon_find expects it (see above) and
 * returns its new length. */
size_t lexicon_normalise(char *s, size_t len);

#endif
