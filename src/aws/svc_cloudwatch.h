/* Amazon CloudWatch (query): dashboards, e.g. the one s3watch sets up to
 * chart S3 request metrics, and the alarms of the stateful detections
 * that run as metric filters.  See svc.h for the conventions. */
#ifndef S3W_SVC_CLOUDWATCH_H
#define S3W_SVC_CLOUDWATCH_H

#include "svc.h"

/* PutDashboard's warnings about a body it accepted anyway. */
struct cloudwatch_validation {
	char	*data_path;		/* e.g. "/widgets/0", or NULL */
	char	*message;
};

struct cloudwatch_validations {
	struct cloudwatch_validation	*v;
	size_t				 n;
};

struct cloudwatch_dashboard {
	char	*name;
	char	*arn;
	char	*body;			/* JSON */
};

struct cloudwatch_dashboard_entry {
	char	*name;
	char	*arn;
	time_t	 modified;
	int64_t	 size;			/* of the body, in bytes */
};

struct cloudwatch_dashboards {
	struct cloudwatch_dashboard_entry	*v;
	size_t					 n;
	char					*next_token;
};

/* Creates or replaces a dashboard.  Names are 1-255 letters, digits, '-'
 * or '_'; the body must be JSON. */
struct aws_request *cloudwatch_put_dashboard(const char *name,
	    const char *body, char **cause);
struct aws_request *cloudwatch_get_dashboard(const char *name, char **cause);
/* All or nothing: AWS deletes none if one is missing. */
struct aws_request *cloudwatch_delete_dashboards(char *const *names, size_t n,
	    char **cause);
/* prefix and token may be NULL. */
struct aws_request *cloudwatch_list_dashboards(const char *prefix,
	    const char *token);

/* DeleteDashboards answers nothing: check it with svc_check(). */
int	 cloudwatch_put_dashboard_parse(struct aws_response *,
	    struct cloudwatch_validations *, char **cause);
void	 cloudwatch_validations_free(struct cloudwatch_validations *);
int	 cloudwatch_get_dashboard_parse(struct aws_response *,
	    struct cloudwatch_dashboard *, char **cause);
void	 cloudwatch_dashboard_free(struct cloudwatch_dashboard *);
int	 cloudwatch_list_dashboards_parse(struct aws_response *,
	    struct cloudwatch_dashboards *, char **cause);
void	 cloudwatch_dashboards_free(struct cloudwatch_dashboards *);

/* A metric alarm on one Metrics Insights query (each series it returns a
 * contributor with its own state), notifying actions when it goes to
 * ALARM.  PutMetricAlarm input. */
struct cloudwatch_alarm_spec {
	const char	*name;		/* 1-255 characters */
	const char	*description;	/* may be NULL */
	const char	*query;		/* SELECT ... */
	int		 period;	/* seconds: 10, 30, or a multiple of 60 */
	double		 threshold;
	const char	*comparison;	/* e.g. GreaterThanOrEqualToThreshold */
	int		 evaluation_periods;
	int		 datapoints;	/* to alarm; 0: evaluation_periods */
	const char	*missing;	/* TreatMissingData, NULL: missing */
	char *const	*actions;	/* AlarmActions (topic ARNs) */
	size_t		 nactions;
};

/* DescribeAlarms output (metric alarms). */
struct cloudwatch_alarm {
	char	 *name;
	char	 *arn;
	char	 *description;
	char	 *query;	/* the first query's Expression, or NULL */
	int	  period;	/* that query's */
	double	  threshold;
	char	 *comparison;
	int	  evaluation_periods;
	int	  datapoints;
	char	 *missing;
	bool	  actions_enabled;
	char	**actions;
	size_t	  nactions;
	char	 *state;	/* OK, ALARM, INSUFFICIENT_DATA */
};

struct cloudwatch_alarms {
	struct cloudwatch_alarm	*v;
	size_t			 n;
	char			*next_token;
};

/* Creates or replaces the alarm of that name. */
struct aws_request *cloudwatch_put_metric_alarm(
	    const struct cloudwatch_alarm_spec *, char **cause);
/* Metric alarms whose names start with prefix (NULL: all). */
struct aws_request *cloudwatch_describe_alarms(const char *prefix,
	    const char *token);
/* AWS deletes what it finds and says nothing of the rest. */
struct aws_request *cloudwatch_delete_alarms(char *const *names, size_t n,
	    char **cause);

int	 cloudwatch_describe_alarms_parse(struct aws_response *,
	    struct cloudwatch_alarms *, char **cause);
void	 cloudwatch_alarms_free(struct cloudwatch_alarms *);

#endif
