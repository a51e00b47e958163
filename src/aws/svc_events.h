/* Amazon EventBridge (awsJson 1.1): rules on the default event bus, their
 * targets, and event pattern tests.  See svc.h for the conventions. */
#ifndef S3W_SVC_EVENTS_H
#define S3W_SVC_EVENTS_H

#include "svc.h"

enum events_rule_state {
	EVENTS_RULE_ENABLED,
	EVENTS_RULE_DISABLED,
	/* Also matches read-only management events from CloudTrail. */
	EVENTS_RULE_ENABLED_WITH_CLOUDTRAIL,
};

/* PutRule input; NULL description and role_arn are left out. */
struct events_rule_spec {
	const char		*name;
	const char		*pattern;	/* EventPattern JSON */
	enum events_rule_state	 state;
	const char		*description;
	const char		*role_arn;
};

/* DescribeRule output. */
struct events_rule {
	char			*name;
	char			*arn;
	char			*pattern;	/* NULL for scheduled rules */
	char			*schedule;
	enum events_rule_state	 state;
	char			*description;
	char			*role_arn;
	char			*event_bus;
	char			*managed_by;	/* AWS service owning it, or NULL */
	char			*created_by;	/* account id */
};

/* PutTargets input and ListTargetsByRule output.  input (constant JSON
 * sent instead of the event) and input_path (JSONPath into the event) are
 * mutually exclusive; NULL leaves them out. */
struct events_target {
	char	*id;
	char	*arn;
	char	*input;
	char	*input_path;
	char	*role_arn;
};

struct events_targets {
	struct events_target	*v;
	size_t			 n;
	char			*next_token;
};

/* A rule on AWS set against the one a spec describes (DescribeRule's
 * answer, events_describe_rule_match). */
struct events_rule_match {
	bool	found;		/* false: ResourceNotFoundException */
	bool	state;		/* the spec's state */
	bool	pattern;	/* the same JSON value as the spec's */
	bool	description;	/* the spec's (NULL: none) */
};

/* AWS's quota of targets per rule, and so per PutTargets call here. */
#define EVENTS_MAX_TARGETS	5

/* Checks the rules for rule names (1 to 64 of letters, digits, '.', '-'
 * and '_'); 0, or -1 with *cause. */
int	 events_rule_name_check(const char *, char **cause);

struct aws_request *events_put_rule(const struct events_rule_spec *,
	    char **cause);
struct aws_request *events_describe_rule(const char *name, char **cause);
/* force: also delete rules managed by another AWS service. */
struct aws_request *events_delete_rule(const char *name, bool force,
	    char **cause);
/* 1 to EVENTS_MAX_TARGETS targets; ids are unique within a rule. */
struct aws_request *events_put_targets(const char *rule,
	    const struct events_target *, size_t n, char **cause);
struct aws_request *events_remove_targets(const char *rule,
	    char *const *ids, size_t n, bool force, char **cause);
/* token NULL for the first page; limit 0 for AWS's default. */
struct aws_request *events_list_targets_by_rule(const char *rule,
	    const char *token, int limit, char **cause);
/* event: a whole event envelope (id, account, source, time, region,
 * resources, detail-type, detail). */
struct aws_request *events_test_event_pattern(const char *pattern,
	    const char *event, char **cause);

int	 events_put_rule_parse(struct aws_response *, char **arn,
	    char **cause);
int	 events_describe_rule_parse(struct aws_response *, struct events_rule *,
	    char **cause);
void	 events_rule_free(struct events_rule *);
/* DescribeRule's answer against want: a rule that does not exist is an
 * answer too (m->found false).  0, or -1 with *cause. */
int	 events_describe_rule_match(struct aws_response *,
	    const struct events_rule_spec *want, struct events_rule_match *m,
	    char **cause);
/* Both fail, naming each target and AWS's reason, when any entry failed:
 * AWS answers 200 even then. */
int	 events_put_targets_parse(struct aws_response *, char **cause);
int	 events_remove_targets_parse(struct aws_response *, char **cause);
int	 events_list_targets_by_rule_parse(struct aws_response *,
	    struct events_targets *, char **cause);
void	 events_targets_free(struct events_targets *);
/* Does ListTargetsByRule's answer (a page) hold want's id with want's
 * ARN?  0 with *has, or -1 with *cause. */
int	 events_list_targets_by_rule_has(struct aws_response *,
	    const struct events_target *want, bool *has, char **cause);
/* Fails when the answer has no Result (moto's stub answers that way)
 * rather than reading it as "no match". */
int	 events_test_event_pattern_parse(struct aws_response *, bool *match,
	    char **cause);

#endif
