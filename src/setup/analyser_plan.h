/* What setup step 8 deploys so that the detections the console runs also
 * alert when no console is open, made from the local rule pack (the one
 * source) and the settings.  doc/detections-in-aws.md says why:
 *
 *   - the Lambda analyser runs the analysis checks (kind "check") and the
 *     high and critical stateful rules, its state in DynamoDB, and silently
 *     the rules those sequences are made of; its configuration is the
 *     pack's rules as written (rules.json, in the function's zip);
 *   - EventBridge rules in front of it pass only the events those rules
 *     select: their patterns joined with $or, each within EventBridge's
 *     pattern size;
 *   - a high or critical count that sums a field over every event it
 *     selects (s3-bulk-read-bytes: every GetObject) is a CloudWatch Logs
 *     metric filter on the trail's log group and an alarm on a Metrics
 *     Insights query (one contributor per key), which costs nothing per
 *     event;
 *   - a sequence one of whose steps is such an alarm is covered by it when
 *     that step is its last and the alarm is as severe; otherwise it runs
 *     only in the console (noted).
 *
 * Pure: reads the pack's files, calls nothing.  Ownership: a plan owns
 * every string it holds; aplan_free() releases them. */
#ifndef S3W_ANALYSER_PLAN_H
#define S3W_ANALYSER_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

enum aplan_how {
	APLAN_ALERT,		/* the analyser runs it and alerts on its hits */
	APLAN_SILENT,		/* the analyser runs it for a sequence */
	APLAN_METRIC,		/* a metric filter and an alarm */
	APLAN_COVERED,		/* a sequence its last step's alarms cover */
	APLAN_CONSOLE,		/* the console only: why says why */
};

/* A rule the plan decided about: the checks, the high and critical
 * stateful rules, and the rules sequences need. */
struct aplan_rule {
	char		*id;
	char		*kind;		/* "check", "count", ... */
	char		*severity;
	enum aplan_how	 how;
	char		*why;		/* CONSOLE and COVERED: a sentence */
};

#define APLAN_MAX_DIMS	3	/* CloudWatch Logs' limit per filter */

/* PutMetricFilter input. */
struct aplan_filter {
	char	*name;
	char	*pattern;	/* CloudWatch Logs filter pattern */
	char	*metric;	/* metric name */
	char	*value;		/* "1" or "$.field" */
	char	*dim_names[APLAN_MAX_DIMS];
	char	*dim_values[APLAN_MAX_DIMS];	/* "$.field" */
	size_t	 ndims;
};

/* PutMetricAlarm input, on a Metrics Insights query. */
struct aplan_alarm {
	char	*name;
	char	*rule;		/* the pack's rule id */
	char	*description;
	char	*query;		/* SELECT SUM(...) ... GROUP BY ... */
	int	 period;	/* seconds: the rule's window */
	double	 threshold;
};

struct aplan {
	char			 *config;	/* rules.json for the zip */
	char			**routes;	/* EventBridge patterns */
	size_t			  nroutes;
	struct aplan_rule	 *rules;
	size_t			  nrules;
	struct aplan_filter	 *filters;
	size_t			  nfilters;
	struct aplan_alarm	 *alarms;
	size_t			  nalarms;
	char			 *namespace;	/* of the filters' metrics */
	size_t			  nalert;	/* rules the analyser alerts on */
};

struct aplan_input {
	const char	 *rules_dir;
	char *const	 *cidrs;	/* allowed_cidrs of s3watch.conf, which
					   replace the pack's (n 0: the pack's) */
	size_t		  ncidrs;
	const char	 *prefix;	/* names: rule_prefix */
	/* The other settings (trusted_accounts, ${trail_name}, ...), with
	 * the run's names; NULL leaves them unset. */
	int		(*configure)(struct rules *, void *arg, char **cause);
	void		 *configure_arg;
};

/* Makes the plan.  Each bad rule or file of the pack is reported through
 * err and skipped, as the engine does.  0, or -1 with *cause when the pack
 * cannot be read at all. */
int	 aplan_make(struct aplan *, const struct aplan_input *,
	    rules_error_fn err, void *arg, char **cause);
void	 aplan_free(struct aplan *);

const char *aplan_how_name(enum aplan_how);

#endif
