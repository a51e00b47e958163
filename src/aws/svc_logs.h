/* Amazon CloudWatch Logs (awsJson 1.1): log groups and streams, writing
 * and reading events, Logs Insights queries.  See svc.h for the
 * conventions.  Times are epoch milliseconds unless named _s. */
#ifndef S3W_SVC_LOGS_H
#define S3W_SVC_LOGS_H

#include "svc.h"

struct logs_group {
	char	*name;
	char	*arn;		/* "arn", which ends in ":*" */
	char	*group_arn;	/* "logGroupArn", without ":*", or NULL */
	int	 retention_days;	/* 0: never expire */
	int64_t	 created;
	int64_t	 stored_bytes;
};

struct logs_groups {
	struct logs_group	*v;
	size_t			 n;
	char			*next_token;
};

/* PutLogEvents input (timestamp and message) and the events read back. */
struct logs_event {
	int64_t	 timestamp;
	char	*message;
	char	*stream;	/* FilterLogEvents only */
	int64_t	 ingestion_time;
	char	*id;		/* FilterLogEvents only */
};

/* FilterLogEvents: a page may be EMPTY while next_token is set (the search
 * is not over): keep asking until next_token is NULL.  GetLogEvents:
 * next_token is nextForwardToken (AWS returns the same token when there is
 * nothing new) and back_token nextBackwardToken. */
struct logs_events {
	struct logs_event	*v;
	size_t			 n;
	char			*next_token;
	char			*back_token;
};

struct logs_put_result {
	char	*next_sequence_token;	/* NULL: AWS no longer uses them */
	bool	 rejected;		/* some events were refused */
	int	 too_new_start;		/* -1 or index of the first too new */
	int	 too_old_end;		/* -1 or index after the last too old */
	int	 expired_end;		/* -1 or index after the last expired */
};

struct logs_filter {
	const char	 *group;
	char *const	 *streams;	/* none: every stream */
	size_t		  nstreams;
	const char	 *stream_prefix;
	const char	 *pattern;	/* NULL: every event */
	int64_t		  start;	/* 0: no bound */
	int64_t		  end;
	const char	 *token;
	int		  limit;	/* 0: AWS's default */
};

struct logs_query_field {
	char	*field;
	char	*value;
};

struct logs_query_row {
	struct logs_query_field	*v;
	size_t			 n;
};

struct logs_query_results {
	char			*status;	/* Scheduled, Running, Complete, ... */
	struct logs_query_row	*rows;
	size_t			 nrows;
	double			 records_matched;
	double			 records_scanned;
	double			 bytes_scanned;
};

/* 1-512 of letters, digits, '_', '-', '/', '.', '#'; 0 or -1 with *cause. */
int	 logs_group_name_check(const char *, char **cause);
/* One of the retention periods AWS accepts (1, 3, 5, 7, 14, 30, ...). */
bool	 logs_retention_valid(int days);

struct aws_request *logs_create_log_group(const char *group,
	    const struct svc_tag *tags, size_t ntags, char **cause);
struct aws_request *logs_delete_log_group(const char *group, char **cause);
struct aws_request *logs_put_retention_policy(const char *group, int days,
	    char **cause);
struct aws_request *logs_describe_log_groups(const char *prefix,
	    const char *token, int limit, char **cause);
struct aws_request *logs_create_log_stream(const char *group,
	    const char *stream, char **cause);
/* Events must be in time order; at most 10000 and 1 MiB. */
struct aws_request *logs_put_log_events(const char *group, const char *stream,
	    const struct logs_event *, size_t n, const char *sequence_token,
	    char **cause);
struct aws_request *logs_filter_log_events(const struct logs_filter *,
	    char **cause);
struct aws_request *logs_get_log_events(const char *group, const char *stream,
	    int64_t start, int64_t end, const char *token, bool from_head,
	    int limit, char **cause);
/* start_s and end_s are epoch seconds. */
struct aws_request *logs_start_query(char *const *groups, size_t ngroups,
	    const char *query, time_t start_s, time_t end_s, int limit,
	    char **cause);
struct aws_request *logs_get_query_results(const char *query_id,
	    char **cause);
/* id NULL creates a definition, else updates that one. */
struct aws_request *logs_put_query_definition(const char *name,
	    const char *query, char *const *groups, size_t ngroups,
	    const char *id, char **cause);

int	 logs_describe_log_groups_parse(struct aws_response *,
	    struct logs_groups *, char **cause);
void	 logs_groups_free(struct logs_groups *);
int	 logs_put_log_events_parse(struct aws_response *,
	    struct logs_put_result *, char **cause);
