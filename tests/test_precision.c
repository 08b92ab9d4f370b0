/* Matching precision on ambiguous brand names (Apple, Amazon, Shell, Delta,
 * Target, Corona): each brand is configured the way a user would, with
 * match, exclude and require patterns, and run, all six in one matcher,
 * over hand-written texts that are about the company and texts that are
 * not. Every positive must be found and no negative may match, with the
 * prefilter on and off. */
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "test.h"
#include "util.h"

#define LIST(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

enum { APPLE, AMAZON, SHELL, DELTA, TARGET, CORONA, NBRANDS };

static const struct match_brand brands[NBRANDS] = {
	/* Case-sensitive: the company is "Apple", the fruit mostly "apple";
	 * excludes (case-insensitive inline) take the fruit at a sentence's
	 * start; require keeps texts that talk about the company. */
	[APPLE] = { .name = "Apple", LIST("\\bApple(?:\\s+(?:Inc|Store|Music|Pay|Watch|TV))?\\b"),
		LIST("(?i)\\bapple\\s+(?:pies?|juice|cider|trees?|orchards?|sauce|crumble|crisp|strudel)\\b",
		    "(?i)\\b(?:big|candy|toffee|crab|green|red|cooking)\\s+apple\\b",
		    "(?i)\\bapple\\s+of\\s+(?:my|his|her|their)\\s+eye\\b"),
		LIST("(?i)\\b(?:iphones?|ipads?|mac(?:book)?s?|ios|app\\s*store|tim\\s+cook|cupertino|"
		    "airpods|stock|shares|earnings|siri|icloud)\\b"), .case_sensitive = 1 },
	[AMAZON] = { .name = "Amazon", LIST("\\bamazon(?:\\.com|\\s+prime)?\\b"),
		LIST("\\bamazon\\s+(?:river|rain\\s*forest|basin|jungle|parrots?|warriors?|women|tribes?)\\b",
		    "\\b(?:the|brazilian|peruvian|upper|lower)\\s+amazon\\b(?!\\s*(?:prime|app|orders?|"
		    "delivery|account|seller|warehouse|driver))"),
		LIST("\\b(?:order(?:ed|s)?|deliver(?:y|ed)|package|parcel|prime|sellers?|refund|"
		    "warehouse|alexa|kindle|aws|shipping|shipped|account|cart|driver)\\b") },
	[SHELL] = { .name = "Shell", LIST("\\bShell\\b"),
		LIST("(?i)\\bshell\\s+(?:scripts?|commands?|prompt|compan(?:y|ies)|games?|shock(?:ed)?|"
		    "fish|casings?)\\b",
		    "(?i)\\b(?:sea|egg|bash|unix|korn|zsh|fish|peanut|turtle|snail|taco|hard|soft|"
		    "interactive|login)[\\s-]?shells?\\b", "(?i)\\bshell(?:ed)?\\s+out\\b"),
		LIST("(?i)\\b(?:oil|gas|petrol|diesel|fuel|station|energy|refinery|refineries|drilling|"
		    "lng|barrels?|emissions|shares|plc|forecourt)\\b"), .case_sensitive = 1 },
	[DELTA] = { .name = "Delta", LIST("\\bdelta(?:\\s+air\\s*lines)?\\b"),
		LIST("\\b(?:mekong|nile|river|mississippi|okavango|niger|ganges|danube|rhine|"
		    "pearl\\s+river|sacramento)\\s+delta\\b",
		    "\\bdelta\\s+(?:variant|wave|force|faucets?|dental|function|encoding|blues|state|"
		    "smelt|region|wing)\\b", "\\bdelta\\s+between\\b"),
		LIST("\\b(?:flights?|flew|fly|flying|airlines?|airport|gate|boarding|pilots?|luggage|"
		    "baggage|seats?|skymiles|delayed|cancell?ed|crew|layover|lounge)\\b") },
	[TARGET] = { .name = "Target", LIST("\\bTarget\\b"),
		LIST("(?i)\\btarget\\s+(?:audiences?|markets?|practice|dates?|groups?|prices?|range|"
		    "languages?|rates?|customers?|demographics?)\\b",
		    "(?i)\\b(?:on|off|sales|price|inflation|moving|easy|soft|primary)\\s+target\\b"),
		LIST("(?i)\\b(?:stores?|shopping|shop|shopped|aisles?|cart|checkout|cashiers?|redcard|"
		    "bought|buy|returns?|returned|retailer|shelves|cashier)\\b"), .case_sensitive = 1 },
	[CORONA] = { .name = "Corona", LIST("\\bcorona(?:\\s+(?:extra|light|cero|premier))?\\b"),
		LIST("\\bcorona[\\s-]*virus(?:es)?\\b", "\\b(?:solar|sun'?s|stellar)\\s+corona\\b",
		    "\\bcorona\\s+(?:pandemic|crisis|lockdowns?|tests?|cases|measures|rules|"
		    "del\\s+mar|typewriters?|discharge|australis|borealis)\\b",
		    "\\bcorona,?\\s+(?:california|ca|queens|new\\s+mexico)\\b"),
		LIST("\\b(?:beers?|limes?|cervezas?|brewery|bottles?|six-pack|lager|drinks?|drinking|"
		    "bar|pints?|cans?)\\b") },
};

