/* Alerts: rule hits grouped by rule and key (the principal, else the
 * source IP), with counts, first and last seen, and acknowledgement.
 *
 * An acknowledgement covers the hits its writer had seen, no more: hits
 * up to its event time (covers_ms) and its ingestion time (seen_ms).  A
 * hit beyond either reopens the alert ("reopened after ack by X"), as
 * GuardDuty does for a finding that recurs after archive.  So an ack
 * can silence only what already reached a human, and an ack planted
 * ahead of an attack silences nothing.  An ack applies only to an alert
 * that exists; acks from other consoles carry a trust level (see
 * enum alerts_trust), and a suspect one never silences.
 *
 * Alerts and acks are plain JSON records ({"type":"alert"|"ack",...}),
 * the same for the journal on disk and the team's ack stream in
 * CloudWatch Logs, so both replay through alerts_apply().
 *
 * Ids are 16 hex digits of an HMAC of rule and key under a per-install
 * secret: they are unpredictable, so no chosen name collides with
 * another alert, and lookups compare rule and key, never the id alone.
 * Two consoles show different ids for the same alert; acks travel with
 * rule and key.
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

#define ALERTS_ID_LEN	16	/* hex digits */

/* How far an ack is believed. */
enum alerts_trust {
	ALERTS_ACK_LOCAL,	/* made here, or read from our own journal */
	ALERTS_ACK_SIGNED,	/* another console's, its MAC checks out */
	ALERTS_ACK_UNSIGNED,	/* another console's; no team key here */
	ALERTS_ACK_SUSPECT,	/* forged or inconsistent: never silences */
};

struct alert {
	char			 id[ALERTS_ID_LEN + 1];
	char			*rule;
	char			*title;
	char			*key;
	enum rules_severity	 severity;
	uint64_t		 count;
	char			*first_seen;	/* event times, ISO 8601 */
	char			*last_seen;
	int64_t			 last_ms;	/* newest hit's event time */
	int64_t			 last_ingested;	/* newest hit's ingestion */
	char			*last_event_id;
	char			*last_action;
	char			*last_resource;
	char			*last_source_ip;

	/* Derived from the hits and the ack in force: */
	bool			 acked;		/* the ack covers every hit */
	bool			 reopened;	/* acked, then hit again */

	/* The ack in force (ack_who != NULL), kept when reopened. */
	char			*ack_who;	/* user@host, as claimed */
	char			*ack_caller;	/* the writer's caller ARN */
	char			*ack_at;
	char			*ack_note;
	int64_t			 ack_covers_ms;
	int64_t			 ack_seen_ms;
	enum alerts_trust	 ack_trust;
	uint64_t		 ack_count;	/* count when acked here */

	/* The last suspect ack, shown, never applied. */
	char			*suspect_who;
	char			*suspect_why;

	bool			 journalled;	/* its "alert" record is */
	bool			 recount;	/* loaded ahead of the checkpoint:
						   its events come again */
};

/* An ack as read, before it is applied. */
struct alerts_ack {
	const char		*rule;
	const char		*key;
	const char		*who;
	const char		*caller;
	const char		*at;
	const char		*note;
	int64_t			 covers_ms;
	int64_t			 seen_ms;
	enum alerts_trust	 trust;
	const char		*why;		/* SUSPECT: the reason */
};

struct alerts;

/* Ids are keyed with key (the per-install secret); NULL: a random key
 * for this process only. */
struct alerts	*alerts_new(const void *key, size_t keylen);
void		 alerts_free(struct alerts *);

enum alerts_change {
	ALERTS_UPDATED,		/* folded into an open alert */
	ALERTS_CREATED,		/* a new alert */
	ALERTS_REOPENED,	/* hit after its ack */
	ALERTS_ESCALATED,	/* open, and now of a higher severity */
};

/* Folds a hit in, at event time time_ms and ingestion time ingested_ms
 * (0 when unknown).  An alert's severity is the worst of its hits'. */
struct alert	*alerts_hit(struct alerts *, const struct rules_hit *,
		    int64_t time_ms, int64_t ingested_ms,
		    enum alerts_change *);
/* The alert of rule and key, or NULL. */
struct alert	*alerts_get(struct alerts *, const char *rule,
		    const char *key);
/* By id or a unique prefix of one; NULL with *cause otherwise. */
struct alert	*alerts_find(struct alerts *, const char *id, char **cause);
size_t		 alerts_count(const struct alerts *);
/* By recency of the last hit, newest first. */
struct alert	*alerts_at(struct alerts *, size_t i);
/* Alerts not acked, reopened ones included. */
size_t		 alerts_open(const struct alerts *);

/* An ack of what this console has seen of the alert (trust LOCAL);
 * k borrows the strings. */
void		 alerts_ack_prepare(const struct alert *, struct alerts_ack *k,
		    const char *who, const char *caller, const char *at,
		    const char *note);
/* Applies an ack to its alert.  -1 with *cause when there is no such
 * alert (an ack never creates one).  A SUSPECT ack is only recorded. */
int		 alerts_ack_apply(struct alerts *, const struct alerts_ack *,
		    char **cause);

/* Records: "alert" (as it stands) and "ack".  New JSON objects. */
struct json_object *alerts_record(const struct alert *);
struct json_object *alerts_ack_record(const struct alerts_ack *);
/* Reads an ack record (borrowing its strings) as written by
 * alerts_ack_record(); trust and why are left to the caller.  -1 with
 * *cause when fields are missing or wrong. */
int		 alerts_ack_parse(struct json_object *, struct alerts_ack *,
		    char **cause);
/* Applies a journal or checkpoint record: "alert" creates or updates the
 * alert to the record's figures; without with_counts (a record newer
 * than the checkpoint, whose events will be read again) the count is
 * recounted from the next hit.  "ack" applies as its recorded trust
 * says.  false if it is neither, or an ack without its alert. */
bool		 alerts_apply(struct alerts *, struct json_object *,
		    bool with_counts);
/* The MAC of an ack under the team key: 64 hex digits in out. */
void		 alerts_ack_mac(const struct alerts_ack *, const void *key,
		    size_t keylen, char out[65]);

/* The text for an alert's state: "open", "acked", "reopened after ack
 * by WHO at AT"; a static buffer. */
const char	*alerts_state_text(const struct alert *);
const char	*alerts_trust_name(enum alerts_trust);

#endif
