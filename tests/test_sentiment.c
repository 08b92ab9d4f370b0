/* The scorer's rules, checked against the small fixture lexicon in
 * tests/data/lexicon/rules (round valences: good 2, bad -2, great 3,
 * expensive -1, love 3, service 1, :) 2, 😡 -3 ...) so that every expected
 * value below can be worked out by hand: compound = s / sqrt(s^2 + 15).
 * A few whole-lexicon checks at the end use lexicon/en.tsv. Run from the
 * repository root. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment.h"
#include "test.h"
#include "util.h"

static struct lexicon *rules, *real;
static struct buf reason_buf, explain_buf;

static double
norm(double s)
{
	return s / sqrt(s * s + 15);
}

static struct sentiment
score_with(const struct lexicon *lx, const char *text)
{
	struct sentiment s;

	sentiment_score(lx, NULL, text, strlen(text), &s);
	return s;
}

static double
compound(const char *text)
{
	return score_with(rules, text).compound;
}

/* The reason or explanation of text, as a static string. */
static const char *
reason(const struct lexicon *lx, const char *text)
{
	buf_reset(&reason_buf);
	CHECK(sentiment_reason(lx, text, strlen(text), &reason_buf) == 0);
	return reason_buf.data ? reason_buf.data : "";
}

static const char *
explain(const struct lexicon *lx, const char *text)
{
	buf_reset(&explain_buf);
	CHECK(sentiment_explain(lx, NULL, text, strlen(text), &explain_buf) == 0);
	return explain_buf.data ? explain_buf.data : "";
}

#define CHECK_HAS(hay, needle) do { \
	const char *h_ = (hay); \
	if (strstr(h_, (needle))) test_passed++; \
	else { test_failed++; fprintf(stderr, "%s:%d: FAIL: \"%s\" lacks \"%s\"\n", \
	    __FILE__, __LINE__, h_, (needle)); } \
} while (0)

static void
test_plain(void)
{
	CHECK_NEAR(compound("good"), norm(2), 1e-6);
	CHECK_NEAR(compound("Good"), norm(2), 1e-6);
	CHECK_NEAR(compound("good bad"), 0, 1e-9);
	CHECK_NEAR(compound("great love"), norm(6), 1e-6);
	/* "stuff" is known and neutral; unknown words are neutral too. */
	CHECK_NEAR(compound("stuff whatever"), 0, 1e-9);
}

static void
test_negation(void)
{
	CHECK_NEAR(compound("not good"), norm(2 * -0.74), 1e-6);
	CHECK_NEAR(compound("not bad"), norm(1.5), 1e-6);       /* the phrase */
	CHECK_NEAR(compound("never bad"), norm(-2 * -0.74), 1e-6);
	/* Three words back is in reach, four is not. */
	CHECK_NEAR(compound("not x y good"), norm(-1.48), 1e-6);
	CHECK_NEAR(compound("not x y z good"), norm(2), 1e-6);
	/* A negation does not cross a sentence end. */
	CHECK_NEAR(compound("Not. Good."), norm(2), 1e-6);
	/* Two negations flip back (weakened twice). */
	CHECK_NEAR(compound("not never good"), norm(2 * 0.74 * 0.74), 1e-6);
	/* Any n't form counts, listed or not; so does a multi-word negation. */
	CHECK_NEAR(compound("shouldn't good"), norm(-1.48), 1e-6);
	CHECK_NEAR(compound("mustn\xe2\x80\x99t good"), norm(-1.48), 1e-6);
	CHECK_NEAR(compound("no one good"), norm(-1.48), 1e-6);
	/* "least" negates, "at least" does not. */
	CHECK_NEAR(compound("the least good"), norm(-1.48), 1e-6);
	CHECK_NEAR(compound("at least good"), norm(2), 1e-6);
	/* "never so good" is emphasis, not negation. */
	CHECK_NEAR(compound("never so good"), norm(2 * 1.25), 1e-6);
	CHECK(compound("not good") < 0);
}

