/* The shared config and credentials files: sections, precedence, nested
 * settings, and every way a file can be broken. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "awsconf.h"
#include "buf.h"
#include "xalloc.h"

static char tmpdir[] = "/tmp/awsconf-test.XXXXXX";

/* Writes a fixture; returns its path (caller frees). */
static char *
fixture_len(const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *
fixture(const char *name, const char *data)
{
	return fixture_len(name, data, strlen(data));
}

static struct awsconf *
load(const char *config, const char *credentials, char **cause)
{
	char *cp = config != NULL ? fixture("config", config) : NULL;
	char *kp = credentials != NULL ? fixture("credentials", credentials) :
	    NULL;
	struct awsconf *c;

	*cause = NULL;
	c = awsconf_load_files(cp, kp, cause);
	free(cp);
	free(kp);
	return c;
}

static struct awsconf *
load_ok(const char *config, const char *credentials)
{
	char *cause;
	struct awsconf *c = load(config, credentials, &cause);

	if (c == NULL)
		fail_msg("unexpected error: %s", cause);
	return c;
}

/* Expects an error ending in "config:LINE: <reason...>". */
static void
expect_error(const char *config, int line, const char *reason)
{
	char *cause, *want;
	struct awsconf *c = load(config, NULL, &cause);

	if (c != NULL)
		fail_msg("expected an error at line %d", line);
	want = xasprintf("%s/config:%d: ", tmpdir, line);
	if (strncmp(cause, want, strlen(want)) != 0 ||
	    strstr(cause, reason) == NULL)
		fail_msg("got '%s', wanted '%s...%s'", cause, want, reason);
	free(want);
	free(cause);
}

static void
test_profiles_and_precedence(void **state)
{
	struct awsconf *c = load_ok(
	    "[default]\n"
	    "region = us-east-1\n"
	    "aws_access_key_id = CONFIGKEY\n"
	    "output = json\n"
	    "\n"
	    "[profile dev]\n"
	    "region = eu-west-1\n"
	    "role_arn = arn:aws:iam::123456789012:role/dev\n"
	    "source_profile = default\n",
	    "[default]\n"
	    "aws_access_key_id = CREDKEY\n"
	    "aws_secret_access_key = secret\n"
	    "[dev]\n"
	    "region = ap-south-1\n"
	    "[only-creds]\n"
	    "aws_access_key_id = K2\n");
	char *cp = xasprintf("%s/config", tmpdir);
	char *kp = xasprintf("%s/credentials", tmpdir);

	/* The credentials file wins for a key in both. */
	assert_string_equal(awsconf_get(c, "default", "aws_access_key_id"),
	    "CREDKEY");
	assert_string_equal(awsconf_source(c, "default", "aws_access_key_id"),
	    kp);
	assert_string_equal(awsconf_get(c, "default", "region"), "us-east-1");
	assert_string_equal(awsconf_source(c, "default", "region"), cp);
	assert_string_equal(awsconf_get(c, "dev", "region"), "ap-south-1");
	assert_string_equal(awsconf_get(c, "dev", "role_arn"),
	    "arn:aws:iam::123456789012:role/dev");
	assert_string_equal(awsconf_get(c, "only-creds", "aws_access_key_id"),
	    "K2");
	assert_null(awsconf_get(c, "dev", "nope"));
	assert_null(awsconf_get(c, "nope", "region"));
	assert_null(awsconf_source(c, "dev", "nope"));
	assert_true(awsconf_has_profile(c, "default"));
	assert_true(awsconf_has_profile(c, "dev"));
	assert_true(awsconf_has_profile(c, "only-creds"));
	assert_false(awsconf_has_profile(c, "profile dev"));
	assert_false(awsconf_has_profile(c, "nope"));
	assert_string_equal(awsconf_config_path(c), cp);
	assert_string_equal(awsconf_credentials_path(c), kp);
	awsconf_free(c);
	free(cp);
	free(kp);
}

static void
test_section_names(void **state)
{
	struct awsconf *c = load_ok(
	    "[profile default]\n"
	    "region = eu-central-1\n"
	    "[profile   spaced  ]\n"
	    "region = a\n"
	    "[profile \"quoted name\"]\n"
	    "region = b\n"
	    "[dev]\n"			/* not a profile in the config file */
	    "region = c\n"
	    "[profile]\n"
	    "region = d\n"
	    "[profile a b]\n"
	    "region = e\n"
	    "[profile empty]\n"
	    "[plugins]\n"
	    "cli_legacy_plugin_path = /x\n"
	    "[profile my-organization-production-account-administrator-role-x]\n"
	    "this_is_a_very_long_key_name_exceeding_fifty_characters_for_sure = y\n"
	    "  \n",
	    "[profile creds]\n"		/* in credentials, the whole name */
	    "region = f\n");

	assert_string_equal(awsconf_get(c, "default", "region"), "eu-central-1");
	assert_string_equal(awsconf_get(c, "spaced", "region"), "a");
	assert_string_equal(awsconf_get(c, "quoted name", "region"), "b");
	assert_false(awsconf_has_profile(c, "dev"));
	assert_false(awsconf_has_profile(c, "profile"));
	assert_false(awsconf_has_profile(c, "a b"));
	assert_true(awsconf_has_profile(c, "empty"));
	assert_true(awsconf_has_profile(c, "profile creds"));
	assert_string_equal(awsconf_get(c, "profile creds", "region"), "f");
	/* inih cuts names at 50 bytes; we do not. */
	assert_string_equal(awsconf_get(c,
	    "my-organization-production-account-administrator-role-x",
	    "this_is_a_very_long_key_name_exceeding_fifty_characters_for_sure"),
	    "y");
	awsconf_free(c);
}

static void
test_nested(void **state)
{
	struct awsconf *c = load_ok(
	    "[default]\n"
	    "s3 =\n"
	    "    addressing_style = path\n"
	    "    Max_Concurrent_Requests = 20\n"
	    "\n"
	    "    signature_version=s3v4\n"
	    "region = us-west-2\n"
	    "services = local\n"
	    "multi = first\n"
	    "  second line\n"
	    "\n"
	    "[services local]\n"
	    "s3 =\n"
	    "  endpoint_url = http://127.0.0.1:5000\n"
	    "sts =\n"
	    "\tendpoint_url = http://127.0.0.1:5001\n"
	    "\n"
	    "[sso-session corp]\n"
	    "sso_start_url = https://corp.awsapps.com/start\n"
	    "sso_region = eu-west-1\n"
	    "sso_registration_scopes = sso:account:access\n",
	    NULL);

	assert_string_equal(awsconf_get_sub(c, "default", "s3",
	    "addressing_style"), "path");
	assert_string_equal(awsconf_get_sub(c, "default", "s3",
	    "max_concurrent_requests"), "20");
	assert_string_equal(awsconf_get_sub(c, "default", "S3",
	    "signature_version"), "s3v4");
	assert_null(awsconf_get_sub(c, "default", "s3", "nope"));
	assert_null(awsconf_get_sub(c, "default", "region", "x"));
	assert_string_equal(awsconf_get(c, "default", "s3"), "");
	assert_string_equal(awsconf_get(c, "default", "region"), "us-west-2");
	assert_string_equal(awsconf_get(c, "default", "multi"),
	    "first\nsecond line");
	assert_string_equal(awsconf_get_section_sub(c, "services", "local",
	    "s3", "endpoint_url"), "http://127.0.0.1:5000");
	assert_string_equal(awsconf_get_section_sub(c, "services", "local",
	    "sts", "endpoint_url"), "http://127.0.0.1:5001");
	assert_null(awsconf_get_section_sub(c, "services", "other", "s3",
	    "endpoint_url"));
	assert_string_equal(awsconf_get_section(c, "sso-session", "corp",
	    "sso_region"), "eu-west-1");
	assert_string_equal(awsconf_get_section(c, "sso-session", "corp",
	    "sso_start_url"), "https://corp.awsapps.com/start");
	assert_null(awsconf_get_section(c, "sso-session", "other",
	    "sso_region"));
	assert_true(awsconf_has_section(c, "sso-session", "corp"));
	assert_true(awsconf_has_section(c, "services", "local"));
	assert_false(awsconf_has_section(c, "services", "corp"));
	/* Sessions and services are not profiles. */
	assert_false(awsconf_has_profile(c, "corp"));
	assert_false(awsconf_has_profile(c, "local"));
	awsconf_free(c);
}

static void
test_case_and_comments(void **state)
{
	struct awsconf *c = load_ok(
	    "# a comment\n"
	    "; another\n"
	    "[profile Dev]\n"
	    "  # indented comment\n"
	    "Region = us-east-2\n"
	    "AWS_ACCESS_KEY_ID=abc\n"
	    "output = text ; not a comment in values\n"
	    "url = http://example.com/#frag\n"
	    "colon: value\n"
	    "empty =\n"
	    "[default] ; comment after a header\n"
	    "region = x\r\n"
	    "crlf = yes\r\n",
	    NULL);

	assert_string_equal(awsconf_get(c, "Dev", "region"), "us-east-2");
	assert_string_equal(awsconf_get(c, "Dev", "REGION"), "us-east-2");
	assert_string_equal(awsconf_get(c, "Dev", "aws_access_key_id"), "abc");
	/* Profile names are case-sensitive, as in the SDKs. */
	assert_false(awsconf_has_profile(c, "dev"));
	assert_string_equal(awsconf_get(c, "Dev", "output"),
	    "text ; not a comment in values");
	assert_string_equal(awsconf_get(c, "Dev", "url"),
	    "http://example.com/#frag");
	assert_string_equal(awsconf_get(c, "Dev", "colon"), "value");
	assert_string_equal(awsconf_get(c, "Dev", "empty"), "");
	assert_string_equal(awsconf_get(c, "default", "region"), "x");
	assert_string_equal(awsconf_get(c, "default", "crlf"), "yes");
	awsconf_free(c);
}

static void
test_repeats_and_bom(void **state)
{
	struct awsconf *c = load_ok(
	    "\xef\xbb\xbf[default]\n"
	    "region = a\n"
	    "region = b\n"
	    "[profile x]\n"
	    "k1 = 1\n"
	    "[profile x]\n"
	    "k2 = 2\n"
	    "[default]\n"
	    "output = json\n",
	    NULL);

	assert_string_equal(awsconf_get(c, "default", "region"), "b");
	assert_string_equal(awsconf_get(c, "default", "output"), "json");
	assert_string_equal(awsconf_get(c, "x", "k1"), "1");
	assert_string_equal(awsconf_get(c, "x", "k2"), "2");
	awsconf_free(c);
}

static void
test_long_values(void **state)
{
	struct buf b = { 0 };
	struct awsconf *c;
	char *token = xmalloc(4001);

	memset(token, 'T', 4000);
	token[4000] = '\0';
	buf_printf(&b, "[default]\naws_session_token = %s\nafter = 1\n", token);
	c = load_ok(NULL, b.data);
	assert_string_equal(awsconf_get(c, "default", "aws_session_token"),
	    token);
	assert_string_equal(awsconf_get(c, "default", "after"), "1");
	awsconf_free(c);
	buf_free(&b);
	free(token);
}

static void
test_missing_files(void **state)
{
	char *cause = NULL, *missing = xasprintf("%s/nope/config", tmpdir);
	struct awsconf *c;

	c = awsconf_load_files(missing, missing, &cause);
	assert_non_null(c);
	assert_null(cause);
	assert_false(awsconf_has_profile(c, "default"));
	assert_null(awsconf_get(c, "default", "region"));
	assert_string_equal(awsconf_config_path(c), missing);
	awsconf_free(c);

	c = awsconf_load_files(NULL, NULL, &cause);
	assert_non_null(c);
	assert_null(awsconf_config_path(c));
	awsconf_free(c);
	free(missing);

	/* An empty file is fine too. */
	c = load_ok("", "");
	assert_false(awsconf_has_profile(c, "default"));
	awsconf_free(c);
}

static void
test_malformed(void **state)
{
	expect_error("[default]\nregion = a\nthis is not a setting\n", 3,
	    "expected 'key = value' or '[section]'");
	expect_error("[default\nregion = a\n", 1,
	    "section header without a closing ']'");
	expect_error("# c\nregion = us-east-1\n[default]\n", 2,
	    "'region' is outside of any [section]");
	expect_error("[default]\ns3 =\n  addressing_style = path\n  junk\n", 4,
	    "expected 'name = value' in the nested section 's3'");
	expect_error("[default]\ns3 =\n  = path\n", 3, "missing name");
	expect_error("[default]\n= value\n", 2, "missing key name");
	expect_error("[]\nregion = a\n", 1, "empty section name");
	expect_error("[ok]\na = 1\n\n\n[broken\n", 5, "closing ']'");
}

static void
test_binary(void **state)
{
	static const char nul[] = "[default]\nregion = a\nkey = x\0y\n";
	struct awsconf *c;
	char *cause, *path, *want;

	path = fixture_len("config", nul, sizeof nul - 1);
	c = awsconf_load_files(path, NULL, &cause);
	assert_null(c);
	want = xasprintf("%s:3: NUL byte", path);
	assert_non_null(strstr(cause, want));
	free(want);
	free(cause);
	free(path);

	expect_error("[default]\nregion = \x01\x02\x03\n", 2,
	    "control character 0x01");
	expect_error("[default]\n\n\nregion = \xff\xfe\n", 4, "invalid UTF-8");
	expect_error("[default]\nregion = \xc3\n", 2, "invalid UTF-8");
	expect_error("[default]\nregion = \xed\xa0\x80\n", 2, "invalid UTF-8");
	expect_error("\x7f" "ELF\x02\x01\x01", 1, "control character 0x7f");

	/* Real UTF-8 is fine. */
	c = load_ok("[profile café]\nregion = a\n# ü comment 🙂\n", NULL);
	assert_string_equal(awsconf_get(c, "café", "region"), "a");
	awsconf_free(c);
}

static void
test_oversize(void **state)
{
	size_t max = 1024 * 1024;
	char *big = xmalloc(max + 2), *path, *cause;
	struct awsconf *c;

	/* Exactly 1 MiB is accepted... */
	memset(big, '#', max);
	memcpy(big, "[default]\nregion = a\n", 21);
	big[max - 1] = '\n';
	path = fixture_len("config", big, max);
	c = awsconf_load_files(path, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(awsconf_get(c, "default", "region"), "a");
	awsconf_free(c);
	free(path);

	/* ...one byte more is not. */
	big[max] = '\n';
	path = fixture_len("config", big, max + 1);
	c = awsconf_load_files(path, NULL, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "larger than 1 MiB"));
	free(cause);
	free(path);
	free(big);
}

static void
test_unreadable(void **state)
{
	char *dir = xasprintf("%s/adir", tmpdir), *cause, *path;
	struct awsconf *c;

	assert_int_equal(mkdir(dir, 0700), 0);
	c = awsconf_load_files(dir, NULL, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, dir));
	assert_non_null(strstr(cause, "config file"));
	free(cause);
	c = awsconf_load_files(NULL, dir, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, "credentials file"));
	free(cause);
	rmdir(dir);
	free(dir);

	if (geteuid() != 0) {
		/* root reads anything: only meaningful for other users. */
		path = fixture("config", "[default]\n");
		chmod(path, 0);
		c = awsconf_load_files(path, NULL, &cause);
		assert_null(c);
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
		free(path);
	}
}

