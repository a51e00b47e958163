/* Alerts: rule hits grouped by rule and key (the principal, else the
 * source IP), with counts, first and last seen, and acknowledgement.
 *
 * Alerts and acks are plain JSON records ({"type":"alert"|"ack",...}),
 * the same for the journal on disk and the team's ack stream in
 * CloudWatch Logs, so both replay through alerts_apply().
 *
 * Ownership: the table owns its alerts; pointers stay valid until
 * alerts_free (alerts are never removed). */
#ifndef S3W_ALERTS_H
#define S3W_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "rules.h"

#define ALERTS_ID_LEN	8	/* hex digits */

struct alert {
	char			 id[ALERTS_ID_LEN + 1];
	char			*rule;
	char			*title;
	char			*key;
	enum rules_severity	 severity;
	uint64_t		 count;
	char			*first_seen;	/* event times, ISO 8601 */
	char			*last_seen;
	char			*last_event_id;
	char			*last_action;
	char			*last_resource;
	char			*last_source_ip;
	bool			 acked;
	char			*ack_who;
	char			*ack_at;
	char			*ack_note;
};

struct alerts;

struct alerts	*alerts_new(void);
void		 alerts_free(struct alerts *);

/* Folds a hit in; *created says whether it opened a new alert. */
struct alert	*alerts_hit(struct alerts *, const struct rules_hit *,
		    bool *created);
/* By id or a unique prefix of one; NULL with *cause otherwise. */
struct alert	*alerts_find(struct alerts *, const char *id, char **cause);
size_t		 alerts_count(const struct alerts *);
/* By recency of the last hit, newest first. */
struct alert	*alerts_at(struct alerts *, size_t i);
size_t		 alerts_open(const struct alerts *);

/* Records: "alert" (as it stands) and "ack".  New JSON objects. */
struct json_object *alerts_record(const struct alert *);
struct json_object *alerts_ack_record(const struct alert *, const char *who,
		    const char *at, const char *note);
/* Applies an "alert" or "ack" record; false if it is neither. */
bool		 alerts_apply(struct alerts *, struct json_object *);
/* Marks it acknowledged (by a record of ours or another console's). */
void		 alerts_ack(struct alert *, const char *who, const char *at,
		    const char *note);

#endif
