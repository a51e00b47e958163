/* Private state files, written atomically. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdint.h>
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

static const char *
statefile_user(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw != NULL ? pw->pw_name : "an unknown user";
}

/* The real directory behind path if it is ours and private, made 0700
 * when it is only too open; NULL with *cause. */
static char *
statefile_check_dir(const char *path, char **cause)
{
	struct stat st;
	char *real, *me;
	int fd = -1;

	if ((real = realpath(path, NULL)) == NULL) {
		*cause = xasprintf("cannot use the state directory %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	/* One descriptor for the checks and the chmod: what is checked is
	 * what is changed, whatever is renamed meanwhile. */
	if ((fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		*cause = xasprintf("cannot use the state directory %s: %s", real,
		    strerror(errno));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		me = xstrdup(statefile_user(geteuid()));
		*cause = xasprintf("the state directory %s is owned by %s (uid "
		    "%u), not by you (%s, uid %u): refused, since whoever owns "
		    "it decides which alerts you see.  Fix: chown %s %s (as "
		    "root), or set S3WATCH_STATE_DIR to a directory of your own",
		    real, statefile_user(st.st_uid), (unsigned)st.st_uid, me,
		    (unsigned)geteuid(), me, real);
		free(me);
		goto fail;
	}
	/* Making /tmp private would break it for everyone else. */
	if ((st.st_mode & S_ISVTX) != 0 && (st.st_mode & 0022) != 0) {
		*cause = xasprintf("the state directory %s is a shared directory "
		    "(mode %04o, sticky): refused.  Fix: set S3WATCH_STATE_DIR "
		    "to a directory of its own, such as %s/s3watch", real,
		    (unsigned)(st.st_mode & 07777), real);
		goto fail;
	}
	if ((st.st_mode & 0077) != 0) {
		if (fchmod(fd, 0700) != 0) {
			*cause = xasprintf("the state directory %s has mode %04o, "
			    "open to other users, and cannot be made 0700: %s",
			    real, (unsigned)(st.st_mode & 07777),
			    strerror(errno));
			goto fail;
		}
		fprintf(stderr, "s3watch: the state directory %s had mode %04o, "
		    "open to other users; changed it to 0700\n", real,
		    (unsigned)(st.st_mode & 07777));
	}
	close(fd);
	return real;
fail:
	if (fd >= 0)
		close(fd);
	free(real);
	return NULL;
}

char *
statefile_dir(char **cause)
{
	const char *v;
	char *dir, *path;

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
	path = statefile_check_dir(dir, cause);
	free(dir);
	return path;
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

static const char *
statefile_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

int
statefile_open(const char *path, int flags, char **cause)
{
	struct stat st;
	int fd, fl;

	*cause = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		if (errno == ENOENT && (flags & O_CREAT) == 0)
			return -1;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			*cause = xasprintf("%s is a symbolic link: refused (a "
			    "state file must be a regular file; remove the "
			    "link)", path);
		else if (errno == EISDIR)
			*cause = xasprintf("%s is a directory, not a regular "
			    "file: refused", path);
		else
			*cause = xasprintf("cannot open %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		*cause = xasprintf("cannot stat %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		*cause = xasprintf("%s is %s, not a regular file: refused "
		    "(remove it)", path, statefile_kind(st.st_mode));
	else if (st.st_uid != geteuid())
		*cause = xasprintf("%s is owned by %s (uid %u), not by you: "
		    "refused (remove it)", path, statefile_user(st.st_uid),
		    (unsigned)st.st_uid);
	else if (st.st_nlink != 1)
		*cause = xasprintf("%s has %ju names (hard links): refused (a "
		    "state file has one; remove it)", path,
		    (uintmax_t)st.st_nlink);
	else if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		*cause = xasprintf("cannot use %s: %s", path, strerror(errno));
	if (*cause != NULL) {
		close(fd);
		return -1;
	}
	return fd;
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
	if ((fd = statefile_open(path, O_RDONLY, cause)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("cannot stat %s: %s", path, strerror(errno));
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
