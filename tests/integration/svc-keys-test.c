/* S3 object keys of every awkward kind round-trip through s3watch's own
 * URL building and signer (PutObject, GetObject, ListObjectsV2) against a
 * strict sandbox, which verifies every signature; a wrong secret is
 * refused, for S3 and for a JSON-protocol service.  Run by keys-test.sh. */
#include "config.h"

#include "svc-common.h"

static char svck_bucket[64];

/* Every printable ASCII character, then the kinds of key that break
 * signers and URL builders: encodings, slashes, dot segments, UTF-8. */
static const char *const svck_keys[] = {
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
	"test$file.text",
	"with space",
	"two  spaces ",
	"a+b",
	"100%",
	"%41%2F%zz",
	"x//y",
	"//lead",
	"trail/",
	"./dot",
	"../dotdot",
	"a/./b/../c",
	"..",
	"\xc3\xa9t\xc3\xa9/\xe6\xbc\xa2\xe5\xad\x97/\xf0\x9f\x98\x80",
	NULL
};

static int
svck_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
test_round_trip(void **state)
{
	struct aws_response *resp;
	struct s3_objects l;
	struct s3_data d;
	const char *want[64];
	char *cause = NULL;
	size_t i, n;

	(void)state;
	snprintf(svck_bucket, sizeof svck_bucket, "s3w-keys-%ld", (long)getpid());
	svct_do(svct_req(s3_create_bucket(svck_bucket, "us-east-1", &cause),
	    cause));
	for (n = 0; svck_keys[n] != NULL; n++) {
		svct_do(svct_req(s3_put_object(svck_bucket, svck_keys[n],
		    svck_keys[n], strlen(svck_keys[n]), "text/plain", &cause),
		    cause));
		resp = svct_ok(svct_req(s3_get_object(svck_bucket, svck_keys[n],
		    &cause), cause));
		svct_parsed(s3_get_object_parse(resp, &d, &cause), cause);
		if (d.len != strlen(svck_keys[n]) ||
		    memcmp(d.data, svck_keys[n], d.len) != 0)
			fail_msg("GetObject '%s' gave '%.*s'", svck_keys[n],
			    (int)d.len, d.data);
		s3_data_free(&d);
		aws_response_free(resp);
		want[n] = svck_keys[n];
	}

	resp = svct_ok(svct_req(s3_list_objects_v2(svck_bucket, NULL, NULL, 0,
	    &cause), cause));
	svct_parsed(s3_list_objects_v2_parse(resp, &l, &cause), cause);
	qsort(want, n, sizeof want[0], svck_cmp);
	if (l.n != n)
		fail_msg("ListObjectsV2 gave %zu keys, want %zu", l.n, n);
	for (i = 0; i < n; i++)
		if (strcmp(l.v[i].key, want[i]) != 0)
			fail_msg("ListObjectsV2 key %zu is '%s', want '%s'", i,
			    l.v[i].key, want[i]);
	s3_objects_free(&l);
	aws_response_free(resp);
	printf("%zu keys round-trip\n", n);
}

/* A request signed with a wrong secret is refused; the error code is read
 * from S3's <Error> and from the <ErrorResponse><Errors><Error> that moto
 * sends for a JSON-protocol service. */
static void
test_wrong_secret(void **state)
{
	struct aws_client *good = svct_client, *bad;
	struct aws_options o;
	struct aws_response *resp;
	char *cause = NULL, *secret;

	(void)state;
	secret = xstrdup(getenv("AWS_SECRET_ACCESS_KEY"));
	setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-of-this-key", 1);
	memset(&o, 0, sizeof o);
	bad = aws_client_new(svct_loop, &o, &cause);
	assert_non_null(bad);
	svct_client = bad;

	resp = svct_call(svct_req(s3_put_object(svck_bucket, "test$file.text",
	    "forged", 6, NULL, &cause), cause));
	assert_int_equal(resp->status, 403);
	assert_string_equal(resp->code, "SignatureDoesNotMatch");
	aws_response_free(resp);

	resp = svct_call(svct_req(logs_describe_log_groups(NULL, NULL, 0, &cause),
	    cause));
	assert_int_equal(resp->status, 403);
	assert_string_equal(resp->code, "SignatureDoesNotMatch");
	aws_response_free(resp);

	svct_client = good;
	aws_client_free(bad);
	setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
	free(secret);

	/* The forged PutObject changed nothing. */
	resp = svct_ok(svct_req(s3_get_object(svck_bucket, "test$file.text",
	    &cause), cause));
	assert_int_equal(resp->body.len, strlen("test$file.text"));
	aws_response_free(resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_secret),
	};

	return cmocka_run_group_tests(tests, svct_setup, svct_teardown);
}
