/* Private to sentiment.c and sentiment_explain.c: the analysis the scorer
 * builds, which the explanations read back. */
#ifndef EARSHOT_SENTIMENT_INT_H
#define EARSHOT_SENTIMENT_INT_H

#include <stdint.h>

#include "sentiment.h"
#include "token.h"

#define MAX_HITS 256
#define WINDOW 3           /* how far back negations and boosters reach */

/* The rule constants, after VADER's published ones (Hutto & Gilbert 2014). */
#define NEGATE (-0.74)     /* a negated valence flips and weakens */
#define NEVER_SO 1.25      /* "never so good": emphasis, not negation */
#define CAPS 0.733         /* an ALL CAPS word in mixed-case text */
#define STRETCH 0.3        /* an elongated word: "goood", "sooo" (earshot's own) */
#define EXCL 0.292         /* per '!', up to MAX_EXCL */
#define MAX_EXCL 4
#define QUEST 0.18         /* per '?' when there are two or more */
#define MAX_QUEST 0.96
#define BEFORE_BUT 0.5
#define AFTER_BUT 1.5
#define ALPHA 15.0         /* compound = s / sqrt(s^2 + ALPHA) */

struct unit {
	uint16_t off, len;       /* in tk.lower: its tokens joined by single spaces */
	uint16_t sent, clause;
	uint8_t shout;
	uint8_t stretched;       /* one of its words was elongated */
	int16_t contrast;        /* the contrast word weighing it, or -1 */
	float factor;            /* contrast weight: BEFORE_BUT, 1 or AFTER_BUT */
	const struct lexicon_entry *e;
};

struct hit {
	uint16_t unit;
	int16_t neg;             /* nearest negation, or -1 */
	uint8_t nneg;            /* negations that flipped it */
	uint8_t never_so;
	uint8_t nboost;
	int16_t boost_unit[WINDOW];
	float boost[WINDOW];
	float base, caps, stretch, emph, value;
};

struct analysis {
	struct tokens tk;
	struct unit unit[TOKEN_MAX];
	size_t nunit;
	struct hit hit[MAX_HITS];
	size_t nhit;
	unsigned aspects;
	int emph_hit;
	double sum, pos, neg, neu;
};

/* Scores text[0..len) into a, replacing what a held; lx or text NULL scores
 * as empty. Never fails, allocates nothing. */
void sentiment_analyse(struct analysis *a, const struct lexicon *lx,
    const char *text, size_t len);
/* The public result of a, with o's thresholds (NULL for the defaults). */
void sentiment_finish(const struct analysis *a, const struct sentiment_opts *o,
    struct sentiment *out);

#endif
