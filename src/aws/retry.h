/* The SDK "standard" retry policy, as pure functions: classification of an
 * attempt's outcome, the retry quota (token bucket) and full-jitter backoff.
 * aws.c applies it; the unit tests pin every number. */
#ifndef S3W_RETRY_H
#define S3W_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#define RETRY_MAX_ATTEMPTS	3
#define RETRY_MAX_BACKOFF_MS	20000
#define RETRY_QUOTA_INITIAL	500
#define RETRY_COST		5
#define RETRY_TIMEOUT_COST	10
#define RETRY_SUCCESS_REFUND	1
/* A server Date this far from ours means our clock, not the request, is wrong. */
#define RETRY_SKEW_THRESHOLD_S	240

enum retry_kind {
	RETRY_NO,		/* success or an error retrying cannot fix */
	RETRY_THROTTLE,		/* throttling codes */
	RETRY_TRANSIENT,	/* 5xx, transient codes, connection errors */
	RETRY_TIMEOUT,		/* the attempt timed out */
	RETRY_CLOCK_SKEW,	/* signature refused for time: correct the clock */
	RETRY_EXPIRED_CREDS,	/* refresh credentials, then resend */
};

struct retry_quota {
	int	available;
	int	max;
};

void		 retry_quota_init(struct retry_quota *);
/* Takes the cost of a retry of this kind; returns it, or 0 when the quota
 * cannot pay (the caller then gives up). Skew and credential refreshes are
 * corrections, not failures, and cost nothing (returns 0 but allowed). */
int		 retry_quota_acquire(struct retry_quota *, enum retry_kind);
/* After a 2xx: refunds what this request's retries took, or the small
 * success increment when it needed no retry. */
void		 retry_quota_release(struct retry_quota *, int taken);

/* Classifies one attempt. code may be NULL; transport_error is true when
 * no HTTP answer arrived, timed_out when that was a timeout. */
enum retry_kind	 retry_classify(long status, const char *code,
		    bool transport_error, bool timed_out);
bool		 retry_is_throttle(const char *code);
bool		 retry_is_skew_code(const char *code);
bool		 retry_is_expired_code(const char *code);
/* Delay before attempt (failed_attempt + 1): r * min(2^(failed_attempt-1) s,
 * 20 s) with r uniform in [0, 1). */
uint64_t	 retry_backoff_ms(int failed_attempt, double r);

#endif
