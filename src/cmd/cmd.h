/* Commands.  Each command is one entry (name, arguments, help, the table of
 * its options and the handler) kept beside the code it runs, in
 * src/cmd_<name>.c, as tmux keeps cmd_*_entry; cmd_table[] lists them.
 * These tables are the single source of the dispatcher, the option parser
 * (cmd_parse.c), --help (cmd_help.c), and the man page's and README's
 * command sections (tools/doc-gen.c, `make update-docs`).
 *
 * Help and doc texts are plain sentences with two marks: `literal` (a
 * command, option or value, bold in the man page) and <META> (a value to
 * fill in, italic); a blank line starts a paragraph.  They use ASCII only. */
#ifndef S3W_CMD_H
#define S3W_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "aws.h"

/* Exit statuses shared by every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed (AWS error, mismatch) */
	EXIT_USAGE = 2,		/* bad arguments or bad input */
	EXIT_CONFIG = 3,	/* configuration or credentials unusable */
};

/* cmd_parse() and option callbacks: stop here, successfully (--help and
 * --version have printed what was asked). */
#define CMD_DONE	(-1)

/* Global options, parsed before the command name (cmd_main_entry). */
struct cmd_globals {
	struct aws_options	 aws;
	const char		*debug_log;
	bool			 no_color;
};

/* What an option does with its argument.  Values land in the command's
 * options struct at the option's offset; strings are borrowed from argv. */
enum cmd_opt_type {
	CMD_O_FLAG,		/* bool: set */
	CMD_O_UNSET,		/* bool, set before parsing: "--no-posture" */
	CMD_O_STRING,		/* const char *: the argument */
	CMD_O_LIST,		/* char ** and a size_t at off_n: appended */
	CMD_O_NUMBER,		/* long: a decimal number from min to max */
	CMD_O_CHOICE,		/* int: the argument's index in choices */
	CMD_O_CALL,		/* call() checks and stores it */
	CMD_O_INCLUDE,		/* include's rows: offsets from off, flags added */
};

/* How an option reads in a synopsis. */
#define CMD_O_BRIEF	0x1	/* in the short synopsis (the README) */
#define CMD_O_REQUIRED	0x2	/* without brackets (the command checks) */
#define CMD_O_OR_NEXT	0x4	/* one group with the next: [--only N|--from N] */

/* A table of options ends with a row whose name is NULL (and is not an
 * include). */
struct cmd_option {
	const char		*name;		/* "since" for --since */
	int			 short_name;	/* 'f' for -f, or 0 */
	const char		*arg;		/* "WHEN"; NULL: takes none */
	enum cmd_opt_type	 type;
	size_t			 off;		/* offsetof(the options, field) */
	size_t			 off_n;		/* CMD_O_LIST: the count */
	long			 min, max;	/* CMD_O_NUMBER */
	const char *const	*choices;	/* CMD_O_CHOICE: NULL ends */
	/* CMD_O_CALL, with the command's whole options: EXIT_OK, CMD_DONE,
	 * or a status after printing why. */
	int			(*call)(const char *cmd, const char *arg,
				    void *opts);
	const char		*dflt;		/* the argument before parsing */
	unsigned		 flags;		/* CMD_O_BRIEF, ... */
	const char		*help;
	const struct cmd_option	*include;	/* CMD_O_INCLUDE */
};

/* An option with includes resolved: its row, and where the struct its
 * offsets count from lies in the command's options. */
struct cmd_opt_ref {
	const struct cmd_option	*o;
	size_t			 base;
	unsigned		 flags;		/* its own and its includes' */
};

/* --config and --set, for every command that reads the configuration:
 * include cmd_conf_options at the offset of a struct cmd_conf_opts. */
struct cmd_conf_opts {
	const char	*config;
	char	       **sets;
	size_t		 nsets;
};
extern const struct cmd_option cmd_conf_options[];

/* Rows a command's help and man page add from another table (setup's
 * steps, the configuration's keys), made at run time.  Left is plain,
 * right may hold marks. */
struct cmd_section {
	const char	*title;		/* "Steps" */
	char	       **left;
	char	       **right;
	size_t		 n;
};

struct cmd_entry {
	const char		*name;
	const char		*args;		/* the arguments' synopsis */
	int			 min_args;
	int			 max_args;	/* -1: any number */
	bool			 args_first;	/* a verb: the synopsis starts so */
	bool			 in_order;	/* options end at the 1st argument */
	const char		*help;		/* one line, for lists */
	const char		*doc;		/* paragraphs: --help, man page */
	const struct cmd_option	*options;	/* see struct cmd_option */
	size_t			 opts_size;	/* what the options fill */
	/* argv: the arguments left after the options. */
	int			(*run)(void *opts, int argc, char **argv,
				    const struct cmd_globals *);
	void			(*section)(struct cmd_section *); /* or NULL */
};

/* s3watch itself: the global options and the list of commands. */
extern const struct cmd_entry cmd_main_entry;
/* Every command, in the order of --help; NULL ends it. */
extern const struct cmd_entry *const cmd_table[];

