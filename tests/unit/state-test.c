/* State files (atomic, 0600), the state directory and what it may hold,
 * the resource ledger, and terminal-safe text. */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "journal.h"
#include "ledger.h"
#include "statefile.h"
#include "text.h"
#include "xalloc.h"

static char dir[] = "/tmp/s3watch-state-test.XXXXXX";

static int
make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
remove_dir(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void
test_statefile(void **state)
{
	char *path = xasprintf("%s/a/b/file", dir), *cause = NULL, *data;
	struct stat st;
	size_t len;

	(void)state;
	setenv("S3WATCH_STATE_DIR", path, 1);
	free(path);
	path = statefile_path("x.json", &cause);
	assert_non_null(path);
	assert_int_equal(stat(getenv("S3WATCH_STATE_DIR"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* Missing: NULL without a cause. */
	assert_null(statefile_read(path, 100, &len, &cause));
	assert_null(cause);

	umask(0);
	assert_int_equal(statefile_write(path, "one", 3, &cause), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(statefile_write(path, "two!", 4, &cause), 0);
	umask(022);
	data = statefile_read(path, 100, &len, &cause);
	assert_string_equal(data, "two!");
	assert_int_equal(len, 4);
	free(data);

	assert_null(statefile_read(path, 2, &len, &cause));
	assert_non_null(strstr(cause, "too large"));
	free(cause);
	cause = NULL;

	/* No temporary files are left behind. */
	data = xasprintf("ls '%s' | grep -c tmp", getenv("S3WATCH_STATE_DIR"));
	assert_int_not_equal(system(data), 0);
	free(data);

	/* A directory is not a state file. */
	assert_null(statefile_read(getenv("S3WATCH_STATE_DIR"), 100, &len,
	    &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* Nor can one write where a directory cannot be made. */
	assert_int_equal(statefile_write("/proc/s3watch/x", "", 0, &cause), -1);
	assert_non_null(strstr(cause, "/proc/s3watch/x"));
	free(cause);
	free(path);
}

static void
test_ledger(void **state)
{
	char *path = xasprintf("%s/ledger.json", dir), *cause = NULL;
	struct ledger *l;
	struct ledger_entry *e;
	FILE *f;

	(void)state;
	l = ledger_open(path, &cause);
	assert_non_null(l);
	assert_int_equal(l->n, 0);
	assert_int_equal(ledger_set(l, &l->suffix, "abc123", &cause), 0);
	assert_int_equal(ledger_intend(l, "bucket", "b1", NULL, 1, &cause), 0);
	assert_int_equal(ledger_intend(l, "trail", "t", "arn:t", 4, &cause), 0);
	assert_int_equal(ledger_created(l, "bucket", "b1", &cause), 0);
	ledger_free(l);

	/* What was written ahead survives, pending or created. */
	l = ledger_open(path, &cause);
	assert_non_null(l);
	assert_string_equal(l->suffix, "abc123");
	assert_int_equal(l->n, 2);
	e = ledger_find(l, "bucket", "b1");
	assert_true(e->created);
	e = ledger_find(l, "trail", "t");
	assert_false(e->created);
	assert_string_equal(e->arn, "arn:t");
	assert_int_equal(e->step, 4);
	assert_null(ledger_find(l, "trail", "b1"));
	assert_int_equal(ledger_forget(l, "bucket", "b1", &cause), 0);
	assert_int_equal(ledger_forget(l, "bucket", "b1", &cause), 0);
	assert_int_equal(l->n, 1);
	ledger_free(l);

	/* Not a ledger: refused, never guessed at. */
	f = fopen(path, "w");
	fputs("{\"version\": 9, \"resources\": []}", f);
	fclose(f);
	assert_null(ledger_open(path, &cause));
	assert_non_null(strstr(cause, "not an s3watch ledger"));
	free(cause);
	cause = NULL;
	f = fopen(path, "w");
	fputs("{\"version\": 1, \"resources\": [{\"kind\": \"bucket\"}]}", f);
	fclose(f);
	assert_null(ledger_open(path, &cause));
	assert_non_null(strstr(cause, "no kind or name"));
	free(cause);
	free(path);
}

/* Everything written to stderr while fn runs (statefile_dir() says there
 * what it changed). */
static char *
stderr_of(char *(*fn)(char **), char **ret, char **cause)
{
	char path[] = "/tmp/s3watch-state-test-err.XXXXXX", *text, *why = NULL;
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	size_t len;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	*ret = fn(cause);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	text = statefile_read(path, 1 << 20, &len, &why);
	unlink(path);
	assert_non_null(text);
	return text;
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Ours but open to others: made 0700, and the user is told. */
static void
test_state_dir_tightened(void **state)
{
	char *loose = xasprintf("%s/loose", dir), *got, *said, *cause = NULL;

	(void)state;
	assert_int_equal(mkdir(loose, 0700), 0);
	assert_int_equal(chmod(loose, 0777), 0);
	setenv("S3WATCH_STATE_DIR", loose, 1);
	said = stderr_of(statefile_dir, &got, &cause);
	assert_non_null(got);
	assert_null(cause);
	assert_string_equal(got, loose);
	assert_int_equal(mode_of(loose), 0700);
	assert_non_null(strstr(said, loose));
	assert_non_null(strstr(said, "0777"));
	assert_non_null(strstr(said, "0700"));
	free(said);
	free(got);

	/* Once private, nothing more is said. */
	said = stderr_of(statefile_dir, &got, &cause);
	assert_non_null(got);
	assert_string_equal(said, "");
	free(said);
	free(got);
	free(loose);
}

/* A symlinked state directory: the checks and the chmod apply to the
 * directory it points to, and the resolved path is what is used. */
static void
test_state_dir_symlink(void **state)
{
	char *real = xasprintf("%s/real", dir), *link = xasprintf("%s/link", dir);
	char *real2 = xasprintf("%s/real2", dir), *link2 = xasprintf("%s/link2",
	    dir), *got, *said, *cause = NULL;

	(void)state;
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(chmod(real, 0755), 0);
	assert_int_equal(symlink(real, link), 0);
	setenv("S3WATCH_STATE_DIR", link, 1);
	said = stderr_of(statefile_dir, &got, &cause);
	assert_non_null(got);
	assert_string_equal(got, real);
	assert_int_equal(mode_of(real), 0700);
	assert_int_equal(mode_of(link) & 0777, 0777);	/* still a link */
	assert_non_null(strstr(said, "0755"));
	free(said);
	free(got);

	/* A link to a private directory of ours is fine, silently. */
	assert_int_equal(mkdir(real2, 0700), 0);
	assert_int_equal(symlink(real2, link2), 0);
	setenv("S3WATCH_STATE_DIR", link2, 1);
	said = stderr_of(statefile_dir, &got, &cause);
	assert_non_null(got);
	assert_string_equal(got, real2);
	assert_string_equal(said, "");
	free(said);
	free(got);
	got = statefile_path("ledger.json", &cause);
	assert_non_null(got);
	assert_non_null(strstr(got, "/real2/ledger.json"));
	free(got);
	free(real);
	free(link);
	free(real2);
	free(link2);
}

/* Not ours: refused, naming the path, the owner and the fix, and left
 * as it was.  Only root can make a directory someone else owns; others
 * are shown the root directory, which root owns. */
static void
test_state_dir_foreign(void **state)
{
	char *foreign = xasprintf("%s/foreign", dir), *got, *said, *cause = NULL;
	struct stat st;

	(void)state;
	if (geteuid() == 0) {
		assert_int_equal(mkdir(foreign, 0700), 0);
		assert_int_equal(chmod(foreign, 0777), 0);
		assert_int_equal(chown(foreign, 65534, 65534), 0);
	} else {
		free(foreign);
		foreign = xstrdup("/");
	}
	assert_int_equal(stat(foreign, &st), 0);
	setenv("S3WATCH_STATE_DIR", foreign, 1);
	said = stderr_of(statefile_dir, &got, &cause);
	assert_null(got);
	assert_non_null(cause);
	assert_non_null(strstr(cause, foreign));
	assert_non_null(strstr(cause, geteuid() == 0 ? "uid 65534" : "uid 0"));
	assert_non_null(strstr(cause, "chown"));
	assert_non_null(strstr(cause, "S3WATCH_STATE_DIR"));
	free(cause);
	free(said);
	/* Untouched. */
	assert_int_equal(mode_of(foreign), st.st_mode & 07777);
	free(foreign);
}

/* A shared directory (sticky, writable by all, like /tmp) is never made
 * private, even when ours: that would break it for everyone else. */
static void
test_state_dir_shared(void **state)
{
	char *shared = xasprintf("%s/shared", dir), *got, *said, *cause = NULL;

	(void)state;
	assert_int_equal(mkdir(shared, 0700), 0);
	assert_int_equal(chmod(shared, 01777), 0);
	setenv("S3WATCH_STATE_DIR", shared, 1);
	said = stderr_of(statefile_dir, &got, &cause);
	assert_null(got);
	assert_non_null(strstr(cause, shared));
	assert_non_null(strstr(cause, "sticky"));
	assert_int_equal(mode_of(shared), 01777);
	free(cause);
	free(said);
	free(shared);
}

/* What a state file may be: a regular file of ours with one link, never
 * reached through a symbolic link; a FIFO must not hang a reader. */
static void
test_state_files_checked(void **state)
{
	char *sdir = xasprintf("%s/files", dir), *target = xasprintf("%s/target",
	    dir), *path, *cause = NULL, *data;
	struct journal *j;
	struct stat st;
	size_t len;
	FILE *f;

	(void)state;
	/* Today's code blocks for ever on a FIFO: fail instead of hanging. */
	alarm(20);
	assert_int_equal(mkdir(sdir, 0700), 0);
	f = fopen(target, "w");
	fputs("not yours", f);
	fclose(f);
	assert_int_equal(chmod(target, 0644), 0);

	/* A symbolic link: refused; the file it points to is untouched. */
	path = xasprintf("%s/ledger.json", sdir);
	assert_int_equal(symlink(target, path), 0);
	assert_null(statefile_read(path, 100, &len, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "symbolic link"));
	free(cause);
	cause = NULL;
	free(path);
	path = xasprintf("%s/journal.jsonl", sdir);
	assert_int_equal(symlink(target, path), 0);
	assert_null(journal_open(path, NULL, NULL, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "symbolic link"));
	free(cause);
	cause = NULL;
	free(path);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 9);	/* nothing appended */

	/* A FIFO: a clear error, at once. */
	path = xasprintf("%s/checkpoint.json", sdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(statefile_read(path, 100, &len, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "FIFO"));
	free(cause);
	cause = NULL;
	assert_null(journal_open(path, NULL, NULL, &cause));
	assert_non_null(strstr(cause, "FIFO"));
	free(cause);
	cause = NULL;
	free(path);

	/* A device. */
	assert_null(statefile_read("/dev/null", 100, &len, &cause));
	assert_non_null(strstr(cause, "device"));
	free(cause);
	cause = NULL;

	/* A second name of another file (a hard link). */
	path = xasprintf("%s/rules-state.json", sdir);
	assert_int_equal(link(target, path), 0);
	assert_null(statefile_read(path, 100, &len, &cause));
	assert_non_null(strstr(cause, "hard link"));
	free(cause);
	cause = NULL;
	free(path);

	/* Someone else's file: root can make one, others meet root's. */
	if (geteuid() == 0) {
		path = xasprintf("%s/theirs.json", sdir);
		f = fopen(path, "w");
		fputs("{}", f);
		fclose(f);
		assert_int_equal(chown(path, 65534, 65534), 0);
	} else
		path = xstrdup("/etc/passwd");
	assert_null(statefile_read(path, 1 << 20, &len, &cause));
	assert_non_null(strstr(cause, "owned by"));
	free(cause);
	cause = NULL;
	free(path);

	/* A regular file of ours still reads, and a journal still opens. */
	path = xasprintf("%s/fine.json", sdir);
	assert_int_equal(statefile_write(path, "{}", 2, &cause), 0);
	data = statefile_read(path, 100, &len, &cause);
	assert_string_equal(data, "{}");
	free(data);
	free(path);
	path = xasprintf("%s/fine.jsonl", sdir);
	j = journal_open(path, NULL, NULL, &cause);
	assert_non_null(j);
	journal_close(j);
	assert_int_equal(mode_of(path), 0600);
	free(path);
	alarm(0);
	free(sdir);
	free(target);
}

#define S(x)	x, sizeof(x) - 1

static void
test_text_safe(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		{ S("plain"), "plain" },
		{ S("key\033[2Jname"), "key?[2Jname" },
		{ S("a\tb\nc\rd\x7f"), "a?b?c?d?" },
		{ S("caf\xc3\xa9"), "caf\xc3\xa9" },
		{ S("csi\xc2\x9b" "31m"), "csi?31m" },
		{ S("bad\xff"), "bad\xef\xbf\xbd" },
		{ S("overlong\xc0\xaf"), "overlong\xef\xbf\xbd\xef\xbf\xbd" },
		{ "surrogate\xed\xa0\x80", 12,
		  "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ S("cut\xe2\x82"), "cut\xef\xbf\xbd\xef\xbf\xbd" },
		{ S("nul\0x"), "nul?x" },
		{ S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = text_safe(cases[i].in, cases[i].len);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	s = text_safe_str(NULL);
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statefile),
		cmocka_unit_test(test_ledger),
		cmocka_unit_test(test_state_dir_tightened),
		cmocka_unit_test(test_state_dir_symlink),
		cmocka_unit_test(test_state_dir_foreign),
		cmocka_unit_test(test_state_dir_shared),
		cmocka_unit_test(test_state_files_checked),
		cmocka_unit_test(test_text_safe),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
