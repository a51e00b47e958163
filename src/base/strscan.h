/* The JSON string scanner: the first '"', '\\' or control character
 * (below 0x20) at or after p, or end, where a string ends or needs a
 * closer look.  16 bytes at a time with SSE2, 8 with SWAR elsewhere, the
 * rest byte by byte; only bytes inside [p, end) are ever read.  The
 * event reader (evjson.c) and the FilterLogEvents page reader
 * (svc_logs.c) share it; inline, since it is their inner loop.  The
 * variants are all here so that a test can compare them. */
#ifndef S3W_STRSCAN_H
#define S3W_STRSCAN_H

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static inline const char *
strscan_json_bytes(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
		p++;
	return p;
}

static inline const char *
strscan_json_swar(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t w, x, y;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		x = w ^ (ones * '"');
		y = w ^ (ones * '\\');
		/* a zero byte in x or y, or a byte below 0x20 in w */
		if ((((x - ones) & ~x) | ((y - ones) & ~y) |
		    ((w - ones * 0x20) & ~w)) & high)
			break;
		p += 8;
	}
	return strscan_json_bytes(p, end);
}

#ifdef __SSE2__
static inline const char *
strscan_json_sse2(const char *p, const char *end)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1f);
	__m128i v, m;
	unsigned mask;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)),
		    _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
		if ((mask = (unsigned)_mm_movemask_epi8(m)) != 0)
			return p + __builtin_ctz(mask);
		p += 16;
	}
	return strscan_json_bytes(p, end);
}
#endif

static inline const char *
strscan_json(const char *p, const char *end)
{
#ifdef __SSE2__
	return strscan_json_sse2(p, end);
#else
	return strscan_json_swar(p, end);
#endif
}

#endif
