/* AWS Lambda (rest-json, API 2015-03-31): functions deployed from a zip,
 * and the resource policy that lets other services invoke them.  See
 * svc.h for the conventions. */
#ifndef S3W_SVC_LAMBDA_H
#define S3W_SVC_LAMBDA_H

#include "svc.h"

/* AWS's limit for a zip uploaded in the request itself. */
#define LAMBDA_MAX_ZIP		(50 * 1024 * 1024)

/* CreateFunction input.  NULL or 0 fields are left out (AWS's defaults:
 * 3 s, 128 MB, no variables, no description). */
struct lambda_function_spec {
	const char		*name;
	const char		*runtime;	/* e.g. "python3.12" */
	const char		*role_arn;	/* execution role */
	const char		*handler;	/* e.g. "index.handler" */
	const void		*zip;		/* borrowed, sent base64 */
	size_t			 zip_len;
	int			 timeout;	/* seconds, 1 to 900 */
	int			 memory_mb;	/* 128 to 10240 */
	const struct svc_tag	*env;		/* environment variables */
	size_t			 nenv;
	const char		*description;
};

struct lambda_var {
	char	*name;
	char	*value;
};

/* CreateFunction and GetFunction output (FunctionConfiguration). */
struct lambda_function {
	char			*name;
	char			*arn;
	char			*runtime;
	char			*role_arn;
	char			*handler;
	char			*description;
	char			*state;		/* Pending, Active, Failed, ... */
	char			*state_reason;
	char			*last_update_status;
	char			*code_sha256;	/* base64 */
	int64_t			 code_size;
	int			 timeout;
	int			 memory_mb;
	struct lambda_var	*env;
	size_t			 nenv;
};

/* AddPermission input.  source_arn and source_account (NULL: left out)
 * keep other accounts' resources from invoking the function. */
struct lambda_permission_spec {
	const char	*function;
	const char	*statement_id;
	const char	*action;	/* e.g. "lambda:InvokeFunction" */
	const char	*principal;	/* e.g. "events.amazonaws.com" */
	const char	*source_arn;
	const char	*source_account;
};

/* One statement of a function's resource policy. */
struct lambda_statement {
	char	*sid;
	char	*effect;
	char	*principal;	/* the service, account or "*" */
	char	*action;
	char	*resource;
	char	*source_arn;	/* Condition ArnLike AWS:SourceArn, or NULL */
	char	*source_account; /* Condition StringEquals AWS:SourceAccount */
};

struct lambda_policy {
	char			*json;		/* the whole policy document */
	char			*revision_id;
	struct lambda_statement	*v;
	size_t			 n;
};

/* Checks the rules for new function names (1 to 64 of letters, digits,
 * '-' and '_'); 0, or -1 with *cause.  The other operations also take
 * ARNs and "name:qualifier". */
int	 lambda_function_name_check(const char *, char **cause);

struct aws_request *lambda_create_function(const struct lambda_function_spec *,
	    char **cause);
struct aws_request *lambda_get_function(const char *function, char **cause);
struct aws_request *lambda_delete_function(const char *function,
	    char **cause);
struct aws_request *lambda_add_permission(
	    const struct lambda_permission_spec *, char **cause);
struct aws_request *lambda_get_policy(const char *function, char **cause);
struct aws_request *lambda_remove_permission(const char *function,
	    const char *statement_id, char **cause);

int	 lambda_create_function_parse(struct aws_response *,
	    struct lambda_function *, char **cause);
int	 lambda_get_function_parse(struct aws_response *,
	    struct lambda_function *, char **cause);
void	 lambda_function_free(struct lambda_function *);
/* *statement: the added statement's JSON. */
int	 lambda_add_permission_parse(struct aws_response *, char **statement,
	    char **cause);
/* A function without a policy is ResourceNotFoundException. */
int	 lambda_get_policy_parse(struct aws_response *, struct lambda_policy *,
	    char **cause);
void	 lambda_policy_free(struct lambda_policy *);

#endif
