/* CloudTrail digest validation: a chain of digests and log files built
 * in memory exactly as CloudTrail writes them, signed with a key made
 * here, then validated whole, tampered with, and with pieces deleted. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "buf.h"
#include "digest.h"
#include "hash.h"
#include "xalloc.h"

#define BUCKET	"trail-bucket"
#define NDIGESTS 4
#define NLOGS	2

/* --- an in-memory bucket ------------------------------------------------- */

struct object {
	char	*bucket;
	char	*key;
	char	*data;
	size_t	 len;
	char	*signature;
	bool	 deleted;
};

struct store {
	struct object	 v[64];
	size_t		 n;
	int		 fetches;
};

static struct object *
store_put(struct store *s, const char *bucket, const char *key,
    const void *data, size_t len, const char *sig)
{
	struct object *o = &s->v[s->n++];

	assert_true(s->n <= 64);
	o->bucket = xstrdup(bucket);
	o->key = xstrdup(key);
	o->data = xmalloc(len + 1);
	memcpy(o->data, data, len);
	o->len = len;
	o->signature = sig != NULL ? xstrdup(sig) : NULL;
	return o;
}

static struct object *
store_get(struct store *s, const char *bucket, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].bucket, bucket) == 0 &&
		    strcmp(s->v[i].key, key) == 0)
			return &s->v[i];
	}
	return NULL;
}

static void
store_free(struct store *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].bucket);
		free(s->v[i].key);
		free(s->v[i].data);
		free(s->v[i].signature);
	}
	s->n = 0;
}

static enum digest_fetch_result
store_fetch(const char *bucket, const char *key, bool want_sig,
    struct digest_object *out, char **cause, void *arg)
{
	struct store *s = arg;
	struct object *o;

	s->fetches++;
	if (bucket == NULL)
		bucket = BUCKET;
	if ((o = store_get(s, bucket, key)) == NULL || o->deleted)
		return DIGEST_FETCH_NOT_FOUND;
	if (strstr(key, "unreachable") != NULL) {
		*cause = xstrdup("connection refused");
		return DIGEST_FETCH_ERROR;
	}
	out->data = xmalloc(o->len + 1);
	memcpy(out->data, o->data, o->len);
	out->len = o->len;
	if (want_sig && o->signature != NULL) {
		out->signature = xstrdup(o->signature);
		out->algorithm = xstrdup("SHA256withRSA");
	}
	return DIGEST_FETCH_OK;
}

/* --- making CloudTrail's files ------------------------------------------- */

static void
gzip_bytes(const void *in, size_t len, struct buf *out)
{
	z_stream z;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	buf_reserve(out, deflateBound(&z, (uLong)len) + 16);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)out->data + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len += z.total_out;
	out->data[out->len] = '\0';
	deflateEnd(&z);
}

static EVP_PKEY *
make_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);

	assert_non_null(k);
	return k;
}

static char *
sign_hex(EVP_PKEY *k, const char *tbs)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[1024];
	size_t siglen = sizeof sig;
	char *hex;

	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k),
	    1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
	    (const unsigned char *)tbs, strlen(tbs)), 1);
	EVP_MD_CTX_free(ctx);
	hex = xmalloc(siglen * 2 + 1);
	hash_hex(sig, siglen, hex);
	return hex;
}

static void
key_der(EVP_PKEY *k, struct buf *out)
{
	unsigned char *der = NULL;
	int n = i2d_PublicKey(k, &der);

	assert_true(n > 0);
	buf_add(out, der, (size_t)n);
	OPENSSL_free(der);
}

static char *
key_fingerprint(EVP_PKEY *k)
{
	struct buf b = { 0 };
	unsigned char md[16];
	unsigned int n = 0;
	char *hex = xmalloc(33);

	key_der(k, &b);
	assert_int_equal(EVP_Digest(b.data, b.len, md, &n, EVP_md5(), NULL),
	    1);
	hash_hex(md, 16, hex);
	buf_free(&b);
	return hex;
}

static char *
digest_key(int i)
{
	return xasprintf("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/"
	    "2024/05/01/123456789012_CloudTrail-Digest_us-east-1_t_us-east-1_"
	    "20240501T%02d0000Z.json.gz", i + 1);
}

