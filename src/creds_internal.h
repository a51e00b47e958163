/* Between the credential chain (creds.c) and its network providers
 * (creds_sts.c, creds_remote.c).  Not for other modules. */
#ifndef S3W_CREDS_INTERNAL_H
#define S3W_CREDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "xalloc.h"

struct aws_client;
struct awsconf;
struct loop;

/* What one provider made of its turn. */
enum creds_status {
	CREDS_FOUND,		/* creds set */
	CREDS_SKIP,		/* not configured; text says what was looked at */
	CREDS_FAIL,		/* configured but broken; text says why */
};

struct creds_res {
	enum creds_status	 status;
	struct creds		*creds;
	char			*text;
};

/* The receiver takes what res holds (creds, text). Providers may answer
 * before they return or later from the loop. */
typedef void (*creds_res_fn)(struct creds_res *, void *arg);

/* One refresh of the chain.  Counted references keep it alive for
 * answers that arrive after creds_chain_free(); those find chain NULL and
 * must not touch the client or its config again. */
struct creds_ctx {
	struct creds_chain	*chain;
	struct aws_client	*client;
	struct loop		*loop;
	const struct awsconf	*conf;
	int			 refs;
};

void		 creds_ctx_ref(struct creds_ctx *);
void		 creds_ctx_unref(struct creds_ctx *);
bool		 creds_ctx_alive(const struct creds_ctx *);

/* Answers through fn; text is printf-formatted.  creds_found() refuses
 * (a FAIL naming c->source, never a value) credentials with a control
 * character in any field. */
void		 creds_found(creds_res_fn, void *, struct creds *);
void		 creds_skip(creds_res_fn, void *, const char *, ...)
		     ATTR_FORMAT(3, 4);
void		 creds_fail(creds_res_fn, void *, const char *, ...)
		     ATTR_FORMAT(3, 4);

/* A new set; strings are copied, token and account may be NULL.  The
 * secrets are registered with the log's mask. */
struct creds	*creds_make(const char *access_key, const char *secret_key,
		     const char *token, time_t expiration, const char *source,
		     const char *account);
/* ISO-8601 UTC ("2024-05-01T12:00:00Z", fractions, "+00:00", "UTC"). */
int		 creds_parse_time(const char *, time_t *);
/* The account id of "arn:aws:...:123456789012:..." or NULL; caller frees. */
char		*creds_arn_account(const char *arn);
/* False when s has a control character (C0, DEL or C1): such text must
 * not go into an HTTP header.  NULL is fine. */
bool		 creds_text_ok(const char *s);
/* A non-empty environment variable or NULL. */
const char	*creds_env(const char *name);
bool		 creds_env_true(const char *name);
/* Reads a small file holding a token: trailing white space removed, no
 * control character.  NULL with *cause naming the file (never its
 * contents). */
char		*creds_read_token_file(const char *path, const char *what,
		     char **cause);
/* A profile setting from the chain's config. */
const char	*creds_conf(const struct creds_ctx *, const char *profile,
		     const char *key);
/* Tests set this to move time; NULL: time(). */
extern time_t	(*creds_clock)(void);
/* The wall clock, corrected for the skew the client measured. */
time_t		 creds_now(const struct creds_ctx *);

/* STS, through the AWS client. */
struct creds_role {
	const char	*role_arn;
	const char	*session_name;	/* NULL: s3watch-<time> */
	const char	*external_id;
	const char	*mfa_serial;
	const char	*mfa_code;
	long		 duration;	/* seconds; 0: the STS default */
	const char	*source;	/* creds->source of the result */
	const char	*what;		/* error prefix, e.g. "profile dev" */
};
/* AssumeRole signed with src, which is copied. */
void	 creds_sts_assume_role(struct creds_ctx *, const struct creds *src,
	     const struct creds_role *, creds_res_fn, void *);
/* AssumeRoleWithWebIdentity, unsigned, with the token read from a file. */
void	 creds_sts_web_identity(struct creds_ctx *, const char *token_file,
	     const struct creds_role *, creds_res_fn, void *);

/* HTTP providers. */
struct creds_sso {
	const char	*profile;
	const char	*session;	/* sso-session name; NULL: legacy */
	const char	*start_url;
	const char	*region;
	const char	*account_id;
	const char	*role_name;
};
/* SKIP when no AWS_CONTAINER_CREDENTIALS_* is set. */
void	 creds_remote_container(struct creds_ctx *, creds_res_fn, void *);
/* SKIP when disabled or unreachable. */
void	 creds_remote_imds(struct creds_ctx *, creds_res_fn, void *);
void	 creds_remote_sso(struct creds_ctx *, const struct creds_sso *,
	     creds_res_fn, void *);

#endif
