/* What a CloudTrail record means, defined once for the monitor, the
 * console and the report, so that they count the same things. */
#ifndef S3W_CTEVENT_H
#define S3W_CTEVENT_H

#include <stdbool.h>

/* The errorCode says the caller was refused: authorization or
 * authentication (AccessDenied and its kin across the services), not
 * a failure of the call itself (NoSuchKey, throttling).  NULL or "" is
 * not denied. */
bool	ctevent_denied(const char *error_code);

#endif
