/* AWS Security Token Service (query): who the credentials belong to, and
 * temporary credentials for a role.  The credential chain has its own
 * AssumeRole (creds_sts.c); these are for commands and checks.  See svc.h
 * for the conventions. */
#ifndef S3W_SVC_STS_H
#define S3W_SVC_STS_H

#include "svc.h"

struct sts_identity {
	char	*account;
	char	*arn;
	char	*user_id;
};

/* AssumeRole input; NULL or 0 fields are left out. */
struct sts_role_spec {
	const char	*role_arn;
	const char	*session_name;	/* 2-64 of letters, digits, "+=,.@_-" */
	const char	*external_id;
	const char	*policy;	/* session policy, JSON */
	int		 duration;	/* 900-43200 seconds */
};

/* The secret key and token are wiped when freed. */
struct sts_credentials {
	char	*access_key;
	char	*secret_key;
	char	*session_token;
	time_t	 expiration;
	char	*assumed_role_arn;	/* "arn:aws:sts::A:assumed-role/R/S" */
	char	*assumed_role_id;	/* "AROA...:session" */
};

struct aws_request *sts_get_caller_identity(void);
struct aws_request *sts_assume_role(const struct sts_role_spec *,
	    char **cause);

int	 sts_get_caller_identity_parse(struct aws_response *,
	    struct sts_identity *, char **cause);
void	 sts_identity_free(struct sts_identity *);
/* Fails unless the answer has all three keys and a valid expiration. */
int	 sts_assume_role_parse(struct aws_response *, struct sts_credentials *,
	    char **cause);
void	 sts_credentials_free(struct sts_credentials *);

#endif
