/* libFuzzer harness: a pattern and an event, split at the first NUL byte
 * (or the whole input as both), compiled and matched in every wrapping. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pattern_wrap wraps[] = {
		PATTERN_WRAP_NONE, PATTERN_WRAP_CLOUDTRAIL, PATTERN_WRAP_AUTO,
	};
	static const char fixed[] = "{\"detail\":{\"a\":[{\"prefix\":\"x\"}],"
	    "\"b\":[{\"numeric\":[\">\",1]}]}}";
	const char *text = (const char *)data, *nul, *ev;
	struct pattern_set *set;
	struct pattern_event *e;
	const struct pattern_value *v;
	char *cause = NULL;
	size_t plen, elen, i, n;
	int out[4];

	nul = memchr(text, '\0', size);
	plen = nul != NULL ? (size_t)(nul - text) : size;
	ev = nul != NULL ? nul + 1 : text;
	elen = nul != NULL ? size - plen - 1 : size;
	set = pattern_set_new();
	if (pattern_set_add(set, text, plen, &cause) < 0) {
		free(cause);
		cause = NULL;
	}
	(void)pattern_set_add(set, fixed, strlen(fixed), &cause);
	free(cause);
	cause = NULL;
	(void)pattern_set_want(set, "source");
	e = pattern_event_new(set);
	for (i = 0; i < sizeof wraps / sizeof wraps[0]; i++) {
		if (pattern_event_load(e, ev, elen, wraps[i], &cause) != 0) {
			free(cause);
			cause = NULL;
			continue;
		}
		(void)pattern_event_matches(e, out, 4);
		v = pattern_event_values(e, 0, &n);
		(void)v;
	}
	pattern_event_free(e);
	pattern_set_free(set);
	return 0;
}
