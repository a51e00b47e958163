/* CloudTrail digest files: parse, verify, walk the chain. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "buf.h"
#include "digest.h"
#include "hash.h"
#include "isotime.h"
#include "text.h"
#include "xalloc.h"

#define DIGEST_MAX_KEYFILE	(1024 * 1024)
#define DIGEST_ALGORITHM	"SHA256withRSA"

const char *
digest_verdict_name(enum digest_verdict v)
{
	switch (v) {
	case DIGEST_VALID: return "valid";
	case DIGEST_MISSING: return "MISSING";
	case DIGEST_MODIFIED: return "MODIFIED";
	case DIGEST_UNKNOWN_KEY: return "UNKNOWN KEY";
	case DIGEST_BAD_FORMAT: return "INVALID FORMAT";
	case DIGEST_ERROR: return "ERROR";
	}
	return "?";
}

/* --- bytes ----------------------------------------------------------------- */

int
digest_gunzip(const void *data, size_t len, struct buf *out, size_t max,
    char **cause)
{
	const unsigned char *p = data;
	z_stream z;
	int rc;

	if (len < 2 || p[0] != 0x1f || p[1] != 0x8b) {
		*cause = xstrdup("not gzip data");
		return -1;
	}
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		*cause = xstrdup("cannot start inflating");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)p;
	for (;;) {
		/* zlib counts in uInt; feed huge inputs in slices. */
		if (z.avail_in == 0 && len > 0) {
			z.avail_in = len > 0x40000000 ? 0x40000000 : (uInt)len;
			len -= z.avail_in;
		}
		buf_reserve(out, 65536);
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		rc = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		out->data[out->len] = '\0';
		if (out->len > max) {
			*cause = xstrdup("inflates to more than the limit");
			goto fail;
		}
		if (rc == Z_STREAM_END) {
			/* Another gzip member may follow; anything else may not. */
			if (z.avail_in == 0 && len == 0)
				break;
			if (z.avail_in < 2 || z.next_in[0] != 0x1f ||
			    z.next_in[1] != 0x8b) {
				*cause = xstrdup("trailing bytes after the gzip "
				    "data");
				goto fail;
			}
			if (inflateReset(&z) != Z_OK) {
				*cause = xstrdup("cannot restart inflating");
				goto fail;
			}
			continue;
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0 && len == 0) {
			*cause = xstrdup("truncated gzip data");
			goto fail;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			*cause = xasprintf("corrupt gzip data (%s)",
			    z.msg != NULL ? z.msg : "inflate failed");
			goto fail;
		}
	}
	inflateEnd(&z);
	return 0;
fail:
	inflateEnd(&z);
	return -1;
}

/* Hex to bytes; -1 on odd length or a non-hex character. */
static int
digest_unhex(const char *s, struct buf *out)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (n == 0 || n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		if ((hi = text_hex_value((unsigned char)s[i])) < 0 ||
		    (lo = text_hex_value((unsigned char)s[i + 1])) < 0)
			return -1;
		buf_addc(out, (char)(hi << 4 | lo));
	}
	return 0;
}

/* Base64 (whitespace ignored, '=' padding optional); -1 if invalid. */
static int
digest_unbase64(const char *s, size_t len, struct buf *out)
{
	uint32_t acc = 0;
	int bits = 0, v, pad = 0;
	size_t i;
	char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return -1;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return pad > 2 || bits >= 6 ? -1 : 0;
}

/* "2015-08-17T15:01:31Z" (what follows the seconds is not read); -1 when
 * unparsable. */
static time_t
digest_iso8601(const char *s)
{
	int64_t t;

	return isotime_parse(s, ISOTIME_PREFIX, &t) == 0 ? (time_t)t : -1;
}

/* --- digest files ------------------------------------------------------------ */

/* A string member: 1 and *out (NULL for JSON null) if present, else 0.
 * -1 for a member of another type. */
static int
digest_member(struct json_object *o, const char *key, char **out)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (v == NULL)
		return 1;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = xstrdup(json_object_get_string(v));
	return 1;
}

