#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "text.h"

#define LOG_MAX_SECRETS	32
#define LOG_STAMP_LEN	13	/* "HH:MM:SS.mmm " */

static FILE	*log_file;
static char	*log_secrets[LOG_MAX_SECRETS];
static int	 log_nsecrets;

int
log_open(const char *path, char **cause)
{
	int fd;

	log_close();
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	/* An existing file keeps its mode unless we tighten it. */
	if (fd < 0 || fchmod(fd, 0600) != 0 ||
	    (log_file = fdopen(fd, "a")) == NULL) {
		*cause = xasprintf("cannot open debug log %s: %m", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
log_add_secret(const char *s)
{
	int i;

	if (s == NULL || strlen(s) < 4)
		return;
	for (i = 0; i < log_nsecrets; i++)
		if (strcmp(log_secrets[i], s) == 0)
			return;
	if (log_nsecrets == LOG_MAX_SECRETS) {
		/* Oldest secrets belong to long-expired credentials. */
		free(log_secrets[0]);
		memmove(log_secrets, log_secrets + 1,
		    (LOG_MAX_SECRETS - 1) * sizeof *log_secrets);
		log_nsecrets--;
	}
	log_secrets[log_nsecrets++] = xstrdup(s);
}

void
log_mask(char *s)
{
	char *p;
	size_t n;
	int i;

	for (i = 0; i < log_nsecrets; i++) {
		n = strlen(log_secrets[i]);
		while ((p = strstr(s, log_secrets[i])) != NULL)
			memset(p, '*', n);
	}
}

void
log_debug(const char *fmt, ...)
{
	struct timeval tv;
	struct tm tm;
	va_list ap;
	char *line, *safe, *p, *nl;

	if (log_file == NULL)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	/* Masked first: a secret is registered as it is, before any byte of
	 * it could be replaced. */
	log_mask(line);
	/* Lines quote servers' headers and bodies: the log is read with
	 * less and cat, so nothing in it may drive the terminal. */
	safe = text_safe_lines(line);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	fprintf(log_file, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)tv.tv_usec / 1000);
	/* A quoted line break continues the entry, indented: it can never
	 * start an entry of its own. */
	for (p = safe; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		fprintf(log_file, "%.*s\n%*s", (int)(nl - p), p, LOG_STAMP_LEN,
		    "");
	fprintf(log_file, "%s\n", p);
	free(safe);
	free(line);
}