static void
test_boosters(void)
{
	CHECK_NEAR(compound("very good"), norm(2.25), 1e-6);
	CHECK_NEAR(compound("very bad"), norm(-2.25), 1e-6);
	/* Decay with distance: 0.25 one word back, 0.25 * 0.95 two back. */
	CHECK_NEAR(compound("very very good"), norm(2 + 0.25 + 0.2375), 1e-6);
	CHECK_NEAR(compound("very x good"), norm(2.2375), 1e-6);
	CHECK_NEAR(compound("slightly bad"), norm(-1.8), 1e-6);
	CHECK_NEAR(compound("kind of good"), norm(1.8), 1e-6);
	/* Negation applies after the booster: (2 + 0.25) * -0.74. */
	CHECK_NEAR(compound("not very good"), norm(2.25 * -0.74), 1e-6);
	CHECK(compound("very good") > compound("good"));
	CHECK(compound("kind of good") < compound("good"));
	CHECK(compound("kind of good") > 0);
}

static void
test_caps(void)
{
	/* Emphasis only when the text mixes cases. */
	CHECK_NEAR(compound("GOOD stuff"), norm(2.733), 1e-6);
	CHECK_NEAR(compound("BAD stuff"), norm(-2.733), 1e-6);
	CHECK_NEAR(compound("GOOD STUFF"), norm(2), 1e-6);
	/* A booster in caps boosts more: 0.25 + 0.733. */
	CHECK_NEAR(compound("VERY good"), norm(2 + 0.983), 1e-6);
	/* One capital letter is not shouting. */
	CHECK_NEAR(compound("I think Good stuff"), norm(2), 1e-6);
}

static void
test_elongation(void)
{
	/* A letter three times or more reads as twice ("goood": good), else as
	 * once ("baaad": bad), and adds STRETCH (0.3) of emphasis. */
	CHECK_NEAR(compound("goood"), norm(2.3), 1e-6);
	CHECK_NEAR(compound("goooooooood"), norm(2.3), 1e-6);
	CHECK_NEAR(compound("baaaad"), norm(-2.3), 1e-6);
	CHECK_NEAR(compound("BAAAAD stuff"), norm(-2 - 0.733 - 0.3), 1e-6);
	/* A stretched booster boosts more, a stretched negation still negates. */
	CHECK_NEAR(compound("veeery good"), norm(2 + 0.25 + 0.3), 1e-6);
	CHECK_NEAR(compound("nooot good"), norm(2 * -0.74), 1e-6);
	/* Double letters are not elongation; neither are digits. */
	CHECK_NEAR(compound("good"), norm(2), 1e-6);
	CHECK_NEAR(compound("1000 good"), norm(2), 1e-6);
	/* A stretched word neither form of which is known stays unknown. */
	CHECK_NEAR(compound("gooodd"), 0, 1e-9);
	CHECK_HAS(explain(rules, "goood"), "elongated: +0.300");
	CHECK_HAS(reason(rules, "baaad"), "'bad' -2.3 (elongated)");
	if (real)
		CHECK(score_with(real, "sooo goood").compound > score_with(real, "so good").compound);
}

static void
test_rating_blend(void)
{
	struct sentiment s;

	/* Weight 0 or no rating: the text score stands. */
	s = score_with(rules, "bad");
	sentiment_blend_rating(&s, NULL, 1.0, 0);
	CHECK_NEAR(s.compound, norm(-2), 1e-9);
	sentiment_blend_rating(&s, NULL, -1, 0.5);
	CHECK_NEAR(s.compound, norm(-2), 1e-9);
	CHECK_INT(s.label, SENT_NEGATIVE);
	/* Five stars (1.0 -> +1) at half weight lift a negative text to positive. */
	sentiment_blend_rating(&s, NULL, 1.0, 0.5);
	CHECK_NEAR(s.compound, 0.5 * norm(-2) + 0.5, 1e-9);
	CHECK_INT(s.label, SENT_POSITIVE);
	/* Weight 1: the rating alone; three of five stars (0.5) is neutral. */
	s = score_with(rules, "great love");
	sentiment_blend_rating(&s, NULL, 0.5, 1);
	CHECK_NEAR(s.compound, 0, 1e-9);
	CHECK_INT(s.label, SENT_NEUTRAL);
	/* One star (0) at a quarter weight pulls a neutral text negative. */
	s = score_with(rules, "stuff");
	sentiment_blend_rating(&s, NULL, 0, 0.25);
	CHECK_NEAR(s.compound, -0.25, 1e-9);
	CHECK_INT(s.label, SENT_NEGATIVE);
}