struct example {
	int brand;
	int about_brand;       /* 1: must be found; 0: must not match */
	const char *text;
};

static const struct example examples[] = {
	{ APPLE, 1, "Apple raised iPhone prices again and nobody is surprised." },
	{ APPLE, 1, "The App Store rejected our update for the third time; Apple never says why." },
	{ APPLE, 1, "Apple shares fell 4% after earnings missed the forecast." },
	{ APPLE, 1, "My MacBook died a week after the warranty. Thanks, Apple Store." },
	{ APPLE, 1, "Tim Cook says Apple Music will come to more devices." },
	{ APPLE, 0, "Apple pie recipe: six apples, butter, and a pinch of cinnamon." },
	{ APPLE, 0, "Apple cider vinegar is the new shares-of-the-week wellness trend." },
	{ APPLE, 0, "I ate an apple while reading on my iPad." },
	{ APPLE, 0, "She is the apple of my eye, and she loves her iPhone." },
	{ APPLE, 0, "Marathon day in the Big Apple: the stock of water bottles ran out." },
	{ APPLE, 0, "The Apple trees in the orchard were planted in 1920." },
	{ AMAZON, 1, "My Amazon order arrived two days late and the box was crushed." },
	{ AMAZON, 1, "Amazon Prime went up again, time to cancel." },
	{ AMAZON, 1, "Amazon refused my refund for a broken kettle." },
	{ AMAZON, 1, "The Amazon delivery driver left my package in the rain." },
	{ AMAZON, 1, "amazon.com shipping to Canada is a joke." },
	{ AMAZON, 0, "Deforestation in the Amazon rainforest hit a record this year." },
	{ AMAZON, 0, "We sailed down the Amazon River for a week." },
	{ AMAZON, 0, "Diana leads the Amazon warriors of Themyscira." },
	{ AMAZON, 0, "Fires in the Brazilian Amazon; a package of aid was delivered." },
	{ AMAZON, 0, "The Amazon basin floods every year, and supplies are shipped by boat." },
	{ SHELL, 1, "Shell posted record profits from oil and gas." },
	{ SHELL, 1, "The Shell station on Main Street charged 2 euros a litre for petrol." },
	{ SHELL, 1, "Activists protested Shell's new drilling plan in the North Sea." },
	{ SHELL, 1, "Shell plc shares rose after the LNG deal." },
	{ SHELL, 0, "Shell script to rotate the logs of the gas sensor daemon." },
	{ SHELL, 0, "We collected shells on the beach near the old oil refinery." },
	{ SHELL, 0, "Bash Shell tips: use set -e in your fuel-price scraper." },
	{ SHELL, 0, "I had to Shell out 80 euros for petrol this week." },
	{ SHELL, 0, "A shell company moved the oil money offshore." },
	{ SHELL, 0, "Egg Shell paint for the station walls." },
	{ DELTA, 1, "Delta cancelled my flight to Atlanta with no explanation." },
	{ DELTA, 1, "Delta Air Lines lost my luggage. Again." },
	{ DELTA, 1, "Boarding at gate B12, the Delta crew was lovely." },
	{ DELTA, 1, "Three hour layover because delta delayed the connection." },
	{ DELTA, 0, "The Nile Delta is one of the most fertile regions on earth." },
	{ DELTA, 0, "The Delta variant spread quickly among cabin crew." },
	{ DELTA, 0, "Compute the delta between two timestamps in the flight log." },
	{ DELTA, 0, "Flights over the Mekong Delta offer great views." },
	{ DELTA, 0, "Delta Force pilots flew in at night." },
	{ DELTA, 0, "We fixed the Delta faucet before flying home." },
	{ TARGET, 1, "Target's checkout lines were a mess this morning." },
	{ TARGET, 1, "I bought a lamp at Target and the store refused the return." },
	{ TARGET, 1, "Target is cutting prices on its shelves nationwide, the retailer said." },
	{ TARGET, 1, "Shopping at Target with a RedCard saves 5%." },
	{ TARGET, 0, "Our target audience is shoppers under 30 who buy online." },
	{ TARGET, 0, "Target audience research for our store launch is done." },
	{ TARGET, 0, "The missile hit its target; shops nearby were closed." },
	{ TARGET, 0, "Inflation stayed above target, so shoppers bought less." },
	{ TARGET, 0, "Target practice at the range, then we went shopping." },
	{ TARGET, 0, "Sales came in On Target for the store this quarter." },
	{ CORONA, 1, "A cold Corona with a lime on the beach, perfect." },
	{ CORONA, 1, "Corona Extra bottles were sold out at the bar." },
	{ CORONA, 1, "They changed the Corona bottle and the beer tastes worse." },
	{ CORONA, 1, "corona light is the most watery lager I have ever had" },
	{ CORONA, 0, "Corona cases rose again and the bar closed early." },
	{ CORONA, 0, "The solar corona is visible during a total eclipse." },
	{ CORONA, 0, "The coronavirus shut every bar in town." },
	{ CORONA, 0, "I moved to Corona, California and opened a bar." },
	{ CORONA, 0, "Corona rules: no more than six at a table, drinks outside." },
	{ CORONA, 0, "My grandfather's Corona typewriter still sits next to his beer mug." },
};

