/* State files (atomic, 0600), the resource ledger, and terminal-safe text. */
#include "config.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

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
		cmocka_unit_test(test_text_safe),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
