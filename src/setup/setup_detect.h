/* Step 8's state and alarms (setup_detect.c): the analyser's DynamoDB
 * table (on demand, TTL on "ttl"), and the metric filters on the trail's
 * log group and the alarms of the plan (analyser_plan.h).  The functions
 * are sub-operations for setup_lambda.c's step (SJ_SUB); they do not
 * nest.  detect_verify() and detect_checked() only write notes.
 *
 * Ownership: the facts own their strings; the plan is borrowed (NULL for
 * teardown, which goes by the ledger and by what AWS lists). */
#ifndef S3W_SETUP_DETECT_H
#define S3W_SETUP_DETECT_H

#include "analyser_plan.h"
#include "setup_internal.h"

/* The partition key and the time-to-live attribute the analyser writes. */
#define DETECT_KEY	"pk"
#define DETECT_TTL	"ttl"

struct detect_facts {
	const struct aplan	 *plan;
	char			 *table;
	char			 *table_arn;
	bool			  table_found;
	bool			  table_ok;	/* on demand, key pk (S) */
	bool			  table_active;
	bool			  ttl_ok;
	bool			  group_found;	/* the trail's log group */
	bool			 *filter_found;	/* per plan filter */
	bool			 *filter_ok;
	bool			 *alarm_found;	/* per plan alarm */
	bool			 *alarm_ok;
	char			**stale_filters; /* ours, not in the plan */
	size_t			  nstale_filters;
	char			**stale_alarms;
	size_t			  nstale_alarms;
	char			 *token;	/* a listing's next page */
};

/* "<lambda_function>-state" and its ARN. */
void	 detect_facts_init(struct setup_job *, struct detect_facts *,
	    const struct aplan *);
void	 detect_facts_free(struct detect_facts *);

int	 detect_check(struct setup_job *, struct detect_facts *);
void	 detect_checked(struct setup_job *, const struct detect_facts *);
int	 detect_apply(struct setup_job *, struct detect_facts *);
void	 detect_verify(struct setup_job *, const struct detect_facts *);
int	 detect_undo(struct setup_job *, struct detect_facts *);

#endif