static int
digest_logs(struct json_object *o, struct digest_file *d, char **cause)
{
	struct json_object *a, *e;
	struct digest_log_file *l;
	char *newest, *oldest;
	size_t i, n;

	if (!json_object_object_get_ex(o, "logFiles", &a) || a == NULL)
		return 0;
	if (!json_object_is_type(a, json_type_array)) {
		*cause = xstrdup("logFiles is not an array");
		return -1;
	}
	n = json_object_array_length(a);
	if (n == 0)
		return 0;
	d->logs = xcalloc(n, sizeof *d->logs);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		l = &d->logs[d->nlogs++];
		if (e == NULL || !json_object_is_type(e, json_type_object) ||
		    digest_member(e, "s3Bucket", &l->bucket) != 1 ||
		    digest_member(e, "s3Object", &l->object) != 1 ||
		    digest_member(e, "hashValue", &l->hash_value) != 1 ||
		    l->bucket == NULL || l->object == NULL ||
		    l->hash_value == NULL ||
		    digest_member(e, "hashAlgorithm", &l->hash_algorithm) < 0) {
			*cause = xasprintf("logFiles[%zu] lacks s3Bucket, "
			    "s3Object or hashValue", i);
			return -1;
		}
		if (digest_member(e, "newestEventTime", &newest) == 1) {
			l->newest_event = digest_iso8601(newest);
			free(newest);
		}
		if (digest_member(e, "oldestEventTime", &oldest) == 1) {
			l->oldest_event = digest_iso8601(oldest);
			free(oldest);
		}
	}
	return 0;
}

void
digest_file_free(struct digest_file *d)
{
	size_t i;

	for (i = 0; i < d->nlogs; i++) {
		free(d->logs[i].bucket);
		free(d->logs[i].object);
		free(d->logs[i].hash_value);
		free(d->logs[i].hash_algorithm);
	}
	free(d->logs);
	free(d->account_id);
	free(d->start_time);
	free(d->end_time);
	free(d->bucket);
	free(d->object);
	free(d->fingerprint);
	free(d->signature_algorithm);
	free(d->prev_bucket);
	free(d->prev_object);
	free(d->prev_signature);
	free(d->prev_hash_value);
	free(d->prev_hash_algorithm);
	memset(d, 0, sizeof *d);
}

int
digest_parse(const void *data, size_t len, struct digest_file *d,
    char **cause)
{
	/* aws-cli's required keys: a digest without them is not checked. */
	static const struct {
		const char	*key;
		size_t		 off;
		bool		 nullable;
	} fields[] = {
		{ "digestPublicKeyFingerprint",
		  offsetof(struct digest_file, fingerprint), false },
		{ "digestS3Bucket", offsetof(struct digest_file, bucket), false },
		{ "digestS3Object", offsetof(struct digest_file, object), false },
		{ "previousDigestSignature",
		  offsetof(struct digest_file, prev_signature), true },
		{ "digestEndTime", offsetof(struct digest_file, end_time), false },
		{ "digestStartTime",
		  offsetof(struct digest_file, start_time), false },
	};
	static const struct {
		const char	*key;
		size_t		 off;
	} optional[] = {
		{ "awsAccountId", offsetof(struct digest_file, account_id) },
		{ "digestSignatureAlgorithm",
		  offsetof(struct digest_file, signature_algorithm) },
		{ "previousDigestS3Bucket",
		  offsetof(struct digest_file, prev_bucket) },
		{ "previousDigestS3Object",
		  offsetof(struct digest_file, prev_object) },
		{ "previousDigestHashValue",
		  offsetof(struct digest_file, prev_hash_value) },
		{ "previousDigestHashAlgorithm",
		  offsetof(struct digest_file, prev_hash_algorithm) },
	};
	const unsigned char *p = data;
	struct json_tokener *tok;
	struct json_object *o;
	struct buf b = { 0 };
	const char *text;
	size_t n, i;
	char **slot;
	int rc = -1;

	memset(d, 0, sizeof *d);
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		if (digest_gunzip(data, len, &b, DIGEST_MAX_INFLATED,
		    cause) != 0) {
			buf_free(&b);
			return -1;
		}
		text = b.data;
		n = b.len;
	} else {
		text = data;
		n = len;
	}
	if (n > DIGEST_MAX_INFLATED) {
		*cause = xstrdup("too large");
		buf_free(&b);
		return -1;
	}
	hash_sha256_hex(text != NULL ? text : "", n, d->sha256);
	tok = json_tokener_new();
	o = n > 0 ? json_tokener_parse_ex(tok, text, (int)n) : NULL;
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    json_tokener_get_parse_end(tok) != n) {
		*cause = xstrdup("not a JSON object");
		goto out;
	}
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		slot = (char **)(void *)((char *)d + fields[i].off);
		if (digest_member(o, fields[i].key, slot) != 1 ||
		    (*slot == NULL && !fields[i].nullable)) {
			*cause = xasprintf("no %s", fields[i].key);
			goto out;
		}
	}
	for (i = 0; i < sizeof optional / sizeof optional[0]; i++) {
		slot = (char **)(void *)((char *)d + optional[i].off);
		if (digest_member(o, optional[i].key, slot) < 0) {
			*cause = xasprintf("%s is not a string",
			    optional[i].key);
			goto out;
		}
	}
	d->start = digest_iso8601(d->start_time);
	d->end = digest_iso8601(d->end_time);
	if (d->start == -1 || d->end == -1) {
		*cause = xstrdup("digestStartTime or digestEndTime does not "
		    "parse");
		goto out;
	}
	rc = digest_logs(o, d, cause);
