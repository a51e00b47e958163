/* Private state files, written atomically. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "statefile.h"
#include "xalloc.h"

/* mkdir -p with mode 0700 for the directories we create. */
static int
statefile_mkdirs(const char *path, char **cause)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", p,
			    strerror(errno));
			rc = -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

char *
statefile_dir(char **cause)
{
	const char *v;
	char *dir;

	if ((v = getenv("S3WATCH_STATE_DIR")) != NULL && *v != '\0')
		dir = xstrdup(v);
	else if ((v = getenv("XDG_STATE_HOME")) != NULL && *v == '/')
		dir = xasprintf("%s/s3watch", v);
	else if ((v = getenv("HOME")) != NULL && *v != '\0')
		dir = xasprintf("%s/.local/state/s3watch", v);
	else {
		*cause = xstrdup("no state directory: set HOME, XDG_STATE_HOME "
		    "or S3WATCH_STATE_DIR");
		return NULL;
	}
	if (statefile_mkdirs(dir, cause) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

char *
statefile_path(const char *name, char **cause)
{
	char *dir, *path;

	if ((dir = statefile_dir(cause)) == NULL)
		return NULL;
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	return path;
}

static int
statefile_fail(char **cause, const char *what, const char *path, int fd,
    char *tmp)
{
	int saved = errno;

	*cause = xasprintf("cannot %s %s: %s", what, path, strerror(saved));
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	return -1;
}

int
statefile_write(const char *path, const void *data, size_t len, char **cause)
{
	const char *p = data;
	char *tmp, *dircopy;
	ssize_t n;
	int fd, dfd;

	tmp = xasprintf("%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return statefile_fail(cause, "create a temporary file for",
		    path, -1, NULL);
	}
	/* mkstemp makes 0600 already; say so for umask-proof clarity. */
	if (fchmod(fd, 0600) != 0)
		return statefile_fail(cause, "chmod", tmp, fd, tmp);
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return statefile_fail(cause, "write", path, fd, tmp);
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		return statefile_fail(cause, "fsync", path, fd, tmp);
	if (close(fd) != 0)
		return statefile_fail(cause, "close", path, -1, tmp);
	if (rename(tmp, path) != 0)
		return statefile_fail(cause, "rename over", path, -1, tmp);
	free(tmp);
	/* The rename itself must survive a crash too. */
	dircopy = xstrdup(path);
	if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dircopy);
	return 0;
}

char *
statefile_read(const char *path, size_t max, size_t *len, char **cause)
{
	struct stat st;
	char *data;
	size_t got = 0;
	ssize_t n;
	int fd;

	*len = 0;
	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			*cause = xasprintf("cannot open %s: %s", path,
			    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s is not a regular file", path);
		close(fd);
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		*cause = xasprintf("%s is too large (%lld bytes, at most %zu)",
		    path, (long long)st.st_size, max);
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*len = got;
	return data;
}
