/* The EventBridge pattern engine: every operator, its invalid forms with
 * AWS's reason text, array consistency, limits and CloudTrail wrapping.
 * Expected results come from the notes (AWS recordings, event-ruler). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pattern.h"

struct match_case {
	const char	*pattern;
	const char	*event;
	int		 want;	/* 1 match, 0 no match */
};

struct invalid_case {
	const char	*pattern;
	const char	*reason;
};

static int
run(const char *pattern, const char *event, enum pattern_wrap wrap,
    char **cause)
{
	bool invalid;

	*cause = NULL;
	return pattern_test(pattern, strlen(pattern), event, strlen(event),
	    wrap, &invalid, cause);
}

static void
check_matches(const struct match_case *c, size_t n)
{
	char *cause;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = run(c[i].pattern, c[i].event, PATTERN_WRAP_NONE, &cause);
		if (r != c[i].want)
			fail_msg("case %zu: %s vs %s: got %d (%s), want %d", i,
			    c[i].pattern, c[i].event, r, cause ? cause : "",
			    c[i].want);
		free(cause);
	}
}

static void
check_invalid(const struct invalid_case *c, size_t n)
{
	struct pattern_set *set = pattern_set_new();
	char *cause;
	size_t i;

	for (i = 0; i < n; i++) {
		cause = NULL;
		if (pattern_set_add(set, c[i].pattern, strlen(c[i].pattern),
		    &cause) >= 0)
			fail_msg("case %zu: %s compiled", i, c[i].pattern);
		if (cause == NULL || strcmp(cause, c[i].reason) != 0)
			fail_msg("case %zu: %s: got '%s', want '%s'", i,
			    c[i].pattern, cause ? cause : "(null)", c[i].reason);
		free(cause);
	}
	assert_int_equal(pattern_set_count(set), 0);
	pattern_set_free(set);
}

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
test_exact(void **state)
{
	static const struct match_case c[] = {
		{ "{\"source\":[\"aws.s3\"]}", "{\"source\":\"aws.s3\"}", 1 },
		{ "{\"source\":[\"aws.s3\"]}", "{\"source\":\"aws.S3\"}", 0 },
		{ "{\"source\":[\"a\",\"b\"]}", "{\"source\":\"b\"}", 1 },
		{ "{\"source\":[\"\"]}", "{\"source\":\"\"}", 1 },
		{ "{\"source\":[\"\"]}", "{\"source\":null}", 0 },
		{ "{\"source\":[\"\"]}", "{}", 0 },
		{ "{\"n\":[\"300\"]}", "{\"n\":300}", 0 },
		{ "{\"n\":[300]}", "{\"n\":\"300\"}", 0 },
		{ "{\"b\":[true]}", "{\"b\":\"true\"}", 0 },
		{ "{\"b\":[true]}", "{\"b\":true}", 1 },
		{ "{\"b\":[false]}", "{\"b\":true}", 0 },
		{ "{\"z\":[null]}", "{\"z\":null}", 1 },
		{ "{\"z\":[null]}", "{\"z\":\"null\"}", 0 },
		{ "{\"z\":[null]}", "{\"z\":[\"a\",null]}", 1 },
		{ "{\"z\":[null]}", "{\"z\":[]}", 0 },
		{ "{\"z\":[null]}", "{}", 0 },
		{ "{\"MY_KEY\":[\"x\"]}", "{\"my_key\":\"x\"}", 0 },
		/* unicode and escapes compare unescaped */
		{ "{\"k\":[\"caf\\u00e9\"]}", "{\"k\":\"caf\xc3\xa9\"}", 1 },
		{ "{\"k\":[\"\\ud83d\\ude00\"]}", "{\"k\":\"\xf0\x9f\x98\x80\"}", 1 },
		{ "{\"k\":[\"a\\\"b\"]}", "{\"k\":\"a\\u0022b\"}", 1 },
		/* keys with escapes */
		{ "{\"k\\u0065y\":[1]}", "{\"key\":1}", 1 },
		/* arrays: any element */
		{ "{\"resources\":[\"r2\"]}", "{\"resources\":[\"r1\",\"r2\"]}", 1 },
		{ "{\"resources\":[\"r3\"]}", "{\"resources\":[\"r1\",\"r2\"]}", 0 },
		{ "{\"a\":[\"x\"]}", "{\"a\":[[\"x\"]]}", 1 },
		{ "{\"a\":{\"id\":[{\"exists\":true}]}}",
		    "{\"a\":[{\"b\":1},{\"id\":\"x\"}]}", 1 },
		/* a JSON string is not parsed */
		{ "{\"detail\":{\"k\":[\"v\"]}}", "{\"detail\":\"{\\\"k\\\":\\\"v\\\"}\"}", 0 },
		/* an object has no value */
		{ "{\"a\":[\"x\"]}", "{\"a\":{\"b\":\"x\"}}", 0 },
		/* fields the pattern does not name are ignored */
		{ "{\"a\":[1]}", "{\"a\":1,\"b\":[1,{\"c\":2}],\"d\":\"e\"}", 1 },
		/* AND across fields */
		{ "{\"a\":[1],\"b\":[2]}", "{\"a\":1,\"b\":2}", 1 },
		{ "{\"a\":[1],\"b\":[2]}", "{\"a\":1,\"b\":3}", 0 },
		{ "{\"a\":[1],\"b\":[2]}", "{\"a\":1}", 0 },
		/* exactly: no IP normalisation */
		{ "{\"a\":[{\"exactly\":\"x\"}]}", "{\"a\":\"x\"}", 1 },
		{ "{\"a\":[{\"exactly\":\"10.0.0.1\"}]}", "{\"a\":\"10.0.0.01\"}", 0 },
		/* IP literals in exact strings match the address */
		{ "{\"ip\":[\"10.0.0.1\"]}", "{\"ip\":\"10.0.0.01\"}", 1 },
		{ "{\"ip\":[\"2001:db8::1\"]}", "{\"ip\":\"2001:0db8:0:0:0:0:0:1\"}", 1 },
		{ "{\"ip\":[\"2001:db8::1\"]}", "{\"ip\":\"2001:db8::2\"}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_dot_joining(void **state)
{
	static const struct match_case c[] = {
		{ "{\"detail\":{\"state.status\":[\"running\"]}}",
		    "{\"detail\":{\"state\":{\"status\":\"running\"}}}", 1 },
		{ "{\"detail\":{\"state\":{\"status\":[\"running\"]}}}",
		    "{\"detail\":{\"state.status\":\"running\"}}", 1 },
		{ "{\"detail.state.status\":[\"running\"]}",
		    "{\"detail\":{\"state\":{\"status\":\"running\"}}}", 1 },
		/* repeated keys: the last wins */
		{ "{\"a\":[\"x\"],\"a\":[\"y\"]}", "{\"a\":\"x\"}", 0 },
		{ "{\"a\":[\"x\"],\"a\":[\"y\"]}", "{\"a\":\"y\"}", 1 },
		/* but repeated objects keep both paths */
		{ "{\"a\":{\"b\":[1]},\"a\":{\"c\":[2]}}", "{\"a\":{\"b\":1,\"c\":2}}", 1 },
		{ "{\"a\":{\"b\":[1]},\"a\":{\"c\":[2]}}", "{\"a\":{\"b\":1}}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_numbers(void **state)
{
	static const struct match_case c[] = {
		{ "{\"n\":[300]}", "{\"n\":300}", 1 },
		{ "{\"n\":[300]}", "{\"n\":300.0}", 1 },
		{ "{\"n\":[300]}", "{\"n\":3e2}", 1 },
		{ "{\"n\":[3]}", "{\"n\":3.0}", 1 },
		{ "{\"n\":[3.0]}", "{\"n\":3}", 1 },
		{ "{\"n\":[3e0]}", "{\"n\":0.03E2}", 1 },
		{ "{\"n\":[3]}", "{\"n\":3.0000001}", 0 },
		{ "{\"n\":[0]}", "{\"n\":-0}", 1 },
		{ "{\"n\":[-1.5]}", "{\"n\":-15e-1}", 1 },
		/* not representable: literal text only */
		{ "{\"n\":[12345678901234567890]}", "{\"n\":12345678901234567890}", 1 },
		{ "{\"n\":[12345678901234567890]}", "{\"n\":12345678901234567891}", 0 },
		{ "{\"n\":[12345678901234567890]}", "{\"n\":1.234567890123456789e19}", 0 },
		{ "{\"n\":[123456789012]}", "{\"n\":123456789012}", 1 },
		{ "{\"n\":[0.1]}", "{\"n\":0.10}", 1 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_prefix_suffix(void **state)
{
	static const struct match_case c[] = {
		{ "{\"t\":[{\"prefix\":\"2017-10-02\"}]}", "{\"t\":\"2017-10-02T00:00\"}", 1 },
		{ "{\"t\":[{\"prefix\":\"2017-10-02\"}]}", "{\"t\":\"2017-10-03\"}", 0 },
		{ "{\"t\":[{\"prefix\":\"\"}]}", "{\"t\":\"anything\"}", 1 },
		{ "{\"t\":[{\"prefix\":\"\"}]}", "{\"t\":\"\"}", 1 },
		{ "{\"t\":[{\"prefix\":\"\"}]}", "{\"t\":12}", 0 },
		{ "{\"t\":[{\"prefix\":\"\"}]}", "{\"t\":null}", 0 },
		{ "{\"t\":[{\"prefix\":\"1\"}]}", "{\"t\":12}", 0 },
		{ "{\"t\":[{\"prefix\":{\"equals-ignore-case\":\"EventB\"}}]}",
		    "{\"t\":\"eventbridge\"}", 1 },
		{ "{\"t\":[{\"prefix\":{\"equals-ignore-case\":\"EventB\"}}]}",
		    "{\"t\":\"event\"}", 0 },
		{ "{\"f\":[{\"suffix\":\".png\"}]}", "{\"f\":\"a.png\"}", 1 },
		{ "{\"f\":[{\"suffix\":\".png\"}]}", "{\"f\":\"a.PNG\"}", 0 },
		{ "{\"f\":[{\"suffix\":\"\"}]}", "{\"f\":\"x\"}", 1 },
		{ "{\"f\":[{\"suffix\":{\"equals-ignore-case\":\".png\"}}]}",
		    "{\"f\":\"a.PNG\"}", 1 },
		{ "{\"f\":[{\"suffix\":{\"equals-ignore-case\":\".png\"}}]}",
		    "{\"f\":\"a.PNGx\"}", 0 },
		{ "{\"f\":[{\"suffix\":\"2\"}]}", "{\"f\":12}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_equals_ignore_case(void **state)
{
	static const struct match_case c[] = {
		{ "{\"n\":[{\"equals-ignore-case\":\"alice\"}]}", "{\"n\":\"ALiCE\"}", 1 },
		{ "{\"n\":[{\"equals-ignore-case\":\"alice\"}]}", "{\"n\":\"alicex\"}", 0 },
		{ "{\"n\":[{\"equals-ignore-case\":\"\"}]}", "{\"n\":\"\"}", 1 },
		{ "{\"n\":[{\"equals-ignore-case\":\"\"}]}", "{\"n\":\"a\"}", 0 },
		{ "{\"n\":[{\"equals-ignore-case\":\"\xc3\x84PFEL\"}]}",
		    "{\"n\":\"\xc3\xa4pfel\"}", 1 },
		{ "{\"n\":[{\"equals-ignore-case\":\"stra\xc3\x9f" "e\"}]}",
		    "{\"n\":\"STRASSE\"}", 1 },
		{ "{\"n\":[{\"equals-ignore-case\":\"STRASSE\"}]}",
		    "{\"n\":\"stra\xc3\x9f" "e\"}", 0 },
		{ "{\"n\":[{\"equals-ignore-case\":\"true\"}]}", "{\"n\":true}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_anything_but(void **state)
{
	static const struct match_case c[] = {
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":\"y\"}", 1 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":\"x\"}", 0 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":null}", 1 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":true}", 1 },
		{ "{\"s\":[{\"anything-but\":\"1\"}]}", "{\"s\":1}", 1 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{}", 0 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":[]}", 0 },
		{ "{\"s\":[{\"anything-but\":\"x\"}]}", "{\"s\":{\"a\":1}}", 0 },
		{ "{\"s\":[{\"anything-but\":0}]}", "{\"s\":789}", 1 },
		{ "{\"s\":[{\"anything-but\":0}]}", "{\"s\":0.0}", 0 },
		{ "{\"s\":[{\"anything-but\":0}]}", "{\"s\":\"0\"}", 1 },
		{ "{\"s\":[{\"anything-but\":[\"a\",\"b\"]}]}", "{\"s\":\"c\"}", 1 },
		{ "{\"s\":[{\"anything-but\":[\"a\",\"b\"]}]}", "{\"s\":\"b\"}", 0 },
		{ "{\"s\":[{\"anything-but\":[\"a\"]}]}", "{\"s\":[\"a\",\"c\"]}", 1 },
		{ "{\"s\":[{\"anything-but\":[\"a\",\"b\"]}]}", "{\"s\":[\"a\",\"b\"]}", 0 },
		{ "{\"s\":[{\"anything-but\":[100,200]}]}", "{\"s\":200.0}", 0 },
		{ "{\"s\":[{\"anything-but\":[100,200]}]}", "{\"s\":300}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"prefix\":\"init\"}}]}", "{\"s\":\"initial\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"prefix\":\"init\"}}]}", "{\"s\":\"running\"}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"prefix\":\"init\"}}]}", "{\"s\":5}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"prefix\":\"init\"}}]}", "{\"s\":null}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"prefix\":[\"a\",\"b\"]}}]}", "{\"s\":\"bx\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"suffix\":[\".txt\",\".jpg\"]}}]}",
		    "{\"s\":\"a.png\"}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"suffix\":[\".txt\",\".jpg\"]}}]}",
		    "{\"s\":\"a.jpg\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"equals-ignore-case\":[\"a\",\"b\"]}}]}",
		    "{\"s\":\"B\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"equals-ignore-case\":\"a\"}}]}",
		    "{\"s\":\"c\"}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"wildcard\":\"*/lib/*\"}}]}",
		    "{\"s\":\"/usr/lib/x\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"wildcard\":\"*/lib/*\"}}]}",
		    "{\"s\":\"/usr/bin/x\"}", 1 },
		{ "{\"s\":[{\"anything-but\":{\"wildcard\":\"\"}}]}", "{\"s\":\"\"}", 0 },
		{ "{\"s\":[{\"anything-but\":{\"wildcard\":\"\"}}]}", "{\"s\":\"a\"}", 1 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_numeric(void **state)
{
	static const struct match_case c[] = {
		{ "{\"n\":[{\"numeric\":[\">\",0,\"<=\",5]}]}", "{\"n\":5}", 1 },
		{ "{\"n\":[{\"numeric\":[\">\",0,\"<=\",5]}]}", "{\"n\":0}", 0 },
		{ "{\"n\":[{\"numeric\":[\">\",0,\"<=\",5]}]}", "{\"n\":5.0001}", 0 },
		{ "{\"n\":[{\"numeric\":[\">=\",0,\"<\",5]}]}", "{\"n\":0}", 1 },
		{ "{\"n\":[{\"numeric\":[\">=\",0,\"<\",5]}]}", "{\"n\":5}", 0 },
		{ "{\"n\":[{\"numeric\":[\"=\",3.018e2]}]}", "{\"n\":301.8}", 1 },
		{ "{\"n\":[{\"numeric\":[\"<\",10]}]}", "{\"n\":-1e300}", 1 },
		{ "{\"n\":[{\"numeric\":[\"<\",10]}]}", "{\"n\":\"1\"}", 0 },
		{ "{\"n\":[{\"numeric\":[\"<\",10]}]}", "{\"n\":null}", 0 },
		{ "{\"n\":[{\"numeric\":[\">\",10]}]}", "{\"n\":[1,2,30]}", 1 },
		{ "{\"n\":[{\"numeric\":[\">\",10]}]}", "{\"n\":[1,2,3]}", 0 },
		{ "{\"n\":[{\"numeric\":[\">\",1e9]}]}", "{\"n\":5e9}", 1 },
		/* an event number a double cannot hold is no number */
		{ "{\"n\":[{\"numeric\":[\">\",0]}]}", "{\"n\":12345678901234567891}", 0 },
		{ "{\"n\":[{\"numeric\":[\">\",0]}]}", "{\"n\":1e400}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_exists(void **state)
{
	static const struct match_case c[] = {
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":\"\"}", 1 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":null}", 1 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":0}", 1 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":[1]}", 1 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":[]}", 0 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":{}}", 0 },
		{ "{\"a\":[{\"exists\":true}]}", "{\"a\":{\"b\":1}}", 0 },
		{ "{\"a\":[{\"exists\":true}]}", "{}", 0 },
		{ "{\"a\":[{\"exists\":false}]}", "{}", 1 },
		{ "{\"a\":[{\"exists\":false}]}", "{\"a\":null}", 0 },
		{ "{\"a\":[{\"exists\":false}]}", "{\"a\":[]}", 1 },
		{ "{\"a\":[{\"exists\":false}]}", "{\"a\":{\"b\":1}}", 1 },
		{ "{\"a\":[{\"exists\":false}]}", "{\"a\":\"\"}", 0 },
		{ "{\"l1\":{\"l2\":{\"l3\":[{\"exists\":false}]}}}", "{\"l1\":\"x\"}", 1 },
		{ "{\"a\":{\"id\":[{\"exists\":false}]}}",
		    "{\"a\":[{\"b\":1},{\"id\":2}]}", 0 },
		{ "{\"a\":[{\"exists\":false}],\"b\":[1]}", "{\"b\":1}", 1 },
		{ "{\"a\":[{\"exists\":false}],\"b\":[1]}", "{\"b\":2}", 0 },
		/* OR inside one field */
		{ "{\"a\":[{\"exists\":true},{\"prefix\":\"IGNORED\"}]}", "{\"a\":\"x\"}", 1 },
		{ "{\"a\":[{\"exists\":false},\"x\"]}", "{\"a\":\"x\"}", 1 },
		{ "{\"a\":[{\"exists\":false},\"x\"]}", "{}", 1 },
		{ "{\"a\":[{\"exists\":false},\"x\"]}", "{\"a\":\"y\"}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_cidr(void **state)
{
	static const struct match_case c[] = {
		{ "{\"ip\":[{\"cidr\":\"10.0.0.0/24\"}]}", "{\"ip\":\"10.0.0.255\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"10.0.0.0/24\"}]}", "{\"ip\":\"10.0.1.0\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"10.0.0.0/24\"}]}", "{\"ip\":\"10.0.0.256\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"10.0.0.0/24\"}]}", "{\"ip\":\"s3.amazonaws.com\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"10.0.0.0/24\"}]}", "{\"ip\":167772161}", 0 },
		{ "{\"ip\":[{\"cidr\":\"0.0.0.0/0\"}]}", "{\"ip\":\"255.255.255.255\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"192.168.1.128/25\"}]}", "{\"ip\":\"192.168.1.127\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"192.168.1.128/25\"}]}", "{\"ip\":\"192.168.1.200\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"2001:db8::/32\"}]}", "{\"ip\":\"2001:0db8:0000:0000:0000:0000:0000:0001\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"2001:db8::/32\"}]}", "{\"ip\":\"2001:db9::1\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"2001:db8::/32\"}]}", "{\"ip\":\"10.0.0.1\"}", 0 },
		{ "{\"ip\":[{\"cidr\":\"::/0\"}]}", "{\"ip\":\"::1\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"fe80::/10\"}]}", "{\"ip\":\"FEBF::1\"}", 1 },
		{ "{\"ip\":[{\"cidr\":\"fe80::/10\"}]}", "{\"ip\":\"fec0::1\"}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_wildcard(void **state)
{
	static const struct match_case c[] = {
		{ "{\"a\":[{\"wildcard\":\"arn:aws:events:us-east-1:*:event-bus/*\"}]}",
		    "{\"a\":\"arn:aws:events:us-east-1:123:event-bus/default\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"arn:aws:events:us-east-1:*:event-bus/*\"}]}",
		    "{\"a\":\"arn:aws:events:us-west-2:123:event-bus/default\"}", 0 },
		{ "{\"a\":[{\"wildcard\":\"*.png\"}]}", "{\"a\":\".png\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"*.png\"}]}", "{\"a\":\"x.png.gz\"}", 0 },
		{ "{\"a\":[{\"wildcard\":\"a*b*c\"}]}", "{\"a\":\"abbbcbc\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"\"}]}", "{\"a\":\"\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"\"}]}", "{\"a\":\"x\"}", 0 },
		{ "{\"a\":[{\"wildcard\":\"*\"}]}", "{\"a\":\"\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"*\"}]}", "{\"a\":5}", 0 },
		{ "{\"a\":[{\"wildcard\":\"a\\\\*b\"}]}", "{\"a\":\"a*b\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"a\\\\*b\"}]}", "{\"a\":\"axb\"}", 0 },
		{ "{\"a\":[{\"wildcard\":\"a\\\\\\\\b\"}]}", "{\"a\":\"a\\\\b\"}", 1 },
		{ "{\"a\":[{\"wildcard\":\"a\\\\\\\\*\"}]}", "{\"a\":\"a\\\\xyz\"}", 1 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_wildcard_complexity(void **state)
{
	static const struct {
		const char	*value;
		bool		 ok;
	} c[] = {
		{ "/Users/*/dir/dir/dir/dir/dir/doc.txt", true },	/* 7 */
		{ "*/lib/*", true },
		{ "arn:aws:events:us-east-1:*:event-bus/*", true },
		{ "a*b*c*d*e*f", true },
		{ "arn:*:*:*:*:*", true },				/* 9 */
		{ "*:*:*:*:*:event-bus/*", false },			/* 11 */
		{ "*a*b*c*d*e*f*g*h*i*j*", false },
	};
	struct pattern_set *set = pattern_set_new();
	char buf[256], *cause;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < N(c); i++) {
		snprintf(buf, sizeof buf, "{\"a\":[{\"wildcard\":\"%s\"}]}",
		    c[i].value);
		cause = NULL;
		r = pattern_set_add(set, buf, strlen(buf), &cause);
		if ((r >= 0) != c[i].ok)
			fail_msg("%s: got %d (%s)", c[i].value, r, cause);
		if (!c[i].ok)
			assert_string_equal(cause, "Rule is too complex - try "
			    "using fewer wildcard characters or fewer repeating "
			    "character sequences after a wildcard character");
		free(cause);
	}
	/* several in one field add up: 3 x 3 accepted, 4 x 3 rejected */
	snprintf(buf, sizeof buf, "{\"a\":[{\"wildcard\":\"*:stack/a/*\"},"
	    "{\"wildcard\":\"*:stack/b/*\"},{\"wildcard\":\"*:stack/c/*\"}]}");
	assert_true(pattern_set_add(set, buf, strlen(buf), &cause) >= 0);
	snprintf(buf, sizeof buf, "{\"a\":[{\"wildcard\":\"*:stack/a/*\"},"
	    "{\"wildcard\":\"*:stack/b/*\"},{\"wildcard\":\"*:stack/c/*\"},"
	    "{\"wildcard\":\"*:stack/d/*\"}]}");
	assert_int_equal(pattern_set_add(set, buf, strlen(buf), &cause), -1);
	free(cause);
	/* anything-but wildcards count too */
	snprintf(buf, sizeof buf, "{\"a\":[{\"anything-but\":{\"wildcard\":"
	    "\"*:*:*:*:*:event-bus/*\"}}]}");
	assert_int_equal(pattern_set_add(set, buf, strlen(buf), &cause), -1);
	free(cause);
	pattern_set_free(set);
}

static void
test_array_consistency(void **state)
{
	static const struct match_case c[] = {
		{ "{\"employees\":{\"firstName\":[\"Anna\"],\"lastName\":[\"Jones\"]}}",
		    "{\"employees\":[{\"firstName\":\"Anna\",\"lastName\":\"Smith\"},"
		    "{\"firstName\":\"Peter\",\"lastName\":\"Jones\"}]}", 0 },
		{ "{\"employees\":{\"firstName\":[\"Anna\"],\"lastName\":[\"Jones\"]}}",
		    "{\"employees\":[{\"firstName\":\"Anna\",\"lastName\":\"Smith\"},"
		    "{\"firstName\":\"Anna\",\"lastName\":\"Jones\"}]}", 1 },
		/* a field outside the array agrees with any element */
		{ "{\"top\":[1],\"e\":{\"n\":[\"x\"]}}",
		    "{\"top\":1,\"e\":[{\"n\":\"y\"},{\"n\":\"x\"}]}", 1 },
		/* nested arrays: same outer element required */
		{ "{\"a\":{\"b\":{\"c\":[1],\"d\":[2]}}}",
		    "{\"a\":[{\"b\":[{\"c\":1},{\"d\":2}]}]}", 0 },
		{ "{\"a\":{\"b\":{\"c\":[1],\"d\":[2]}}}",
		    "{\"a\":[{\"b\":[{\"c\":1,\"d\":2}]}]}", 1 },
		/* different arrays do not constrain each other */
		{ "{\"x\":{\"v\":[1]},\"y\":{\"v\":[2]}}",
		    "{\"x\":[{\"v\":0},{\"v\":1}],\"y\":[{\"v\":2},{\"v\":3}]}", 1 },
		/* backtracking: the first matching element is not the one */
		{ "{\"r\":{\"type\":[\"AWS::S3::Bucket\"],\"ARN\":[{\"prefix\":\"arn:aws:s3:::b\"}]}}",
		    "{\"r\":[{\"type\":\"AWS::S3::Bucket\",\"ARN\":\"x\"},"
		    "{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::b/k\"},"
		    "{\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::b\"}]}", 1 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_or(void **state)
{
	static const struct match_case c[] = {
		{ "{\"$or\":[{\"source\":[\"aws.ec2\"]},{\"source\":[\"aws.s3\"]}]}",
		    "{\"source\":\"aws.s3\"}", 1 },
		{ "{\"$or\":[{\"source\":[\"aws.ec2\"]},{\"source\":[\"aws.s3\"]}]}",
		    "{\"source\":\"my.app\"}", 0 },
		{ "{\"detail\":{\"$or\":[{\"c\":[{\"numeric\":[\">\",0,\"<=\",5]}]},"
		    "{\"d\":[{\"numeric\":[\"<\",10]}]}]}}", "{\"detail\":{\"d\":9}}", 1 },
		{ "{\"source\":[\"a\"],\"$or\":[{\"x\":[1]},{\"y\":[2]}]}",
		    "{\"source\":\"a\",\"y\":2}", 1 },
		{ "{\"source\":[\"a\"],\"$or\":[{\"x\":[1]},{\"y\":[2]}]}",
		    "{\"source\":\"b\",\"y\":2}", 0 },
		{ "{\"$or\":[{\"a\":[1],\"b\":[2]},{\"c\":[3]}]}", "{\"a\":1}", 0 },
		{ "{\"$or\":[{\"a\":[1],\"b\":[2]},{\"c\":[3]}]}", "{\"a\":1,\"b\":2}", 1 },
		{ "{\"$or\":[{\"a\":[1]},{\"$or\":[{\"b\":[2]},{\"c\":[3]}]}]}",
		    "{\"c\":3}", 1 },
		{ "{\"$or\":[{\"a\":[1]},{\"$or\":[{\"b\":[2]},{\"c\":[3]}]}]}",
		    "{\"d\":3}", 0 },
	};

	(void)state;
	check_matches(c, N(c));
}

static void
test_invalid(void **state)
{
	static const struct invalid_case c[] = {
		{ "[1]", "Filter is not an object" },
		{ "\"x\"", "Filter is not an object" },
		{ "this", "Unrecognized token 'this': was expecting (JSON String, "
		    "Number, Array, Object or token 'null', 'true' or 'false')" },
		{ "{'a':1}", "Unexpected character (''' (code 39)): was "
		    "expecting double-quote to start field name" },
		{ "{\"a\":\"x\"}", "\"a\" must be an object or an array" },
		{ "{\"a\":1}", "\"a\" must be an object or an array" },
		{ "{\"a\":null}", "\"a\" must be an object or an array" },
		{ "{}", "Empty objects are not allowed" },
		{ "{\"a\":{}}", "Empty objects are not allowed" },
		{ "{\"a\":[]}", "Empty arrays are not allowed" },
		{ "{\"a\":[[1]]}", "Match value must be String, number, true, "
		    "false, or null" },
		{ "{\"a\":[{}]}", "Match expression name not found" },
		{ "{\"a\":[{\"prefix\":\"x\",\"suffix\":\"y\"}]}",
		    "Only one key allowed in match expression" },
		{ "{\"a\":[{\"EXISTS\":true}]}", "Unrecognized match type EXISTS" },
		{ "{\"a\":[{\"NUMERIC\":[\">\",1]}]}", "Unrecognized match type NUMERIC" },
		{ "{\"a\":[{\"prefix\":5}]}", "prefix match pattern must be a string" },
		{ "{\"a\":[{\"prefix\":[\"x\"]}]}", "prefix match pattern must be a string" },
		{ "{\"a\":[{\"suffix\":null}]}", "suffix match pattern must be a string" },
		{ "{\"a\":[{\"prefix\":{\"x\":\"y\"}}]}", "Unsupported prefix pattern: x" },
		{ "{\"a\":[{\"suffix\":{\"x\":\"y\"}}]}", "Unsupported suffix pattern: x" },
		{ "{\"a\":[{\"prefix\":{}}]}", "Prefix expression name not found" },
		{ "{\"a\":[{\"suffix\":{}}]}", "Suffix expression name not found" },
		{ "{\"a\":[{\"prefix\":{\"equals-ignore-case\":1}}]}",
		    "equals-ignore-case match pattern must be a string" },
		{ "{\"a\":[{\"equals-ignore-case\":[\"a\"]}]}",
		    "equals-ignore-case match pattern must be a string" },
		{ "{\"a\":[{\"equals-ignore-case\":{\"a\":1}}]}",
		    "equals-ignore-case match pattern must be a string" },
		{ "{\"a\":[{\"wildcard\":[\"a\"]}]}", "wildcard match pattern must be a string" },
		{ "{\"a\":[{\"wildcard\":5}]}", "wildcard match pattern must be a string" },
		{ "{\"a\":[{\"wildcard\":\"a**b\"}]}", "Consecutive wildcard characters at pos 2" },
		{ "{\"a\":[{\"wildcard\":\"**\"}]}", "Consecutive wildcard characters at pos 1" },
		{ "{\"a\":[{\"wildcard\":\"a\\\\b\"}]}", "Invalid escape character at pos 2" },
		{ "{\"a\":[{\"wildcard\":\"ab\\\\\"}]}", "Invalid escape character at pos 3" },
		{ "{\"a\":[{\"wildcard\":\"\xc3\xa9**\"}]}", "Consecutive wildcard characters at pos 3" },
		{ "{\"a\":[{\"exactly\":1}]}", "exact match pattern must be a string" },
		{ "{\"a\":[{\"exists\":\"true\"}]}", "exists match pattern must be either true or false." },
		{ "{\"a\":[{\"exists\":null}]}", "exists match pattern must be either true or false." },
		{ "{\"a\":[{\"exists\":true,\"x\":1}]}", "Only one key allowed in match expression" },
		/* anything-but */
		{ "{\"a\":[{\"anything-but\":null}]}", "Value of anything-but must be "
		    "an array or single string/number value." },
		{ "{\"a\":[{\"anything-but\":true}]}", "Value of anything-but must be "
		    "an array or single string/number value." },
		{ "{\"a\":[{\"anything-but\":{\"prefix\":{\"equals-ignore-case\":\"x\"}}}]}",
		    "Value of anything-but must be an array or single string/number value." },
		{ "{\"a\":[{\"anything-but\":[\"a\",1]}]}", "Inside anything but list, "
		    "either all values are number or string, mixed type is not supported" },
		{ "{\"a\":[{\"anything-but\":[]}]}", "Inside anything but list, "
		    "either all values are number or string, mixed type is not supported" },
		{ "{\"a\":[{\"anything-but\":[\"a\",null]}]}",
		    "Inside anything but list, start|null|boolean is not supported." },
		{ "{\"a\":[{\"anything-but\":[true]}]}",
		    "Inside anything but list, start|null|boolean is not supported." },
		{ "{\"a\":[{\"anything-but\":{\"prefix\":\"\"}}]}", "Null prefix/suffix not allowed" },
		{ "{\"a\":[{\"anything-but\":{\"suffix\":[\"x\",\"\"]}}]}", "Null prefix/suffix not allowed" },
		{ "{\"a\":[{\"anything-but\":{\"prefix\":5}}]}", "prefix/suffix match pattern must be a string" },
		{ "{\"a\":[{\"anything-but\":{\"suffix\":[5]}}]}", "prefix/suffix match pattern must be a string" },
		{ "{\"a\":[{\"anything-but\":{\"equals-ignore-case\":5}}]}",
		    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported." },
		{ "{\"a\":[{\"anything-but\":{\"equals-ignore-case\":[\"a\",null]}}]}",
		    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported." },
		{ "{\"a\":[{\"anything-but\":{\"wildcard\":5}}]}", "wildcard match pattern must be a string" },
		{ "{\"a\":[{\"anything-but\":{\"wildcard\":\"a**\"}}]}", "Consecutive wildcard characters at pos 2" },
		{ "{\"a\":[{\"anything-but\":{\"exists\":true}}]}", "Unsupported anything-but pattern: exists" },
		{ "{\"a\":[{\"anything-but\":{}}]}", "Anything-But expression name not found" },
		{ "{\"a\":[{\"anything-but\":\"x\",\"b\":1}]}", "Too many elements in numeric expression" },
		{ "{\"a\":[{\"anything-but\":1e309}]}", "Cannot compare number : 1e309" },
		/* numeric */
		{ "{\"a\":[{\"numeric\":\">\"}]}", "Value of numeric must be an array." },
		{ "{\"a\":[{\"numeric\":[]}]}", "Invalid member in numeric match: ]" },
		{ "{\"a\":[{\"numeric\":[5]}]}", "Invalid member in numeric match: 5" },
		{ "{\"a\":[{\"numeric\":[\"==\",5]}]}", "Unrecognized numeric range operator: ==" },
		{ "{\"a\":[{\"numeric\":[\"<>\",5]}]}", "Unrecognized numeric range operator: <>" },
		{ "{\"a\":[{\"numeric\":[\"=\",\"5\"]}]}", "Value of equals must be numeric" },
		{ "{\"a\":[{\"numeric\":[\">\"]}]}", "Value of > must be numeric" },
		{ "{\"a\":[{\"numeric\":[\">=\",null]}]}", "Value of >= must be numeric" },
		{ "{\"a\":[{\"numeric\":[\"=\",1,\"<\",2]}]}", "Too many elements in numeric expression" },
		{ "{\"a\":[{\"numeric\":[\"<\",5,\">\",1]}]}", "Too many elements in numeric expression" },
		{ "{\"a\":[{\"numeric\":[\">\",1,5]}]}", "Bad value in numeric range: 5" },
		{ "{\"a\":[{\"numeric\":[\">\",1,\">\",5]}]}", "Bad numeric range operator: >" },
		{ "{\"a\":[{\"numeric\":[\">\",1,\"<\"]}]}", "Value of < must be numeric" },
		{ "{\"a\":[{\"numeric\":[\">\",1,\"<\",5,6]}]}", "Too many terms in numeric range expression" },
		{ "{\"a\":[{\"numeric\":[\">=\",1,\"<=\",1]}]}", "Bottom must be less than top" },
		{ "{\"a\":[{\"numeric\":[\">\",5,\"<\",1]}]}", "Bottom must be less than top" },
		{ "{\"a\":[{\"numeric\":[\">\",0.30000000000000001]}]}", "Cannot compare number : 0.30000000000000001" },
		{ "{\"a\":[{\"numeric\":[\"<\",1E309]}]}", "Cannot compare number : 1E309" },
		{ "{\"a\":[{\"numeric\":[\"=\",1E-325]}]}", "Cannot compare number : 1E-325" },
		{ "{\"a\":[{\"numeric\":[\">\",2.0e422]}]}", "Cannot compare number : 2.0e422" },
		{ "{\"a\":[{\"numeric\":[\">\",1],\"x\":1}]}", "Too many elements in numeric expression" },
		/* cidr */
		{ "{\"a\":[{\"cidr\":5}]}", "prefix match pattern must be a string" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.0\"}]}", "Malformed CIDR, one '/' required" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.0/8/8\"}]}", "Malformed CIDR, one '/' required" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.0/x\"}]}", "Malformed CIDR, mask bits must be an integer" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.0/-1\"}]}", "Malformed CIDR, mask bits must not be negative" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.0/32\"}]}", "IPv4 mask bits must be < 32" },
		{ "{\"a\":[{\"cidr\":\"::/128\"}]}", "IPv6 mask bits must be < 128" },
		{ "{\"a\":[{\"cidr\":\"example.com/24\"}]}", "Nonstandard IP address: example.com" },
		{ "{\"a\":[{\"cidr\":\"::ffff:1.2.3.4/100\"}]}", "Nonstandard IP address: ::ffff:1.2.3.4" },
		{ "{\"a\":[{\"cidr\":\"10.0.0.256/24\"}]}", "Invalid IP address: 10.0.0.256" },
		/* $or */
		{ "{\"$or\":{\"a\":[1]}}", "It must be an Array followed with $or." },
		{ "{\"$or\":[{\"a\":[1]},\"x\"]}", "Only JSON object is allowed in array of $or relationship." },
		{ "{\"$or\":[{\"a\":[1]}]}", "There must have at least 2 Objects in $or relationship." },
		{ "{\"$or\":[]}", "There must have at least 2 Objects in $or relationship." },
		{ "{\"$or\":[{\"numeric\":[1]},{\"a\":[1]}]}",
		    "numeric is Ruler reserved fieldName which cannot be used inside $or." },
		{ "{\"$or\":[{\"a\":{\"prefix\":[1]}},{\"a\":[1]}]}",
		    "prefix is Ruler reserved fieldName which cannot be used inside $or." },
		{ "{\"$or\":[{\"a\":[1]},{\"$or\":[{\"regex\":[1]},{\"b\":[1]}]}]}",
		    "regex is Ruler reserved fieldName which cannot be used inside $or." },
	};

	(void)state;
	check_invalid(c, N(c));
}

static void
test_limits(void **state)
{
	struct pattern_set *set = pattern_set_new();
	struct pattern_event *ev;
	char *p, *e, *cause = NULL;
	size_t i, n;
	int r;

	(void)state;
	/* pattern size: 2048 characters (not bytes) */
	p = malloc(8192);
	n = (size_t)snprintf(p, 8192, "{\"a\":[\"");
	while (n < PATTERN_MAX_LEN - 3)
		p[n++] = 'x';
	memcpy(p + n, "\"]}", 4);
	n += 3;
	assert_int_equal(n, PATTERN_MAX_LEN);
	assert_true(pattern_set_add(set, p, n, &cause) >= 0);
	memmove(p + 8, p + 7, n - 7 + 1);
	memcpy(p + 7, "\xc3\xa9", 2);	/* one character in two bytes */
	assert_true(pattern_set_add(set, p, n + 1, &cause) >= 0);
	memmove(p + 8, p + 7, n + 1 - 7 + 1);
	p[7] = 'y';
	assert_int_equal(pattern_set_add(set, p, n + 2, &cause), -1);
	assert_non_null(strstr(cause, "2048"));
	free(cause);
	/* $or combinations: 2^10 = 1024 > 1000, 2^9 accepted */
	n = 0;
	n += (size_t)sprintf(p + n, "{");
	for (i = 0; i < 10; i++)
		n += (size_t)sprintf(p + n, "%s\"f%zu\":{\"$or\":[{\"a\":[1]},"
		    "{\"b\":[2]}]}", i ? "," : "", i);
	sprintf(p + n, "}");
	assert_int_equal(pattern_set_add(set, p, strlen(p), &cause), -1);
	assert_non_null(strstr(cause, "1000"));
	free(cause);
	n = (size_t)sprintf(p, "{");
	for (i = 0; i < 9; i++)
		n += (size_t)sprintf(p + n, "%s\"f%zu\":{\"$or\":[{\"a\":[1]},"
		    "{\"b\":[2]}]}", i ? "," : "", i);
	sprintf(p + n, "}");
	assert_true((r = pattern_set_add(set, p, strlen(p), &cause)) >= 0);
	free(p);
	/* event size: 256 KB */
	ev = pattern_event_new(set);
	n = PATTERN_EVENT_MAX + 1;
	e = malloc(n + 1);
	memset(e, ' ', n);
	e[0] = '{';
	e[n - 1] = '}';
	e[n] = '\0';
	assert_int_equal(pattern_event_load(ev, e, n, PATTERN_WRAP_NONE,
	    &cause), -1);
	free(cause);
	assert_int_equal(pattern_event_load(ev, e, n - 1 - 1, PATTERN_WRAP_NONE,
	    &cause), -1);	/* cut: unterminated */
	free(cause);
	e[n - 2] = '}';
	assert_int_equal(pattern_event_load(ev, e, n - 1, PATTERN_WRAP_NONE,
	    &cause), 0);
	free(e);
	pattern_event_free(ev);
	pattern_set_free(set);
}

static void
test_bad_events(void **state)
{
	static const char *const bad[] = {
		"", "[]", "\"x\"", "1", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}",
		"{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}", "{} x",
		"{\"a\":tru}", "{\"a\":[1 2]}", "{\"a\":\"\\ud8\"}",
	};
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		if (run("{\"a\":[1]}", bad[i], PATTERN_WRAP_NONE, &cause) != -1)
			fail_msg("event %s accepted", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
	assert_int_equal(run("{\"a\":[1]}", "{\"a\":\"x\",", PATTERN_WRAP_NONE,
	    &cause), -1);
	assert_non_null(strstr(cause, "offset"));
	free(cause);
}

static const char *const ct_record =
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
    "\"arn\":\"arn:aws:iam::123456789012:user/alice\",\"sessionContext\":"
    "{\"attributes\":{\"mfaAuthenticated\":\"true\"}}},"
    "\"eventTime\":\"2024-05-01T12:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
    "\"eventName\":\"PutObject\",\"awsRegion\":\"eu-west-1\","
    "\"sourceIPAddress\":\"203.0.113.7\",\"requestParameters\":{\"bucketName\":"
    "\"b\",\"key\":\"k.txt\"},\"responseElements\":null,\"readOnly\":false,"
    "\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::b/k.txt\"},"
    "{\"accountId\":\"123456789012\",\"type\":\"AWS::S3::Bucket\",\"ARN\":"
    "\"arn:aws:s3:::b\"}],\"eventType\":\"AwsApiCall\",\"eventID\":\"e-1\","
    "\"recipientAccountId\":\"123456789012\"}";

static void
test_cloudtrail_wrap(void **state)
{
	static const struct {
		const char	*pattern;
		int		 want;
	} c[] = {
		{ "{\"source\":[\"aws.s3\"],\"detail-type\":[\"AWS API Call via "
		    "CloudTrail\"],\"detail\":{\"eventSource\":[\"s3.amazonaws.com\"],"
		    "\"eventName\":[\"PutObject\"],\"requestParameters\":"
		    "{\"bucketName\":[\"b\"]}}}", 1 },
		{ "{\"version\":[\"0\"],\"id\":[\"e-1\"],\"account\":[\"123456789012\"],"
		    "\"time\":[\"2024-05-01T12:00:00Z\"],\"region\":[\"eu-west-1\"]}", 1 },
		{ "{\"resources\":[{\"exists\":true}]}", 0 },
		{ "{\"resources\":[{\"exists\":false}]}", 1 },
		{ "{\"eventName\":[\"PutObject\"]}", 0 },
		{ "{\"detail\":{\"userIdentity\":{\"sessionContext\":{\"attributes\":"
		    "{\"mfaAuthenticated\":[true]}}}}}", 0 },
		{ "{\"detail\":{\"userIdentity\":{\"sessionContext\":{\"attributes\":"
		    "{\"mfaAuthenticated\":[\"true\"]}}}}}", 1 },
		{ "{\"detail\":{\"readOnly\":[false]}}", 1 },
		{ "{\"detail\":{\"responseElements\":[{\"exists\":false}]}}", 0 },
		{ "{\"detail\":{\"sourceIPAddress\":[{\"cidr\":\"203.0.113.0/24\"}]}}", 1 },
		{ "{\"detail\":{\"resources\":{\"type\":[\"AWS::S3::Bucket\"],"
		    "\"ARN\":[\"arn:aws:s3:::b/k.txt\"]}}}", 0 },
		{ "{\"detail\":{\"resources\":{\"type\":[\"AWS::S3::Bucket\"],"
		    "\"ARN\":[\"arn:aws:s3:::b\"]}}}", 1 },
		{ "{\"source\":[\"aws.s3\"],\"detail-type\":[\"AWS Service Event via CloudTrail\"]}", 0 },
	};
	char *cause;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < N(c); i++) {
		r = run(c[i].pattern, ct_record, PATTERN_WRAP_CLOUDTRAIL, &cause);
		if (r != c[i].want)
			fail_msg("case %zu: %s: got %d (%s)", i, c[i].pattern, r,
			    cause ? cause : "");
		free(cause);
		/* auto sees a record too */
		assert_int_equal(run(c[i].pattern, ct_record, PATTERN_WRAP_AUTO,
		    &cause), c[i].want);
		free(cause);
	}
	/* unwrapped, the record's own fields are top-level */
	assert_int_equal(run("{\"eventName\":[\"PutObject\"]}", ct_record,
	    PATTERN_WRAP_NONE, &cause), 1);
	assert_int_equal(run("{\"source\":[\"aws.s3\"]}", ct_record,
	    PATTERN_WRAP_NONE, &cause), 0);
	/* auto leaves an EventBridge event alone */
	assert_int_equal(run("{\"source\":[\"aws.s3\"]}", "{\"detail-type\":\"x\","
	    "\"source\":\"aws.s3\",\"detail\":{\"eventSource\":\"s3.amazonaws.com\"}}",
	    PATTERN_WRAP_AUTO, &cause), 1);
	/* other event types */
	assert_int_equal(run("{\"detail-type\":[\"AWS Console Sign In via CloudTrail\"],"
	    "\"source\":[\"aws.signin\"]}", "{\"eventType\":\"AwsConsoleSignIn\","
	    "\"eventSource\":\"signin.amazonaws.com\"}", PATTERN_WRAP_CLOUDTRAIL,
	    &cause), 1);
	assert_int_equal(run("{\"detail-type\":[\"AWS Service Event via CloudTrail\"]}",
	    "{\"eventType\":\"AwsServiceEvent\",\"eventSource\":\"kms.amazonaws.com\"}",
	    PATTERN_WRAP_CLOUDTRAIL, &cause), 1);
}

static void
test_set_api(void **state)
{
	struct pattern_set *set = pattern_set_new();
	struct pattern_event *ev;
	const struct pattern_value *v;
	const char *e = "{\"a\":[\"x\",{\"b\":1},2.5,null,true],\"c\":\"d\"}";
	char *cause = NULL;
	int out[8], fa, fc, fz;
	size_t n;

	(void)state;
	assert_int_equal(pattern_set_add(set, "{\"c\":[\"d\"]}", 11, &cause), 0);
	assert_int_equal(pattern_set_add(set, "{\"c\":[\"e\"]}", 11, &cause), 1);
	assert_int_equal(pattern_set_add(set, "{\"a\":[2.5]}", 11, &cause), 2);
	assert_int_equal(pattern_set_add(set, "{\"a\":[", 6, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(pattern_set_count(set), 3);
	fa = pattern_set_want(set, "a");
	fc = pattern_set_want(set, "c");
	fz = pattern_set_want(set, "zzz");
	assert_int_equal(pattern_set_want(set, "a"), fa);
	ev = pattern_event_new(set);
	assert_int_equal(pattern_event_load(ev, e, strlen(e), PATTERN_WRAP_NONE,
	    &cause), 0);
	assert_true(pattern_event_match(ev, 0));
	assert_false(pattern_event_match(ev, 1));
	assert_true(pattern_event_match(ev, 2));
	assert_false(pattern_event_match(ev, 7));
	assert_int_equal(pattern_event_matches(ev, out, 8), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 2);
	assert_int_equal(pattern_event_matches(ev, out, 1), 1);
	v = pattern_event_values(ev, fa, &n);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].type, PATTERN_V_STRING);
	assert_int_equal(v[0].len, 1);
	assert_memory_equal(v[0].text, "x", 1);
	assert_int_equal(v[1].type, PATTERN_V_NUMBER);
	assert_memory_equal(v[1].text, "2.5", 3);
	assert_int_equal(v[2].type, PATTERN_V_NULL);
	assert_int_equal(v[3].type, PATTERN_V_TRUE);
	v = pattern_event_values(ev, fc, &n);
	assert_int_equal(n, 1);
	(void)pattern_event_values(ev, fz, &n);
	assert_int_equal(n, 0);
	(void)pattern_event_values(ev, 9999, &n);
	assert_int_equal(n, 0);
	/* reuse: the next event replaces the values */
	assert_int_equal(pattern_event_load(ev, "{\"c\":\"e\"}", 9,
	    PATTERN_WRAP_NONE, &cause), 0);
	assert_false(pattern_event_match(ev, 0));
	assert_true(pattern_event_match(ev, 1));
	(void)pattern_event_values(ev, fa, &n);
	assert_int_equal(n, 0);
	/* a failed load leaves no values behind */
	assert_int_equal(pattern_event_load(ev, "{\"c\":\"d\"", 8,
	    PATTERN_WRAP_NONE, &cause), -1);
	free(cause);
	assert_false(pattern_event_match(ev, 0));
	pattern_event_free(ev);
	pattern_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_dot_joining),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_prefix_suffix),
		cmocka_unit_test(test_equals_ignore_case),
		cmocka_unit_test(test_anything_but),
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_exists),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_wildcard_complexity),
		cmocka_unit_test(test_array_consistency),
		cmocka_unit_test(test_or),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_cloudtrail_wrap),
		cmocka_unit_test(test_set_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
