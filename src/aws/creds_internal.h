/* Between the credential chain (creds.c) and its providers: profiles
 * (creds_profile.c), credential_process and MFA (creds_process.c), STS
 * (creds_sts.c) and the HTTP providers (creds_remote.c).  Not for other
 * modules. */
#ifndef S3W_CREDS_INTERNAL_H
#define S3W_CREDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws.h"
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

struct creds_proc;

/* One refresh of the chain.  Counted references keep it alive for
 * answers that arrive after creds_chain_free(); those find chain NULL and
 * must not touch the client or its config again. */
struct creds_ctx {
	struct creds_chain	*chain;
	struct aws_client	*client;
	struct loop		*loop;
	const struct awsconf	*conf;
	int			 process_ms;	/* a credential_process's
						   limit; 0: 30 s */
	struct creds_proc	*procs;		/* credential_process children */
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
/* Frees what res holds and forgets it. */
void		 creds_res_clear(struct creds_res *);

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
/* Wipes a secret string, then frees it; NULL is fine. */
void		 creds_free_secret(char *);
/* "~/.aws/config" rather than "/home/me/.aws/config", for messages;
 * caller frees. */
char		*creds_display_path(const char *path);
/* A profile setting from the chain's config. */
const char	*creds_conf(const struct creds_ctx *, const char *profile,
		     const char *key);
/* Tests set this to move time; NULL: time(). */
extern time_t	(*creds_clock)(void);
/* The wall clock, corrected for the skew the client measured. */
time_t		 creds_now(const struct creds_ctx *);

/* The environment provider: AWS_ACCESS_KEY_ID and its companions. */
void		 creds_env_provider(struct creds_ctx *, creds_res_fn, void *);
/* What profile gives: its own credentials or a role (creds_profile.c). */
void		 creds_profile(struct creds_ctx *, const char *profile,
		     creds_res_fn, void *);

/* Runs a profile's credential_process as a child the loop watches: its
 * stdout is the answer, read as it comes; a timer kills it after the
 * ctx's limit.  With a prompt on the client the terminal is the
 * console's: the child gets /dev/null as stdin, its stderr is kept (its
 * last line ends the error) and its process group is its own (all of it
 * is killed); otherwise it shares our stdin, stderr and group. */
void		 creds_process(struct creds_ctx *, const char *profile,
		     const char *cmd, creds_res_fn, void *);
/* Stops the ctx's children (SIGKILL) and answers each "cancelled". */
void		 creds_process_cancel(struct creds_ctx *);
/* Tests clear this to wait for children without pidfd_open(2), as on
 * kernels before 5.3. */
extern bool	 creds_process_pidfd;
/* Asks for the MFA code of serial: through the client's prompt, whose
 * answer comes from the loop, or else from /dev/tty before this
 * returns.  done gets the code (borrowed) or NULL. */
void		 creds_mfa_ask(struct creds_ctx *, const char *serial,
		     aws_prompt_done_fn done, void *arg);

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
