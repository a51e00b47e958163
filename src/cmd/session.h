/* What the commands and the console need before they talk to the account:
 * the configuration (the table's defaults, the file, --set), a client, and
 * the names the setup resolves (log group, topic, rules directory), plus
 * small shared parsers.  Errors are printed as "s3watch CMD: reason" and
 * turned into an exit status.
 *
 * Ownership: a session owns its conf, client and strings. */
#ifndef S3W_SESSION_H
#define S3W_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

struct conf;

struct session {
	struct conf		*conf;
	struct aws_client	*client;
	char			*group;		/* the trail's log group */
	char			*topic_arn;
	char			*rules_dir;
	char			*who;		/* user@host, for acks */
	char			*caller_arn;	/* GetCallerIdentity (identify) */
	char			*account;
	char			*suffix;	/* of names (identify) */
};

/* The configuration: the table's defaults, then config (or
 * conf_default_path()), then each "K=V" of sets; a key that is fine takes
 * effect even when others are not.  *conf is always set (the caller frees
 * it); returns 0, or the status a command exits with (EXIT_CONFIG for the
 * file, EXIT_USAGE for --set) with *cause: every problem, one a line.
 * The console keeps going with it; the commands stop. */
int		 session_conf_load(const char *config, char *const *sets,
		    size_t nsets, struct conf **conf, char **cause);
/* The same for a command: NULL after printing why, with *rc the exit
 * status. */
struct conf	*session_conf(const char *cmd, const char *config,
		    char *const *sets, size_t nsets, int *rc);
/* A new loop and client, in the conf's region unless --region gave one;
 * NULL after printing why (cmd_client_free() releases both). */
struct aws_client *session_client(const char *cmd, const struct cmd_globals *,
		    const struct conf *);
/* The configuration, a client (the conf's region unless --region), and,
 * when identify is set, the account's names (one GetCallerIdentity). */
struct session	*session_open(const char *cmd, const struct cmd_globals *,
		    const char *config, char *const *sets, size_t nsets,
		    bool identify, int *rc);
void		 session_close(struct session *);

struct tail_options;
/* Test knobs from the environment, for a quick sandbox rather than AWS's
 * quotas: S3WATCH_POLL_MS (the poll interval) and S3WATCH_LATE_SWEEP_MS
 * (how often the tail reaches back for late records). */
void		 session_tail_env(struct tail_options *);

/* user@host. */
char		*session_who(void);
/* "90s", "15m", "1h", "7d" back from now, or an ISO time: epoch ms, 0
 * (1970) or later; -1 with *cause ("'X': give a duration...", "'X' is out
 * of range...") for anything else.  session_since() is the same without
 * the cause. */
int		 session_since_parse(const char *, int64_t *ms, char **cause);
int		 session_since(const char *, int64_t *ms);

#endif
