/* AWS Signature Version 4 (pure: no I/O, no clock unless asked).
 *
 * The request is described by its wire form: the path and query are taken
 * as they will be sent (already percent-encoded).  The canonical URI
 * follows AWS: for S3 each segment is decoded and encoded once more
 * (RFC 3986 unreserved bytes kept, the rest %XX), never normalised; for
 * the other services the path as sent is normalised (dot and empty
 * segments removed) and encoded again, so a path built with
 * sigv4_uri_encode() ends up encoded twice.  Signing adds X-Amz-Date,
 * X-Amz-Security-Token (with a session token), X-Amz-Content-SHA256 (S3
 * rules) and Authorization to the header list. */
#ifndef S3W_SIGV4_H
#define S3W_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kv.h"

#define SIGV4_UNSIGNED_PAYLOAD	"UNSIGNED-PAYLOAD"

struct sigv4_creds {
	const char	*access_key;
	const char	*secret_key;
	const char	*session_token;		/* NULL or "" when absent */
};

struct sigv4_params {
	const char	*service;		/* signing name, e.g. "logs" */
	const char	*region;
	time_t		 when;			/* UTC seconds */
	bool		 s3;			/* S3 rules: no normalisation, single encoding */
	bool		 unsigned_payload;	/* S3 only: sign UNSIGNED-PAYLOAD */
};

struct sigv4_request {
	const char	*method;
	const char	*path;			/* raw, e.g. "/my%20key"; "" means "/" */
	const char	*query;			/* raw, without '?'; may be NULL */
	struct kv	*headers;		/* must hold Host; signing adds to it */
	const void	*body;
	size_t		 body_len;
};

/* Every string is owned by the result; free with sigv4_result_free(). */
struct sigv4_result {
	char	*canonical_request;
	char	*string_to_sign;
	char	*signed_headers;
	char	*authorization;
	char	 amz_date[17];			/* YYYYMMDDTHHMMSSZ */
	char	 signature[65];
};

/* Returns 0, or -1 with *cause set (caller frees). */
int	 sigv4_sign(struct sigv4_request *, const struct sigv4_params *,
	     const struct sigv4_creds *, struct sigv4_result *, char **cause);
void	 sigv4_result_free(struct sigv4_result *);

/* Parses "YYYYMMDDTHHMMSSZ" as UTC; -1 if malformed. */
int	 sigv4_parse_amz_date(const char *, time_t *);
void	 sigv4_format_amz_date(time_t, char out[17]);

/* RFC 3986 encoding as SigV4 wants it: unreserved bytes kept, others %XX
 * in upper case; '/' kept when keep_slash. Appends to *out. */
struct buf;
void	 sigv4_uri_encode(struct buf *out, const char *, size_t, bool keep_slash);

#endif