out:
	json_object_put(o);
	json_tokener_free(tok);
	buf_free(&b);
	if (rc != 0) {
		/* Keep the hash: a caller may still report it. */
		char sha[sizeof d->sha256];

		memcpy(sha, d->sha256, sizeof sha);
		digest_file_free(d);
		memcpy(d->sha256, sha, sizeof sha);
	}
	return rc;
}

char *
digest_data_to_sign(const struct digest_file *d)
{
	/* aws-cli: "null" for the first digest, to match the Java signer. */
	return xasprintf("%s\n%s/%s\n%s\n%s", d->end_time, d->bucket,
	    d->object, d->sha256,
	    d->prev_signature != NULL ? d->prev_signature : "null");
}

/* --- public keys --------------------------------------------------------------- */

struct digest_key {
	EVP_PKEY	*pkey;
	char		 fingerprint[33];
};

struct digest_keys {
	struct digest_key	*v;
	size_t			 n;
};

struct digest_keys *
digest_keys_new(void)
{
	return xcalloc(1, sizeof(struct digest_keys));
}

void
digest_keys_free(struct digest_keys *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n; i++)
		EVP_PKEY_free(ks->v[i].pkey);
	free(ks->v);
	free(ks);
}

size_t
digest_keys_count(const struct digest_keys *ks)
{
	return ks->n;
}

const char *
digest_keys_fingerprint(const struct digest_keys *ks, size_t n)
{
	return n < ks->n ? ks->v[n].fingerprint : NULL;
}

int
digest_keys_add_der(struct digest_keys *ks, const void *der, size_t len,
    char **cause)
{
	const unsigned char *p = der;
	unsigned char *pkcs1 = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_PKEY *pkey;
	struct digest_key *k;
	int n;

	if (len == 0 || len > DIGEST_MAX_KEYFILE) {
		*cause = xstrdup("not a DER public key");
		return -1;
	}
	/* PKCS#1 RSAPublicKey, as ListPublicKeys sends, else an SPKI. */
	pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (pkey == NULL || p != (const unsigned char *)der + len) {
		EVP_PKEY_free(pkey);
		p = der;
		pkey = d2i_PUBKEY(NULL, &p, (long)len);
		if (pkey != NULL && (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA ||
		    p != (const unsigned char *)der + len)) {
			EVP_PKEY_free(pkey);
			pkey = NULL;
		}
	}
	if (pkey == NULL) {
		ERR_clear_error();
		*cause = xstrdup("not an RSA public key (PKCS#1 or "
		    "SubjectPublicKeyInfo DER)");
		return -1;
	}
	/* The fingerprint CloudTrail names: MD5 of the PKCS#1 DER. */
	n = i2d_PublicKey(pkey, &pkcs1);
	if (n <= 0 || EVP_Digest(pkcs1, (size_t)n, md, &mdlen, EVP_md5(),
	    NULL) != 1 || mdlen != 16) {
		OPENSSL_free(pkcs1);
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		*cause = xstrdup("cannot compute the key's fingerprint");
		return -1;
	}
	OPENSSL_free(pkcs1);
	ks->v = xreallocarray(ks->v, ks->n + 1, sizeof *ks->v);
	k = &ks->v[ks->n++];
	k->pkey = pkey;
	hash_hex(md, 16, k->fingerprint);
	return 0;
}

