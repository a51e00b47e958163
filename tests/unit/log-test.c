/* The debug log: what a server sends (headers, bodies, error text) is
 * written terminal-safe, secrets are masked, and every entry starts its
 * own line with a time stamp that no quoted text can imitate. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "xalloc.h"

static char path[] = "/tmp/log-test.XXXXXX";

static char *
log_text(void)
{
	struct buf b = { 0 };

	assert_int_equal(buf_read_file(&b, path, 1 << 20), 0);
	return buf_take(&b);
}

static void
test_hostile_text(void **state)
{
	char *cause = NULL, *text, *line, *save;
	struct stat sb;
	int entries = 0, lines = 0;

	(void)state;
	assert_int_equal(log_open(path, &cause), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	log_add_secret("hunter2-secret-value");
	/* A server's error code and message, as aws.c logs them. */
	log_debug("aws: sts.GetCallerIdentity failed: %s",
	    "Denied\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07\xc2\x9b" "31mPWNED "
	    "u-ad\xe2\x80\x8bmin \xe2\x80\xae" "evil\xff");
	/* A body that tries to forge an entry of its own. */
	log_debug("http: body %s", "first\n00:00:00.000 creds: using "
	    "forged\r\nthird");
	log_debug("creds: %s", "token hunter2-secret-value in text");
	log_close();

	text = log_text();
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	assert_null(strchr(text, '\r'));
	assert_null(strstr(text, "\xc2\x9b"));
	assert_null(strstr(text, "\xe2\x80\x8b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_null(strstr(text, "hunter2-secret-value"));
	assert_non_null(strstr(text, "Denied?[2J?]52;c;cm0gLXJmIH4K??31mPWNED "
	    "u-ad?min ?evil\xef\xbf\xbd\n"));
	assert_non_null(strstr(text, "token ******************** in text"));
	/* Three entries: the quoted line breaks continue an entry,
	 * indented, and never start one. */
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (line[0] != ' ')
			entries++;
	}
	assert_int_equal(entries, 3);
	assert_int_equal(lines, 5);
	free(text);
}

static int
setup(void **state)
{
	int fd;

	(void)state;
	if ((fd = mkstemp(path)) < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
