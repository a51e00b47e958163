/* AWS Identity and Access Management (query): roles and their inline
 * policies, e.g. the role CloudTrail assumes to write to CloudWatch Logs.
 * IAM is global; the client signs for us-east-1.  See svc.h for the
 * conventions. */
#ifndef S3W_SVC_IAM_H
#define S3W_SVC_IAM_H

#include "svc.h"

/* CreateRole input; NULL or 0 fields are left out. */
struct iam_role_spec {
	const char		*name;
	const char		*assume_policy;	/* trust policy, JSON */
	const char		*path;		/* "/" or "/a/b/", default "/" */
	const char		*description;
	int			 max_session;	/* 3600-43200 seconds */
	const struct svc_tag	*tags;
	size_t			 ntags;
};

struct iam_role {
	char	*name;
	char	*id;			/* "AROA..." */
	char	*arn;
	char	*path;
	char	*assume_policy;		/* decoded JSON, or NULL */
	char	*description;		/* or NULL */
	int	 max_session;		/* seconds, 0 when not given */
	time_t	 created;
};

struct iam_role_policy {
	char	*role;
	char	*name;
	char	*document;		/* decoded JSON */
};

struct iam_policy_names {
	char	**v;
	size_t	  n;
	char	 *marker;		/* for the next page, or NULL */
};

/* Checks role names (1-64 of letters, digits and "+=,.@_-"); 0, or -1
 * with *cause. */
int	 iam_role_name_check(const char *, char **cause);

struct aws_request *iam_create_role(const struct iam_role_spec *,
	    char **cause);
struct aws_request *iam_get_role(const char *name, char **cause);
/* AWS refuses while the role has inline or attached policies. */
struct aws_request *iam_delete_role(const char *name, char **cause);
/* Replaces a role's trust policy. */
struct aws_request *iam_update_assume_role_policy(const char *role,
	    const char *document, char **cause);
struct aws_request *iam_put_role_policy(const char *role, const char *policy,
	    const char *document, char **cause);
struct aws_request *iam_get_role_policy(const char *role, const char *policy,
	    char **cause);
struct aws_request *iam_delete_role_policy(const char *role,
	    const char *policy, char **cause);
/* Inline policy names; marker NULL for the first page. */
struct aws_request *iam_list_role_policies(const char *role,
	    const char *marker, char **cause);

/* DeleteRole, PutRolePolicy and DeleteRolePolicy answer nothing: check
 * them with svc_check(). */
int	 iam_create_role_parse(struct aws_response *, struct iam_role *,
	    char **cause);
int	 iam_get_role_parse(struct aws_response *, struct iam_role *,
	    char **cause);
void	 iam_role_free(struct iam_role *);
int	 iam_get_role_policy_parse(struct aws_response *,
	    struct iam_role_policy *, char **cause);
void	 iam_role_policy_free(struct iam_role_policy *);
int	 iam_list_role_policies_parse(struct aws_response *,
	    struct iam_policy_names *, char **cause);
void	 iam_policy_names_free(struct iam_policy_names *);

#endif
