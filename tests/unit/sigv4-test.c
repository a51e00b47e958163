/* SigV4 against the published AWS examples (the SigV4 test suite and the
 * S3 documentation); tests/integration/sigv4-botocore-test.sh adds
 * thousands of generated requests checked against botocore's signer. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "sigv4.h"
#include "xalloc.h"

#define SUITE_KEY	"AKIDEXAMPLE"
#define SUITE_SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S3_KEY		"AKIAIOSFODNN7EXAMPLE"
#define S3_SECRET	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA256	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct vec {
	const char	*method, *path, *query, *service, *region, *when;
	const char	*headers[10];	/* "name", "value" pairs, NULL-ended */
	const char	*body;
	bool		 s3, unsigned_payload;
	const char	*key, *secret, *token;
};

static void
sign_vec(const struct vec *v, struct sigv4_result *res, struct kv *h)
{
	struct sigv4_request r = { 0 };
	struct sigv4_params p = { 0 };
	struct sigv4_creds c = { v->key, v->secret, v->token };
	char *cause = NULL;
	int i;

	memset(h, 0, sizeof *h);
	for (i = 0; v->headers[i] != NULL; i += 2)
		kv_add(h, v->headers[i], v->headers[i + 1]);
	r.method = v->method;
	r.path = v->path;
	r.query = v->query;
	r.headers = h;
	r.body = v->body;
	r.body_len = v->body ? strlen(v->body) : 0;
	p.service = v->service;
	p.region = v->region;
	p.s3 = v->s3;
	p.unsigned_payload = v->unsigned_payload;
	assert_int_equal(sigv4_parse_amz_date(v->when, &p.when), 0);
	assert_int_equal(sigv4_sign(&r, &p, &c, res, &cause), 0);
	assert_null(cause);
}

static void
expect_sig(const struct vec *v, const char *sig, const char *signed_headers)
{
	struct sigv4_result res;
	struct kv h;

	sign_vec(v, &res, &h);
	assert_string_equal(res.signature, sig);
	if (signed_headers != NULL)
		assert_string_equal(res.signed_headers, signed_headers);
	sigv4_result_free(&res);
	kv_free(&h);
}

#define SUITE(m, p, q) m, p, q, "service", "us-east-1", "20150830T123600Z", \
	{ "Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z", NULL }

