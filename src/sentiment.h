/* Scores text against a lexicon with VADER-class rules, and explains why. */
#ifndef EARSHOT_SENTIMENT_H
#define EARSHOT_SENTIMENT_H

#include <stddef.h>

#include "buf.h"
#include "lexicon.h"

enum sentiment_label { SENT_NEGATIVE = -1, SENT_NEUTRAL = 0, SENT_POSITIVE = 1 };

struct sentiment {
	double compound;            /* normalised sum, in [-1, 1] */
	double pos, neg, neu;       /* shares of the text's weight, sum to 1 */
	enum sentiment_label label; /* from compound and the thresholds */
	unsigned aspects;           /* bit i set: aspect i was mentioned */
};

struct sentiment_opts {
	double pos_threshold; /* label positive when compound >= this (0.05) */
	double neg_threshold; /* label negative when compound <= this (-0.05) */
};

/* Defaults: 0.05 / -0.05. */
void sentiment_opts_default(struct sentiment_opts *o);
/* Scores text[0..len) (UTF-8). Never fails; empty text scores 0, neutral.
 * o may be NULL for defaults. No allocation; a text past 512 tokens is
 * scored on its first 512 (invalid UTF-8 separates words). */
void sentiment_score(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct sentiment *out);
/* Blends a star rating into s: rating is normalised to 0..1 (negative: the
 * item has none, and s is left alone), mapped to -1..+1 and mixed in with
 * weight 0..1 (0: text only, 1: rating only); s->label follows the new
 * compound with o's thresholds (NULL for defaults). Never fails. */
void sentiment_blend_rating(struct sentiment *s, const struct sentiment_opts *o,
    double rating, double weight);

/* Appends a one-line reason for a responder to out, e.g.
 * "'refund' -2.1, 'never again' -2.5 (negated: 'good'); about billing".
 * At most five terms, strongest first. Returns 0, or -1 if out of memory. */
int sentiment_reason(const struct lexicon *lx, const char *text, size_t len,
    struct buf *out);
/* Appends the full multi-line explanation (`earshot explain`) to out; o may
 * be NULL for defaults. Returns 0, or -1 if out of memory. */
int sentiment_explain(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct buf *out);
/* Name of aspect bit i ("billing", "support", ...) or NULL past the last. */
const char *sentiment_aspect_name(const struct lexicon *lx, unsigned i);
/* "positive", "negative" or "neutral" (a static string). */
const char *sentiment_label_name(enum sentiment_label l);

#endif
