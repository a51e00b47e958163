/* What sibling commands share: the options every command that reads the
 * configuration takes, and the runs that more than one command drives
 * (setup, status and teardown run the ten steps; monitor and alerts the
 * live engine). */
#ifndef S3W_CMD_INTERNAL_H
#define S3W_CMD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "cmd.h"

/* The help of --ledger and --since, the same for every command. */
#define CMD_HELP_LEDGER	"the resource ledger (default: `ledger.json` in " \
	"the state directory)"
#define CMD_HELP_SINCE	"read from <WHEN>: `90s`, `15m`, `1h`, `7d` back " \
	"from now, or an ISO time such as 2026-11-24T10:00:00Z, not before 1970"

/* --- setup, status, teardown (cmd_setup.c) ---------------------------- */

enum setup_op;

/* Options of the three; each command's table fills what it takes. */
struct cmd_setup_opts {
	bool			 json;
	bool			 yes;
	bool			 plan;
	bool			 empty_buckets;
	int			 first, last;	/* steps, 1-based; 0: all */
	const char		*ledger;
	struct cmd_conf_opts	 conf;
};
/* --json, --config, --set, --ledger. */
extern const struct cmd_option cmd_setup_common[];

/* --only STEP and --from STEP: a number or a step's name. */
int	cmd_setup_only(const char *cmd, const char *arg, void *opts);
int	cmd_setup_from(const char *cmd, const char *arg, void *opts);
/* The steps' numbers, names and titles, for --help and the man page. */
void	cmd_setup_steps(struct cmd_section *);
/* Runs op over the steps, printing its events; the exit status. */
int	cmd_setup_run(const char *cmd, enum setup_op,
	    struct cmd_setup_opts *, const struct cmd_globals *);

/* --- verify-logs, policy -------------------------------------------------- */

/* The calls verify-logs makes. */
extern const struct calls_entry cmd_verify_logs_calls[];
/* A command starts: a denied call names the policy its use needs
 * (cmd_policy.c). */
void	cmd_policy_enter(const char *command);
/* The call tables of a use ("setup", "monitor", "respond", "audit") into
 * v, which holds CMD_POLICY_MAX_PARTS; their number (0: none). */
struct oppolicy_part;
#define CMD_POLICY_MAX_PARTS	40
size_t	cmd_policy_parts(const char *use, struct oppolicy_part *v);

/* --- monitor, alerts (cmd_monitor.c) ---------------------------------- */

struct monitor;
struct session;

/* Options of the two; each command's table fills what it takes. */
struct cmd_monitor_opts {
	bool			 json;
	bool			 follow;
	bool			 resume;
	bool			 hits;		/* records with hits only */
	bool			 all;		/* alerts list: acknowledged too */
	const char		*since;
	const char		*group;
	const char		*rules_dir;
	const char		*note;		/* alerts ack */
	long			 poll_ms;	/* 0: the tail's default */
	long			 page_limit;
	struct cmd_conf_opts	 conf;
};
/* --group, --rules, --poll, --page-limit, --config, --set. */
extern const struct cmd_option cmd_monitor_common[];

/* What a run prints and how it goes. */
struct cmd_monitor_ctx {
	const char	*cmd;
	const struct cmd_monitor_opts *o;
	bool		 silent;	/* no records at all */
	bool		 tty;		/* stdout is a terminal */
	struct monitor	*m;
	uint64_t	 health_ms;
	uint64_t	 health_events;
};

/* --since into epoch ms, or the usage status after saying why. */
int	cmd_monitor_since(const char *cmd, const char *since, int64_t *ms);
/* A monitor on the session's group; NULL with *rc after saying why. */
struct monitor *cmd_monitor_open(struct cmd_monitor_ctx *, struct session *,
	    int *rc);
/* Runs it until caught up (following: until a signal); the status. */
int	cmd_monitor_loop(struct cmd_monitor_ctx *, struct aws_client *,
	    struct monitor *);

#endif
