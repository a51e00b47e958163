/* The append-only journal. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "journal.h"
#include "statefile.h"
#include "xalloc.h"

#define JOURNAL_MAX_LINE	(1024 * 1024)

struct journal {
	char	*path;
	int	 fd;
	bool	 cut;		/* a write stopped mid-line */
	size_t	 records;
	size_t	 skipped;
};

static void
journal_replay(struct journal *j, const char *data, size_t len, journal_fn fn,
    void *arg)
{
	struct json_object *o;
	const char *p = data, *end = data + len, *nl;
	struct json_tokener *tok = json_tokener_new();
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		json_tokener_reset(tok);
		o = n > 0 && n <= JOURNAL_MAX_LINE ?
		    json_tokener_parse_ex(tok, p, (int)n) : NULL;
		if (o != NULL && json_object_is_type(o, json_type_object) &&
		    json_tokener_get_parse_end(tok) == n) {
			j->records++;
			if (fn != NULL)
				fn(o, (size_t)(p - data), arg);
		} else if (n > 0)
			j->skipped++;
		json_object_put(o);
		p += n + 1;
	}
	json_tokener_free(tok);
}

struct journal *
journal_open(const char *path, journal_fn fn, void *arg, char **cause)
{
	struct journal *j;
	struct buf b = { 0 };
	int fd;

	/* Only a regular file of ours: never through a symbolic link, never
	 * a FIFO to hang on (statefile_open()). */
	if ((fd = statefile_open(path, O_RDWR | O_CREAT | O_APPEND,
	    cause)) < 0)
		return NULL;
	if (fchmod(fd, 0600) != 0) {
		*cause = xasprintf("cannot open the journal %s: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (buf_read_fd(&b, fd, (size_t)1 << 30) != 0) {
		*cause = xasprintf("cannot read the journal %s: %s", path,
		    strerror(errno));
		close(fd);
		buf_free(&b);
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(path);
	j->fd = fd;
	journal_replay(j, b.data != NULL ? b.data : "", b.len, fn, arg);
	/* A record cut short by a crash must not swallow the next one. */
	if (b.len > 0 && b.data[b.len - 1] != '\n' &&
	    write(fd, "\n", 1) != 1) {
		*cause = xasprintf("cannot repair the journal %s: %s", path,
		    strerror(errno));
		journal_close(j);
		j = NULL;
	}
	buf_free(&b);
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j->path);
	free(j);
}

int
journal_append_many(struct journal *j, struct json_object **o, size_t count,
    char **cause)
{
	struct buf b = { 0 };
	size_t i, off = 0;
	ssize_t n;

	/* A write cut short left half a line: end it, so the next record
	 * is read whole (the cut one is skipped as damaged). */
	if (j->cut)
		buf_addc(&b, '\n');
	for (i = 0; i < count; i++) {
		buf_adds(&b, json_object_to_json_string_ext(o[i],
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		buf_addc(&b, '\n');
	}
	/* One write: O_APPEND keeps concurrent writers' lines whole. */
	while (off < b.len) {
		n = write(j->fd, b.data + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf("cannot write the journal %s: %s",
			    j->path, strerror(errno));
			j->cut = j->cut || off > 0;
			buf_free(&b);
			return -1;
		}
		off += (size_t)n;
	}
	buf_free(&b);
	j->cut = false;
	if (fsync(j->fd) != 0) {
		*cause = xasprintf("cannot fsync the journal %s: %s", j->path,
		    strerror(errno));
		return -1;
	}
	j->records += count;
	return 0;
}

int
journal_append(struct journal *j, struct json_object *o, char **cause)
{
	return journal_append_many(j, &o, 1, cause);
}

size_t
journal_records(const struct journal *j)
{
	return j->records;
}

size_t
journal_size(const struct journal *j)
{
	struct stat st;

	return fstat(j->fd, &st) == 0 ? (size_t)st.st_size : 0;
}

size_t
journal_skipped(const struct journal *j)
{
	return j->skipped;
}