static void
test_punctuation(void)
{
	CHECK_NEAR(compound("good!"), norm(2.292), 1e-6);
	CHECK_NEAR(compound("good!!"), norm(2.584), 1e-6);
	CHECK_NEAR(compound("bad!!"), norm(-2.584), 1e-6);
	CHECK_NEAR(compound("good!!!!!!!!"), norm(2 + 4 * 0.292), 1e-6);
	CHECK_NEAR(compound("good?"), norm(2), 1e-6);
	CHECK_NEAR(compound("good??"), norm(2.36), 1e-6);
	CHECK_NEAR(compound("good??????????"), norm(2.96), 1e-6);
	/* Nothing to emphasise: still zero. */
	CHECK_NEAR(compound("stuff!!!"), 0, 1e-9);
}

static void
test_contrast(void)
{
	CHECK_NEAR(compound("good but expensive"), norm(2 * 0.5 - 1.5), 1e-6);
	CHECK_NEAR(compound("expensive but good"), norm(-0.5 + 3), 1e-6);
	/* A sentence opening with "But" weighs down the one before. */
	CHECK_NEAR(compound("Good. But expensive."), norm(1 - 1.5), 1e-6);
	/* Only that sentence: the first one keeps its weight. */
	CHECK_NEAR(compound("Great. Good. But expensive."), norm(3 + 1 - 1.5), 1e-6);
	/* Concessive: its own clause weighs less, the rest more. */
	CHECK_NEAR(compound("although expensive, good"), norm(-0.5 + 3), 1e-6);
	CHECK_NEAR(compound("good, although expensive"), norm(3 - 0.5), 1e-6);
	/* Only the first contrast word of a sentence counts. */
	CHECK_NEAR(compound("good but bad but great"), norm(1 - 3 + 4.5), 1e-6);
	CHECK(compound("good but expensive") < 0);
}

static void
test_phrases(void)
{
	CHECK_NEAR(compound("a waste of money"), norm(-2.5), 1e-6);
	/* A neutral phrase shields its words: "service" alone is +1. */
	CHECK_NEAR(compound("good service"), norm(3), 1e-6);
	CHECK_NEAR(compound("customer service"), 0, 1e-9);
	CHECK_NEAR(compound("Customer   Service"), 0, 1e-9);
	/* A phrase does not span punctuation. */
	CHECK_NEAR(compound("customer, service"), norm(1), 1e-6);
	/* Rules apply around a phrase. */
	CHECK_NEAR(compound("very waste of money"), norm(-2.75), 1e-6);
	CHECK_NEAR(compound("on hold"), norm(-1), 1e-6);
	/* A hyphenated term is its words: "rip-off" is "rip off" either way. */
	CHECK_NEAR(compound("a rip-off"), norm(-3), 1e-6);
	CHECK_NEAR(compound("a rip off"), norm(-3), 1e-6);
	CHECK_NEAR(compound("a rip - off"), 0, 1e-9);
	/* Longest match first: "not bad" wins over the negation rule. */
	CHECK_NEAR(compound("very not bad"), norm(1.75), 1e-6);
}

static void
test_emoticons_emoji(void)
{
	CHECK_NEAR(compound("love it :)"), norm(5), 1e-6);
	CHECK_NEAR(compound("love it :)."), norm(5), 1e-6);
	CHECK_NEAR(compound("ugh :-("), norm(-2), 1e-6);
	CHECK_NEAR(compound("<3"), norm(2.5), 1e-6);
	/* Glued to a word it is not an emoticon; nor is a URL's ":/". */
	CHECK_NEAR(compound("great:)"), norm(3), 1e-6);
	CHECK_NEAR(compound("see http://x.example/"), 0, 1e-9);
	CHECK_NEAR(compound("😡😡"), norm(-6), 1e-6);
	CHECK_NEAR(compound("stuff😡"), norm(-3), 1e-6);
	/* Variation selectors and skin tones do not hide an emoji. */
	CHECK_NEAR(compound("❤️"), norm(2.5), 1e-6);
	CHECK_NEAR(compound("👍🏽"), norm(2), 1e-6);
	CHECK_NEAR(compound("not 👍"), norm(-1.48), 1e-6);
	/* A joined emoji the lexicon lacks reads as its first part. */
	CHECK_NEAR(compound("😡\xe2\x80\x8d🔥"), norm(-3), 1e-6);
	CHECK_NEAR(compound("👍\xf0\x9f\x8f\xbd\xe2\x80\x8d❤️"), norm(2), 1e-6);
	CHECK(score_with(rules, "😡😡").label == SENT_NEGATIVE);
}