int
digest_keys_add_base64(struct digest_keys *ks, const char *s, char **cause)
{
	struct buf b = { 0 };
	int rc;

	if (s == NULL || digest_unbase64(s, strlen(s), &b) != 0) {
		*cause = xstrdup("public key is not base64");
		buf_free(&b);
		return -1;
	}
	rc = digest_keys_add_der(ks, b.data, b.len, cause);
	buf_free(&b);
	return rc;
}

/* Every "-----BEGIN ...-----" block's base64 body. */
static int
digest_keys_pem(struct digest_keys *ks, const char *text, char **cause)
{
	const char *p = text, *body, *end;
	struct buf b;
	int added = 0;

	while ((p = strstr(p, "-----BEGIN ")) != NULL) {
		if ((body = strstr(p + 11, "-----")) == NULL)
			break;
		body += 5;
		if ((end = strstr(body, "-----END ")) == NULL)
			break;
		memset(&b, 0, sizeof b);
		if (digest_unbase64(body, (size_t)(end - body), &b) != 0 ||
		    digest_keys_add_der(ks, b.data, b.len, cause) != 0) {
			if (*cause == NULL)
				*cause = xstrdup("PEM block is not base64");
			buf_free(&b);
			return -1;
		}
		buf_free(&b);
		added++;
		p = end + 9;
	}
	if (added == 0) {
		*cause = xstrdup("no PEM public key");
		return -1;
	}
	return 0;
}

/* `aws cloudtrail list-public-keys` output. */
static int
digest_keys_json(struct digest_keys *ks, const char *text, size_t len,
    char **cause)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o, *a, *e, *v;
	size_t i, n = 0;
	int rc = -1;

	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o == NULL || !json_object_object_get_ex(o, "PublicKeyList", &a) ||
	    a == NULL || !json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) == 0) {
		*cause = xstrdup("JSON without a PublicKeyList");
		goto out;
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		if (e == NULL || !json_object_object_get_ex(e, "Value", &v) ||
		    v == NULL || !json_object_is_type(v, json_type_string)) {
			*cause = xasprintf("PublicKeyList[%zu] has no Value", i);
			goto out;
		}
		if (digest_keys_add_base64(ks, json_object_get_string(v),
		    cause) != 0)
			goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

int
digest_keys_load_file(struct digest_keys *ks, const char *path, char **cause)
{
	struct buf b = { 0 };
	const char *p;
	char *why = NULL;
	int rc;

	if (buf_read_file(&b, path, DIGEST_MAX_KEYFILE) != 0) {
		*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (b.len == 0) {
		*cause = xasprintf("%s is empty", path);
		buf_free(&b);
		return -1;
	}
	for (p = b.data; p < b.data + b.len && isspace((unsigned char)*p); p++)
		;
	if (memmem(b.data, b.len, "-----BEGIN ", 11) != NULL)
		rc = digest_keys_pem(ks, b.data, &why);
	else if (p < b.data + b.len && *p == '{')
		rc = digest_keys_json(ks, b.data, b.len, &why);
	else {
		/* DER starts with a SEQUENCE (0x30), which is also '0'. */
		rc = (unsigned char)b.data[0] == 0x30 ?
		    digest_keys_add_der(ks, b.data, b.len, &why) : -1;
		if (rc != 0 && strlen(b.data) == b.len) {
			free(why);
			why = NULL;
			rc = digest_keys_add_base64(ks, b.data, &why);
		}
		if (rc != 0 && why == NULL)
			why = xstrdup("not a public key");
	}
	if (rc != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
	}
	buf_free(&b);
	return rc;
}

static const struct digest_key *
digest_keys_find(const struct digest_keys *ks, const char *fingerprint)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		if (strcasecmp(ks->v[i].fingerprint, fingerprint) == 0)
			return &ks->v[i];
	}
	return NULL;
}

/* --- verification -------------------------------------------------------------- */

/* The location a digest claims against where it was found. */
static bool
digest_in_place(const struct digest_file *d, const char *bucket,
    const char *key)
{
	size_t n;

	if (bucket != NULL)
		return strcmp(d->bucket, bucket) == 0 &&
		    strcmp(d->object, key) == 0;
	/* A local copy: the object's key, or BUCKET/key. */
	if (strcmp(d->object, key) == 0)
		return true;
	n = strlen(d->bucket);
	return strncmp(key, d->bucket, n) == 0 && key[n] == '/' &&
	    strcmp(key + n + 1, d->object) == 0;
}

