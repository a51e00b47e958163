/* Digest helpers over OpenSSL: SHA-1/SHA-256 and HMAC-SHA256, hex output. */
#ifndef S3W_HASH_H
#define S3W_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_LEN		32
#define HASH_SHA256_HEX_LEN	64

void	hash_sha256(const void *, size_t, unsigned char out[HASH_SHA256_LEN]);
/* out holds 65 bytes: 64 lowercase hex digits and a NUL. */
void	hash_sha256_hex(const void *, size_t, char out[HASH_SHA256_HEX_LEN + 1]);
void	hash_sha1_hex(const void *, size_t, char out[41]);
void	hash_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char out[HASH_SHA256_LEN]);
void	hash_hex(const unsigned char *, size_t, char *out);
/* A fast 64-bit hash for tables and dedupe sets (not cryptographic):
 * FNV-1a with a final avalanche. */
uint64_t hash64(const void *, size_t);
/* The same with a seed in FNV's starting state, for tables whose keys
 * come from outside: without the seed, their layout can't be guessed.
 * hash64_seeded(0, ...) is hash64(). */
uint64_t hash64_seeded(uint64_t seed, const void *, size_t);

#endif
