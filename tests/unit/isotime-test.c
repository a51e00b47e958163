/* ISO-8601 times: what each caller's flags accept and refuse, the basic
 * form, and the civil-to-epoch arithmetic against timegm(). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "isotime.h"

#define T0	1714564800	/* 2024-05-01T12:00:00Z */

/* The credential chain's flags, and the rule engine's. */
#define CREDS	(ISOTIME_FRACTION | ISOTIME_OFFSET | ISOTIME_SDK_ZONE)
#define RULES	(ISOTIME_FRACTION | ISOTIME_OFFSET | ISOTIME_EPOCH)
#define VERIFY	(ISOTIME_DATE | ISOTIME_NOZONE)

static void
ok(const char *s, unsigned flags, int64_t want)
{
	int64_t t = -12345;

	if (isotime_parse(s, flags, &t) != 0)
		fail_msg("refused '%s' (flags %#x)", s, flags);
	if (t != want)
		fail_msg("'%s' (flags %#x): %lld, not %lld", s, flags,
		    (long long)t, (long long)want);
}

static void
bad(const char *s, unsigned flags)
{
	int64_t t;

	if (isotime_parse(s, flags, &t) == 0)
		fail_msg("accepted '%s' (flags %#x)", s, flags);
}

static void
test_extended(void **state)
{
	static const unsigned all[] = { 0, CREDS, RULES, VERIFY,
	    ISOTIME_PREFIX };
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		ok("2024-05-01T12:00:00Z", all[i], T0);
		bad("", all[i]);
		assert_int_equal(isotime_parse(NULL, all[i], &t), -1);
		bad("2024-05-01 12:00:00Z", all[i]);
		bad("2024-5-01T12:00:00Z", all[i]);
		bad(" 2024-05-01T12:00:00Z", all[i]);
		bad("2024-13-01T12:00:00Z", all[i]);
		bad("2024-05-32T12:00:00Z", all[i]);
		bad("2024-05-01T24:00:00Z", all[i]);
		bad("2024-05-01T12:60:00Z", all[i]);
		bad("2024-05-01T12:00:61Z", all[i]);
		bad("2024-05-01T12:00:0", all[i]);
	}
	/* A day past the month's end and a leap second run on, as timegm()
	 * has them. */
	ok("2023-02-31T00:00:00Z", 0, 1677801600);	/* 2023-03-03 */
	ok("2024-02-30T00:00:00Z", 0, 1709251200);	/* 2024-03-01 */
	ok("2016-12-31T23:59:60Z", 0, 1483228800);

	/* Credentials: fractions, offsets, and the SDKs' other zones. */
	ok("2024-05-01T12:00:00.123456Z", CREDS, T0);
	ok("2024-05-01T14:00:00+02:00", CREDS, T0);
	ok("2024-05-01T11:00:00-0100", CREDS, T0);
	ok("2024-05-01T12:00:00UTC", CREDS, T0);
	ok("2024-05-01T12:00:00z", CREDS, T0);
	bad("2024-05-01T12:00:00", CREDS);
	bad("2024-05-01T12:00:00Zjunk", CREDS);
	bad("2024-05-01T12:00:00.Z", CREDS);
	bad("2024-05-01T12:00:00+24:00", CREDS);
	bad("2024-05-01T12:00:00+02:60", CREDS);
	bad("2024-05-01T12:00:00+2:00", CREDS);
	bad("2024-05-01T12:00:00\n", CREDS);

	/* Rules: fractions and "+hh:mm" only, and nothing before 1970. */
	ok("2024-05-01T12:00:00.5Z", RULES, T0);
	ok("2024-05-01T12:30:00+00:30", RULES, T0);
	bad("2024-05-01T11:00:00-0100", RULES);
	bad("2024-05-01T12:00:00UTC", RULES);
	bad("2024-05-01T12:00:00z", RULES);
	bad("1969-12-31T23:59:59Z", RULES);
	ok("1969-12-31T23:59:59Z", CREDS, -1);

	/* verify-logs: a date alone, and no zone or "Z". */
	ok("2024-05-01", VERIFY, T0 - 43200);
	ok("2024-05-01Z", VERIFY, T0 - 43200);
	ok("2024-05-01T12:00:00", VERIFY, T0);
	bad("2024-05-01T12:00:00+00:00", VERIFY);
	bad("2024-05-01T12:00:00.5Z", VERIFY);
	bad("2024-05-01ZZ", VERIFY);
	bad("2024-05-01T", VERIFY);
	bad("2024-05-01", CREDS);
	bad("2024-05-01T12:00:00", RULES);

	/* AWS answers and digest files: what follows the seconds is not
	 * read. */
	ok("2024-05-01T12:00:00.000+02:00 and more", ISOTIME_PREFIX, T0);
	ok("2024-05-01T12:00:00", ISOTIME_PREFIX, T0);
}

static void
test_basic(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(isotime_parse_basic("20240501T120000Z", &t), 0);
	assert_int_equal(t, T0);
	assert_int_equal(isotime_parse_basic("20240501T120000Z.json.gz", &t),
	    0);
	assert_int_equal(t, T0);
	assert_int_equal(isotime_parse_basic("20240501T120000", &t), -1);
	assert_int_equal(isotime_parse_basic("20240501 120000Z", &t), -1);
	assert_int_equal(isotime_parse_basic("2024050XT120000Z", &t), -1);
	assert_int_equal(isotime_parse_basic("20241301T120000Z", &t), -1);
	assert_int_equal(isotime_parse_basic("", &t), -1);
	assert_int_equal(isotime_parse_basic(NULL, &t), -1);
}

/* The arithmetic agrees with timegm() over four centuries and more,
 * days past the month's end included. */
static void
test_civil(void **state)
{
	uint64_t x = 0x2545f4914f6cdd1dull;
	struct tm tm;
	int i, y, mo, d, h, mi, s;

	(void)state;
	for (i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		y = 1 + (int)(x % 9999);
		mo = 1 + (int)((x >> 14) % 12);
		d = 1 + (int)((x >> 18) % 31);
		h = (int)((x >> 24) % 24);
		mi = (int)((x >> 30) % 60);
		s = (int)((x >> 36) % 61);
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		assert_int_equal(isotime_from_civil(y, mo, d, h, mi, s),
		    (int64_t)timegm(&tm));
	}
	assert_int_equal(isotime_from_civil(1970, 1, 1, 0, 0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extended),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_civil),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
