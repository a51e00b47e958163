/* A small validating JSON reader for events: it walks the text once,
 * descends only into the wanted paths (a byte trie of dotted paths, keys
 * joined with '.', array indexes left out as EventBridge does) and skips
 * everything else with a fast brace/quote scan that still validates.
 *
 * Leaves (strings, numbers, true, false, null) at wanted paths are handed
 * to a callback with the array elements that enclose them, so callers can
 * apply event-ruler's array consistency.  Strings arrive unescaped
 * (\uXXXX and surrogate pairs as UTF-8; a lone surrogate becomes U+FFFD);
 * other bytes, valid UTF-8 or not, pass through unchanged.
 *
 * Ownership: a reader owns its scratch, reused from one read to the next,
 * so a steady stream of events allocates nothing.  Leaf text is borrowed:
 * it points into the input or the reader's scratch and stays valid until
 * the next evjson_read() or evjson_reader_free(). */
#ifndef S3W_EVJSON_H
#define S3W_EVJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Jackson's default nesting limit. */
#define EVJSON_MAX_DEPTH	1000

/* Skips JSON whitespace (space, tab, CR, LF); returns p or past it. */
const char	*evjson_skip_ws(const char *p, const char *end);

/* Validates one complete JSON value starting at p (after whitespace) and
 * returns the pointer just past it, or NULL with *cause (caller frees),
 * e.g. "offset 12: expected ':'", the offset counted from p. */
const char	*evjson_skip(const char *p, const char *end, char **cause);

/* For callers that walk validated text themselves: p just past an opening
 * quote; returns the pointer past the closing quote (NULL if the string is
 * bad) and whether it has escapes.  evjson_unescape() turns the body
 * [p, end) of such a string into UTF-8 in out (at most end - p bytes) and
 * returns its length. */
const char	*evjson_string_span(const char *p, const char *end, bool *esc);
size_t		 evjson_unescape(const char *p, const char *end, char *out);

enum evjson_type {
	EVJSON_STRING,
	EVJSON_NUMBER,
	EVJSON_TRUE,
	EVJSON_FALSE,
	EVJSON_NULL,
};

/* One enclosing array element: which array (numbered in the order met in
 * this event, from 0) and the element's index in it. */
struct evjson_elem {
	uint32_t	array;
	uint32_t	index;
};

struct evjson_leaf {
	int			 path;	/* id from evjson_paths_add() */
	enum evjson_type	 type;
	const char		*text;	/* unescaped string or number text */
	size_t			 len;	/* true/false/null: their text */
	const struct evjson_elem *elems; /* outermost first; borrowed for
					    the call only */
	size_t			 nelems;
};

typedef void	(*evjson_leaf_fn)(const struct evjson_leaf *, void *);

/* Wanted paths.  Ids are 0, 1, ... in order of first addition. */
struct evjson_paths;

struct evjson_paths	*evjson_paths_new(void);
void			 evjson_paths_free(struct evjson_paths *);
int			 evjson_paths_add(struct evjson_paths *, const char *path);
size_t			 evjson_paths_count(const struct evjson_paths *);
/* The trie node reached by a path prefix (for reading an object as if it
 * were the value at that path); -1 if no wanted path starts with it. */
int			 evjson_paths_node(const struct evjson_paths *,
			     const char *prefix);

struct evjson_reader;

struct evjson_reader	*evjson_reader_new(void);
void			 evjson_reader_free(struct evjson_reader *);

/* Reads one JSON value (the whole text, whitespace around it allowed) and
 * calls fn for every leaf at a wanted path.  The value is read as if it
 * sat at trie node root: 0 for the document root, or a node from
 * evjson_paths_node().  Returns 0, or -1 with *cause (caller frees) naming
 * the byte offset of the problem. */
int	evjson_read(struct evjson_reader *, const struct evjson_paths *,
	    int root, const char *json, size_t len, evjson_leaf_fn, void *arg,
	    char **cause);

/* Which of up to 32 keys the document's top-level object has, noted in the
 * same pass (to tell a CloudTrail record from an EventBridge event without
 * a second read).  A key counts when its raw text, escapes and all, equals
 * keys[i]; only the keys met before reading stopped (the end, or an error)
 * count.  deep: the nesting came near EVJSON_MAX_DEPTH, where a separate
 * evjson_skip() of a member might have stopped earlier. */
struct evjson_sniff {
	const char *const	*keys;
	size_t			 nkeys;
	uint32_t		 seen;	/* bit i: keys[i] met */
	bool			 deep;
};

/* evjson_read(), also filling *sniff (NULL: none).  root must be >= 0. */
int	evjson_read_sniff(struct evjson_reader *, const struct evjson_paths *,
	    int root, const char *json, size_t len, evjson_leaf_fn, void *arg,
	    struct evjson_sniff *sniff, char **cause);

/* Equality of n bytes.  Keys and values are short: a call to memcmp()
 * costs more than this compare, which the reader and the matcher share. */
static inline bool
evjson_same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	while (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
		a += 8;
		b += 8;
		n -= 8;
	}
	while (n > 0) {
		if (*a++ != *b++)
			return false;
		n--;
	}
	return true;
}

#endif