static char *
log_key(int i, int j)
{
	return xasprintf("AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/"
	    "123456789012_CloudTrail_us-east-1_20240501T%02d%02dZ_abc%d.json.gz",
	    i, 10 + j, j);
}

static char *
log_text(int i, int j, const char *extra)
{
	return xasprintf("{\"Records\":[{\"eventVersion\":\"1.08\",\"eventName\":"
	    "\"GetObject\",\"eventTime\":\"2024-05-01T%02d:%02d:00Z\"%s}]}",
	    i, 10 + j, extra);
}

/* Writes NDIGESTS digests (and NLOGS logs each) into s; chain_start makes
 * digest i the first of a chain (no previous).  Returns the signatures. */
static void
build_chain(struct store *s, EVP_PKEY *k, int chain_start)
{
	char *fp = key_fingerprint(k), *prev_sig = NULL, *prev_key = NULL;
	char prev_hash[65] = "", hex[65], *dkey, *tbs, *sig, *text, *lk;
	struct buf json, gz, logs;
	int i, j;

	for (i = 0; i < NDIGESTS; i++) {
		memset(&logs, 0, sizeof logs);
		for (j = 0; j < NLOGS; j++) {
			text = log_text(i, j, "");
			lk = log_key(i, j);
			memset(&gz, 0, sizeof gz);
			gzip_bytes(text, strlen(text), &gz);
			store_put(s, BUCKET, lk, gz.data, gz.len, NULL);
			hash_sha256_hex(text, strlen(text), hex);
			buf_printf(&logs, "%s{\"s3Bucket\":\"%s\",\"s3Object\":"
			    "\"%s\",\"hashValue\":\"%s\",\"hashAlgorithm\":"
			    "\"SHA-256\",\"newestEventTime\":\"2024-05-01T%02d:"
			    "%02d:00Z\",\"oldestEventTime\":\"2024-05-01T%02d:"
			    "%02d:00Z\"}", j ? "," : "", BUCKET, lk, hex, i,
			    10 + j, i, 10 + j);
			buf_free(&gz);
			free(text);
			free(lk);
		}
		if (i == chain_start) {
			free(prev_sig);
			free(prev_key);
			prev_sig = prev_key = NULL;
		}
		dkey = digest_key(i);
		memset(&json, 0, sizeof json);
		buf_printf(&json, "{\"awsAccountId\":\"123456789012\","
		    "\"digestStartTime\":\"2024-05-01T%02d:00:00Z\","
		    "\"digestEndTime\":\"2024-05-01T%02d:00:00Z\","
		    "\"digestS3Bucket\":\"%s\",\"digestS3Object\":\"%s\","
		    "\"digestPublicKeyFingerprint\":\"%s\","
		    "\"digestSignatureAlgorithm\":\"SHA256withRSA\","
		    "\"newestEventTime\":\"2024-05-01T%02d:11:00Z\","
		    "\"oldestEventTime\":\"2024-05-01T%02d:10:00Z\",",
		    i, i + 1, BUCKET, dkey, fp, i, i);
		if (prev_sig != NULL)
			buf_printf(&json, "\"previousDigestS3Bucket\":\"%s\","
			    "\"previousDigestS3Object\":\"%s\","
			    "\"previousDigestHashValue\":\"%s\","
			    "\"previousDigestHashAlgorithm\":\"SHA-256\","
			    "\"previousDigestSignature\":\"%s\",", BUCKET,
			    prev_key, prev_hash, prev_sig);
		else
			buf_adds(&json, "\"previousDigestS3Bucket\":null,"
			    "\"previousDigestS3Object\":null,"
			    "\"previousDigestHashValue\":null,"
			    "\"previousDigestHashAlgorithm\":null,"
			    "\"previousDigestSignature\":null,");
		buf_printf(&json, "\"logFiles\":[%s]}", logs.data);
		buf_free(&logs);

		/* The data to sign, built here from the documented rule. */
		hash_sha256_hex(json.data, json.len, hex);
		tbs = xasprintf("2024-05-01T%02d:00:00Z\n%s/%s\n%s\n%s", i + 1,
		    BUCKET, dkey, hex, prev_sig != NULL ? prev_sig : "null");
		sig = sign_hex(k, tbs);
		memset(&gz, 0, sizeof gz);
		gzip_bytes(json.data, json.len, &gz);
		store_put(s, BUCKET, dkey, gz.data, gz.len, sig);
		buf_free(&gz);
		buf_free(&json);
		free(tbs);
		free(prev_sig);
		free(prev_key);
		prev_sig = sig;
		prev_key = dkey;
		memcpy(prev_hash, hex, sizeof prev_hash);
	}
	free(prev_sig);
	free(prev_key);
	free(fp);
}

