/* The JSON string scanner: SSE2, SWAR and the byte loop agree, on
 * chosen cases and on random input at every alignment.  Each buffer is
 * allocated to its exact size, so a read past the end shows under ASan
 * and valgrind. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strscan.h"
#include "xalloc.h"

/* The answer by definition. */
static size_t
reference(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			break;
	return i;
}

/* Every variant on [s, s + len), against the reference. */
static void
check(const char *s, size_t len)
{
	char *buf = xmalloc(len > 0 ? len : 1);
	size_t want;

	memcpy(buf, s, len);
	want = reference((const unsigned char *)buf, len);
	assert_int_equal(strscan_json_bytes(buf, buf + len) - buf, want);
	assert_int_equal(strscan_json_swar(buf, buf + len) - buf, want);
#ifdef __SSE2__
	assert_int_equal(strscan_json_sse2(buf, buf + len) - buf, want);
#endif
	assert_int_equal(strscan_json(buf, buf + len) - buf, want);
	free(buf);
}

static void
test_cases(void **state)
{
	static const char *const cases[] = {
		"", "a", "\"", "\\", "\x1f", " ", "\x7f", "\x80", "\xff",
		"abcdefg\"", "abcdefgh\"", "abcdefghijklmno\"",
		"abcdefghijklmnop\"", "abcdefghijklmnopq\\",
		"caf\xc3\xa9 \xe2\x80\x8b ok\tnext",
		/* 0x20 and just above are not stops; 0x1f is. */
		"                                 \x1f",
		/* High bytes must not pass for control characters. */
		"\x9f\xa0\xc2\x80\xe0\xff\xfe\x80\x81\x90\x9b\x9c\x9d\x9e"
		    "\x9f\xa2\xa2\xa2\"",
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i], strlen(cases[i]));
	/* NUL is a control character too. */
	check("abc\0def", 7);
	check("abcdefghijklmnopqrstu\0", 22);
}

/* Random text, mostly bytes that do not stop the scan, at random
 * lengths; the stops are rare enough that the wide loops run. */
static void
test_random(void **state)
{
	static const unsigned char stops[] = { '"', '\\', 0x00, 0x01, 0x0a,
	    0x1f };
	unsigned char buf[300];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t round, len, i, k;

	for (round = 0; round < 20000; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		len = (size_t)(x % sizeof buf);
		for (i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (x % 97 == 0)
				buf[i] = stops[(x >> 8) % sizeof stops];
			else
				buf[i] = (unsigned char)(0x20 +
				    (x >> 16) % 0xe0);
		}
		/* Every start within the first 16 bytes: each alignment. */
		for (k = 0; k < 16 && k <= len; k++)
			check((const char *)buf + k, len - k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
