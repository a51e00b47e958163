/* The standard retry policy's numbers, as botocore and the SDK reference
 * state them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "retry.h"

static void
test_classify(void **state)
{
	assert_int_equal(retry_classify(200, NULL, false, false), RETRY_NO);
	assert_int_equal(retry_classify(400, "ThrottlingException", false, false), RETRY_THROTTLE);
	assert_int_equal(retry_classify(400, "Throttling", false, false), RETRY_THROTTLE);
	assert_int_equal(retry_classify(503, "SlowDown", false, false), RETRY_THROTTLE);
	assert_int_equal(retry_classify(429, "Whatever", false, false), RETRY_THROTTLE);
	assert_int_equal(retry_classify(500, "InternalFailure", false, false), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(502, NULL, false, false), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(504, NULL, false, false), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(400, "RequestTimeout", false, false), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(0, NULL, true, false), RETRY_TRANSIENT);
	assert_int_equal(retry_classify(0, NULL, true, true), RETRY_TIMEOUT);
	assert_int_equal(retry_classify(400, "ExpiredTokenException", false, false), RETRY_EXPIRED_CREDS);
	assert_int_equal(retry_classify(403, "ExpiredToken", false, false), RETRY_EXPIRED_CREDS);
	assert_int_equal(retry_classify(403, "RequestTimeTooSkewed", false, false), RETRY_CLOCK_SKEW);
	assert_int_equal(retry_classify(403, "AccessDenied", false, false), RETRY_NO);
	assert_int_equal(retry_classify(404, "NoSuchKey", false, false), RETRY_NO);
	assert_int_equal(retry_classify(400, "ValidationException", false, false), RETRY_NO);
}

static void
test_quota(void **state)
{
	struct retry_quota q;
	int i, n = 0;

	retry_quota_init(&q);
	assert_int_equal(q.available, 500);
	assert_int_equal(retry_quota_acquire(&q, RETRY_THROTTLE), 5);
	assert_int_equal(retry_quota_acquire(&q, RETRY_TIMEOUT), 10);
	assert_int_equal(q.available, 485);
	/* skew and credential refreshes are free corrections */
	assert_int_equal(retry_quota_acquire(&q, RETRY_CLOCK_SKEW), 0);
	assert_int_equal(q.available, 485);
	/* a request that needed retries refunds what it took */
	retry_quota_release(&q, 15);
	assert_int_equal(q.available, 500);
	/* a clean success adds 1, capped at the initial 500 */
	retry_quota_release(&q, 0);
	assert_int_equal(q.available, 500);
	/* 100 retries drain it; the 101st is refused */
	for (i = 0; i < 200; i++)
		if (retry_quota_acquire(&q, RETRY_TRANSIENT) > 0)
			n++;
	assert_int_equal(n, 100);
	assert_int_equal(q.available, 0);
	retry_quota_release(&q, 0);
	assert_int_equal(q.available, 1);
	assert_int_equal(retry_quota_acquire(&q, RETRY_TRANSIENT), 0);
}

static void
test_backoff(void **state)
{
	assert_int_equal(retry_backoff_ms(1, 0.0), 0);
	assert_int_equal(retry_backoff_ms(1, 0.5), 500);
	assert_int_equal(retry_backoff_ms(2, 0.5), 1000);
	assert_int_equal(retry_backoff_ms(3, 0.5), 2000);
	assert_true(retry_backoff_ms(3, 0.9999) < 4000);
	/* capped at 20 s however many attempts */
	assert_int_equal(retry_backoff_ms(6, 0.5), 10000);
	assert_true(retry_backoff_ms(30, 0.99) <= 20000);
	assert_true(retry_backoff_ms(30, 0.99) >= 19800);
	assert_true(retry_backoff_ms(2, 5.0) < 2000);
	assert_int_equal(retry_backoff_ms(2, -1.0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