/* --- running the walker -------------------------------------------------- */

struct seen {
	char	 lines[64][512];
	size_t	 n;
	int	 gaps;
};

static void
on_report(const struct digest_report *r, void *arg)
{
	struct seen *s = arg;

	if (r->kind == DIGEST_REPORT_GAP) {
		s->gaps++;
		return;
	}
	assert_true(s->n < 64);
	snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %s %s: %s",
	    r->kind == DIGEST_REPORT_DIGEST ? "digest" : "log",
	    digest_verdict_name(r->verdict), r->key,
	    r->reason != NULL ? r->reason : "-");
}

static bool
seen_has(const struct seen *s, const char *what, const char *verdict,
    const char *key_part)
{
	char prefix[128];
	size_t i;

	snprintf(prefix, sizeof prefix, "%s %s ", what, verdict);
	for (i = 0; i < s->n; i++) {
		if (strncmp(s->lines[i], prefix, strlen(prefix)) == 0 &&
		    strstr(s->lines[i], key_part) != NULL)
			return true;
	}
	return false;
}

static void
walk(struct store *st, const struct digest_keys *ks, bool local,
    struct seen *seen, struct digest_counts *c)
{
	struct digest_ref refs[NDIGESTS];
	struct digest_walk w;
	char *keys[NDIGESTS];
	int i;

	for (i = 0; i < NDIGESTS; i++) {
		keys[i] = digest_key(i);
		refs[i].bucket = local ? NULL : BUCKET;
		refs[i].key = keys[i];
	}
	memset(&w, 0, sizeof w);
	w.keys = ks;
	w.fetch = store_fetch;
	w.fetch_arg = st;
	w.report = on_report;
	w.report_arg = seen;
	memset(seen, 0, sizeof *seen);
	/* Shuffled: the walker sorts by the time in the names. */
	digest_walk(&w, (struct digest_ref[]){ refs[2], refs[0], refs[3],
	    refs[1] }, NDIGESTS, c);
	for (i = 0; i < NDIGESTS; i++)
		free(keys[i]);
}

struct fixture {
	EVP_PKEY		*key;
	struct digest_keys	*keys;
	struct store		 store;
};

static EVP_PKEY *the_key;

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct buf der = { 0 };
	char *cause = NULL;

	f->key = the_key;
	f->keys = digest_keys_new();
	key_der(f->key, &der);
	assert_int_equal(digest_keys_add_der(f->keys, der.data, der.len,
	    &cause), 0);
	buf_free(&der);
	build_chain(&f->store, f->key, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	digest_keys_free(f->keys);
	store_free(&f->store);
	free(f);
	return 0;
}

static struct object *
nth_digest(struct fixture *f, int i)
{
	char *k = digest_key(i);
	struct object *o = store_get(&f->store, BUCKET, k);

	free(k);
	assert_non_null(o);
	return o;
}

static struct object *
nth_log(struct fixture *f, int i, int j)
{
	char *k = log_key(i, j);
	struct object *o = store_get(&f->store, BUCKET, k);

	free(k);
	assert_non_null(o);
	return o;
}

/* Replaces an object's bytes by gzip(text). */
static void
regzip(struct object *o, const char *text)
{
	struct buf gz = { 0 };

	gzip_bytes(text, strlen(text), &gz);
	free(o->data);
	o->len = gz.len;
	o->data = buf_take(&gz);
}

/* --- tests --------------------------------------------------------------- */

