/* The resource ledger: what s3watch created, so teardown removes only
 * that, and the suffix chosen once for generated names.
 *
 * Entries are written ahead: ledger_intend() records a resource (state
 * "pending") and saves BEFORE the call that creates it, ledger_created()
 * marks it after.  A run killed in between leaves a pending entry; the next
 * run adopts the resource if it exists, and teardown removes it either
 * way.  Every change is saved at once (statefile: atomic, mode 0600).
 *
 * Ownership: the ledger owns its entries and strings. */
#ifndef S3W_LEDGER_H
#define S3W_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct ledger_entry {
	char	*kind;		/* "bucket", "role", "trail", ... */
	char	*name;		/* unique within its kind */
	char	*arn;		/* may be NULL */
	int	 step;		/* the setup step that made it */
	bool	 created;	/* false: pending (intent only) */
	time_t	 time;
};

struct ledger {
	char			*path;
	char			*suffix;	/* NULL until chosen */
	char			*account;	/* where the resources live */
	char			*region;
	struct ledger_entry	*v;
	size_t			 n;
};

/* A missing file is an empty ledger.  NULL with *cause when the file is
 * unreadable or not a ledger (never guessed at: teardown relies on it). */
struct ledger	*ledger_open(const char *path, char **cause);
void		 ledger_free(struct ledger *);
int		 ledger_save(struct ledger *, char **cause);

struct ledger_entry *ledger_find(struct ledger *, const char *kind,
		    const char *name);
/* Add (or refresh) a pending entry and save; 0 or -1 with *cause. */
int		 ledger_intend(struct ledger *, const char *kind,
		    const char *name, const char *arn, int step, char **cause);
int		 ledger_created(struct ledger *, const char *kind,
		    const char *name, char **cause);
/* Drop an entry (after teardown removed it) and save. */
int		 ledger_forget(struct ledger *, const char *kind,
		    const char *name, char **cause);
int		 ledger_set(struct ledger *, char **field, const char *value,
		    char **cause);

#endif
