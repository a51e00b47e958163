#include "config.h"

#include <stddef.h>
#include <string.h>

#include "retry.h"

static const char *const retry_throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded",
	"BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
	"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", NULL
};

static const char *const retry_transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"InternalError", "InternalFailure", "ServiceUnavailable", NULL
};

static const char *const retry_skew_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
	"SignatureDoesNotMatch", "AuthFailure", "RequestInTheFuture", NULL
};

static const char *const retry_expired_codes[] = {
	"ExpiredToken", "ExpiredTokenException", NULL
};

static bool
retry_in(const char *const *list, const char *code)
{
	size_t i;

	if (code == NULL)
		return false;
	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], code) == 0)
			return true;
	return false;
}

bool
retry_is_throttle(const char *code)
{
	return retry_in(retry_throttle_codes, code);
}

bool
retry_is_skew_code(const char *code)
{
	return retry_in(retry_skew_codes, code);
}

bool
retry_is_expired_code(const char *code)
{
	return retry_in(retry_expired_codes, code);
}

void
retry_quota_init(struct retry_quota *q)
{
	q->available = q->max = RETRY_QUOTA_INITIAL;
}

int
retry_quota_acquire(struct retry_quota *q, enum retry_kind kind)
{
	int cost;

	switch (kind) {
	case RETRY_THROTTLE:
	case RETRY_TRANSIENT:
		cost = RETRY_COST;
		break;
	case RETRY_TIMEOUT:
		cost = RETRY_TIMEOUT_COST;
		break;
	default:
		return 0;
	}
	if (q->available < cost)
		return 0;
	q->available -= cost;
	return cost;
}

void
retry_quota_release(struct retry_quota *q, int taken)
{
	q->available += taken > 0 ? taken : RETRY_SUCCESS_REFUND;
	if (q->available > q->max)
		q->available = q->max;
}

enum retry_kind
retry_classify(long status, const char *code, bool transport_error,
    bool timed_out)
{
	if (transport_error)
		return timed_out ? RETRY_TIMEOUT : RETRY_TRANSIENT;
	if (status >= 200 && status < 300)
		return RETRY_NO;
	if (retry_is_expired_code(code))
		return RETRY_EXPIRED_CREDS;
	if (retry_is_throttle(code) || status == 429)
		return RETRY_THROTTLE;
	if (retry_in(retry_transient_codes, code) || status == 500 ||
	    status == 502 || status == 503 || status == 504)
		return RETRY_TRANSIENT;
	if (retry_is_skew_code(code))
		return RETRY_CLOCK_SKEW;
	return RETRY_NO;
}

uint64_t
retry_backoff_ms(int failed_attempt, double r)
{
	uint64_t cap = 1000;
	int i;

	for (i = 1; i < failed_attempt && cap < RETRY_MAX_BACKOFF_MS; i++)
		cap *= 2;
	if (cap > RETRY_MAX_BACKOFF_MS)
		cap = RETRY_MAX_BACKOFF_MS;
	if (r < 0)
		r = 0;
	if (r >= 1)
		r = 0.999999;
	return (uint64_t)(r * (double)cap);
}