extern const struct cmd_entry cmd_alerts_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_console_entry;
extern const struct cmd_entry cmd_monitor_entry;
extern const struct cmd_entry cmd_policy_entry;
extern const struct cmd_entry cmd_pattern_entry;
extern const struct cmd_entry cmd_replay_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_setup_entry;
extern const struct cmd_entry cmd_sign_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_teardown_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_verify_logs_entry;
extern const struct cmd_entry cmd_whoami_entry;

/* The console's options; the console itself lives in ui/, which src/ does
 * not link: main() sets cmd_console_run to it.  Borrowed for the run. */
struct cmd_console_opts {
	const char		*view;
	long			 exit_after;	/* seconds; 0: never */
	struct cmd_conf_opts	 conf;
};
extern int (*cmd_console_run)(const struct cmd_console_opts *,
    const struct cmd_globals *);

int	cmd_main(int argc, char **argv);
const struct cmd_entry *cmd_find(const char *name);
/* Parses argv (argv[0] is the command) with e's table into opts, then runs
 * e; the exit status. */
int	cmd_run(const struct cmd_entry *, int argc, char **argv,
	    const struct cmd_globals *);

/* cmd_parse.c.  Options go anywhere among the arguments (unless
 * e->in_order) as --name VALUE, --name=VALUE, -x VALUE or a unique prefix
 * of a name; "--" ends them; -h and --help print e's help.  Defaults are
 * set first.  Returns EXIT_OK with the arguments moved, in order, to
 * argv[*first..argc-1]; CMD_DONE after --help; EXIT_USAGE after saying
 * what is wrong.  cmd_opts_free() frees what parsing allocated. */
int	cmd_parse(const struct cmd_entry *, int argc, char **argv, void *opts,
	    int *first);
void	cmd_opts_free(const struct cmd_entry *, void *opts);
/* e's options in their order, includes resolved; a NULL o ends them.
 * Caller frees. */
struct cmd_opt_ref *cmd_options(const struct cmd_entry *);
/* The option named name (without dashes); a NULL o if none. */
struct cmd_opt_ref cmd_option_find(const struct cmd_entry *,
	    const char *name);
/* -h, --help: not in the tables, but parsed and listed for every one. */
extern const struct cmd_option cmd_help_option;

/* cmd_help.c.  Text for the terminal, and the same with other marks for
 * tools/doc-gen.c: a style writes plain text, literals and metas. */
struct buf;
struct cmd_style {
	void	(*text)(struct buf *, const char *, size_t);
	void	(*lit)(struct buf *, const char *, size_t);
	void	(*meta)(struct buf *, const char *, size_t);
	const char *space;	/* between the words of one group */
};
extern const struct cmd_style cmd_style_plain;

/* Help and doc text, its marks rendered by style. */
void	cmd_render(struct buf *, const char *text, const struct cmd_style *);
/* The text without marks; as a sentence (capital, full stop).  Caller
 * frees. */
char   *cmd_plain(const char *text);
char   *cmd_sentence(const char *text);
/* "a, b or c". */
void	cmd_choice_list(struct buf *, const char *const *choices);
/* The synopsis in groups ("s3watch monitor", "[--since WHEN]", ...), the
 * brief one (CMD_O_BRIEF options only) or the full one; NULL ends the
 * vector; cmd_strv_free() frees it. */
char  **cmd_synopsis(const struct cmd_entry *, bool brief,
	    const struct cmd_style *);
void	cmd_strv_free(char **);
/* An option's argument: its meta ("WHEN"), or its choices ("a|b"). */
void	cmd_option_arg(struct buf *, const struct cmd_option *,
	    const struct cmd_style *);
/* What the help adds to an option's text: "1 to 600000; default: 5000";
 * "" for nothing.  Caller frees. */
char   *cmd_option_notes(const struct cmd_option *);
/* --help: the usage, the text and the options (for the main entry, the
 * commands too). */
void	cmd_help(FILE *, const struct cmd_entry *);
/* "usage: s3watch CMD ...", wrapped. */
void	cmd_usage(FILE *, const struct cmd_entry *);
/* Two columns, the second wrapped: "  left  right"; n rows. */
void	cmd_rows(FILE *, char *const *left, char *const *right, size_t n);
/* Adds a row (taking both strings); frees the rows. */
void	cmd_section_add(struct cmd_section *, char *left, char *right);
void	cmd_section_free(struct cmd_section *);

/* Prints "s3watch CMD: message" to stderr; returns status for chaining. */
int	cmd_error(const char *cmd, int status, const char *fmt, ...)
	    ATTR_FORMAT(3, 4);
/* A new loop and client for commands that talk to AWS; NULL after
 * printing the reason. cmd_client_free() releases both. */
struct aws_client *cmd_client(const char *cmd, const struct cmd_globals *);
void	cmd_client_free(struct aws_client *);

#endif
