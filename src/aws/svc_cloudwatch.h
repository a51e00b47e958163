/* Amazon CloudWatch (query): dashboards, e.g. the one s3watch sets up to
 * chart S3 request metrics.  See svc.h for the conventions. */
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

#endif