static void
test_labels_and_shares(void)
{
	struct sentiment_opts o;
	struct sentiment s;

	s = score_with(rules, "good");
	CHECK_INT(s.label, SENT_POSITIVE);
	s = score_with(rules, "bad");
	CHECK_INT(s.label, SENT_NEGATIVE);
	s = score_with(rules, "stuff");
	CHECK_INT(s.label, SENT_NEUTRAL);
	/* Shares: an opinion word weighs 1 + |value|, a neutral word 1. */
	s = score_with(rules, "good stuff");
	CHECK_NEAR(s.pos, 3.0 / 4, 1e-6);
	CHECK_NEAR(s.neu, 1.0 / 4, 1e-6);
	CHECK_NEAR(s.neg, 0, 1e-9);
	s = score_with(rules, "good bad x");
	CHECK_NEAR(s.pos + s.neg + s.neu, 1, 1e-9);
	CHECK_NEAR(s.pos, 3.0 / 7, 1e-6);
	/* Thresholds come from the options. */
	sentiment_opts_default(&o);
	CHECK_NEAR(o.pos_threshold, 0.05, 1e-12);
	CHECK_NEAR(o.neg_threshold, -0.05, 1e-12);
	o.pos_threshold = 0.5;
	sentiment_score(rules, &o, "good", 4, &s);
	CHECK_INT(s.label, SENT_NEUTRAL);
	o.neg_threshold = -0.8;
	sentiment_score(rules, &o, "bad", 3, &s);
	CHECK_INT(s.label, SENT_NEUTRAL);
	CHECK_STR(sentiment_label_name(SENT_POSITIVE), "positive");
	CHECK_STR(sentiment_label_name(SENT_NEGATIVE), "negative");
	CHECK_STR(sentiment_label_name(SENT_NEUTRAL), "neutral");
}

static void
test_aspects(void)
{
	struct sentiment s = score_with(rules, "my refund was on hold");

	CHECK_INT(s.aspects, 1u << 0 | 1u << 1);
	s = score_with(rules, "customer service");
	CHECK_INT(s.aspects, 1u << 2);
	s = score_with(rules, "good");
	CHECK_INT(s.aspects, 0);
	CHECK_STR(sentiment_aspect_name(rules, 0), "billing");
	CHECK_STR(sentiment_aspect_name(rules, 2), "support");
	CHECK(sentiment_aspect_name(rules, 3) == NULL);
	CHECK(sentiment_aspect_name(rules, 99) == NULL);
}

static void
test_reason(void)
{
	CHECK_STR(reason(rules, "good"), "'good' +2.0");
	CHECK_STR(reason(rules, "stuff"), "no opinion words");
	CHECK_STR(reason(rules, ""), "no opinion words");
	/* Strongest first, with the rules applied. */
	CHECK_STR(reason(rules, "not good but very bad"),
	    "'bad' -3.4 ('very', after 'but'), 'good' -0.7 (negated by 'not', before 'but')");
	CHECK_STR(reason(rules, "BAD stuff!!"), "'bad' -3.3 (caps, !!)");
	CHECK_STR(reason(rules, "refund on hold"), "'on hold' -1.0; about billing, speed");
	CHECK_STR(reason(rules, "although expensive, good"),
	    "'good' +3.0 (outside the clause of 'although'), "
	    "'expensive' -0.5 (inside the clause of 'although')");
	/* At most five terms. */
	CHECK_STR(reason(rules, "good bad great love expensive good"),
	    "'great' +3.0, 'love' +3.0, 'good' +2.0, 'bad' -2.0, 'good' +2.0");
}

