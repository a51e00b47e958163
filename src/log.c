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

#define LOG_MAX_SECRETS	32

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
	char *line;

	if (log_file == NULL)
		return;
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	log_mask(line);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	fprintf(log_file, "%02d:%02d:%02d.%03ld %s\n", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)tv.tv_usec / 1000, line);
	free(line);
}