static bool
digest_rsa_verify(EVP_PKEY *pkey, const char *tbs, const struct buf *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_DigestVerify(ctx, (const unsigned char *)sig->data, sig->len,
	    (const unsigned char *)tbs, strlen(tbs)) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

enum digest_verdict
digest_verify(const void *data, size_t len, const char *bucket,
    const char *key, const char *signature, const char *algorithm,
    const struct digest_keys *ks, struct digest_file *d, char **reason)
{
	const struct digest_key *k;
	struct buf sig = { 0 };
	char *cause = NULL, *tbs;
	bool ok;

	*reason = NULL;
	if (digest_parse(data, len, d, &cause) != 0) {
		*reason = xasprintf("invalid format: %s", cause);
		free(cause);
		return DIGEST_BAD_FORMAT;
	}
	if (!digest_in_place(d, bucket, key)) {
		*reason = xasprintf("moved from its original location "
		    "s3://%s/%s", d->bucket, d->object);
		return DIGEST_MODIFIED;
	}
	if (signature == NULL || *signature == '\0') {
		*reason = xstrdup("no signature (S3 metadata "
		    "x-amz-meta-signature; for a local copy, a NAME.sig file)");
		return DIGEST_BAD_FORMAT;
	}
	if ((algorithm != NULL && strcasecmp(algorithm, DIGEST_ALGORITHM) != 0) ||
	    (d->signature_algorithm != NULL &&
	    strcasecmp(d->signature_algorithm, DIGEST_ALGORITHM) != 0)) {
		*reason = xasprintf("unsupported signature algorithm %s",
		    algorithm != NULL && strcasecmp(algorithm,
		    DIGEST_ALGORITHM) != 0 ? algorithm :
		    d->signature_algorithm);
		return DIGEST_BAD_FORMAT;
	}
	if ((k = digest_keys_find(ks, d->fingerprint)) == NULL) {
		*reason = xasprintf("no public key with fingerprint %s",
		    d->fingerprint);
		return DIGEST_UNKNOWN_KEY;
	}
	if (digest_unhex(signature, &sig) != 0) {
		buf_free(&sig);
		*reason = xstrdup("signature is not hex");
		return DIGEST_MODIFIED;
	}
	tbs = digest_data_to_sign(d);
	ok = digest_rsa_verify(k->pkey, tbs, &sig);
	free(tbs);
	buf_free(&sig);
	if (!ok) {
		*reason = xstrdup("signature does not verify");
		return DIGEST_MODIFIED;
	}
	return DIGEST_VALID;
}

enum digest_verdict
digest_check_log(const void *data, size_t len,
    const struct digest_log_file *l, char **reason)
{
	struct buf b = { 0 };
	char hex[HASH_SHA256_HEX_LEN + 1], *cause = NULL;

	*reason = NULL;
	if (l->hash_algorithm != NULL &&
	    strcasecmp(l->hash_algorithm, "SHA-256") != 0) {
		*reason = xasprintf("unsupported hash algorithm %s",
		    l->hash_algorithm);
		return DIGEST_BAD_FORMAT;
	}
	/* The hash is over the uncompressed log, as aws-cli checks it.  An
	 * HTTP client may have inflated it already (Content-Encoding). */
	if (len >= 2 && ((const unsigned char *)data)[0] == 0x1f &&
	    ((const unsigned char *)data)[1] == 0x8b) {
		if (digest_gunzip(data, len, &b, DIGEST_MAX_INFLATED,
		    &cause) != 0) {
			*reason = xasprintf("invalid format: %s", cause);
			free(cause);
			buf_free(&b);
			return DIGEST_BAD_FORMAT;
		}
		hash_sha256_hex(b.data != NULL ? b.data : "", b.len, hex);
		buf_free(&b);
	} else
		hash_sha256_hex(len > 0 ? data : "", len, hex);
	if (strcasecmp(hex, l->hash_value) != 0) {
		*reason = xstrdup("hash value does not match");
		return DIGEST_MODIFIED;
	}
	return DIGEST_VALID;
}

/* --- the chain ------------------------------------------------------------------ */

time_t
digest_key_time(const char *key)
{
	static const char suffix[] = "Z.json.gz";
	size_t n = key != NULL ? strlen(key) : 0;
	int64_t t;

	/* ..._YYYYMMDDTHHMMSSZ.json.gz */
	if (n < 25 || strcmp(key + n - 9, suffix) != 0 || key[n - 25] != '_' ||
	    isotime_parse_basic(key + n - 24, &t) != 0)
		return -1;
	return (time_t)t;
}

struct digest_sorted {
	const char	*bucket;
	const char	*key;
	time_t		 time;
};

static int
digest_sorted_cmp(const void *a, const void *b)
{
	const struct digest_sorted *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->key, y->key);
}