static void
test_all_valid(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS);
	assert_int_equal(c.digests_invalid, 0);
	assert_int_equal(c.logs_valid, NDIGESTS * NLOGS);
	assert_int_equal(c.logs_invalid, 0);
	assert_int_equal(s.gaps, 0);
	/* Newest first. */
	assert_non_null(strstr(s.lines[0], "T040000Z"));
	assert_true(seen_has(&s, "digest", "valid", "T010000Z"));
}

static void
test_all_valid_local(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	walk(&f->store, f->keys, true, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS);
	assert_int_equal(c.logs_valid, NDIGESTS * NLOGS);
	assert_int_equal(c.digests_invalid + c.logs_invalid, 0);
}

static void
test_tampered_log(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;
	char *text = log_text(2, 1, ",\"sourceIPAddress\":\"203.0.113.9\"");

	regzip(nth_log(f, 2, 1), text);
	free(text);
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS);
	assert_int_equal(c.logs_valid, NDIGESTS * NLOGS - 1);
	assert_int_equal(c.logs_invalid, 1);
	assert_true(seen_has(&s, "log", "MODIFIED", "T0211Z"));
}

static void
test_recompressed_log_is_valid(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;
	char *text = log_text(1, 0, "");
	struct object *o = nth_log(f, 1, 0);
	struct buf gz = { 0 };
	z_stream z;

	/* Other compressed bytes, same content: the hash is of the
	 * uncompressed log, so this is not a modification. */
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 1, Z_DEFLATED, 16 + 15, 9, Z_HUFFMAN_ONLY);
	buf_reserve(&gz, 4096);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = (unsigned char *)gz.data;
	z.avail_out = (uInt)gz.cap - 1;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	gz.len = z.total_out;
	deflateEnd(&z);
	assert_false(gz.len == o->len && memcmp(gz.data, o->data, gz.len) == 0);
	free(o->data);
	o->len = gz.len;
	o->data = buf_take(&gz);
	free(text);
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.logs_invalid, 0);
}

static void
test_deleted_log(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	nth_log(f, 0, 0)->deleted = true;
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS);
	assert_int_equal(c.logs_invalid, 1);
	assert_true(seen_has(&s, "log", "MISSING", "T0010Z"));
}

static void
test_deleted_digest(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	nth_digest(f, 2)->deleted = true;
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS - 1);
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "MISSING", "T030000Z"));
	assert_true(seen_has(&s, "digest", "valid", "T020000Z"));
	assert_true(seen_has(&s, "digest", "valid", "T010000Z"));
	/* The deleted digest's log files cannot be vouched for. */
	assert_int_equal(c.logs_valid, (NDIGESTS - 1) * NLOGS);
}

static void
test_deleted_newest_digest(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	nth_digest(f, 3)->deleted = true;
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS - 1);
	assert_int_equal(c.digests_invalid, 1);
}

static void
test_tampered_digest(void **state)
{
	struct fixture *f = *state;
	struct object *o = nth_digest(f, 1);
	struct digest_counts c;
	struct digest_file d;
	struct buf b = { 0 };
	struct seen s;
	char *cause = NULL, *p;

	/* Drop a log file from the digest's list, keep its signature. */
	assert_int_equal(digest_gunzip(o->data, o->len, &b, 1 << 20, &cause),
	    0);
	p = strstr(b.data, "},{");
	assert_non_null(p);
	memcpy(p + 1, "]}", 3);
	b.len = strlen(b.data);
	assert_int_equal(digest_parse(b.data, b.len, &d, &cause), 0);
	assert_int_equal(d.nlogs, 1);
	digest_file_free(&d);
	regzip(o, b.data);
	buf_free(&b);
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS - 1);
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "MODIFIED", "T020000Z"));
	/* The walk goes on past it. */
	assert_true(seen_has(&s, "digest", "valid", "T010000Z"));
}

static void
test_tampered_signature(void **state)
{
	struct fixture *f = *state;
	struct object *o = nth_digest(f, 3);
	struct digest_counts c;
	struct seen s;

	o->signature[10] = o->signature[10] == '0' ? '1' : '0';
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "MODIFIED", "T040000Z"));
}

