/* libFuzzer harness: arbitrary bytes as a CloudTrail record (or an
 * EventBridge event) through every analysis check, with and without
 * trusted accounts and names, as the rule engine runs them. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "rules_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *fuzz_accounts[] = { "111122223333", "444455556666" };
static char *fuzz_buckets[] = { "acme-data", "acme-cloudtrail-logs" };
static char *fuzz_trails[] = { "org-trail" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_check_settings plain = { NULL, 0, 30, NULL, 0, NULL, 0,
	    NULL, 0, NULL, 0 };
	struct rules_check_settings named = { fuzz_accounts, 2, 0,
	    fuzz_buckets, 2, fuzz_buckets + 1, 1, fuzz_buckets, 1,
	    fuzz_trails, 1 };
	const struct rules_check *c;
	struct json_object *root, *rec;
	struct rules_check_hit h;

	root = rules_check_parse((const char *)data, size, PATTERN_WRAP_AUTO,
	    &rec);
	if (root == NULL)
		return 0;
	for (c = rules_checks; c->name != NULL; c++) {
		(void)rules_check_run(c, rec, &plain, &h);
		(void)rules_check_run(c, rec, &named, &h);
		/* The gate aside: the check proper on whatever it is. */
		(void)c->fn(rec, &named, &h);
	}
	json_object_put(root);
	return 0;
}
