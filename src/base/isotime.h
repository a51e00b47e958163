/* ISO-8601 times, read in one place: the extended form of AWS answers,
 * credentials and events ("2024-05-01T12:00:00Z", with what each caller
 * accepts besides), and the basic form of SigV4 dates and CloudTrail
 * object keys ("20240501T120000Z").  Pure: no locale, no time zone, no
 * timegm().  Every field has its digits in place (four for the year, two
 * for the rest) and is in range: month 1-12, day 1-31 (a day past the
 * month's end runs into the next, as timegm() has it), hour 0-23, minute
 * 0-59, second 0-60. */
#ifndef S3W_ISOTIME_H
#define S3W_ISOTIME_H

#include <stdint.h>

/* What isotime_parse() accepts besides "YYYY-MM-DDTHH:MM:SSZ". */
#define ISOTIME_DATE		0x01	/* "YYYY-MM-DD" alone: midnight */
#define ISOTIME_FRACTION	0x02	/* ".123" after the seconds */
#define ISOTIME_NOZONE		0x04	/* nothing after the time: UTC */
#define ISOTIME_OFFSET		0x08	/* "+hh:mm" and "-hh:mm" */
#define ISOTIME_SDK_ZONE	0x10	/* "z", "UTC" and "+hhmm" too, as
					   the SDKs write them */
#define ISOTIME_PREFIX		0x20	/* anything may follow the seconds,
					   read as UTC */
#define ISOTIME_EPOCH		0x40	/* no year before 1970 */

/* 0 and the seconds since the epoch in *out, or -1. */
int	 isotime_parse(const char *s, unsigned flags, int64_t *out);
/* "YYYYMMDDTHHMMSSZ": the 16 bytes at s (s has at least that many, or
 * ends before them); what follows is not read. */
int	 isotime_parse_basic(const char *s, int64_t *out);
/* Seconds since the epoch of a UTC date and time (proleptic Gregorian). */
int64_t	 isotime_from_civil(int year, int month, int day, int hour,
	     int min, int sec);

#endif
