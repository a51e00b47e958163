/* libFuzzer harness: digest files, gzip, public keys and the chain walker
 * never crash on any bytes.
 *
 * The input is split at "\n--\n" into objects: the first is the newest
 * digest, and each fetch the walker makes is answered with the next
 * object (or "not found" once they run out).  Digests that parse are
 * signed here with a fixed test key (fingerprint
 * 9d987ff2f77f798ecd0f35b59f6b6c32), so that the walker gets past the
 * signature to the log files and the links. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "digest.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* AWS's documented example key (list-public-keys). */
static const char aws_key[] = "MIIBCgKCAQEAlSS3cl92HDycr/MTj0moOhas8habjr"
    "raXw+KzlWF0axSI2tcF+3iJ9BKQAVSKxGwxwu3m0wG3J+kUl1xboEcEPHYoIYMbgfSw7"
    "KGnuDKwkLzsQWhUJ0cIbOHASox1vv/5fNXkrHhGbDCHeVXm804c83nvHUEFYThr1PfyP"
    "/8HwrCtR3FX5OANtQCP61C1nJtSSkC8JSQUOrIP4CuwJjc+4WGDk+BGH5m9iuiAKkipE"
    "HWmUl8/P7XpfpWQuk4h8g3pXZOrNXr08lbh4d39svj7UqdhvOXoBISp9t/EXYuePGEtB"
    "drKD9Dz+VHwyUPtBQvYr9BnkF88qBnaPNhS44rzwIDAQAB";

/* A throwaway 1024-bit key made for this harness; it signs nothing else. */
static const char test_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAMTjZVed5OsUNgJO\n"
    "wExDf7ycZnTya7HcWB5ZPvGe5gnZB7Q3DmcSriSyGKIuFR+Kbumj49AADPttVBSY\n"
    "hmE5pSx/9r613ghMKrMkfPb0eDL2ns8G7oGWb97iakWq0JZCkW6uxc8lV9P2yQsa\n"
    "LrmsNlNA1e4z9MKwMfus+UYEtNm9AgMBAAECgYBDeBEwVyEtFX30iHwJJlBNl+Lc\n"
    "TH5vMqzXqYmSTvtRgJfNP9ilpZcbaBRc7yG57zxWwBy/GGVae3qGnEXgZ1qcLN1+\n"
    "1sR7cgVmaiJqxEzie5JVExMsVlSsQAShYXJGO/IkC7UTD8ShV8GkOCswAQo/HHOh\n"
    "q+rQNrFmJQjFnf0pwQJBAPLcxQkyc1AoT6FRFeFJ1IycrEwcHS5s+uenSUh+Z+dd\n"
    "0CojnBh851ycolgKtSwweMsEhQUX9oeguLY3o7nVekUCQQDPifaGfbuHwIr1W5AE\n"
    "+1xJ5jkxUtfuE1JE2HIc1hg3ftpjPpAaPb3LFkXD8tE5e47sEDfgOe0hUnF3k/wV\n"
    "51UZAkB4QS7jbfLBVySO6TqfUlKHybBbA3TDnzzh5eiYl9bVLpO7ueQ6D+bz6a9N\n"
    "TwgEuH+nbzZ6njH5WHD98TEF/JnNAkBNrvODJf8S8kRRUOOYqcnCs5VG3B6NM9hA\n"
    "gtA78PuBkk8GhP2FhQTMxtp4XSRpotE9lViE6snTBjwIqXDbdgrJAkEAvSxP2URM\n"
    "9CxHwoPWHB3AvWzWILs3VcfXYD4kKn3KrjuBYtLUyIqcvh1HByqpmwp8nRxtHfTJ\n"
    "+mavKiVxf35KwQ==\n"
    "-----END PRIVATE KEY-----\n";

static EVP_PKEY *signer;

/* The hex signature CloudTrail would have put in the metadata. */
static char *
sign_digest(const char *data, size_t len)
{
	struct digest_file d;
	EVP_MD_CTX *ctx;
	unsigned char sig[256];
	size_t siglen = sizeof sig, i;
	char *cause = NULL, *tbs, *hex;

	if (digest_parse(data, len, &d, &cause) != 0) {
		free(cause);
		digest_file_free(&d);
		return xstrdup("00ff");
	}
	tbs = digest_data_to_sign(&d);
	digest_file_free(&d);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    signer) != 1 || EVP_DigestSign(ctx, sig, &siglen,
	    (unsigned char *)tbs, strlen(tbs)) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	free(tbs);
	hex = xmalloc(siglen * 2 + 1);
	for (i = 0; i < siglen; i++)
		snprintf(hex + i * 2, 3, "%02x", sig[i]);
	return hex;
}

