/* An append-only journal of JSON records, one per line, each fsync'd
 * before journal_append() returns: what it returned 0 for survives a
 * kill -9 or a power cut.  The file has mode 0600.
 *
 * On open, every existing record is handed to a callback in order.  A
 * line cut short by a crash, or one that is not a JSON object, is skipped
 * and counted, never fatal.
 *
 * Ownership: records given to the callback are borrowed for the call. */
#ifndef S3W_JOURNAL_H
#define S3W_JOURNAL_H

#include <stddef.h>

#include <json-c/json.h>

struct journal;

/* offset: where the record's line starts in the file. */
typedef void (*journal_fn)(struct json_object *record, size_t offset,
    void *arg);

/* NULL with *cause when the file cannot be opened or read. */
struct journal	*journal_open(const char *path, journal_fn, void *arg,
		    char **cause);
void		 journal_close(struct journal *);
/* 0, or -1 with *cause (the record may then be lost: say so). */
int		 journal_append(struct journal *, struct json_object *,
		    char **cause);
/* n records in one write and one fsync (a group commit): all or, with
 * -1 and *cause, none that the caller may count on. */
int		 journal_append_many(struct journal *, struct json_object **,
		    size_t n, char **cause);
size_t		 journal_records(const struct journal *);
/* The file's length: every record written so far starts below it. */
size_t		 journal_size(const struct journal *);
size_t		 journal_skipped(const struct journal *);

#endif
