/* Explanations: the analysis the scorer built (sentiment_int.h), read back
 * as a responder's one-line reason or `earshot explain`'s full account. Both
 * name terms as they were matched, lower-cased. */
#include "sentiment.h"

#include <math.h>

#include "buf.h"
#include "sentiment_int.h"

#define MAX_REASON 5       /* terms named in a reason */

#define UNIT_FMT "'%.*s'"
#define UNIT_ARG(a, u) (int)(a)->unit[u].len, (a)->tk.lower + (a)->unit[u].off

/* Where a hit sits relative to the contrast word weighing it. */
static const char *
contrast_place(const struct analysis *a, size_t u)
{
	const struct unit *un = &a->unit[u];
	int concessive = a->unit[un->contrast].e->flags & LEX_CONCESSIVE;

	if (concessive)
		return un->factor < 1 ? "inside the clause of" : "outside the clause of";
	return (size_t)un->contrast > u ? "before" : "after";
}

/* "negated by 'not', 'very', caps, after 'but', !!" */
static int
brief_notes(const struct analysis *a, const struct hit *h, struct buf *out)
{
	const struct unit *u = &a->unit[h->unit];
	const char *sep = " (";
	int rc = 0;
	unsigned i;

	if (h->nneg)
		rc |= buf_printf(out, "%snegated by " UNIT_FMT, sep, UNIT_ARG(a, h->neg)), sep = ", ";
	if (h->never_so)
		rc |= buf_printf(out, "%s'never so'", sep), sep = ", ";
	for (i = 0; i < h->nboost; i++, sep = ", ")
		rc |= buf_printf(out, "%s" UNIT_FMT, sep, UNIT_ARG(a, h->boost_unit[i]));
	if (h->caps)
		rc |= buf_printf(out, "%scaps", sep), sep = ", ";
	if (h->stretch)
		rc |= buf_printf(out, "%selongated", sep), sep = ", ";
	if (u->contrast >= 0)
		rc |= buf_printf(out, "%s%s " UNIT_FMT, sep, contrast_place(a, h->unit),
		    UNIT_ARG(a, u->contrast)), sep = ", ";
	if (h->emph) {
		rc |= buf_printf(out, "%s%.*s%s", sep, a->tk.nexcl < MAX_EXCL ? (int)a->tk.nexcl :
		    MAX_EXCL, "!!!!", a->tk.nquest > 1 ? "??" : "");
		sep = ", ";
	}
	if (*sep == ',')
		rc |= buf_putc(out, ')');
	return rc;
}

static int
aspect_list(const struct lexicon *lx, unsigned bits, const char *lead,
    struct buf *out)
{
	const char *name, *sep = lead;
	unsigned i;
	int rc = 0;

	for (i = 0; (name = lexicon_aspect_name(lx, i)); i++)
		if (bits & (1u << i)) {
			rc |= buf_printf(out, "%s%s", sep, name);
			sep = ", ";
		}
	return rc;
}

int
sentiment_reason(const struct lexicon *lx, const char *text, size_t len,
    struct buf *out)
{
	struct analysis a;
	size_t order[MAX_HITS], i, j;
	int rc = 0;

	sentiment_analyse(&a, lx, text, len);
	/* Strongest first, ties in text order (insertion sort: n is small). */
	for (i = 0; i < a.nhit; i++) {
		for (j = i; j > 0 && fabs(a.hit[order[j - 1]].value) < fabs(a.hit[i].value); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < a.nhit && i < MAX_REASON; i++) {
		const struct hit *h = &a.hit[order[i]];

		rc |= buf_printf(out, "%s" UNIT_FMT " %+.1f", i ? ", " : "",
		    UNIT_ARG(&a, h->unit), h->value);
		rc |= brief_notes(&a, h, out);
	}
	if (!a.nhit)
		rc |= buf_puts(out, "no opinion words");
	rc |= aspect_list(lx, a.aspects, "; about ", out);
	return rc ? -1 : 0;
}

static int
explain_hit(const struct analysis *a, const struct hit *h, struct buf *out)
{
	const struct unit *u = &a->unit[h->unit];
	int rc = 0;
	unsigned i;

	rc |= buf_printf(out, UNIT_FMT ": valence %+.2f%s\n", UNIT_ARG(a, h->unit),
	    h->base, u->e->words > 1 ? " (phrase)" : "");
	if (h->caps)
		rc |= buf_printf(out, "  ALL CAPS in mixed-case text: %+.3f\n", h->caps);
	if (h->stretch)
		rc |= buf_printf(out, "  elongated: %+.3f\n", h->stretch);
	for (i = 0; i < h->nboost; i++)
		rc |= buf_printf(out, "  %s by " UNIT_FMT ": %+.3f\n",
		    fabs(h->base + h->boost[i]) >= fabs(h->base) ? "boosted" : "damped",
		    UNIT_ARG(a, h->boost_unit[i]), h->boost[i]);
	if (h->nneg)
		rc |= buf_printf(out, "  negated by " UNIT_FMT ": x%.2f\n", UNIT_ARG(a, h->neg),
		    pow(NEGATE, h->nneg));
	if (h->never_so)
		rc |= buf_printf(out, "  'never so' emphasis: x%.2f\n", NEVER_SO);
	if (u->contrast >= 0)
		rc |= buf_printf(out, "  %s " UNIT_FMT ": x%.2f\n", contrast_place(a, h->unit),
		    UNIT_ARG(a, u->contrast), u->factor);
	if (h->emph)
		rc |= buf_printf(out, "  emphasis from %u '!' and %u '?': %+.3f\n", a->tk.nexcl,
		    a->tk.nquest, h->emph);
	rc |= buf_printf(out, "  = %+.3f\n", h->value);
	return rc;
}

int
sentiment_explain(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct buf *out)
{
	struct sentiment_opts def;
	struct sentiment s;
	struct analysis a;
	size_t i;
	int rc = 0;

	if (!o) {
		sentiment_opts_default(&def);
		o = &def;
	}
	sentiment_analyse(&a, lx, text, len);
	sentiment_finish(&a, o, &s);
	for (i = 0; i < a.nhit; i++)
		rc |= explain_hit(&a, &a.hit[i], out);
	if (!a.nhit)
		rc |= buf_puts(out, "no opinion words\n");
	rc |= buf_printf(out, "sum: %+.3f\n", a.sum);
	rc |= buf_printf(out, "compound: %+.4f (sum / sqrt(sum^2 + %g), in -1..+1)\n",
	    s.compound, ALPHA);
	rc |= buf_printf(out, "shares: positive %.3f, negative %.3f, neutral %.3f\n",
	    s.pos, s.neg, s.neu);
	rc |= buf_printf(out, "label: %s (positive at %+.2f or more, negative at %+.2f "
	    "or less)\n", sentiment_label_name(s.label), o->pos_threshold, o->neg_threshold);
	rc |= buf_puts(out, "aspects:");
	rc |= s.aspects ? aspect_list(lx, s.aspects, " ", out) : buf_puts(out, " none");
	rc |= buf_putc(out, '\n');
	if (a.tk.truncated)
		rc |= buf_printf(out, "note: the text is long; only its first %zu words "
		    "were scored\n", a.tk.ntok);
	return rc ? -1 : 0;
}