static void
test_explain(void)
{
	const char *e = explain(rules, "not good but VERY bad!");

	CHECK_HAS(e, "'good': valence +2.00\n");
	CHECK_HAS(e, "  negated by 'not': x-0.74\n");
	CHECK_HAS(e, "  before 'but': x0.50\n");
	CHECK_HAS(e, "'bad': valence -2.00\n");
	CHECK_HAS(e, "  boosted by 'very': -0.983\n");
	CHECK_HAS(e, "  after 'but': x1.50\n");
	CHECK_HAS(e, "  emphasis from 1 '!' and 0 '?': -0.292\n");
	CHECK_HAS(e, "label: negative");
	CHECK_HAS(e, "aspects: none\n");
	/* (2 * -0.74) * 0.5 + (-2 - 0.983) * 1.5 - 0.292 = -5.5065, and
	 * -5.5065 / sqrt(5.5065^2 + 15) = -0.8179 */
	CHECK_HAS(e, "sum: -5.50");
	CHECK_HAS(e, "compound: -0.8179");
	e = explain(rules, "slightly good service");
	CHECK_HAS(e, "  damped by 'slightly': -0.200\n");
	CHECK_HAS(e, "aspects: support\n");
	e = explain(rules, "a waste of money");
	CHECK_HAS(e, "'waste of money': valence -2.50 (phrase)\n");
	e = explain(rules, "GOOD stuff");
	CHECK_HAS(e, "  ALL CAPS in mixed-case text: +0.733\n");
	e = explain(rules, "");
	CHECK_HAS(e, "no opinion words\n");
	CHECK_HAS(e, "compound: +0.0000");
	CHECK_HAS(e, "label: neutral");
}

/* Long, invalid and hostile input: bounded, never crashes, scores what it
 * can read. */
static void
test_hostile_input(void)
{
	size_t n = 100000, i;
	char *big = malloc(n + 1);
	struct sentiment s;

	for (i = 0; i + 5 <= n; i += 5)
		memcpy(big + i, "good ", 5);
	big[i] = '\0';
	sentiment_score(rules, NULL, big, strlen(big), &s);
	/* Only the first 256 opinion words count: s = 512. */
	CHECK_NEAR(s.compound, norm(512), 1e-9);
	CHECK(s.compound <= 1);
	CHECK_HAS(explain(rules, big), "note: the text is long");
	/* One endless word. */
	memset(big, 'a', n);
	big[n] = '\0';
	sentiment_score(rules, NULL, big, n, &s);
	CHECK_NEAR(s.compound, 0, 1e-9);
	/* Endless punctuation and emoji. */
	memset(big, '!', n);
	sentiment_score(rules, NULL, big, n, &s);
	CHECK_NEAR(s.compound, 0, 1e-9);
	for (i = 0; i + 4 <= n; i += 4)
		memcpy(big + i, "😡", 4);
	sentiment_score(rules, NULL, big, i, &s);
	CHECK(s.compound < -0.99 && s.compound >= -1);
	free(big);
	/* Invalid UTF-8 separates words and is otherwise ignored. */
	CHECK_NEAR(compound("good \xff\xfe bad"), 0, 1e-9);
	CHECK_NEAR(compound("go\xffod"), 0, 1e-9);
	CHECK_NEAR(compound("good \xe2\x80"), norm(2), 1e-6);
	CHECK_NEAR(compound("\xf0\x9f\x98"), 0, 1e-9);
	CHECK_NEAR(compound("\xed\xa0\x80 good"), norm(2), 1e-6);  /* a surrogate */
	/* Length is respected: no reading past len, NULs inside are separators. */
	sentiment_score(rules, NULL, "good bad", 4, &s);
	CHECK_NEAR(s.compound, norm(2), 1e-6);
	sentiment_score(rules, NULL, "bad\0good", 8, &s);
	CHECK_NEAR(s.compound, 0, 1e-9);
	/* Empty text. */
	sentiment_score(rules, NULL, "", 0, &s);
	CHECK_NEAR(s.compound, 0, 1e-12);
	CHECK_INT(s.label, SENT_NEUTRAL);
	CHECK_NEAR(s.neu, 1, 1e-12);
	CHECK_INT(s.aspects, 0);
}

