/* Allocators that abort on failure: callers never check for NULL. */
#ifndef S3W_XALLOC_H
#define S3W_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define ATTR_FORMAT(a, b) __attribute__((format(printf, a, b)))
#define ATTR_NORETURN __attribute__((noreturn))
#else
#define ATTR_FORMAT(a, b)
#define ATTR_NORETURN
#endif

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* xstrdup, but NULL stays NULL. */
char	*xstrdup_null(const char *);
/* Appends a zeroed element of size bytes to the array *arrayp of *n
 * elements (growing it, ++*n); returns the new element. */
void	*xpush(void *arrayp, size_t *n, size_t size);
/* Frees n strings and the array that holds them. */
void	 xstrv_free(char **, size_t n);
/* Returned strings are owned by the caller and released with free(). */
char	*xasprintf(const char *, ...) ATTR_FORMAT(1, 2);
char	*xvasprintf(const char *, va_list) ATTR_FORMAT(1, 0);

/* Set by the UI so a fatal error restores the terminal before printing. */
extern void (*xalloc_die_hook)(void);
void	 fatal(const char *, ...) ATTR_FORMAT(1, 2) ATTR_NORETURN;

#endif
