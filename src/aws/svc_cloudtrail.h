/* AWS CloudTrail (awsJson 1.1): trails, their status and event selectors,
 * event history and digest public keys.  See svc.h for the conventions. */
#ifndef S3W_SVC_CLOUDTRAIL_H
#define S3W_SVC_CLOUDTRAIL_H

#include "svc.h"

/* CreateTrail and UpdateTrail input; NULL strings are left out (UpdateTrail
 * then keeps what the trail had). */
struct cloudtrail_trail_spec {
	const char		*name;
	const char		*s3_bucket;
	const char		*s3_prefix;
	const char		*sns_topic;
	const char		*cwl_group_arn;	/* CloudWatch Logs group ARN */
	const char		*cwl_role_arn;
	const char		*kms_key_id;
	bool			 multi_region;
	bool			 global_events;	/* IncludeGlobalServiceEvents */
	bool			 log_file_validation;
	const struct svc_tag	*tags;		/* CreateTrail only */
	size_t			 ntags;
};

struct cloudtrail_trail {
	char	*name;
	char	*arn;
	char	*s3_bucket;
	char	*s3_prefix;
	char	*sns_topic_arn;
	char	*cwl_group_arn;
	char	*cwl_role_arn;
	char	*kms_key_id;
	char	*home_region;		/* DescribeTrails only */
	bool	 multi_region;
	bool	 global_events;
	bool	 log_file_validation;
	bool	 custom_selectors;	/* HasCustomEventSelectors */
};

struct cloudtrail_trails {
	struct cloudtrail_trail	*v;
	size_t			 n;
};

struct cloudtrail_status {
	bool	 logging;
	char	*latest_delivery_error;		/* to S3, or NULL */
	char	*latest_cwl_delivery_error;	/* to CloudWatch Logs, or NULL */
	time_t	 latest_delivery;		/* 0 when never */
	time_t	 latest_cwl_delivery;
	time_t	 start_logging;
	time_t	 stop_logging;
};

enum cloudtrail_rw {
	CLOUDTRAIL_RW_ALL,
	CLOUDTRAIL_RW_READ_ONLY,
	CLOUDTRAIL_RW_WRITE_ONLY,
};

/* Data resources, e.g. type "AWS::S3::Object", values
 * "arn:aws:s3:::bucket/" (every object of the bucket). */
struct cloudtrail_data_resource {
	char	 *type;
	char	**values;
	size_t	  nvalues;
};

struct cloudtrail_selector {
	enum cloudtrail_rw		 rw;
	bool				 management;	/* IncludeManagementEvents */
	struct cloudtrail_data_resource	*resources;
	size_t				 nresources;
};

struct cloudtrail_selectors {
	char				*trail_arn;
	struct cloudtrail_selector	*v;
	size_t				 n;
	bool				 advanced;	/* AdvancedEventSelectors */
};

struct cloudtrail_event {
	char	*id;
	char	*name;
	char	*source;		/* e.g. "s3.amazonaws.com" */
	char	*username;
	char	*access_key;
	bool	 read_only;
	time_t	 time;
	char	*json;			/* the whole CloudTrail record */
};

struct cloudtrail_events {
	struct cloudtrail_event	*v;
	size_t			 n;
	char			*next_token;
};

struct cloudtrail_public_key {
	char	*value;			/* DER, base64 as AWS sends it */
	time_t	 valid_from;
	time_t	 valid_to;
	char	*fingerprint;
};

struct cloudtrail_public_keys {
	struct cloudtrail_public_key	*v;
	size_t				 n;
	char				*next_token;
};

struct aws_request *cloudtrail_create_trail(const struct cloudtrail_trail_spec *,
	    char **cause);
struct aws_request *cloudtrail_update_trail(const struct cloudtrail_trail_spec *,
	    char **cause);
struct aws_request *cloudtrail_delete_trail(const char *name, char **cause);
/* n 0: every trail of the account in the region (and shadow trails). */
struct aws_request *cloudtrail_describe_trails(char *const *names, size_t n);
struct aws_request *cloudtrail_get_trail_status(const char *name,
	    char **cause);
struct aws_request *cloudtrail_start_logging(const char *name, char **cause);
struct aws_request *cloudtrail_stop_logging(const char *name, char **cause);
struct aws_request *cloudtrail_put_event_selectors(const char *trail,
	    const struct cloudtrail_selector *, size_t n, char **cause);
struct aws_request *cloudtrail_get_event_selectors(const char *trail,
	    char **cause);
/* attr_key (EventName, EventSource, Username, ResourceName, ...) NULL for
 * no filter; start and end 0 for AWS's defaults; max 0 for 50. */
struct aws_request *cloudtrail_lookup_events(const char *attr_key,
	    const char *attr_value, time_t start, time_t end, int max,
	    const char *token, char **cause);
struct aws_request *cloudtrail_list_public_keys(time_t start, time_t end,
	    const char *token);

int	 cloudtrail_create_trail_parse(struct aws_response *,
	    struct cloudtrail_trail *, char **cause);
int	 cloudtrail_update_trail_parse(struct aws_response *,
	    struct cloudtrail_trail *, char **cause);
void	 cloudtrail_trail_free(struct cloudtrail_trail *);
int	 cloudtrail_describe_trails_parse(struct aws_response *,
	    struct cloudtrail_trails *, char **cause);
void	 cloudtrail_trails_free(struct cloudtrail_trails *);
int	 cloudtrail_get_trail_status_parse(struct aws_response *,
	    struct cloudtrail_status *, char **cause);
void	 cloudtrail_status_free(struct cloudtrail_status *);
int	 cloudtrail_get_event_selectors_parse(struct aws_response *,
	    struct cloudtrail_selectors *, char **cause);
int	 cloudtrail_put_event_selectors_parse(struct aws_response *,
	    struct cloudtrail_selectors *, char **cause);
void	 cloudtrail_selectors_free(struct cloudtrail_selectors *);
int	 cloudtrail_lookup_events_parse(struct aws_response *,
	    struct cloudtrail_events *, char **cause);
void	 cloudtrail_events_free(struct cloudtrail_events *);
int	 cloudtrail_list_public_keys_parse(struct aws_response *,
	    struct cloudtrail_public_keys *, char **cause);
void	 cloudtrail_public_keys_free(struct cloudtrail_public_keys *);

#endif
