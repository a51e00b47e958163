/* The live monitoring engine: follows the trail's log group (tail.h),
 * runs every CloudTrail record through the rule engine (rules.h), folds
 * hits into alerts (alerts.h), and keeps acknowledgements in a private
 * journal and in the group's "s3watch-acks" stream, so every console of
 * the team sees them.  A checkpoint lets a restart resume with no gap and
 * no duplicate.
 *
 * Everything runs through the client's event loop; the console draws
 * from the callbacks and the accessors.
 *
 * State files, in opts.state_dir (mode 0600): checkpoint.json (written
 * atomically: the read position, the dedupe sets and every alert's
 * figures), journal.jsonl (append-only, fsync'd: each alert when it opens
 * or reopens, each ack), rules-state.json, id.key (the per-install secret
 * behind alert ids) and, when the team shares one, ack.key (the key that
 * signs and checks acks; see doc/alert-integrity.md).
 *
 * Nothing is checkpointed past an alert that is not journalled: when the
 * journal cannot be written (a full disk), monitor_save() fails and the
 * next run reads those events again.
 *
 * Ownership: the monitor borrows the client; records and alerts passed to
 * the callback are borrowed for the call (alerts for the monitor's life). */
#ifndef S3W_MONITOR_H
#define S3W_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "calls.h"
#include "rules.h"
#include "tail.h"

#define MONITOR_ACK_STREAM	"s3watch-acks"
#define MONITOR_MAX_HITS	16

struct aws_client;
struct conf;
struct monitor;

struct monitor_options {
	const char		*group;
	const char		*topic_arn;	/* NULL: publish refused */
	const char		*rules_dir;
	char *const		*allowed_cidrs;
	size_t			 nallowed_cidrs;
	/* The rules' other settings (monitor_rules_conf()): NULL for the
	 * pack's own. */
	const struct conf	*conf;
	const char		*suffix;	/* the setup's, for names */
	const char		*state_dir;	/* NULL: no files at all */
	bool			 resume;	/* start from the checkpoint */
	const char		*who;		/* user@host for acks */
	const char		*caller;	/* our caller ARN, for acks */
	const char		*account;	/* the group's account */
	struct tail_options	 tail;		/* group/since/follow/tuning */
};

/* One event's fields, raw (frontends make them terminal-safe). */
struct monitor_record {
	const char		*event_id;
	const char		*time;
	const char		*name;		/* eventName */
	const char		*source;	/* eventSource */
	const char		*principal;
	const char		*source_ip;
	const char		*bucket;
	const char		*key;
	const char		*error_code;
	const char		*error_message;
	const char		*user_agent;
	const char		*region;
	const char		*stream;
	int64_t			 timestamp;	/* ms */
	int64_t			 ingestion;
	const char		*raw;		/* the whole message */
	size_t			 len;
	bool			 malformed;
	const char		*why;		/* malformed: the reason */
	const struct rules_hit	*hits;
	size_t			 nhits;
};

enum monitor_event {
	MONITOR_RECORD,		/* record set */
	MONITOR_ALERT,		/* alert opened, updated or reopened */
	MONITOR_ACK,		/* alert acknowledged (here or elsewhere) */
	MONITOR_HEALTH,		/* tail health changed */
	MONITOR_WARNING,	/* text: a problem that did not stop us */
};

typedef void (*monitor_fn)(enum monitor_event, const struct monitor_record *,
    const struct alert *, const char *text, void *arg);
/* Completion of an async action: NULL error when it worked. */
typedef void (*monitor_done_fn)(const char *error, void *arg);

struct monitor_stats {
	uint64_t	records;
	uint64_t	malformed;
	uint64_t	duplicates;	/* same CloudTrail eventID again */
	uint64_t	hits;
	uint64_t	acks_seen;	/* read back from the ack stream */
	uint64_t	acks_ignored;	/* for no alert here, or unreadable */
	uint64_t	acks_suspect;	/* forged or inconsistent */
	uint64_t	reopened;	/* alerts hit again after an ack */
	uint64_t	journal_failures;	/* writes that failed */
	size_t		unjournalled;	/* alerts waiting for the journal */
};

/* The rules' settings from s3watch.conf (trusted accounts, the shortest
 * expiration, the names of the buckets, log group and rules), every one
 * but allowed_cidrs, which callers give on their own.  Names are expanded
 * with suffix, account and region (each may be NULL); one that still
 * holds a ${variable} stays unset.  0, or -1 with *cause. */
int		 monitor_rules_conf(struct rules *, const struct conf *,
		    const char *suffix, const char *account,
		    const char *region, char **cause);

/* NULL with *cause when the rules or state cannot be loaded at all. */
/* The calls of the live engine besides its tail's (calls.h): the acks
 * stream and the topic. */
extern const struct calls_entry monitor_calls[];

struct monitor	*monitor_new(struct aws_client *, const struct monitor_options *,
		    monitor_fn, void *arg, char **cause);
void		 monitor_free(struct monitor *);
void		 monitor_start(struct monitor *);
void		 monitor_stop(struct monitor *);
/* Caught up (not following) or stopped, with no call in flight. */
bool		 monitor_done(const struct monitor *);
/* Writes what waits for the journal, then the checkpoint and the rules'
 * state.  -1 with *cause, and no checkpoint, while an alert cannot be
 * journalled. */
int		 monitor_save(struct monitor *, char **cause);

struct alerts			*monitor_alerts(struct monitor *);
const struct tail_health	*monitor_health(const struct monitor *);
const struct monitor_stats	*monitor_stats(const struct monitor *);
const struct rules		*monitor_rules(const struct monitor *);

/* Acknowledges what this console has seen of the alert: journal first
 * (fsync), then the ack stream (signed when there is a team key); done
 * reports the stream write.  -1 with *cause when even the journal
 * failed (nothing is acknowledged then). */
int		 monitor_ack(struct monitor *, struct alert *, const char *note,
		    monitor_done_fn, void *arg, char **cause);
/* Publishes an alert (test false) or a clearly marked test alert (alert
 * NULL, test true) to the topic, within SNS's limits. */
void		 monitor_publish(struct monitor *, const struct alert *,
		    bool test, monitor_done_fn, void *arg);

/* The per-install secret behind alert ids, from dir (made on first use),
 * so that every command shows the console's ids.  -1 with *cause. */
int		 monitor_id_key(const char *dir, unsigned char key[32],
		    char **cause);
/* Makes the team's ack key in dir (0600) unless there is one; its path
 * in *path.  -1 with *cause. */
int		 monitor_ack_keygen(const char *dir, char **path, char **cause);

#endif
