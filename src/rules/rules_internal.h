/* What rules.c (tables, evaluation), rules_load.c (loading) and
 * rules_state.c (stateful memory, state file) share.  Not for other
 * modules. */
#ifndef S3W_RULES_INTERNAL_H
#define S3W_RULES_INTERNAL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "rules.h"

#define RULES_MAX_KEY		4	/* parts of a key */
#define RULES_MAX_STEPS		8	/* steps of a sequence */
#define RULES_MAX_DISTINCT	256	/* threshold of a distinct count */
#define RULES_MAX_VALUES	1024	/* values a first_seen key remembers */
#define RULES_DEFAULT_VALUES	32
#define RULES_DEFAULT_MAX_KEYS	10000
#define RULES_LIMIT_MAX_KEYS	1000000
#define RULES_FIELD_PATHS	8
#define RULES_SHOW_PATHS	4	/* of a display field */
/* A count's window is kept as this many slots (sliding in 1/16 steps). */
#define RULES_SLOTS		16

/* Event fields the engine reads (table in rules.c). */
enum rules_field {
	RF_EVENT_ID,
	RF_TIME,
	RF_PRINCIPAL,
	RF_SOURCE_IP,
	RF_EVENT_SOURCE,
	RF_EVENT_NAME,
	RF_BUCKET,
	RF_OBJECT_KEY,
	RF_RESOURCE_ARN,
	RF_RESOURCE_NAME,
	RF_ACCESS_KEY,
	RF_USER_AGENT,
	RF_ACCOUNT,
	RF_PRINCIPAL_ID,
	RF_IDENTITY_TYPE,
	RF_FINDING_TYPE,
	RF_ACTION,
	RF_RESOURCE,
	RF_UA_FAMILY,
	RF_COUNT
};

#define RULES_NSEVERITY	5
#define RULES_NKIND	5
/* log_expiry_min_days unless set; and the most it takes. */
#define RULES_DEFAULT_MIN_DAYS	30
#define RULES_MAX_MIN_DAYS	36500

/* The tables (rules.c): single sources of names and properties. */
extern const char *const rules_severity_names[RULES_NSEVERITY];

struct rules_kind_info {
	const char	*name;		/* also the setting that selects it */
	const char	*input;		/* the setting of the pattern that
					   selects events, or NULL */
	bool		 stateful;
};
extern const struct rules_kind_info rules_kinds[RULES_NKIND];

/* What a setting holds, and so how it is checked and expanded. */
enum rules_setting_type {
	RULES_ST_CIDRS,		/* IPv4 and IPv6 CIDRs */
	RULES_ST_ACCOUNTS,	/* 12-digit account ids */
	RULES_ST_DAYS,		/* one number of days */
	RULES_ST_BUCKETS,	/* S3 bucket names */
	RULES_ST_LOG_GROUPS,	/* CloudWatch Logs group names */
	RULES_ST_TRAILS,	/* trail names (or their ARNs in events) */
	RULES_ST_PREFIX,	/* one prefix of names */
};

struct rules_setting_info {
	const char		*name;
	enum rules_setting_type	 type;
	const char		*var;	/* its ${var}, or NULL */
	const char		*help;
};
extern const struct rules_setting_info rules_settings[RULES_SET_COUNT];

struct rules_field_info {
	const char	*name;
	const char	*paths[RULES_FIELD_PATHS];	/* first present wins */
};

struct rules_cidr {
	unsigned char	 addr[16];
	int		 bits;
	bool		 v6;
};

/* A key part or value: a field of the table, or an event path. */
struct rules_ref {
	int		 field;		/* enum rules_field, or -1 */
	char		*path;
	int		 id;		/* pattern_set_want() id of path */
};

enum rules_count_mode {
	RULES_COUNT_EVENTS,
	RULES_COUNT_DISTINCT,
	RULES_COUNT_SUM,
};

struct rule;

struct rules_step {
	struct rule	**rules;	/* borrowed */
	size_t		  n;
};

struct rules_table;
struct rules_check;
struct json_object;

struct rule {
	char			*id;
	char			*title;
	char			*description;
	char			*rationale;
	char			*file;
	char			*where;		/* "FILE:LINE" */
	enum rules_severity	 severity;
	enum rules_kind		 kind;
	int			 pattern;	/* index in the set, or -1 */
	char			*pattern_text;	/* expanded, for EventBridge */
	char			*pattern_src;	/* as written */
	const struct rules_check *check;
	int			*suppress;
	size_t			 nsuppress;
	char			**principals;	/* fnmatch globs */
	size_t			 nprincipals;
	char			**agents;
	size_t			 nagents;
	struct rules_cidr	*cidrs;
	size_t			 ncidrs;

