#include "config.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hash.h"
#include "xalloc.h"

static void
hash_digest(const EVP_MD *md, const void *p, size_t n, unsigned char *out)
{
	unsigned int len;

	if (EVP_Digest(p, n, out, &len, md, NULL) != 1)
		fatal("EVP_Digest failed");
}

void
hash_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
hash_sha256(const void *p, size_t n, unsigned char out[HASH_SHA256_LEN])
{
	hash_digest(EVP_sha256(), p, n, out);
}

void
hash_sha256_hex(const void *p, size_t n, char out[HASH_SHA256_HEX_LEN + 1])
{
	unsigned char md[HASH_SHA256_LEN];

	hash_sha256(p, n, md);
	hash_hex(md, sizeof md, out);
}

void
hash_sha1_hex(const void *p, size_t n, char out[41])
{
	unsigned char md[20];

	hash_digest(EVP_sha1(), p, n, md);
	hash_hex(md, sizeof md, out);
}

void
hash_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[HASH_SHA256_LEN])
{
	unsigned int len;

	if (HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len) == NULL)
		fatal("HMAC-SHA256 failed");
}

uint64_t
hash64(const void *data, size_t len)
{
	return hash64_seeded(0, data, len);
}

uint64_t
hash64_seeded(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	/* FNV alone mixes the last bytes poorly; murmur3's finaliser. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}
