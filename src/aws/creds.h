/* Credentials: the AWS SDK default provider chain, cached and refreshed
 * before expiry.  Errors name the provider that failed and why; no secret
 * ever appears in an error, a log line or on screen. */
#ifndef S3W_CREDS_H
#define S3W_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct aws_client;

/* A resolved set of credentials. Owned by the chain that produced it. */
struct creds {
	char	*access_key;
	char	*secret_key;
	char	*session_token;		/* NULL when absent */
	time_t	 expiration;		/* 0: does not expire */
	char	*source;		/* e.g. "environment", "profile dev: assume-role ..." */
	char	*account_id;		/* when the provider knows it, else NULL */
};

struct creds_chain;

/* Resolution calls back with the credentials (borrowed, valid until the
 * next refresh) or with an error (creds NULL, error text borrowed). */
typedef void (*creds_done_fn)(const struct creds *, const char *error, void *arg);

/* The client is used for STS and the HTTP providers, and its prompt
 * (aws_client_set_prompt) asks for MFA codes; profile NULL means
 * AWS_PROFILE or "default". */
struct creds_chain	*creds_chain_new(struct aws_client *, const char *profile);
void			 creds_chain_free(struct creds_chain *);
/* Time limit of a profile's credential_process; 0: the default, 30 s. */
void			 creds_chain_set_process_timeout(struct creds_chain *, int ms);
/* Calls done at once when cached credentials are valid for at least
 * another 5 minutes (or are short-lived ones fetched under 30 s ago);
 * otherwise resolves asynchronously through the loop, answering every
 * caller that asked meanwhile together. */
void			 creds_chain_get(struct creds_chain *, creds_done_fn, void *);
/* Forget the cache, e.g. after ExpiredToken. */
void			 creds_chain_invalidate(struct creds_chain *);
/* Which provider would be tried first / was used; borrowed. */
const char		*creds_chain_source(const struct creds_chain *);

void			 creds_free(struct creds *);
struct creds		*creds_dup(const struct creds *);

#endif