static void
test_environment(void **state)
{
	char *home = xasprintf("%s/home", tmpdir), *aws, *path, *cause;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	struct awsconf *c;
	FILE *f;

	aws = xasprintf("%s/.aws", home);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(mkdir(aws, 0700), 0);
	path = xasprintf("%s/config", aws);
	f = fopen(path, "w");
	fputs("[default]\nregion = from-home\n", f);
	fclose(f);
	free(path);
	path = xasprintf("%s/other", aws);
	f = fopen(path, "w");
	fputs("[default]\nregion = from-env\n", f);
	fclose(f);
	free(path);

	setenv("HOME", home, 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	c = awsconf_load(&cause);
	assert_non_null(c);
	assert_string_equal(awsconf_get(c, "default", "region"), "from-home");
	path = xasprintf("%s/credentials", aws);
	assert_string_equal(awsconf_credentials_path(c), path);
	free(path);
	awsconf_free(c);

	/* A leading ~ in the variables is the home directory too. */
	setenv("AWS_CONFIG_FILE", "~/.aws/other", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/config", 1);
	c = awsconf_load(&cause);
	assert_non_null(c);
	assert_string_equal(awsconf_get(c, "default", "region"), "from-home");
	path = xasprintf("%s/other", aws);
	assert_string_equal(awsconf_config_path(c), path);
	assert_string_equal(awsconf_source(c, "default", "region"),
	    awsconf_credentials_path(c));
	free(path);
	awsconf_free(c);

	setenv("AWS_SHARED_CREDENTIALS_FILE", "", 1);	/* empty: default */
	c = awsconf_load(&cause);
	assert_non_null(c);
	assert_string_equal(awsconf_get(c, "default", "region"), "from-env");
	awsconf_free(c);

	path = awsconf_expand_path("~");
	assert_string_equal(path, home);
	free(path);
	path = awsconf_expand_path("/abs/~x");
	assert_string_equal(path, "/abs/~x");
	free(path);
	path = awsconf_expand_path("~root/x");
	assert_non_null(path);
	assert_string_not_equal(path, "~root/x");
	free(path);
	assert_null(awsconf_expand_path("~no-such-user-here/x"));

	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_home);
	free(aws);
	free(home);
}

static int
cleanup(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static int
setup(void **state)
{
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_and_precedence),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_case_and_comments),
		cmocka_unit_test(test_repeats_and_bom),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_environment),
	};

	return cmocka_run_group_tests(tests, setup, cleanup);
}
