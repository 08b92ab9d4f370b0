/* An arena for jansson's allocations on one thread while it parses one
 * JSON document: the parse's values are carved out of a few large blocks
 * and dropped together at the end, not freed one by one. A JSON feed's
 * tree is thousands of small objects, strings and hash buckets; their
 * malloc and free, and json_decref's walk over the tree, were a fifth of
 * parsing it.
 *
 * json_arena_install sets jansson's allocator once, before any thread
 * starts (main does). Outside an arena it is plain malloc and free, so a
 * value made anywhere else is unaffected. Without the install, begin
 * reports no arena and callers free their values as usual. */
#ifndef EARSHOT_JSON_ARENA_H
#define EARSHOT_JSON_ARENA_H

struct json_arena_block;

struct json_arena {
	struct json_arena_block *head; /* the newest block */
};

void json_arena_install(void);
/* Makes a the calling thread's arena. 1 when it is, 0 when there is none
 * (not installed, or one already open on this thread): the caller then
 * json_decref's its values. */
int json_arena_begin(struct json_arena *a);
/* Ends the arena and releases every value allocated in it; no value of it
 * may be used after. A no-op for an arena that did not begin. */
void json_arena_end(struct json_arena *a);

#endif
