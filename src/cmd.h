/* Commands: one table is the source of the dispatcher, --help and the
 * man page's command list.  Every console action is also a command. */
#ifndef S3W_CMD_H
#define S3W_CMD_H

#include <stdio.h>

#include "aws.h"

/* Exit statuses shared by every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed (AWS error, mismatch) */
	EXIT_USAGE = 2,		/* bad arguments or bad input */
	EXIT_CONFIG = 3,	/* configuration or credentials unusable */
};

/* Global options, parsed before the command name. */
struct cmd_globals {
	struct aws_options	 aws;
	const char		*debug_log;
	int			 no_color;
};

struct cmd {
	const char	*name;
	const char	*usage;		/* arguments synopsis */
	const char	*help;		/* one line */
	int		(*run)(int argc, char **argv, const struct cmd_globals *);
};

extern const struct cmd cmd_table[];
/* Set by main() to the console's entry point (ui/ui.c). */
extern int (*cmd_console_run)(int, char **, const struct cmd_globals *);

int	cmd_main(int argc, char **argv);
void	cmd_usage(FILE *);
/* Prints "s3watch CMD: message" to stderr; returns status for chaining. */
int	cmd_error(const char *cmd, int status, const char *fmt, ...)
	    ATTR_FORMAT(3, 4);
/* The value of a numeric option in [min, max]; EXIT_OK, or the usage
 * status after saying "--NAME 'ARG' is not a number from MIN to MAX". */
int	cmd_number(const char *cmd, const char *name, const char *arg,
	    long min, long max, long *out);
/* Appends arg to a growing vector (repeated options such as --set). */
void	cmd_push(char ***v, size_t *n, char *arg);
/* A new loop and client for commands that talk to AWS; NULL after
 * printing the reason. cmd_client_free() releases both. */
struct aws_client *cmd_client(const char *cmd, const struct cmd_globals *);
void	cmd_client_free(struct aws_client *);

int	cmd_alerts(int, char **, const struct cmd_globals *);
int	cmd_monitor(int, char **, const struct cmd_globals *);
int	cmd_validate(int, char **, const struct cmd_globals *);
int	cmd_config(int, char **, const struct cmd_globals *);
int	cmd_setup(int, char **, const struct cmd_globals *);
int	cmd_status(int, char **, const struct cmd_globals *);
int	cmd_teardown(int, char **, const struct cmd_globals *);
int	cmd_pattern(int, char **, const struct cmd_globals *);
int	cmd_replay(int, char **, const struct cmd_globals *);
int	cmd_verify_logs(int, char **, const struct cmd_globals *);
int	cmd_report(int, char **, const struct cmd_globals *);
int	cmd_sign(int, char **, const struct cmd_globals *);
int	cmd_whoami(int, char **, const struct cmd_globals *);

#endif