struct digest_walker {
	const struct digest_walk	*w;
	struct digest_counts		*counts;
	struct digest_sorted		*refs;
	size_t				 n;
};

static void
digest_emit(struct digest_walker *dw, enum digest_report_kind kind,
    enum digest_verdict v, const char *bucket, const char *key,
    const char *reason, time_t start, time_t end)
{
	struct digest_report r;

	if (dw->w->report == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.verdict = v;
	r.bucket = bucket;
	r.key = key;
	r.reason = reason;
	r.start = start;
	r.end = end;
	dw->w->report(&r, dw->w->report_arg);
}

static void
digest_object_free(struct digest_object *o)
{
	free(o->data);
	free(o->signature);
	free(o->algorithm);
	memset(o, 0, sizeof *o);
}

/* The newest listed digest strictly older than t, or NULL. */
static const struct digest_sorted *
digest_older(const struct digest_walker *dw, time_t t)
{
	size_t i;

	for (i = dw->n; i > 0; i--) {
		if (dw->refs[i - 1].time < t)
			return &dw->refs[i - 1];
	}
	return NULL;
}

static void
digest_walk_logs(struct digest_walker *dw, const struct digest_file *d)
{
	const struct digest_walk *w = dw->w;
	struct digest_object obj;
	enum digest_fetch_result fr;
	enum digest_verdict v;
	char *cause, *reason;
	size_t i;

	for (i = 0; i < d->nlogs; i++) {
		const struct digest_log_file *l = &d->logs[i];

		memset(&obj, 0, sizeof obj);
		cause = reason = NULL;
		fr = w->fetch(l->bucket, l->object, false, &obj, &cause,
		    w->fetch_arg);
		if (fr == DIGEST_FETCH_OK)
			v = digest_check_log(obj.data, obj.len, l, &reason);
		else if (fr == DIGEST_FETCH_NOT_FOUND) {
			v = DIGEST_MISSING;
			reason = xstrdup("not found");
		} else {
			v = DIGEST_ERROR;
			reason = xasprintf("cannot fetch: %s",
			    cause != NULL ? cause : "unknown error");
			dw->counts->errors++;
		}
		if (v == DIGEST_VALID)
			dw->counts->logs_valid++;
		else
			dw->counts->logs_invalid++;
		digest_emit(dw, DIGEST_REPORT_LOG, v, l->bucket, l->object,
		    reason, l->oldest_event, l->newest_event);
		free(cause);
		free(reason);
		digest_object_free(&obj);
	}
}

/* What the newer digest said about the one it links to. */
struct digest_expect {
	char	*signature;	/* NULL: nothing to check */
	char	*hash;
};

static void
digest_expect_free(struct digest_expect *e)
{
	free(e->signature);
	free(e->hash);
	memset(e, 0, sizeof *e);
}

void
digest_walk(const struct digest_walk *w, const struct digest_ref *in,
    size_t n, struct digest_counts *counts)
{
	struct digest_walker dw;
	struct digest_expect expect = { 0 };
	struct digest_object obj;
	struct digest_file d;
	const struct digest_sorted *next;
	enum digest_fetch_result fr;
	enum digest_verdict v;
	char *bucket = NULL, *key = NULL, *cause, *reason;
	time_t t, last;
	size_t i, steps = 0;

	memset(counts, 0, sizeof *counts);
	memset(&dw, 0, sizeof dw);
	dw.w = w;
	dw.counts = counts;
	dw.refs = xcalloc(n + 1, sizeof *dw.refs);
	for (i = 0; i < n; i++) {
		/* Names without a time (backfill digests) are not in the
		 * chain. */
		if ((t = digest_key_time(in[i].key)) == -1)
			continue;
		dw.refs[dw.n].bucket = in[i].bucket;
		dw.refs[dw.n].key = in[i].key;
		dw.refs[dw.n].time = t;
		dw.n++;
	}
	if (dw.n > 1)
		qsort(dw.refs, dw.n, sizeof *dw.refs, digest_sorted_cmp);
	if (dw.n > 0) {
		bucket = dw.refs[dw.n - 1].bucket != NULL ?
		    xstrdup(dw.refs[dw.n - 1].bucket) : NULL;
		key = xstrdup(dw.refs[dw.n - 1].key);
	}
	while (key != NULL) {
		/* Links only go back in time; this bounds any cycle. */
		if (++steps > dw.n + 1000000)
			break;
		t = digest_key_time(key);
		memset(&obj, 0, sizeof obj);
		memset(&d, 0, sizeof d);
		cause = reason = NULL;
		fr = w->fetch(bucket, key, true, &obj, &cause, w->fetch_arg);
		if (fr == DIGEST_FETCH_NOT_FOUND) {
			v = DIGEST_MISSING;
			reason = xstrdup(expect.signature != NULL ||
			    expect.hash != NULL ? "not found (the next digest "
			    "links to it)" : "not found");
		} else if (fr == DIGEST_FETCH_ERROR) {
			v = DIGEST_ERROR;
			reason = xasprintf("cannot fetch: %s",
			    cause != NULL ? cause : "unknown error");
			counts->errors++;
		} else {
			v = digest_verify(obj.data, obj.len, bucket, key,
			    obj.signature, obj.algorithm, w->keys, &d, &reason);
			if (v == DIGEST_VALID && expect.signature != NULL &&
			    strcasecmp(expect.signature, obj.signature) != 0) {
				v = DIGEST_MODIFIED;
				reason = xstrdup("signature is not the one the "
				    "next digest recorded");
			} else if (v == DIGEST_VALID && expect.hash != NULL &&
			    strcasecmp(expect.hash, d.sha256) != 0) {
				v = DIGEST_MODIFIED;
				reason = xstrdup("hash is not the one the next "
				    "digest recorded");
			}
		}
		if (v == DIGEST_VALID)
			counts->digests_valid++;
		else
			counts->digests_invalid++;
		digest_emit(&dw, DIGEST_REPORT_DIGEST, v, bucket, key, reason,
		    d.bucket != NULL ? d.start : 0, d.bucket != NULL ? d.end :
		    (t != -1 ? t : 0));
		free(cause);
		free(reason);
		digest_object_free(&obj);
		digest_expect_free(&expect);
		if (v == DIGEST_VALID)
			digest_walk_logs(&dw, &d);

		/* Where to go next. */
		last = d.bucket != NULL ? d.start : t;
		if (t == -1 && d.bucket != NULL)
			t = d.end;
		free(key);
		free(bucket);
		key = bucket = NULL;
		if (w->start != 0 && last != -1 && last < w->start) {
			digest_file_free(&d);
			break;
		}
		if (v == DIGEST_VALID && d.prev_object != NULL &&
		    d.prev_bucket != NULL &&
		    digest_key_time(d.prev_object) != -1 &&
		    digest_key_time(d.prev_object) < t) {
			bucket = xstrdup(d.prev_bucket);
			key = xstrdup(d.prev_object);
			expect.signature = d.prev_signature != NULL ?
			    xstrdup(d.prev_signature) : NULL;
			expect.hash = d.prev_hash_value != NULL ?
			    xstrdup(d.prev_hash_value) : NULL;
		} else if (t != -1 && (next = digest_older(&dw, t)) != NULL) {
			/* A valid digest without a link starts a chain: the
			 * trail was off in between. */
			if (v == DIGEST_VALID)
				digest_emit(&dw, DIGEST_REPORT_GAP, v,
				    next->bucket, next->key, NULL, next->time,
				    d.start);
			bucket = next->bucket != NULL ? xstrdup(next->bucket) :
			    NULL;
			key = xstrdup(next->key);
		}
		digest_file_free(&d);
	}
	free(key);
	free(bucket);
	digest_expect_free(&expect);
	free(dw.refs);
}
