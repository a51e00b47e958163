/* An ordered list of name/value string pairs: HTTP headers, query
 * parameters, form fields.  The list owns copies of every string. */
#ifndef S3W_KV_H
#define S3W_KV_H

#include <stdbool.h>
#include <stddef.h>

struct kv_pair {
	char	*name;
	char	*value;
};

struct kv {
	struct kv_pair	*v;
	size_t		 n;
	size_t		 cap;
};

void		 kv_add(struct kv *, const char *name, const char *value);
void		 kv_addn(struct kv *, const char *name, size_t nlen,
		     const char *value, size_t vlen);
/* Replaces every pair with this name (case-insensitively) by one pair. */
void		 kv_set(struct kv *, const char *name, const char *value);
void		 kv_del(struct kv *, const char *name);
/* Case-insensitive lookup of the first pair; borrowed pointer or NULL. */
const char	*kv_get(const struct kv *, const char *name);
void		 kv_copy(struct kv *dst, const struct kv *src);
void		 kv_free(struct kv *);

#endif