/* The real lexicon reads the brief's sentences and the sample feeds right. */
static void
test_real_lexicon(void)
{
	static const struct { const char *text; int label; } cases[] = {
		{ "not bad at all", SENT_POSITIVE },
		{ "WORST. SUPPORT. EVER!!", SENT_NEGATIVE },
		{ "The Acme app is not bad at all. Paying my bill takes two taps.",
		    SENT_POSITIVE },
		{ "Never again.", SENT_NEGATIVE },
		{ "support kept me on hold for an hour", SENT_NEGATIVE },
		{ "The plan includes unlimited calls and 50 GB of shared data.",
		    SENT_NEUTRAL },
		{ "I love it :)", SENT_POSITIVE },
		{ "Terrible customer service, avoid.", SENT_NEGATIVE },
		{ "not good", SENT_NEGATIVE },
		{ "😡😡", SENT_NEGATIVE },
		{ "The Acme app logged me out three times today and support kept me "
		    "on hold for an hour. Never again.", SENT_NEGATIVE },
		{ "Acme is so much better, the app is fast and the staff in the store "
		    "were lovely :)", SENT_POSITIVE },
		{ "The Acme app used to be slow, but the latest update is really good. "
		    "Happy with it now.", SENT_POSITIVE },
		{ "Many users said support was useless and the wait times were terrible.",
		    SENT_NEGATIVE },
		{ "Getting a refund took four calls and nobody apologised. Honestly a "
		    "frustrating, awful experience.", SENT_NEGATIVE },
		{ "Six hours with no signal from #Acme and not a single update from "
		    "them. Absolutely useless. 😡", SENT_NEGATIVE },
		{ "Credit where it is due: Acme gave everyone a free month after the "
		    "outage. Classy move 👍", SENT_POSITIVE },
		{ "Initech support fixed my router in ten minutes. Friendly, quick and "
		    "no upselling. Highly recommend!", SENT_POSITIVE },
		{ "Anyone know if Initech routers work with fibre from other providers?",
		    SENT_NEUTRAL },
	};
	struct sentiment s;
	size_t i;

	if (!real)
		return;
	for (i = 0; i < NELEM(cases); i++) {
		s = score_with(real, cases[i].text);
		if (s.label == cases[i].label) {
			test_passed++;
			continue;
		}
		test_failed++;
		fprintf(stderr, "FAIL: \"%s\": %+.4f %s, want %s\n", cases[i].text,
		    s.compound, sentiment_label_name(s.label),
		    sentiment_label_name(cases[i].label));
	}
	s = score_with(real, "Nothing special.");
	CHECK(s.compound <= 0 && s.compound > -0.3);
	CHECK(score_with(real, "very good").compound > score_with(real, "good").compound);
	CHECK(score_with(real, "kind of good").compound < score_with(real, "good").compound);
	s = score_with(real, "good but expensive");
	CHECK(s.compound < 0 && s.compound > -0.4);
	CHECK(score_with(real, "WORST. SUPPORT. EVER!!").compound < -0.6);
	CHECK_HAS(reason(real, "WORST. SUPPORT. EVER!!"), "'worst' -");
	CHECK_HAS(reason(real, "WORST. SUPPORT. EVER!!"), "about support");
	CHECK_HAS(reason(real, "Globex charged me twice and the refund never came"),
	    "billing");
}

int
main(void)
{
	const char *rp = "tests/data/lexicon/rules/en.tsv", *ep = "lexicon/en.tsv";
	char err[512];

	if (!(rules = lexicon_load(&rp, 1, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (!(real = lexicon_load(&ep, 1, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		test_failed++;
	}
	RUN(test_plain);
	RUN(test_negation);
	RUN(test_boosters);
	RUN(test_caps);
	RUN(test_elongation);
	RUN(test_rating_blend);
	RUN(test_punctuation);
	RUN(test_contrast);
	RUN(test_phrases);
	RUN(test_emoticons_emoji);
	RUN(test_labels_and_shares);
	RUN(test_aspects);
	RUN(test_reason);
	RUN(test_explain);
	RUN(test_hostile_input);
	RUN(test_real_lexicon);
	lexicon_free(rules);
	lexicon_free(real);
	buf_free(&reason_buf);
	buf_free(&explain_buf);
	return TEST_END();
}