static void
test_resigned_digest_breaks_chain(void **state)
{
	struct fixture *f = *state;
	struct object *o = nth_digest(f, 1);
	struct digest_counts c;
	struct buf b = { 0 };
	struct seen s;
	char *cause = NULL, *p, *tbs, hex[65];

	/* Even a digest changed and signed again with a good key does not
	 * pass: the next digest recorded the original's signature. */
	assert_int_equal(digest_gunzip(o->data, o->len, &b, 1 << 20, &cause),
	    0);
	p = strstr(b.data, "},{");
	assert_non_null(p);
	memcpy(p + 1, "]}", 3);
	b.len = strlen(b.data);
	hash_sha256_hex(b.data, b.len, hex);
	tbs = xasprintf("2024-05-01T02:00:00Z\n%s/%s\n%s\n%s", BUCKET, o->key,
	    hex, nth_digest(f, 0)->signature);
	free(o->signature);
	o->signature = sign_hex(f->key, tbs);
	free(tbs);
	regzip(o, b.data);
	buf_free(&b);
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "MODIFIED", "T020000Z"));
	assert_true(seen_has(&s, "digest", "valid", "T010000Z"));
}

static void
test_wrong_key(void **state)
{
	struct fixture *f = *state;
	struct digest_keys *ks = digest_keys_new();
	EVP_PKEY *other = make_key();
	struct digest_counts c;
	struct buf der = { 0 };
	char *cause = NULL;
	struct seen s;

	key_der(other, &der);
	assert_int_equal(digest_keys_add_der(ks, der.data, der.len, &cause), 0);
	walk(&f->store, ks, false, &s, &c);
	assert_int_equal(c.digests_valid, 0);
	assert_int_equal(c.digests_invalid, NDIGESTS);
	assert_int_equal(c.logs_valid + c.logs_invalid, 0);
	assert_true(seen_has(&s, "digest", "UNKNOWN KEY", "T040000Z"));
	buf_free(&der);
	digest_keys_free(ks);
	EVP_PKEY_free(other);
}

static void
test_moved_digest(void **state)
{
	struct fixture *f = *state;
	struct object *o = nth_digest(f, 3);
	struct digest_counts c;
	struct seen s;

	/* The newest digest copied under another digest's name. */
	store_put(&f->store, BUCKET, "AWSLogs/123456789012/CloudTrail-Digest/"
	    "us-east-1/2024/05/01/123456789012_CloudTrail-Digest_us-east-1_t_"
	    "us-east-1_20240501T050000Z.json.gz", o->data, o->len,
	    o->signature);
	{
		struct digest_ref refs[1] = { { BUCKET, f->store.v[f->store.n -
		    1].key } };
		struct digest_walk w = { f->keys, store_fetch, &f->store,
		    on_report, &s, 0 };

		memset(&s, 0, sizeof s);
		digest_walk(&w, refs, 1, &c);
	}
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "MODIFIED", "T050000Z"));
	assert_non_null(strstr(s.lines[0], "moved"));
}

static void
test_gap(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;

	/* Logging stopped and restarted: digest 2 starts a new chain. */
	store_free(&f->store);
	build_chain(&f->store, f->key, 2);
	walk(&f->store, f->keys, false, &s, &c);
	assert_int_equal(c.digests_valid, NDIGESTS);
	assert_int_equal(c.digests_invalid, 0);
	assert_int_equal(s.gaps, 1);
}

static void
test_start_limit(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;
	char *k = digest_key(3);
	struct digest_ref refs[1] = { { BUCKET, k } };
	struct digest_walk w = { f->keys, store_fetch, &f->store, on_report,
	    &s, 0 };

	memset(&s, 0, sizeof s);
	/* Just after 2024-05-01T02:00:00Z: digest 3, then digest 2, which
	 * starts before the limit, ends the walk (as in aws-cli). */
	w.start = 1714528800 + 1;
	digest_walk(&w, refs, 1, &c);
	assert_int_equal(c.digests_valid, 2);
	free(k);
}

