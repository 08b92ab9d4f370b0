/* The scorer's tokeniser: UTF-8 text becomes words, emoticons and emoji,
 * lower-cased into one buffer, each marked with its sentence and clause and
 * whether it was shouted. Part of the sentiment stage (see sentiment.h). */
#ifndef EARSHOT_TOKEN_H
#define EARSHOT_TOKEN_H

#include <stddef.h>
#include <stdint.h>

struct lexicon;

#define TOKEN_MAX 512         /* tokens read from one text */
#define TOKEN_MAX_LOWER 4096  /* bytes of tokens kept, with their spaces */

struct token {
	uint16_t off, len;       /* in lower[] */
	uint16_t sent, clause;   /* phrases stay in a clause, rules in a sentence */
	uint8_t shout;           /* ALL CAPS, two letters or more */
	uint8_t stretched;       /* elongated: "sooo" was read as "so" */
};

/* Everything is in the struct (put it on the stack): nothing is allocated. */
struct tokens {
	char lower[TOKEN_MAX_LOWER]; /* the tokens, lower-cased, one space apart */
	size_t nlower;
	struct token tok[TOKEN_MAX];
	size_t ntok;
	unsigned nexcl, nquest;  /* '!' and '?' seen */
	unsigned sent, clause;   /* the current ones; counts once done */
	int shout_words, lower_words;
	int truncated;           /* stopped at TOKEN_MAX or TOKEN_MAX_LOWER */
	int open;                /* tokens since the last break */
};

/* Splits text[0..len) (UTF-8; text may be NULL when len is 0) into t,
 * replacing what t held. lx is only asked which ASCII runs are emoticons
 * and which form of an elongated word it knows ("sooo": "soo", else "so").
 * Never fails: a text past the limits is cut (t->truncated set), and an
 * invalid byte separates words. */
void token_split(struct tokens *t, const struct lexicon *lx, const char *text,
    size_t len);

#endif
