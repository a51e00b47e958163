/* The XML reader on AWS answers and on hostile input. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "xml.h"

static struct xml_node *
parse(const char *s, char **cause)
{
	*cause = NULL;
	return xml_parse(s, strlen(s), cause);
}

static void
test_sts_answer(void **state)
{
	const char *doc =
	    "<?xml version=\"1.0\"?>\n"
	    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn>"
	    "<UserId>AID</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
	    "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
	    "</GetCallerIdentityResponse>";
	char *cause;
	struct xml_node *x = parse(doc, &cause);

	assert_non_null(x);
	assert_string_equal(x->name, "GetCallerIdentityResponse");
	assert_string_equal(xml_text(x, "GetCallerIdentityResult/Account"), "123456789012");
	assert_string_equal(xml_text(x, "GetCallerIdentityResult/Arn"),
	    "arn:aws:iam::123456789012:user/a&b");
	assert_string_equal(xml_text(x, "ResponseMetadata/RequestId"), "r-1");
	assert_null(xml_text(x, "GetCallerIdentityResult/Nope"));
	assert_null(xml_find(x, "A/B/C"));
	xml_free(x);
}

static void
test_siblings(void **state)
{
	const char *doc = "<L><m><v>1</v></m><x/><m><v>2</v></m><m><v>3</v></m></L>";
	const struct xml_node *m;
	char *cause;
	struct xml_node *x = parse(doc, &cause);
	int n = 0;

	assert_non_null(x);
	for (m = xml_child(x, "m"); m != NULL; m = xml_next_same(m))
		assert_int_equal(atoi(xml_text(m, "v")), ++n);
	assert_int_equal(n, 3);
	xml_free(x);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"", "<a>", "<a></b>", "not xml", "<a><b></a>", "<a/><b/>",
		"<a>\x01</a>",
	};
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(parse(bad[i], &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "XML"));
		free(cause);
	}
}

static void
test_entity_bomb_refused(void **state)
{
	const char *doc = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>";
	char *cause;

	assert_null(parse(doc, &cause));
	assert_non_null(strstr(cause, "document type"));
	free(cause);
}

static void
test_depth_limit(void **state)
{
	struct buf b = { 0 };
	char *cause;
	int i;

	for (i = 0; i < 100; i++)
		buf_adds(&b, "<a>");
	for (i = 0; i < 100; i++)
		buf_adds(&b, "</a>");
	assert_null(parse(b.data, &cause));
	assert_non_null(strstr(cause, "deeply"));
	free(cause);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_answer),
		cmocka_unit_test(test_siblings),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_entity_bomb_refused),
		cmocka_unit_test(test_depth_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
