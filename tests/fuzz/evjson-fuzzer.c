/* libFuzzer harness: the event reader and the skipper must agree on what
 * is valid JSON and never crash on any bytes. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "evjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
leaf(const struct evjson_leaf *l, void *arg)
{
	size_t *n = arg;

	*n += l->len + l->nelems;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"a", "a.b", "detail", "detail.eventName", "x.y.z", "",
	};
	const char *text = (const char *)data, *q;
	struct evjson_paths *t = evjson_paths_new();
	struct evjson_reader *r = evjson_reader_new();
	char *cause = NULL;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		evjson_paths_add(t, paths[i]);
	rc = evjson_read(r, t, 0, text, size, leaf, &n, &cause);
	free(cause);
	cause = NULL;
	q = evjson_skip(text, text + size, &cause);
	free(cause);
	if (q != NULL)
		q = evjson_skip_ws(q, text + size);
	if ((rc == 0) != (q == text + size))
		abort();
	cause = NULL;
	(void)evjson_read(r, t, evjson_paths_node(t, "detail"), text, size,
	    leaf, &n, &cause);
	free(cause);
	evjson_reader_free(r);
	evjson_paths_free(t);
	return 0;
}