void	 logs_put_result_free(struct logs_put_result *);
int	 logs_filter_log_events_parse(struct aws_response *,
	    struct logs_events *, char **cause);

/* One FilterLogEvents event as logs_filter_page_scan() hands it over:
 * borrowed for the callback only.  Strings are unescaped and
 * NUL-terminated; message may hold NULs (from \u0000), so use len.  id
 * and stream are NULL when absent, message "" and times 0. */
struct logs_event_ref {
	const char	*id;		/* eventId */
	const char	*stream;	/* logStreamName */
	int64_t		 timestamp;
	int64_t		 ingestion_time;
	const char	*message;
	size_t		 len;
};

typedef void	(*logs_event_fn)(const struct logs_event_ref *, void *arg);

/* Streams a FilterLogEvents answer body (request it with raw_body set)
 * without building it in memory: fn is called once per event, in order,
 * as soon as the event's object is complete; scratch is reused, so there
 * is no allocation per event.  *next_token (caller frees) is the page's
 * nextToken or NULL.  Returns 0, or -1 with *cause (caller frees) naming
 * the byte offset of the problem; events before it were delivered. */
int	 logs_filter_page_scan(const char *body, size_t len, logs_event_fn fn,
	    void *arg, char **next_token, char **cause);
int	 logs_get_log_events_parse(struct aws_response *, struct logs_events *,
	    char **cause);
void	 logs_events_free(struct logs_events *);
int	 logs_start_query_parse(struct aws_response *, char **query_id,
	    char **cause);
int	 logs_get_query_results_parse(struct aws_response *,
	    struct logs_query_results *, char **cause);
void	 logs_query_results_free(struct logs_query_results *);
int	 logs_put_query_definition_parse(struct aws_response *, char **id,
	    char **cause);

/* Saved Logs Insights queries (DescribeQueryDefinitions). */
struct logs_query_definition {
	char	 *id;
	char	 *name;
	char	 *query;
	char	**groups;
	size_t	  ngroups;
};

struct logs_query_definitions {
	struct logs_query_definition	*v;
	size_t				 n;
	char				*next_token;
};

/* prefix and token may be NULL; limit 0 for AWS's default (1-1000). */
struct aws_request *logs_describe_query_definitions(const char *prefix,
	    const char *token, int limit, char **cause);
struct aws_request *logs_delete_query_definition(const char *id,
	    char **cause);

int	 logs_describe_query_definitions_parse(struct aws_response *,
	    struct logs_query_definitions *, char **cause);
void	 logs_query_definitions_free(struct logs_query_definitions *);
/* Fails also when AWS answers "success": false. */
int	 logs_delete_query_definition_parse(struct aws_response *,
	    char **cause);

/* Metric filters: a filter pattern over a log group's events, each match
 * adding a value to a CloudWatch metric (one transformation; up to 3
 * dimensions whose values are fields of the event, "$.a.b"). */
#define LOGS_MAX_DIMENSIONS	3

struct logs_metric_filter_spec {
	const char		*group;
	const char		*name;
	const char		*pattern;
	const char		*metric;	/* metric name */
	const char		*namespace;
	const char		*value;		/* "1" or "$.field" */
	const struct svc_tag	*dims;		/* name -> "$.field" */
	size_t			 ndims;
};

struct logs_dimension {
	char	*name;
	char	*value;
};

struct logs_metric_filter {
	char			*name;
	char			*group;
	char			*pattern;
	char			*metric;	/* the first transformation's */
	char			*namespace;
	char			*value;
	struct logs_dimension	*dims;
	size_t			 ndims;
	size_t			 ntransforms;
};

struct logs_metric_filters {
	struct logs_metric_filter	*v;
	size_t				 n;
	char				*next_token;
};

/* Creates or replaces the filter of that name (AWS allows 100 a group;
 * names 1-512 characters, no ':' or '*'; patterns up to 1024). */
struct aws_request *logs_put_metric_filter(
	    const struct logs_metric_filter_spec *, char **cause);
/* The group's filters whose names start with prefix (NULL: all). */
struct aws_request *logs_describe_metric_filters(const char *group,
	    const char *prefix, const char *token, char **cause);
struct aws_request *logs_delete_metric_filter(const char *group,
	    const char *name, char **cause);

int	 logs_describe_metric_filters_parse(struct aws_response *,
	    struct logs_metric_filters *, char **cause);
void	 logs_metric_filters_free(struct logs_metric_filters *);

#endif