static void
test_fetch_error(void **state)
{
	struct fixture *f = *state;
	struct digest_counts c;
	struct seen s;
	struct digest_ref refs[1] = { { BUCKET, "x/unreachable_20240501T090000Z.json.gz" } };
	struct digest_walk w = { f->keys, store_fetch, &f->store, on_report,
	    &s, 0 };

	store_put(&f->store, BUCKET, refs[0].key, "x", 1, NULL);
	memset(&s, 0, sizeof s);
	digest_walk(&w, refs, 1, &c);
	assert_int_equal(c.errors, 1);
	assert_int_equal(c.digests_invalid, 1);
	assert_true(seen_has(&s, "digest", "ERROR", "unreachable"));
}

static void
test_empty_walk(void **state)
{
	struct digest_walk w = { 0 };
	struct digest_counts c;

	(void)state;
	digest_walk(&w, NULL, 0, &c);
	assert_int_equal(c.digests_valid + c.digests_invalid, 0);
}

/* --- pure functions ------------------------------------------------------- */

static void
test_data_to_sign(void **state)
{
	static const char json[] = "{\"digestStartTime\":\"2015-08-17T14:01:31Z\","
	    "\"digestEndTime\":\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\","
	    "\"digestS3Object\":\"o/k.json.gz\",\"digestPublicKeyFingerprint\":"
	    "\"31e8b5433410dfb61a9dc45cc65b22ff\",\"previousDigestSignature\":"
	    "null,\"logFiles\":[]}";
	struct digest_file d;
	char *cause = NULL, *tbs, *want, hex[65];

	(void)state;
	assert_int_equal(digest_parse(json, strlen(json), &d, &cause), 0);
	hash_sha256_hex(json, strlen(json), hex);
	assert_string_equal(d.sha256, hex);
	assert_null(d.prev_signature);
	assert_null(d.prev_object);
	assert_int_equal(d.end - d.start, 3600);
	tbs = digest_data_to_sign(&d);
	want = xasprintf("2015-08-17T15:01:31Z\nb/o/k.json.gz\n%s\nnull", hex);
	assert_string_equal(tbs, want);
	free(tbs);
	free(want);
	digest_file_free(&d);
}

static void
test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "{", "[]", "null", "{}",
		"{\"digestPublicKeyFingerprint\":\"a\"}",
		/* previousDigestSignature must be there, even as null */
		"{\"digestStartTime\":\"2015-08-17T14:01:31Z\",\"digestEndTime\":"
		"\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\""
		":\"o\",\"digestPublicKeyFingerprint\":\"f\"}",
		"{\"digestStartTime\":\"yesterday\",\"digestEndTime\":"
		"\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\""
		":\"o\",\"digestPublicKeyFingerprint\":\"f\","
		"\"previousDigestSignature\":null}",
		"{\"digestStartTime\":\"2015-08-17T14:01:31Z\",\"digestEndTime\":"
		"\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\""
		":\"o\",\"digestPublicKeyFingerprint\":\"f\","
		"\"previousDigestSignature\":null,\"logFiles\":[{\"s3Bucket\":1}]}",
		"{\"digestStartTime\":\"2015-08-17T14:01:31Z\",\"digestEndTime\":"
		"\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\""
		":\"o\",\"digestPublicKeyFingerprint\":7,"
		"\"previousDigestSignature\":null}",
		"{\"a\":1} trailing",
		"\x1f\x8b not really gzip",
	};
	struct digest_file d;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(digest_parse(bad[i], strlen(bad[i]), &d,
		    &cause), -1);
		assert_non_null(cause);
		free(cause);
		digest_file_free(&d);
	}
}

