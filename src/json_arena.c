#include "json_arena.h"

#include <jansson.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define BLOCK_MIN (64u << 10)  /* the first block; each next one doubles */
#define ALIGN alignof(max_align_t)

struct json_arena_block {
	struct json_arena_block *next; /* the older one */
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

static int installed;
static _Thread_local struct json_arena *current;

static void *
arena_malloc(size_t n)
{
	struct json_arena *a = current;
	struct json_arena_block *b;
	size_t size;

	if (!a)
		return malloc(n);
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	b = a->head;
	if (!b || b->size - b->used < n) {
		/* Doubling keeps the blocks few, and so arena_free's search. */
		size = b ? 2 * b->size : BLOCK_MIN;
		while (size < n)
			size *= 2;
		if (!(b = malloc(sizeof *b + size)))
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* A value of the arena is released with it; anything else was malloc'd
 * (before the arena began, or on another thread's behalf) and is freed. */
static void
arena_free(void *p)
{
	const struct json_arena_block *b;

	if (!p)
		return;
	for (b = current ? current->head : NULL; b; b = b->next)
		if ((uintptr_t)p >= (uintptr_t)b->data &&
		    (uintptr_t)p < (uintptr_t)(b->data + b->size))
			return;
	free(p);
}

void
json_arena_install(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
	installed = 1;
}

int
json_arena_begin(struct json_arena *a)
{
	a->head = NULL;
	if (!installed || current)
		return 0;
	current = a;
	return 1;
}

void
json_arena_end(struct json_arena *a)
{
	struct json_arena_block *b, *next;

	if (current != a)
		return;
	current = NULL;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}
