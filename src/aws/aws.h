/* The AWS client: settings, credentials, protocols, signing, retries.
 *
 * A request is built with aws_request_new() and the protocol's fields,
 * then handed to aws_send(), which owns it from then on.  The callback
 * receives the response and owns it (aws_response_free).  aws_call() is the
 * synchronous form for commands and tests: it runs the loop until done. */
#ifndef S3W_AWS_H
#define S3W_AWS_H

#include <stdbool.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "endpoint.h"
#include "kv.h"
#include "xalloc.h"

struct loop;
struct awsconf;
struct creds;
struct creds_chain;
struct xml_node;

/* What the command line may say; NULL fields fall back to the environment
 * and the profile. */
struct aws_options {
	const char	*profile;
	const char	*region;
	const char	*endpoint_url;
};

struct aws_request {
	enum aws_service_id	 svc;
	const char		*op;		/* static operation name */

	struct json_object	*json;		/* awsJson/rest-json body, owned */
	struct kv		 params;	/* query protocol form fields */

	const char		*method;	/* rest: GET, PUT, ... */
	struct buf		 path;		/* rest: encoded path after the bucket */
	struct kv		 query;		/* rest: raw names/values, encoded on send */
	struct kv		 headers;	/* extra headers */
	struct buf		 body;		/* rest-xml body */
	char			*bucket;	/* S3 bucket, routed by addressing style */
	bool			 unsigned_payload; /* S3 over https only */
	bool			 raw_body;	/* answer is data or no payload: do not parse */

	const struct creds	*creds;		/* borrowed override of the chain */
	bool			 anonymous;	/* send unsigned */
};

enum aws_error_kind {
	AWS_OK = 0,
	AWS_ERR_SERVICE,	/* AWS answered with an error code */
	AWS_ERR_TRANSPORT,	/* no usable answer: connection, timeout, truncation */
	AWS_ERR_CREDENTIALS,	/* no credentials could be resolved */
	AWS_ERR_PARSE,		/* the answer was not valid JSON or XML */
};

struct aws_response {
	enum aws_error_kind	 kind;
	long			 status;
	struct kv		 headers;
	struct buf		 body;
	struct json_object	*json;		/* parsed JSON answer, or NULL */
	struct xml_node		*xml;		/* parsed XML answer, or NULL */
	char			*code;		/* error code, e.g. "AccessDenied" */
	char			*message;
	char			*request_id;
	char			*denied;	/* the IAM action refused, or NULL */
	int			 attempts;
	char			*text;		/* aws_error_text() cache */
};

typedef void (*aws_done_fn)(struct aws_response *, void *arg);

struct aws_client;

/* Asking the person at the terminal, e.g. for an MFA code.  The prompt
 * shows question (borrowed for the call; secret: mask what is typed) and
 * calls done exactly once with the answer (borrowed for the call) or NULL
 * when cancelled, also when the console quits: later from the loop, or
 * before it returns. */
typedef void (*aws_prompt_done_fn)(const char *answer, void *done_arg);
typedef void (*aws_prompt_fn)(const char *question, bool secret,
    aws_prompt_done_fn done, void *done_arg, void *arg);

struct aws_client	*aws_client_new(struct loop *, const struct aws_options *,
			    char **cause);
/* No call may be in flight: callers wait for (or never start) their calls
 * before freeing the client. */
void			 aws_client_free(struct aws_client *);
struct loop		*aws_client_loop(struct aws_client *);
const char		*aws_client_region(const struct aws_client *);
const char		*aws_client_profile(const struct aws_client *);
const struct awsconf	*aws_client_conf(const struct aws_client *);
struct creds_chain	*aws_client_creds(struct aws_client *);
/* The URL a service is reached at and where that choice came from. */
const char		*aws_client_endpoint(const struct aws_client *,
			    enum aws_service_id, const char **source);
/* Seconds added to the local clock after a clock-skew correction. */
long			 aws_client_clock_skew(const struct aws_client *);
int			 aws_client_max_attempts(const struct aws_client *);
/* With a prompt the terminal is the caller's (the console): the
 * credential chain asks through fn and waits on the loop, and a
 * credential_process gets no terminal.  Without one (NULL fn, plain
 * commands), the chain reads an MFA code from /dev/tty, blocking, and a
 * credential_process shares our stdin and stderr. */
void			 aws_client_set_prompt(struct aws_client *, aws_prompt_fn,
			    void *arg);
/* The prompt set, or NULL; *arg gets its argument. */
aws_prompt_fn		 aws_client_prompt(const struct aws_client *, void **arg);

struct aws_request	*aws_request_new(enum aws_service_id, const char *op);
void			 aws_request_free(struct aws_request *);
/* Appends "/" and the percent-encoded segment to the rest path; keep_slash
 * for S3 keys, whose '/' are part of the name. */
void			 aws_request_path(struct aws_request *, const char *segment,
			    bool keep_slash);

void			 aws_send(struct aws_client *, struct aws_request *,
			    aws_done_fn, void *arg);
struct aws_response	*aws_call(struct aws_client *, struct aws_request *);
void			 aws_response_free(struct aws_response *);
/* "Code: message (HTTP 400, request id X, after N attempts)", and for a
 * denial "; denied: ACTION — grant it with `s3watch policy --for USE`"
 * (calls.h); borrowed until the response is freed. */
const char		*aws_error_text(struct aws_response *);

/* JSON helpers for response parsing: borrowed strings or NULL / defaults. */
const char		*aws_json_str(struct json_object *, const char *key);
long long		 aws_json_int(struct json_object *, const char *key, long long dflt);
bool			 aws_json_bool(struct json_object *, const char *key, bool dflt);
struct json_object	*aws_json_get(struct json_object *, const char *key);
/* The array at key, or NULL; *n is its length (0 when there is none). */
struct json_object	*aws_json_array(struct json_object *, const char *key,
			    size_t *n);

#endif