static void
test_gunzip(void **state)
{
	struct buf gz = { 0 }, out = { 0 };
	char *cause = NULL;

	(void)state;
	/* Two members, as `cat a.gz b.gz` makes. */
	gzip_bytes("hello ", 6, &gz);
	gzip_bytes("world", 5, &gz);
	assert_int_equal(digest_gunzip(gz.data, gz.len, &out, 100, &cause), 0);
	assert_string_equal(out.data, "hello world");
	buf_reset(&out);
	/* Over the limit. */
	assert_int_equal(digest_gunzip(gz.data, gz.len, &out, 5, &cause), -1);
	free(cause);
	cause = NULL;
	buf_reset(&out);
	/* Truncated. */
	assert_int_equal(digest_gunzip(gz.data, gz.len / 2 - 4, &out, 100,
	    &cause), -1);
	free(cause);
	cause = NULL;
	buf_reset(&out);
	/* Trailing junk. */
	buf_add(&gz, "junk", 4);
	assert_int_equal(digest_gunzip(gz.data, gz.len, &out, 100, &cause), -1);
	free(cause);
	buf_free(&gz);
	buf_free(&out);
}

/* The key and fingerprint from AWS's list-public-keys example: the
 * fingerprint is the MD5 of the DER. */
static void
test_aws_fingerprint(void **state)
{
	static const char value[] = "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjr"
	    "raXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfS"
	    "w7KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1"
	    "PfyP/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iui"
	    "AKkipEHWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EX"
	    "YuePGEtBdrKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB";
	struct digest_keys *ks = digest_keys_new();
	char *cause = NULL;

	(void)state;
	assert_int_equal(digest_keys_add_base64(ks, value, &cause), 0);
	assert_string_equal(digest_keys_fingerprint(ks, 0),
	    "7f3f401420072e50a65a141430817ab3");
	assert_int_equal(digest_keys_add_base64(ks, "not base64!", &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(digest_keys_add_base64(ks, "AAAA", &cause), -1);
	free(cause);
	assert_int_equal(digest_keys_count(ks), 1);
	digest_keys_free(ks);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void
test_key_files(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/digest-test.XXXXXX", path[256], *cause = NULL;
	const char *want = digest_keys_fingerprint(f->keys, 0);
	struct digest_keys *ks;
	struct buf der = { 0 }, text = { 0 };
	BIO *bio;
	BUF_MEM *mem;
	unsigned char *spki = NULL;
	int n, i;

	assert_non_null(mkdtemp(dir));
	key_der(f->key, &der);
	for (i = 0; i < 6; i++) {
		buf_reset(&text);
		snprintf(path, sizeof path, "%s/key%d", dir, i);
		switch (i) {
		case 0:		/* PEM SubjectPublicKeyInfo */
			bio = BIO_new(BIO_s_mem());
			PEM_write_bio_PUBKEY(bio, f->key);
			BIO_get_mem_ptr(bio, &mem);
			buf_add(&text, mem->data, mem->length);
			BIO_free(bio);
			break;
		case 1:		/* PEM PKCS#1, base64 by hand */
		case 4: {	/* list-public-keys JSON */
			char *b64 = xmalloc(der.len * 2 + 4);

			EVP_EncodeBlock((unsigned char *)b64,
			    (unsigned char *)der.data, (int)der.len);
			if (i == 1)
				buf_printf(&text, "-----BEGIN RSA PUBLIC KEY-----\n"
				    "%s\n-----END RSA PUBLIC KEY-----\n", b64);
			else
				buf_printf(&text, "{\"PublicKeyList\":[{\"Value\":"
				    "\"%s\",\"Fingerprint\":\"%s\"}]}", b64, want);
			free(b64);
			break;
		}
		case 2:		/* DER PKCS#1 */
			buf_add(&text, der.data, der.len);
			break;
		case 3:		/* DER SPKI */
			n = i2d_PUBKEY(f->key, &spki);
			buf_add(&text, spki, (size_t)n);
			OPENSSL_free(spki);
			spki = NULL;
			break;
		case 5:		/* junk */
			buf_adds(&text, "hello");
			break;
		}
		write_file(path, text.data, text.len);
		ks = digest_keys_new();
		cause = NULL;
		if (i == 5) {
			assert_int_equal(digest_keys_load_file(ks, path, &cause),
			    -1);
			free(cause);
		} else {
			assert_int_equal(digest_keys_load_file(ks, path, &cause),
			    0);
			assert_int_equal(digest_keys_count(ks), 1);
			assert_string_equal(digest_keys_fingerprint(ks, 0), want);
		}
		digest_keys_free(ks);
		unlink(path);
	}
	rmdir(dir);
	buf_free(&der);
	buf_free(&text);
}

static void
test_verify_pure(void **state)
{
	struct fixture *f = *state;
	struct object *o = nth_digest(f, 0), *l = nth_log(f, 0, 1);
	struct digest_file d;
	char *reason = NULL;

	assert_int_equal(digest_verify(o->data, o->len, BUCKET, o->key,
	    o->signature, NULL, f->keys, &d, &reason), DIGEST_VALID);
	assert_null(reason);
	assert_null(d.prev_signature);
	assert_int_equal(d.nlogs, NLOGS);
	assert_int_equal(digest_check_log(l->data, l->len, &d.logs[1], &reason),
	    DIGEST_VALID);
	assert_int_equal(digest_check_log(l->data, l->len, &d.logs[0], &reason),
	    DIGEST_MODIFIED);
	free(reason);
	assert_int_equal(digest_check_log("plain", 5, &d.logs[0], &reason),
	    DIGEST_MODIFIED);
	free(reason);
	assert_int_equal(digest_check_log("\x1f\x8bjunk", 6, &d.logs[0],
	    &reason), DIGEST_BAD_FORMAT);
	free(reason);
	{
		struct buf plain = { 0 };
		char *cause = NULL;

		assert_int_equal(digest_gunzip(l->data, l->len, &plain, 1 << 20,
		    &cause), 0);
		assert_int_equal(digest_check_log(plain.data, plain.len,
		    &d.logs[1], &reason), DIGEST_VALID);
		buf_free(&plain);
	}
	digest_file_free(&d);
	/* No signature, another algorithm, not hex. */
	assert_int_equal(digest_verify(o->data, o->len, BUCKET, o->key, NULL,
	    NULL, f->keys, &d, &reason), DIGEST_BAD_FORMAT);
	free(reason);
	digest_file_free(&d);
	assert_int_equal(digest_verify(o->data, o->len, BUCKET, o->key,
	    o->signature, "SHA1withRSA", f->keys, &d, &reason),
	    DIGEST_BAD_FORMAT);
	free(reason);
	digest_file_free(&d);
	assert_int_equal(digest_verify(o->data, o->len, BUCKET, o->key, "zz",
	    NULL, f->keys, &d, &reason), DIGEST_MODIFIED);
	free(reason);
	digest_file_free(&d);
	/* A local copy kept as BUCKET/key. */
	{
		char *k = xasprintf("%s/%s", BUCKET, o->key);

		assert_int_equal(digest_verify(o->data, o->len, NULL, k,
		    o->signature, NULL, f->keys, &d, &reason), DIGEST_VALID);
		digest_file_free(&d);
		free(k);
	}
	assert_int_equal(digest_verify(o->data, o->len, "other", o->key,
	    o->signature, NULL, f->keys, &d, &reason), DIGEST_MODIFIED);
	free(reason);
	digest_file_free(&d);
}

static void
test_key_time(void **state)
{
	(void)state;
	assert_int_equal(digest_key_time("a/1_CloudTrail-Digest_us-east-2_t_"
	    "us-east-2_20150817T150131Z.json.gz"), 1439823691);
	assert_int_equal(digest_key_time("x.json.gz"), -1);
	assert_int_equal(digest_key_time("a_2015081XT150131Z.json.gz"), -1);
	assert_int_equal(digest_key_time(NULL), -1);
	assert_string_equal(digest_verdict_name(DIGEST_UNKNOWN_KEY),
	    "UNKNOWN KEY");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_valid_local, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tampered_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_recompressed_log_is_valid,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted_digest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deleted_newest_digest,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_digest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tampered_signature, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_resigned_digest_breaks_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_moved_digest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fetch_error, setup,
		    teardown),
		cmocka_unit_test(test_empty_walk),
		cmocka_unit_test(test_data_to_sign),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_gunzip),
		cmocka_unit_test(test_aws_fingerprint),
		cmocka_unit_test_setup_teardown(test_key_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_pure, setup,
		    teardown),
		cmocka_unit_test(test_key_time),
	};
	int rc;

	the_key = make_key();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	EVP_PKEY_free(the_key);
	return rc;
}
