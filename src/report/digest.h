/* CloudTrail log file integrity validation: what `aws cloudtrail
 * validate-logs` does, over in-memory objects.
 *
 * Every hour CloudTrail writes a digest file (gzipped JSON) listing the
 * log files it delivered with the SHA-256 of each one's uncompressed
 * bytes, and the signature of the previous digest.  The digest's own
 * signature is in its S3 metadata (x-amz-meta-signature, hex): RSA
 * PKCS#1 v1.5 with SHA-256 over the "data to sign"
 *
 *	digestEndTime "\n" digestS3Bucket "/" digestS3Object "\n"
 *	hex(SHA-256(uncompressed digest)) "\n" previousDigestSignature
 *
 * with "null" for the first digest of a chain.  The public keys come
 * from CloudTrail's ListPublicKeys (DER, PKCS#1); a key's fingerprint,
 * which each digest names, is the hex MD5 of that DER.
 *
 * digest_walk() walks the chain from the newest digest backwards through
 * the previousDigest* links, fetching objects through a callback so that
 * the same code validates a local copy or the bucket itself.
 *
 * Ownership: structs filled here own their strings and are released by
 * their _free function; reports given to callbacks are borrowed for the
 * call. */
#ifndef S3W_DIGEST_H
#define S3W_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

/* Larger objects are refused: digests are kilobytes, logs megabytes. */
#define DIGEST_MAX_INFLATED	((size_t)512 << 20)

enum digest_verdict {
	DIGEST_VALID,
	DIGEST_MISSING,		/* not found where expected */
	DIGEST_MODIFIED,	/* hash or signature mismatch, or moved */
	DIGEST_UNKNOWN_KEY,	/* no public key has the digest's fingerprint */
	DIGEST_BAD_FORMAT,	/* not gzip, not JSON, fields missing */
	DIGEST_ERROR,		/* could not be fetched (not a verdict) */
};

/* "valid", "MISSING", "MODIFIED", "UNKNOWN KEY", "INVALID FORMAT",
 * "ERROR". */
const char	*digest_verdict_name(enum digest_verdict);

struct digest_log_file {
	char	*bucket;
	char	*object;
	char	*hash_value;		/* hex, lower case as CloudTrail writes */
	char	*hash_algorithm;	/* "SHA-256" */
	time_t	 newest_event;
	time_t	 oldest_event;
};

struct digest_file {
	char			*account_id;
	char			*start_time;	/* as written, e.g. 2015-08-17T14:01:31Z */
	char			*end_time;	/* as written: it is signed */
	time_t			 start;
	time_t			 end;
	char			*bucket;	/* digestS3Bucket */
	char			*object;	/* digestS3Object */
	char			*fingerprint;	/* digestPublicKeyFingerprint */
	char			*signature_algorithm;
	/* NULL for the first digest after logging (re)started. */
	char			*prev_bucket;
	char			*prev_object;
	char			*prev_signature;	/* NULL for JSON null */
	char			*prev_hash_value;
	char			*prev_hash_algorithm;
	struct digest_log_file	*logs;
	size_t			 nlogs;
	char			 sha256[65];	/* hex of the uncompressed bytes */
};

/* gunzip (every member); -1 with *cause if the bytes are not gzip or
 * inflate to more than max. */
int		 digest_gunzip(const void *, size_t, struct buf *out, size_t max,
		    char **cause);
/* Parses a digest file, gzipped or already inflated.  0, or -1 with
 * *cause (the file is then DIGEST_BAD_FORMAT). */
int		 digest_parse(const void *, size_t, struct digest_file *,
		    char **cause);
void		 digest_file_free(struct digest_file *);
/* The signed string; caller frees. */
char		*digest_data_to_sign(const struct digest_file *);

/* --- public keys ----------------------------------------------------------- */

struct digest_keys;

struct digest_keys *digest_keys_new(void);
void		 digest_keys_free(struct digest_keys *);
size_t		 digest_keys_count(const struct digest_keys *);
/* An RSA public key as PKCS#1 RSAPublicKey or SubjectPublicKeyInfo DER. */
int		 digest_keys_add_der(struct digest_keys *, const void *, size_t,
		    char **cause);