struct pieces {
	const char	*p[16];
	size_t		 len[16];
	size_t		 n;
	size_t		 next;
	int		 fetches;
};

static enum digest_fetch_result
fetch(const char *bucket, const char *key, bool want_sig,
    struct digest_object *out, char **cause, void *arg)
{
	struct pieces *ps = arg;
	size_t i;

	(void)bucket;
	/* Links only go back in time: the walk always ends. */
	if (key == NULL || ++ps->fetches > 4096)
		abort();
	if (ps->next >= ps->n)
		return (ps->fetches % 5) == 0 ? (*cause = xstrdup("fuzz"),
		    DIGEST_FETCH_ERROR) : DIGEST_FETCH_NOT_FOUND;
	i = ps->next++;
	out->data = xmalloc(ps->len[i] + 1);
	memcpy(out->data, ps->p[i], ps->len[i]);
	out->len = ps->len[i];
	if (want_sig) {
		out->signature = ps->len[i] % 11 == 5 ? xstrdup("zz") :
		    sign_digest(ps->p[i], ps->len[i]);
		out->algorithm = ps->len[i] % 13 == 7 ?
		    xstrdup("SHA1withRSA") : NULL;
	}
	return DIGEST_FETCH_OK;
}

static void
report(const struct digest_report *r, void *arg)
{
	(void)arg;
	if (r->key == NULL || (r->verdict != DIGEST_VALID && r->reason == NULL &&
	    r->kind != DIGEST_REPORT_GAP))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct digest_keys *ks;
	const char *text = (const char *)data, *p, *sep;
	struct digest_file d;
	struct digest_counts c;
	struct digest_walk w;
	struct digest_ref ref;
	struct pieces ps;
	struct buf b = { 0 };
	char *cause = NULL, *tbs;

	if (ks == NULL) {
		BIO *bio = BIO_new_mem_buf(test_key, -1);
		unsigned char *der = NULL;
		int n;

		signer = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (signer == NULL || (n = i2d_PublicKey(signer, &der)) <= 0)
			abort();
		ks = digest_keys_new();
		if (digest_keys_add_base64(ks, aws_key, &cause) != 0 ||
		    digest_keys_add_der(ks, der, (size_t)n, &cause) != 0 ||
		    strcmp(digest_keys_fingerprint(ks, 1),
		    "9d987ff2f77f798ecd0f35b59f6b6c32") != 0)
			abort();
		OPENSSL_free(der);
	}

	if (digest_parse(data, size, &d, &cause) == 0) {
		tbs = digest_data_to_sign(&d);
		free(tbs);
		if (strlen(d.sha256) != 64)
			abort();
	} else if (cause == NULL)
		abort();
	free(cause);
	cause = NULL;
	digest_file_free(&d);

	if (digest_gunzip(data, size, &b, 1 << 24, &cause) != 0 && cause == NULL)
		abort();
	free(cause);
	cause = NULL;
	buf_free(&b);

	/* Key material, in every accepted form. */
	{
		struct digest_keys *k2 = digest_keys_new();
		char *s = xmalloc(size + 1);

		memcpy(s, data, size);
		s[size] = '\0';
		(void)digest_keys_add_der(k2, data, size, &cause);
		free(cause);
		cause = NULL;
		(void)digest_keys_add_base64(k2, s, &cause);
		free(cause);
		cause = NULL;
		free(s);
		digest_keys_free(k2);
	}

	memset(&ps, 0, sizeof ps);
	for (p = text; p < text + size && ps.n < 16; ) {
		sep = memmem(p, (size_t)(text + size - p), "\n--\n", 4);
		ps.p[ps.n] = p;
		ps.len[ps.n] = sep != NULL ? (size_t)(sep - p) :
		    (size_t)(text + size - p);
		ps.n++;
		p = sep != NULL ? sep + 4 : text + size;
	}
	memset(&w, 0, sizeof w);
	w.keys = ks;
	w.fetch = fetch;
	w.fetch_arg = &ps;
	w.report = report;
	ref.bucket = size % 2 ? "b" : NULL;
	ref.key = "AWSLogs/1/CloudTrail-Digest/r/2024/05/01/"
	    "1_CloudTrail-Digest_r_t_r_20240501T010000Z.json.gz";
	digest_walk(&w, &ref, 1, &c);
	if (c.digests_valid + c.digests_invalid == 0 || c.errors >
	    c.digests_invalid + c.logs_invalid)
		abort();
	return 0;
}