static void
test_get_vanilla(void **state)
{
	struct vec v = { SUITE("GET", "/", NULL), NULL, false, false,
	    SUITE_KEY, SUITE_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_string_equal(res.canonical_request,
	    "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
	    "\nhost;x-amz-date\n" EMPTY_SHA256);
	assert_string_equal(res.string_to_sign,
	    "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/"
	    "aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
	assert_string_equal(res.authorization,
	    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
	    "aws4_request, SignedHeaders=host;x-amz-date, "
	    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	assert_string_equal(kv_get(&h, "authorization"), res.authorization);
	sigv4_result_free(&res);
	kv_free(&h);
}

/*
 * Cases of AWS's Signature Version 4 test suite (2015-08-30 edition,
 * "Copyright 2019 Amazon.com", Apache-2.0), as shipped in botocore's
 * tests/unit/auth/aws4_testsuite/ (github.com/boto/botocore, last changed
 * in commit 32302bc372dde1b6173b60f8b85d671e24a0d414): the path and query
 * of each .req file, the canonical URI of its .creq and the signature of
 * its .authz, copied from those files.
 */
struct suite_case {
	const char	*name, *path, *query, *body;
	const char	*canonical_uri, *signature;
};

static const struct suite_case suite_cases[] = {
	{ "get-vanilla", "/", NULL, NULL, "/",
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-space", "/example space/", NULL, NULL, "/example%20space/",
	  "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
	{ "get-slash", "//", NULL, NULL, "/",
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-slashes", "//example//", NULL, NULL, "/example/",
	  "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84" },
	{ "get-slash-dot-slash", "/./", NULL, NULL, "/",
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-slash-pointless-dot", "/./example", NULL, NULL, "/example",
	  "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5" },
	{ "get-relative", "/example/..", NULL, NULL, "/",
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-relative-relative", "/example1/example2/../..", NULL, NULL, "/",
	  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-special-character", "/example/$delete", NULL, NULL,
	  "/example/%24delete",
	  "a853c9b21b528b19643d00910d35b83a10c366a10833ceefb45edd6c80e40f27" },
	{ "get-utf8", "/\xe1\x88\xb4", NULL, NULL, "/%E1%88%B4",
	  "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
	{ "get-unreserved",
	  "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	  NULL, NULL,
	  "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	  "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
	{ "get-vanilla-query-order-key-case", "/", "Param2=value2&Param1=value1",
	  NULL, "/",
	  "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
	{ "post-x-www-form-urlencoded", "/", NULL, "Param1=value1", "/",
	  "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};

static void
test_suite(void **state)
{
	const struct suite_case *t;
	struct sigv4_result res;
	struct kv h;
	char *want;

	for (t = suite_cases; t->name != NULL; t++) {
		struct vec v = { SUITE(t->body != NULL ? "POST" : "GET", t->path,
		    t->query), t->body, false, false, SUITE_KEY, SUITE_SECRET,
		    NULL };

		if (t->body != NULL) {
			v.headers[4] = "Content-Type";
			v.headers[5] = "application/x-www-form-urlencoded";
		}
		sign_vec(&v, &res, &h);
		want = xasprintf("%s\n%s\n", v.method, t->canonical_uri);
		if (strncmp(res.canonical_request, want, strlen(want)) != 0 ||
		    strcmp(res.signature, t->signature) != 0)
			fail_msg("%s: canonical request\n%s\nsignature %s",
			    t->name, res.canonical_request, res.signature);
		free(want);
		sigv4_result_free(&res);
		kv_free(&h);
	}
}

static void
test_query_order(void **state)
{
	struct vec v = { SUITE("GET", "/", "Param2=value2&Param1=value1"), NULL,
	    false, false, SUITE_KEY, SUITE_SECRET, NULL };

	expect_sig(&v, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
	    "host;x-amz-date");
}

static void
test_iam_docs_example(void **state)
{
	struct vec v = { "GET", "/", "Action=ListUsers&Version=2010-05-08", "iam",
	    "us-east-1", "20150830T123600Z",
	    { "Host", "iam.amazonaws.com", "Content-Type",
	      "application/x-www-form-urlencoded; charset=utf-8",
	      "X-Amz-Date", "20150830T123600Z", NULL },
	    NULL, false, false, SUITE_KEY, SUITE_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_string_equal(res.canonical_request,
	    "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
	    "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
	    "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	    "content-type;host;x-amz-date\n" EMPTY_SHA256);
	assert_string_equal(res.signature,
	    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_s3_get_object(void **state)
{
	struct vec v = { "GET", "/test.txt", NULL, "s3", "us-east-1",
	    "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com", "Range", "bytes=0-9",
	      "x-amz-date", "20130524T000000Z", NULL },
	    NULL, true, false, S3_KEY, S3_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_string_equal(res.signature,
	    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	assert_string_equal(res.signed_headers,
	    "host;range;x-amz-content-sha256;x-amz-date");
	assert_string_equal(kv_get(&h, "x-amz-content-sha256"), EMPTY_SHA256);
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_s3_put_object(void **state)
{
	/* The docs' PUT example: '$' arrives encoded once and S3 signs the
	 * path as sent; the Date header is signed as given. */
	struct vec v = { "PUT", "/test%24file.text", NULL, "s3", "us-east-1",
	    "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com",
	      "Date", "Fri, 24 May 2013 00:00:00 GMT",
	      "x-amz-storage-class", "REDUCED_REDUNDANCY", NULL },
	    "Welcome to Amazon S3.", true, false, S3_KEY, S3_SECRET, NULL };

	expect_sig(&v, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
	    "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
}

static void
test_s3_put_object_raw_key(void **state)
{
	/* The same example with its request line exactly as the S3 docs
	 * print it ("PUT /test$file.text"): S3 decodes the path to the key
	 * and signs the key encoded once, "/test%24file.text". */
	struct vec v = { "PUT", "/test$file.text", NULL, "s3", "us-east-1",
	    "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com",
	      "Date", "Fri, 24 May 2013 00:00:00 GMT",
	      "x-amz-storage-class", "REDUCED_REDUNDANCY", NULL },
	    "Welcome to Amazon S3.", true, false, S3_KEY, S3_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_true(strncmp(res.canonical_request, "PUT\n/test%24file.text\n",
	    22) == 0);
	assert_string_equal(res.signature,
	    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_s3_keys(void **state)
{
	/* S3 keys: never normalised (the suite's note on S3 names
	 * "my-object//example//photo.user"), each byte outside RFC 3986's
	 * unreserved set as upper-case %XX, whether it arrived raw or
	 * encoded; '+' is a literal plus in a path, and an encoded '/' stays
	 * inside its segment. */
	static const char *const cases[][2] = {
		{ "/my-object//example//photo.user", "/my-object//example//photo.user" },
		{ "/b/./x/../y", "/b/./x/../y" },
		{ "/a b+c%2bd", "/a%20b%2Bc%2Bd" },
		{ "/100%25/%7e~", "/100%25/~~" },
		{ "/k%2Fv/\xc3\xa9", "/k%2Fv/%C3%A9" },
		{ "/!*'();:@&=$,?#[]", "/%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D" },
		{ "/bad%zz%", "/bad%25zz%25" },
		{ "/", "/" },
		{ "/d/", "/d/" },
	};
	struct vec v = { "GET", NULL, NULL, "s3", "us-east-1", "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com", NULL },
	    NULL, true, false, S3_KEY, S3_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;
	char *want;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v.path = cases[i][0];
		sign_vec(&v, &res, &h);
		want = xasprintf("GET\n%s\n", cases[i][1]);
		if (strncmp(res.canonical_request, want, strlen(want)) != 0)
			fail_msg("%s: got\n%s", cases[i][0], res.canonical_request);
		free(want);
		sigv4_result_free(&res);
		kv_free(&h);
	}
}

static void
test_s3_list_objects(void **state)
{
	struct vec v = { "GET", "/", "max-keys=2&prefix=J", "s3", "us-east-1",
	    "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com", NULL },
	    NULL, true, false, S3_KEY, S3_SECRET, NULL };

	expect_sig(&v, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
	    NULL);
}

static void
test_s3_lifecycle_empty_value(void **state)
{
	struct vec v = { "GET", "/", "lifecycle", "s3", "us-east-1",
	    "20130524T000000Z",
	    { "Host", "examplebucket.s3.amazonaws.com", NULL },
	    NULL, true, false, S3_KEY, S3_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_non_null(strstr(res.canonical_request, "\nlifecycle=\n"));
	assert_string_equal(res.signature,
	    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_path_rules(void **state)
{
	/* Non-S3 paths are normalised and encoded a second time; S3 paths are
	 * left exactly as sent. */
	struct vec v = { SUITE("GET", "/a/./b/../c//d%20e", NULL), NULL, false,
	    false, SUITE_KEY, SUITE_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_true(strncmp(res.canonical_request, "GET\n/a/c/d%2520e\n", 17) == 0);
	sigv4_result_free(&res);
	kv_free(&h);
	v.s3 = true;
	v.service = "s3";
	sign_vec(&v, &res, &h);
	assert_true(strncmp(res.canonical_request, "GET\n/a/./b/../c//d%20e\n", 23) == 0);
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_query_encoding(void **state)
{
	struct vec v = { SUITE("GET", "/", "b=%7e&a=x%2Fy&a=1&c=a+b&d=%zz&e"),
	    NULL, false, false, SUITE_KEY, SUITE_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	/* sorted by name then value; ~ unreserved; '+' literal; bad % kept */
	assert_non_null(strstr(res.canonical_request,
	    "\na=1&a=x%2Fy&b=~&c=a%2Bb&d=%25zz&e=\n"));
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_headers_trim_and_join(void **state)
{
	struct vec v = { "GET", "/", NULL, "service", "us-east-1", "20150830T123600Z",
	    { "Host", "example.amazonaws.com", "My-Header1", "  a   b   c  ",
	      "my-header1", "second", "User-Agent", "not-signed", NULL },
	    NULL, false, false, SUITE_KEY, SUITE_SECRET, NULL };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_non_null(strstr(res.canonical_request, "my-header1:a b c,second\n"));
	assert_string_equal(res.signed_headers, "host;my-header1;x-amz-date");
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_session_token_and_unsigned_payload(void **state)
{
	struct vec v = { "PUT", "/k", NULL, "s3", "eu-west-1", "20240101T000000Z",
	    { "Host", "b.s3.eu-west-1.amazonaws.com", NULL }, "data", true, true,
	    S3_KEY, S3_SECRET, "TOKEN/with+chars" };
	struct sigv4_result res;
	struct kv h;

	sign_vec(&v, &res, &h);
	assert_string_equal(kv_get(&h, "x-amz-security-token"), "TOKEN/with+chars");
	assert_string_equal(kv_get(&h, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
	assert_non_null(strstr(res.canonical_request, "\nUNSIGNED-PAYLOAD"));
	assert_string_equal(res.signed_headers,
	    "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	assert_null(strstr(res.authorization, S3_SECRET));
	sigv4_result_free(&res);
	kv_free(&h);
}

static void
test_errors(void **state)
{
	struct sigv4_request r = { 0 };
	struct sigv4_params p = { "s3", "us-east-1", 0, false, true };
	struct sigv4_creds c = { S3_KEY, S3_SECRET, NULL };
	struct sigv4_result res;
	struct kv h = { 0 };
	char *cause = NULL;
	time_t t;

	r.method = "GET";
	r.path = "/";
	r.headers = &h;
	assert_int_equal(sigv4_sign(&r, &p, &c, &res, &cause), -1);
	assert_non_null(strstr(cause, "S3"));
	free(cause);
	cause = NULL;
	p.unsigned_payload = false;
	assert_int_equal(sigv4_sign(&r, &p, &c, &res, &cause), -1);
	assert_non_null(strstr(cause, "Host"));
	free(cause);
	cause = NULL;
	kv_add(&h, "Host", "x");
	c.secret_key = "";
	assert_int_equal(sigv4_sign(&r, &p, &c, &res, &cause), -1);
	free(cause);
	kv_free(&h);

	assert_int_equal(sigv4_parse_amz_date("20150830T123600", &t), -1);
	assert_int_equal(sigv4_parse_amz_date("2015083XT123600Z", &t), -1);
	assert_int_equal(sigv4_parse_amz_date("20151330T123600Z", &t), -1);
	assert_int_equal(sigv4_parse_amz_date("20150830T123600Z", &t), 0);
	assert_int_equal((long)t, 1440938160L);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_vanilla),
		cmocka_unit_test(test_suite),
		cmocka_unit_test(test_query_order),
		cmocka_unit_test(test_iam_docs_example),
		cmocka_unit_test(test_s3_get_object),
		cmocka_unit_test(test_s3_put_object),
		cmocka_unit_test(test_s3_put_object_raw_key),
		cmocka_unit_test(test_s3_keys),
		cmocka_unit_test(test_s3_list_objects),
		cmocka_unit_test(test_s3_lifecycle_empty_value),
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_query_encoding),
		cmocka_unit_test(test_headers_trim_and_join),
		cmocka_unit_test(test_session_token_and_unsigned_payload),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