/* Runs every example through m; returns how many were right. */
static size_t
check_examples(const struct matcher *m, const char *label)
{
	size_t i, right = 0, found[NBRANDS] = {0}, pos[NBRANDS] = {0},
	    wrong_hits[NBRANDS] = {0}, neg[NBRANDS] = {0};
	struct match_hit hits[NBRANDS];
	char err[256];

	for (i = 0; i < NELEM(examples); i++) {
		const struct example *e = &examples[i];
		int n = match_text(m, NULL, e->text, strlen(e->text), hits, NBRANDS, NULL,
		    err, sizeof err), j, hit = 0;

		for (j = 0; j < n; j++)
			hit |= hits[j].brand == (size_t)e->brand;
		if (e->about_brand) {
			pos[e->brand]++;
			found[e->brand] += (size_t)hit;
		} else {
			neg[e->brand]++;
			wrong_hits[e->brand] += (size_t)hit;
		}
		if (hit == e->about_brand) {
			right++;
			test_passed++;
		} else {
			test_failed++;
			fprintf(stderr, "%s: FAIL (%s): %s %s \"%s\"\n", __FILE__, label,
			    brands[e->brand].name, hit ? "matches" : "misses", e->text);
		}
	}
	for (i = 0; i < NBRANDS; i++)
		printf("  %-7s %s: found %zu of %zu mentions, matched %zu of %zu lookalikes\n",
		    brands[i].name, label, found[i], pos[i], wrong_hits[i], neg[i]);
	return right;
}

/* One text about two of the brands gives a hit to each. */
static void
test_two_brands(const struct matcher *m)
{
	const char *t = "Flew Delta to Seattle and shopped at Target before boarding.";
	struct match_hit hits[NBRANDS];
	int n = match_text(m, NULL, t, strlen(t), hits, NBRANDS, NULL, NULL, 0);

	CHECK_INT(n, 2);
	CHECK(n == 2 && hits[0].brand == DELTA && hits[1].brand == TARGET);
}

int
main(void)
{
	struct match_opts o;
	char err[512];
	int pf;

	for (pf = 0; pf < 2; pf++) {
		struct matcher *m;

		match_opts_default(&o);
		o.no_prefilter = pf;
		if (!(m = match_new(brands, NBRANDS, &o, err, sizeof err))) {
			fprintf(stderr, "match_new: %s\n", err);
			CHECK(m != NULL);
			continue;
		}
		CHECK_INT(check_examples(m, pf ? "no prefilter" : "prefilter"), NELEM(examples));
		test_two_brands(m);
		match_free(m);
	}
	return TEST_END();
}
