/* The jansson arena: off until installed, one per thread, values made
 * before it freed normally inside it, and a JSON feed parsed in it gives
 * the items it gives without it. Run under make valgrind and make asan,
 * a value freed the wrong way or kept past the arena shows. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "json_arena.h"
#include "parse.h"
#include "test.h"

static const char feed[] =
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"T\", \"items\": ["
    "{\"id\": \"1\", \"url\": \"https://example.org/1\", \"title\": \"First\","
    " \"content_text\": \"Acme is great\"},"
    "{\"id\": \"2\", \"url\": \"https://example.org/2\", \"title\": \"Second\","
    " \"content_html\": \"<p>Acme &amp; co</p>\"}]}";

struct seen {
	char text[256];
	int n;
};

static int
on_item(struct item *it, void *ctx)
{
	struct seen *s = ctx;
	size_t k = strlen(s->text);

	snprintf(s->text + k, sizeof s->text - k, "%s|%s|%s;", it->id, it->title,
	    it->text ? it->text : "");
	s->n++;
	return 0;
}

static struct seen
parse_sample(void)
{
	struct parse_source src = { .data = feed, .len = sizeof feed - 1,
	    .url = "https://example.org/feed.json", .feed = "t" };
	struct parse_stats st = {0};
	struct seen s = { "", 0 };
	char err[256];

	CHECK_INT(parse_feed(&src, on_item, &s, &st, err, sizeof err), 0);
	return s;
}

static void *
other_thread(void *arg)
{
	struct json_arena a;
	json_t *v;

	(void)arg;
	/* A thread of its own gets an arena of its own. */
	if (!json_arena_begin(&a))
		return NULL;
	v = json_pack("{s:[i,i,i], s:s}", "n", 1, 2, 3, "s", "thread");
	json_arena_end(&a);
	return v ? (void *)1 : NULL;
}

int
main(void)
{
	struct json_arena a, inner;
	struct seen plain, arena;
	json_t *before, *v;
	pthread_t t;
	void *ok = NULL;
	int i, bad;

	/* Not installed: no arena, values are freed as usual. */
	CHECK_INT(json_arena_begin(&a), 0);
	json_arena_end(&a);
	plain = parse_sample();
	CHECK_INT(plain.n, 2);

	json_arena_install();
	before = json_pack("{s:s}", "made", "before");
	CHECK_INT(json_arena_begin(&a), 1);
	CHECK_INT(json_arena_begin(&inner), 0);   /* one per thread */
	json_arena_end(&inner);                   /* a no-op: a is still open */
	/* Enough values for several blocks. */
	for (i = 0, bad = 0; i < 20000; i++) {
		v = json_pack("{s:i, s:s}", "i", i, "s", "a string long enough to count");
		bad += !v || json_integer_value(json_object_get(v, "i")) != i;
		json_decref(v);
	}
	CHECK_INT(bad, 0);
	json_decref(before);                      /* malloc'd, so really freed */
	CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0 && pthread_join(t, &ok) == 0);
	CHECK(ok != NULL);
	json_arena_end(&a);

	arena = parse_sample();
	CHECK_INT(arena.n, plain.n);
	CHECK_STR(arena.text, plain.text);
	/* The arena is closed again: values outlive nothing they should not. */
	v = json_pack("[s]", "after");
	CHECK(v && json_array_size(v) == 1);
	json_decref(v);
	return TEST_END();
}
