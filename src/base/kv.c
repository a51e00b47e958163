#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kv.h"
#include "xalloc.h"

void
kv_addn(struct kv *kv, const char *name, size_t nlen, const char *value,
    size_t vlen)
{
	if (kv->n == kv->cap) {
		kv->cap = kv->cap ? kv->cap * 2 : 8;
		kv->v = xreallocarray(kv->v, kv->cap, sizeof *kv->v);
	}
	kv->v[kv->n].name = xstrndup(name, nlen);
	kv->v[kv->n].value = xstrndup(value, vlen);
	kv->n++;
}

void
kv_add(struct kv *kv, const char *name, const char *value)
{
	kv_addn(kv, name, strlen(name), value, strlen(value));
}

void
kv_del(struct kv *kv, const char *name)
{
	size_t i = 0;

	while (i < kv->n) {
		if (strcasecmp(kv->v[i].name, name) == 0) {
			free(kv->v[i].name);
			free(kv->v[i].value);
			memmove(&kv->v[i], &kv->v[i + 1],
			    (kv->n - i - 1) * sizeof *kv->v);
			kv->n--;
		} else
			i++;
	}
}

void
kv_set(struct kv *kv, const char *name, const char *value)
{
	kv_del(kv, name);
	kv_add(kv, name, value);
}

const char *
kv_get(const struct kv *kv, const char *name)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (strcasecmp(kv->v[i].name, name) == 0)
			return kv->v[i].value;
	return NULL;
}

void
kv_copy(struct kv *dst, const struct kv *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		kv_add(dst, src->v[i].name, src->v[i].value);
}

void
kv_free(struct kv *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++) {
		free(kv->v[i].name);
		free(kv->v[i].value);
	}
	free(kv->v);
	kv->v = NULL;
	kv->n = kv->cap = 0;
}
