/* libFuzzer harness: a rule pack file from arbitrary bytes (libconfig
 * syntax, then every rule check and pattern compile), then one event
 * through whatever loaded, and a state save/load round trip. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_event[] =
	"{\"eventVersion\":\"1.10\",\"userIdentity\":{\"type\":\"IAMUser\","
	"\"arn\":\"arn:aws:iam::111122223333:user/a\"},\"eventTime\":"
	"\"2026-08-21T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
	"\"eventName\":\"GetObject\",\"sourceIPAddress\":\"203.0.113.5\","
	"\"requestParameters\":{\"bucketName\":\"b\",\"key\":\"k\"},"
	"\"errorCode\":\"AccessDenied\",\"eventID\":\"e\"}";

static void
fuzz_ignore(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/s3watch-rules-fuzz-XXXXXX";
	struct rules *r = rules_new();
	char *text, *cause = NULL, *state;
	int fd;

	/* libconfig reads C strings: stop at the first NUL like a file would
	 * be read up to it. */
	text = xstrndup((const char *)data, size);
	(void)rules_load_string(r, "fuzz.conf", text, fuzz_ignore, NULL);
	free(text);
	(void)rules_eval(r, fuzz_event, sizeof fuzz_event - 1,
	    PATTERN_WRAP_CLOUDTRAIL, NULL, NULL, &cause);
	free(cause);
	cause = NULL;
	if ((fd = mkstemp(path)) >= 0) {
		close(fd);
		state = path;
		if (rules_state_save(r, state, &cause) == 0)
			(void)rules_state_load(r, state, &cause);
		free(cause);
		unlink(path);
	}
	rules_free(r);
	return 0;
}
