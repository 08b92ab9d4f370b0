/* The sentiment lexicon: term valences plus the companion lists the rules
 * use (negations, intensifiers, contrast words, phrases, aspects). Loaded
 * once per run, read-only afterwards, so safe to share. */
#ifndef EARSHOT_LEXICON_H
#define EARSHOT_LEXICON_H

#include <stddef.h>

struct lexicon;

/* Loads the files in order, later entries overriding earlier ones. Each file
 * is earshot's own format or a third-party `term<TAB>score` file (AFINN,
 * VADER). Companion lists are found beside the first file. Returns a
 * lexicon the caller frees with lexicon_free, or NULL with a reason naming
 * the file and line in err. */
struct lexicon *lexicon_load(const char *const *paths, size_t npaths,
    char *err, size_t errlen);
void lexicon_free(struct lexicon *lx);
/* Number of term entries (for messages and tests). */
size_t lexicon_size(const struct lexicon *lx);
/* The lexicon used when the configuration names none: $EARSHOT_LEXICON, else
 * the installed EARSHOT_DATADIR/lexicon/en.tsv, else ./lexicon/en.tsv (a
 * source checkout). Returns a static or borrowed string, or NULL if none of
 * them exists. */
const char *lexicon_default_path(void);

#endif
