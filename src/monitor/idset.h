/* A bounded set of recently seen ids (CloudWatch eventId, CloudTrail
 * eventID), for dedupe in constant memory: when full, the oldest id goes.
 * Ids are kept as 64-bit hashes.  Not thread-safe; owns its memory. */
#ifndef S3W_IDSET_H
#define S3W_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idset;

/* Holds up to capacity ids (at least 16). */
struct idset	*idset_new(size_t capacity);
void		 idset_free(struct idset *);
/* true if the id was new (and is now held), false if already held. */
bool		 idset_add(struct idset *, const char *id, size_t len);
bool		 idset_has(const struct idset *, const char *id, size_t len);
size_t		 idset_count(const struct idset *);
size_t		 idset_capacity(const struct idset *);
/* The held hashes, oldest first, for checkpoints; n is idset_count(). */
void		 idset_export(const struct idset *, uint64_t *out);
void		 idset_add_hash(struct idset *, uint64_t);

#endif
