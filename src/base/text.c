/* Terminal-safe text. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xalloc.h"

/* The length of a valid UTF-8 sequence at s (at most n bytes), or 0.
 * Overlong forms and surrogates are invalid. */
static size_t
text_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	c = s[0] & (0xff >> (len + 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
text_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
text_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

bool
text_invisible(uint32_t cp)
{
	/* Unicode's default-ignorable code points (soft hyphen, joiners,
	 * bidi controls, variation selectors, fillers, tags), the line and
	 * paragraph separators and the interlinear annotation marks. */
	return cp == 0xad || cp == 0x34f || cp == 0x61c ||
	    (cp >= 0x115f && cp <= 0x1160) || (cp >= 0x17b4 && cp <= 0x17b5) ||
	    (cp >= 0x180b && cp <= 0x180f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0x3164 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff ||
	    cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb) ||
	    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	    (cp >= 0x1d173 && cp <= 0x1d17a) ||
	    (cp >= 0xe0000 && cp <= 0xe0fff);
}

static char *
text_clean(const char *s, size_t len, bool keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = { 0 };
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			buf_addc(&b, (p[i] < 0x20 && !(keep_lines &&
			    p[i] == '\n')) || p[i] == 0x7f ? '?' : (char)p[i]);
			i++;
			continue;
		}
		if ((n = text_utf8_len(p + i, len - i, &cp)) == 0) {
			buf_adds(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		/* C1 controls (CSI is U+009B) act like ESC sequences;
		 * invisible characters hide or reorder what is around them. */
		if ((cp >= 0x80 && cp <= 0x9f) || text_invisible(cp))
			buf_addc(&b, '?');
		else
			buf_add(&b, (const char *)p + i, n);
		i += n;
	}
	return buf_take(&b);
}

char *
text_safe(const char *s, size_t len)
{
	return text_clean(s, len, false);
}

char *
text_safe_str(const char *s)
{
	return s != NULL ? text_clean(s, strlen(s), false) : xstrdup("");
}

char *
text_safe_lines(const char *s)
{
	return s != NULL ? text_clean(s, strlen(s), true) : xstrdup("");
}