/* Base64 of the DER, as ListPublicKeys' Value. */
int		 digest_keys_add_base64(struct digest_keys *, const char *,
		    char **cause);
/* A file: PEM ("PUBLIC KEY" or "RSA PUBLIC KEY"), DER, base64 DER, or the
 * JSON of `aws cloudtrail list-public-keys` (every key in it). */
int		 digest_keys_load_file(struct digest_keys *, const char *path,
		    char **cause);
/* The fingerprint of the n-th key (hex MD5 of its PKCS#1 DER). */
const char	*digest_keys_fingerprint(const struct digest_keys *, size_t n);

/* --- pure checks ----------------------------------------------------------- */

/* Verifies one digest object fetched from bucket/key (bucket NULL: a
 * local copy, where key may also be "BUCKET/OBJECT").  signature is the
 * hex x-amz-meta-signature, algorithm its x-amz-meta-signature-algorithm
 * (NULL: SHA256withRSA).  *out is filled whenever the file parses, even
 * when it does not verify; *reason is set unless DIGEST_VALID. */
enum digest_verdict digest_verify(const void *data, size_t len,
		    const char *bucket, const char *key, const char *signature,
		    const char *algorithm, const struct digest_keys *,
		    struct digest_file *out, char **reason);
/* Checks a log file's bytes against its entry: gzipped as stored, or
 * already inflated (an HTTP client honouring Content-Encoding). */
enum digest_verdict digest_check_log(const void *data, size_t len,
		    const struct digest_log_file *, char **reason);

/* --- the chain ------------------------------------------------------------- */

enum digest_fetch_result {
	DIGEST_FETCH_OK,
	DIGEST_FETCH_NOT_FOUND,
	DIGEST_FETCH_ERROR,		/* *cause says why */
};

/* A fetched object: the callback fills it with allocated memory, which
 * the walker frees.  signature and algorithm are the S3 metadata, for
 * digests only (want_signature). */
struct digest_object {
	char	*data;
	size_t	 len;
	char	*signature;
	char	*algorithm;
};

typedef enum digest_fetch_result (*digest_fetch_fn)(const char *bucket,
		    const char *key, bool want_signature,
		    struct digest_object *out, char **cause, void *arg);

enum digest_report_kind {
	DIGEST_REPORT_DIGEST,
	DIGEST_REPORT_LOG,
	DIGEST_REPORT_GAP,	/* no digests between end and start: logging
				 * was off (informational, not invalid) */
};

struct digest_report {
	enum digest_report_kind	 kind;
	enum digest_verdict	 verdict;
	const char		*bucket;	/* NULL for a local copy */
	const char		*key;
	const char		*reason;	/* NULL when valid */
	time_t			 start;		/* digest range, or the gap */
	time_t			 end;
};

typedef void (*digest_report_fn)(const struct digest_report *, void *arg);

/* A digest known to exist (a listing, a directory scan). */
struct digest_ref {
	const char	*bucket;	/* NULL for a local copy */
	const char	*key;
};

struct digest_walk {
	const struct digest_keys	*keys;
	digest_fetch_fn			 fetch;
	void				*fetch_arg;
	digest_report_fn		 report;
	void				*report_arg;
	time_t				 start;	/* stop before digests older
						 * than this (0: walk it all) */
};

struct digest_counts {
	size_t	digests_valid;
	size_t	digests_invalid;
	size_t	logs_valid;
	size_t	logs_invalid;
	size_t	errors;		/* fetch errors (also counted invalid) */
};

/* The digest's end time from its object name (..._20150817T150131Z.json.gz),
 * or -1: names sort the chain, as in aws-cli. */
time_t		 digest_key_time(const char *key);
/* Walks the chain starting from the newest of refs (sorted here by the
 * time in their names; refs without one are left out), reporting every digest and log file.  A digest
 * that is missing or does not verify is reported and the walk goes on
 * from the next older digest in refs. */
void		 digest_walk(const struct digest_walk *,
		    const struct digest_ref *refs, size_t n,
		    struct digest_counts *);

#endif