	/* Stateful rules. */
	struct rules_ref	 key[RULES_MAX_KEY];
	size_t			 nkey;
	struct rules_ref	 value;		/* distinct, sum, first_seen */
	enum rules_count_mode	 count_mode;
	unsigned		 threshold;	/* count; values for first_seen */
	double			 sum_threshold;
	int64_t			 window;	/* history for first_seen */
	int64_t			 learn;
	unsigned		 max_keys;
	struct rules_step	 steps[RULES_MAX_STEPS];
	char			**step_names[RULES_MAX_STEPS];
	size_t			 nsteps;
	int			 step_line;
	struct rules_table	*table;

	bool			 in_sequence;
	int			 file_errors;
	uint64_t		 hits;
	uint64_t		 hit_gen;	/* hit by event number hit_gen */
};

struct rules {
	struct pattern_set	*set;
	struct pattern_event	*ev;
	struct rule		**rules;
	size_t			 nrules;
	size_t			 arules;	/* allocated */
	struct hmap		*by_id;		/* id -> rule (borrowed) */
	/* Settings: the values as given (NULL-terminated copies), those
	 * the caller gave (which the packs' do not replace), and parsed. */
	char			**set_v[RULES_SET_COUNT];
	size_t			 set_n[RULES_SET_COUNT];
	bool			 set_fixed[RULES_SET_COUNT];
	struct rules_cidr	*cidrs;		/* allowed_cidrs */
	size_t			 ncidrs;
	long			 min_days;	/* log_expiry_min_days */
	uint64_t		 seed;		/* of key hashes */
	int			 field_ids[RF_COUNT][RULES_FIELD_PATHS];

	/* Built by the first rules_eval(): the rules each pattern selects
	 * (rules_by_pat[rules_pat_first[i] ..  rules_pat_first[i + 1])),
	 * and the sequences. */
	size_t			*pat_first;
	size_t			*by_pat;
	size_t			*seqs;
	size_t			 nseqs;
	uint64_t		*rbits;		/* rules to run, per event */

	/* Per event. */
	uint64_t		 gen;		/* event number */
	int			*matched;
	uint64_t		*mgen;		/* pattern i matched event mgen[i] */
	struct buf		 fval[RF_COUNT];
	uint64_t		 fgen[RF_COUNT];
	struct buf		 keybuf;
	size_t			 nhits;
	bool			 loaded;	/* the last load worked */
	bool			 evaluated;	/* and was evaluated */
	int			 show_ids[RULES_EF_COUNT][RULES_SHOW_PATHS];
	struct buf		 show[RULES_EF_COUNT];
	const char		*showp[RULES_EF_COUNT];
	uint64_t		 sgen[RULES_EF_COUNT];
	int64_t			 now;		/* latest event time seen */
	/* The text of the event loaded last (borrowed), and its record
	 * parsed for checks, once (ct_gen), when a check needs it. */
	const char		*text;
	size_t			 textlen;
	enum pattern_wrap	 wrap;
	struct json_object	*ct_root;
	struct json_object	*ct_record;	/* in ct_root, or NULL */
	uint64_t		 ct_gen;
};

extern const struct rules_field_info rules_fields[RF_COUNT];

void		 rules_rule_free(struct rule *);
/* The rule named id, or NULL. */
struct rule	*rules_find(const struct rules *, const char *id);
/* Checks a setting and, with store, stores it (rules_set() without fixing
 * it, for the packs' blocks, which check what the caller overrides too).
 * -1 with *cause. */
int		 rules_setting_store(struct rules *, enum rules_setting,
		    char *const *values, size_t n, bool store, char **cause);
/* Pattern text with every ${var} expanded; NULL with *cause for an
 * unknown variable.  Caller frees. */
char		*rules_expand(struct rules *, const char *text,
		    char **cause);
int		 rules_cidr_parse(const char *, struct rules_cidr *);
bool		 rules_cidr_contains(const struct rules_cidr *, size_t,
		    const char *ip);
/* The JSON array of pattern values matching every IP outside the list
 * (caller frees). */
char		*rules_cidr_complement(const struct rules_cidr *, size_t);

const char	*rules_field(struct rules *, enum rules_field);
void		 rules_ref_text(struct rules *, const struct rules_ref *,
		    struct buf *);
bool		 rules_key_text(struct rules *, const struct rule *,
		    struct buf *);
int64_t		 rules_event_time(struct rules *);
bool		 rules_sequence_touched(const struct rules *,
		    const struct rule *);

/* rules_state.c */
uint64_t	 rules_random_seed(void);
uint64_t	 rules_hash(uint64_t seed, const void *, size_t);
struct rules_table *rules_table_new(const struct rules *, const struct rule *);
void		 rules_table_free(struct rules_table *);
/* Feeds the loaded event (time t) to a stateful rule; true on a hit. */
bool		 rules_state_update(struct rules *, struct rule *, int64_t t);

#endif
