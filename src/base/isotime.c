/* ISO-8601 times. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "isotime.h"

int64_t
isotime_from_civil(int year, int month, int day, int hour, int min, int sec)
{
	/* Days from 1970-01-01 (H. Hinnant's days_from_civil): years start
	 * in March, so the leap day ends one. */
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
	    day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}

/* n digits at s as a number, or -1. */
static int
isotime_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* The fields at s, in the order year, month, day, hour, minute, second,
 * at the offsets given; -1 when one is not digits or out of range. */
static int
isotime_fields(const char *s, const int off[6], int64_t *out)
{
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	static const int lo[6] = { 0, 1, 1, 0, 0, 0 };
	static const int hi[6] = { 9999, 12, 31, 23, 59, 60 };
	int v[6], i;

	for (i = 0; i < 6; i++) {
		if (off[i] < 0) {
			v[i] = 0;
			continue;
		}
		v[i] = isotime_digits(s + off[i], width[i]);
		if (v[i] < lo[i] || v[i] > hi[i])
			return -1;
	}
	*out = isotime_from_civil(v[0], v[1], v[2], v[3], v[4], v[5]);
	return 0;
}

/* "+hh:mm", or "+hhmm" when basic: the seconds to subtract. */
static int
isotime_offset(const char *s, bool basic, int64_t *off)
{
	int h, m;

	if (strlen(s) != (basic ? 5 : 6) || (!basic && s[3] != ':'))
		return -1;
	h = isotime_digits(s + 1, 2);
	m = isotime_digits(s + (basic ? 3 : 4), 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	*off = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return 0;
}

int
isotime_parse(const char *s, unsigned flags, int64_t *out)
{
	static const int datetime[6] = { 0, 5, 8, 11, 14, 17 };
	static const int date[6] = { 0, 5, 8, -1, -1, -1 };
	const char *p;
	int64_t t, off = 0;
	size_t n;

	if (s == NULL)
		return -1;
	n = strnlen(s, 19);
	if (n >= 10 && s[4] == '-' && s[7] == '-' &&
	    (flags & ISOTIME_DATE) && (s[10] == '\0' || s[10] == 'Z')) {
		/* The date alone, "Z" or nothing after it. */
		if ((s[10] == 'Z' && s[11] != '\0') ||
		    isotime_fields(s, date, &t) != 0)
			return -1;
		goto done;
	}
	if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || isotime_fields(s, datetime, &t) != 0)
		return -1;
	p = s + 19;
	if (flags & ISOTIME_PREFIX)
		goto done;
	if (*p == '.' && (flags & ISOTIME_FRACTION)) {
		/* Fractions of a second do not matter here. */
		if (*++p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || (*p == 'z' && (flags & ISOTIME_SDK_ZONE)))
		p++;
	else if ((flags & ISOTIME_SDK_ZONE) && strcmp(p, "UTC") == 0)
		p += 3;
	else if ((*p == '+' || *p == '-') && (flags & ISOTIME_OFFSET)) {
		if (isotime_offset(p, false, &off) != 0 &&
		    (!(flags & ISOTIME_SDK_ZONE) ||
		    isotime_offset(p, true, &off) != 0))
			return -1;
		p += strlen(p);
	} else if (*p != '\0' || !(flags & ISOTIME_NOZONE))
		return -1;
	if (*p != '\0')
		return -1;
done:
	if ((flags & ISOTIME_EPOCH) && isotime_digits(s, 4) < 1970)
		return -1;
	*out = t - off;
	return 0;
}

int
isotime_parse_basic(const char *s, int64_t *out)
{
	static const int basic[6] = { 0, 4, 6, 9, 11, 13 };

	if (s == NULL || strnlen(s, 16) < 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	return isotime_fields(s, basic, out);
}
