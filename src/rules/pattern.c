/* EventBridge event patterns: a C port of aws/event-ruler's JsonRuleCompiler
 * and matcher semantics, plus the limits AWS adds (see pattern.h). */
#include "config.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "evjson.h"
#include "pattern.h"
#include "text.h"
#include "xalloc.h"

#define PATTERN_MAX_RULES	1000	/* $or combinations */
#define PATTERN_MAX_COMPLEXITY	10	/* wildcard: <=9 accepted by AWS */
#define PATTERN_COMPLEXITY_STATES 50000	/* evaluation budget */

/* ---- the pattern's JSON, as a small tree -------------------------------- */

enum pj_type { PJ_OBJ, PJ_ARR, PJ_STR, PJ_NUM, PJ_TRUE, PJ_FALSE, PJ_NULL };

/* Objects keep repeated keys, in order: event-ruler reads the pattern as a
 * token stream, so {"a":{"b":..},"a":{"c":..}} keeps both paths. */
struct pj {
	enum pj_type	 type;
	char		*s;	/* string (unescaped) or number text */
	size_t		 len;
	struct pj	**kids;
	char		**keys;
	size_t		 n;
};

static void
pj_free(struct pj *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		pj_free(j->kids[i]);
		if (j->keys != NULL)
			free(j->keys[i]);
	}
	free(j->kids);
	free(j->keys);
	free(j->s);
	free(j);
}

static char *
pj_string(const char **pp, const char *end, size_t *len)
{
	const char *p = *pp, *q;
	char *s;
	bool esc;

	q = evjson_string_span(p + 1, end, &esc);
	s = xmalloc((size_t)(q - p));
	*len = evjson_unescape(p + 1, q - 1, s);
	s[*len] = '\0';
	*pp = q;
	return s;
}

/* Builds the tree from text evjson_skip() has validated. */
static struct pj *
pj_build(const char **pp, const char *end)
{
	struct pj *j = xcalloc(1, sizeof *j);
	const char *p = evjson_skip_ws(*pp, end), *q;
	size_t cap = 0, klen;
	char *cause = NULL;

	switch (*p) {
	case '{':
	case '[':
		j->type = *p == '{' ? PJ_OBJ : PJ_ARR;
		p = evjson_skip_ws(p + 1, end);
		while (*p != '}' && *p != ']') {
			if (j->n == cap) {
				cap = cap ? cap * 2 : 4;
				j->kids = xreallocarray(j->kids, cap, sizeof *j->kids);
				if (j->type == PJ_OBJ)
					j->keys = xreallocarray(j->keys, cap,
					    sizeof *j->keys);
			}
			if (j->type == PJ_OBJ) {
				j->keys[j->n] = pj_string(&p, end, &klen);
				p = evjson_skip_ws(p, end) + 1;	/* ':' */
			}
			j->kids[j->n++] = pj_build(&p, end);
			p = evjson_skip_ws(p, end);
			if (*p == ',')
				p = evjson_skip_ws(p + 1, end);
		}
		p++;
		break;
	case '"':
		j->type = PJ_STR;
		j->s = pj_string(&p, end, &j->len);
		break;
	case 't':
	case 'f':
	case 'n':
		j->type = *p == 't' ? PJ_TRUE : *p == 'f' ? PJ_FALSE : PJ_NULL;
		p += *p == 'f' ? 5 : 4;
		break;
	default:
		j->type = PJ_NUM;
		q = evjson_skip(p, end, &cause);
		free(cause);
		j->len = (size_t)(q - p);
		j->s = xstrndup(p, j->len);
		p = q;
		break;
	}
	*pp = p;
	return j;
}

/* Jackson's wording for the usual syntax errors (AWS passes them on); the
 * location suffix is left out. */
static char *
pj_syntax_error(const char *json, size_t len, const char *why, size_t off)
{
	const char *p = json + off, *end = json + len, *w;
	unsigned char c;

	if (p >= end)
		return xstrdup("Unexpected end-of-input: expected close marker "
		    "for OBJECT");
	c = (unsigned char)*p;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		for (w = p; w < end && w - p < 256 && (((*w | 0x20) >= 'a' &&
		    (*w | 0x20) <= 'z') || (*w >= '0' && *w <= '9') ||
		    *w == '_'); w++)
			;
		if (strstr(why, "key") == NULL)
			return xasprintf("Unrecognized token '%.*s': was "
			    "expecting (JSON String, Number, Array, Object or "
			    "token 'null', 'true' or 'false')", (int)(w - p), p);
	}
	if (strstr(why, "key") != NULL)
		return xasprintf("Unexpected character ('%c' (code %u)): was "
		    "expecting double-quote to start field name", c, c);
	if (strcmp(why, "expected ':'") == 0)
		return xasprintf("Unexpected character ('%c' (code %u)): was "
		    "expecting a colon to separate field name and value", c, c);
	return xasprintf("Unexpected character ('%c' (code %u)): %s", c, c,
	    why);
}

static struct pj *
pj_parse(const char *json, size_t len, char **cause)
{
	const char *p, *end = json + len, *q;
	char *why = NULL;
	size_t off;

	q = evjson_skip(json, end, &why);
	if (q != NULL && evjson_skip_ws(q, end) != end) {
		off = (size_t)(evjson_skip_ws(q, end) - json);
		*cause = pj_syntax_error(json, len, "expected end of input", off);
		return NULL;
	}
	if (q == NULL) {
		/* "offset N: what" */
		off = strtoul(why + 7, NULL, 10);
		*cause = pj_syntax_error(json, len, strchr(why, ':') + 2, off);
		free(why);
		return NULL;
	}
	p = json;
	return pj_build(&p, end);
}

/* ---- numbers ------------------------------------------------------------ */

/* A JSON number in canonical decimal form: digits without leading or
 * trailing zeros, and the power of ten of the last digit. */
struct pattern_dec {
	bool		 neg;
	char		 digits[24];
	int		 ndigits;	/* -1: more than fit */
	long		 exp;
};

static void
pattern_dec(const char *s, size_t len, struct pattern_dec *d)
{
	const char *end = s + len;
	long exp = 0, e = 0;
	int esign = 1, n = 0, zeros = 0;
	bool frac = false;

	memset(d, 0, sizeof *d);
	if (s < end && *s == '-') {
		d->neg = true;
		s++;
	}
	for (; s < end && ((*s >= '0' && *s <= '9') || *s == '.'); s++) {
		if (*s == '.') {
			frac = true;
			continue;
		}
		if (frac)
			exp--;
		if (*s == '0') {
			if (n > 0)
				zeros++;
			continue;
		}
		/* a non-zero digit: flush pending zeros first */
		while (zeros > 0 && n >= 0) {
			if (n < (int)sizeof d->digits - 1)
				d->digits[n++] = '0';
			else
				n = -1;
			zeros--;
		}
		zeros = 0;
		if (n >= 0 && n < (int)sizeof d->digits - 1)
			d->digits[n++] = *s;
		else
			n = -1;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			esign = *s++ == '-' ? -1 : 1;
		for (; s < end && *s >= '0' && *s <= '9'; s++)
			if (e < 100000000)
				e = e * 10 + (*s - '0');
	}
	/* trailing zeros (counted in zeros) only move the exponent */
	exp += zeros + esign * e;
	d->ndigits = n;
	d->digits[n > 0 ? n : 0] = '\0';
	d->exp = exp;
	if (n == 0)
		d->neg = false;
}

/* event-ruler's ComparableNumber rule: the decimal must survive a trip
 * through a double (BigDecimal.valueOf(d) == value), so 0.30000000000000001,
 * 1E309 and 12345678901234567890 are not numbers it can compare. */
static bool
pattern_number(const char *s, size_t len, double *out)
{
	struct pattern_dec d, r;
	char buf[64];
	double v;
	int p;

	pattern_dec(s, len, &d);
	if (d.ndigits == 0) {
		*out = 0.0;
		return true;
	}
	if (d.ndigits < 0 || d.ndigits > 17 || d.exp > 400 || d.exp < -400)
		return false;
	snprintf(buf, sizeof buf, "%s%se%ld", d.neg ? "-" : "", d.digits,
	    d.exp);
	v = strtod(buf, NULL);
	if (isinf(v) || isnan(v))
		return false;
	if (d.ndigits <= 15 && d.exp + d.ndigits < 300 && d.exp > -300) {
		*out = v;
		return true;
	}
	for (p = 0; p < 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	pattern_dec(buf, strlen(buf), &r);
	if (r.ndigits != d.ndigits || r.exp != d.exp ||
	    strcmp(r.digits, d.digits) != 0)
		return false;
	*out = v;
	return true;
}

/* ---- IP addresses (CIDR.java) ------------------------------------------- */

/* IPv4: four dot-separated groups of 1-3 digits (leading zeros allowed, as
 * Java reads them); 0 no IP-looking text, -1 looks like one but is bad. */
static int
pattern_ipv4(const char *s, size_t len, uint8_t *out)
{
	size_t i = 0;
	int g, nd;
	unsigned v;

	for (g = 0; g < 4; g++) {
		if (g > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		for (v = 0, nd = 0; i < len && s[i] >= '0' && s[i] <= '9' &&
		    nd < 4; i++, nd++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (nd == 0 || nd > 3)
			return 0;
		if (v > 255)
			return -1;
		out[g] = (uint8_t)v;
	}
	return i == len ? 4 : 0;
}

/* IPv6: eight groups of 1-4 hex digits, one "::" allowed; no embedded
 * IPv4 or zone (event-ruler's regex refuses those as nonstandard). */
static int
pattern_ipv6(const char *s, size_t len, uint8_t *out)
{
	uint16_t g[8];
	size_t i = 0;
	int n = 0, gap = -1, nd, k;
	unsigned v;

	if (len < 2)
		return 0;
	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	}
	for (;;) {
		for (v = 0, nd = 0; i < len && nd < 5 && ((s[i] >= '0' &&
		    s[i] <= '9') ||
		    ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')); i++, nd++)
			v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' :
			    (s[i] | 0x20) - 'a' + 10);
		if (nd == 0 || nd > 4 || n == 8)
			return 0;
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len)
			return 0;
	}
done:
	if ((gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return 0;
	memset(out, 0, 16);
	if (gap < 0)
		gap = n;
	for (k = 0; k < gap; k++) {
		out[2 * k] = (uint8_t)(g[k] >> 8);
		out[2 * k + 1] = (uint8_t)g[k];
	}
	for (k = gap; k < n; k++) {
		int at = 8 - (n - k);

		out[2 * at] = (uint8_t)(g[k] >> 8);
		out[2 * at + 1] = (uint8_t)g[k];
	}
	return 16;
}

/* 4 or 16 for an IP literal, 0 for text that is not one, -1 for text that
 * looks like one but is invalid (e.g. 10.0.0.256). */
static int
pattern_ip(const char *s, size_t len, uint8_t *out)
{
	int r;

	if ((r = pattern_ipv4(s, len, out)) != 0)
		return r;
	return pattern_ipv6(s, len, out);
}

/* ---- equals-ignore-case (EqualsIgnoreCaseParser.java) ------------------- */

/* Each UTF-16 unit of the pattern accepts its Locale.ROOT lower- or
 * upper-case form, which may be longer (ß -> SS). */
struct pattern_eic {
	char	lo[12], up[12];
	uint8_t	lolen, uplen;
};

static locale_t pattern_locale;

static const struct {
	uint32_t	 cp;
	const char	*lower, *upper;
} pattern_case_special[] = {
	{ 0x00df, "\xc3\x9f", "SS" },
	{ 0x0130, "i\xcc\x87", "\xc4\xb0" },
	{ 0x0149, "\xc5\x89", "\xca\xbcN" },
	{ 0xfb00, "\xef\xac\x80", "FF" },
	{ 0xfb01, "\xef\xac\x81", "FI" },
	{ 0xfb02, "\xef\xac\x82", "FL" },
	{ 0xfb03, "\xef\xac\x83", "FFI" },
	{ 0xfb04, "\xef\xac\x84", "FFL" },
	{ 0xfb05, "\xef\xac\x85", "ST" },
	{ 0xfb06, "\xef\xac\x86", "ST" },
};

/* Decodes one UTF-8 character; invalid bytes stand for themselves. */
static size_t
pattern_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;

	if (s[0] < 0x80 || len < 2) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4;
	else
		n = 0;
	if (n == 0 || n > len)
		goto bad;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return n;
bad:
	*cp = 0x80000000u | s[0];
	return 1;
}

static struct pattern_eic *
pattern_eic_compile(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct pattern_eic *e = xcalloc(len + 1, sizeof *e), *c;
	size_t i = 0, k, m = 0;
	uint32_t cp;

	if (pattern_locale == (locale_t)0)
		pattern_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	while (i < len) {
		i += pattern_utf8_next(u + i, len - i, &cp);
		c = &e[m++];
		if (cp & 0x80000000u) {
			c->lo[0] = c->up[0] = (char)(cp & 0xff);
			c->lolen = c->uplen = 1;
			continue;
		}
		if (cp > 0xffff) {
			/* Two lone surrogates, each encoded by Java as '?'. */
			c->lo[0] = c->up[0] = '?';
			c->lolen = c->uplen = 1;
			e[m++] = *c;
			continue;
		}
		for (k = 0; k < sizeof pattern_case_special /
		    sizeof pattern_case_special[0]; k++)
			if (pattern_case_special[k].cp == cp)
				break;
		if (k < sizeof pattern_case_special /
		    sizeof pattern_case_special[0]) {
			c->lolen = (uint8_t)strlen(pattern_case_special[k].lower);
			memcpy(c->lo, pattern_case_special[k].lower, c->lolen);
			c->uplen = (uint8_t)strlen(pattern_case_special[k].upper);
			memcpy(c->up, pattern_case_special[k].upper, c->uplen);
			continue;
		}
		if (pattern_locale != (locale_t)0) {
			c->lolen = (uint8_t)text_utf8_encode(
			    (uint32_t)towlower_l((wint_t)cp, pattern_locale),
			    c->lo);
			c->uplen = (uint8_t)text_utf8_encode(
			    (uint32_t)towupper_l((wint_t)cp, pattern_locale),
			    c->up);
		} else {
			c->lolen = (uint8_t)text_utf8_encode(cp < 0x80 ?
			    (uint32_t)tolower((int)cp) : cp, c->lo);
			c->uplen = (uint8_t)text_utf8_encode(cp < 0x80 ?
			    (uint32_t)toupper((int)cp) : cp, c->up);
		}
	}
	*n = m;
	return e;
}

/* Does s (from its start, or ending at its end when back) match chars
 * e[0..n)?  prefix: s may go on. */
static bool
pattern_eic_fwd(const struct pattern_eic *e, size_t n, const char *s,
    size_t len, bool prefix)
{
	while (n > 0) {
		bool lo = e->lolen <= len && memcmp(s, e->lo, e->lolen) == 0;
		bool up = e->uplen <= len && memcmp(s, e->up, e->uplen) == 0;

		if (lo && up && e->lolen != e->uplen)
			return pattern_eic_fwd(e + 1, n - 1, s + e->lolen,
			    len - e->lolen, prefix) || pattern_eic_fwd(e + 1,
			    n - 1, s + e->uplen, len - e->uplen, prefix);
		if (!lo && !up)
			return false;
		s += lo ? e->lolen : e->uplen;
		len -= lo ? e->lolen : e->uplen;
		e++;
		n--;
	}
	return prefix || len == 0;
}

static bool
pattern_eic_back(const struct pattern_eic *e, size_t n, const char *s,
    size_t len)
{
	const struct pattern_eic *c;

	while (n > 0) {
		c = &e[n - 1];
		bool lo = c->lolen <= len &&
		    memcmp(s + len - c->lolen, c->lo, c->lolen) == 0;
		bool up = c->uplen <= len &&
		    memcmp(s + len - c->uplen, c->up, c->uplen) == 0;

		if (lo && up && c->lolen != c->uplen)
			return pattern_eic_back(e, n - 1, s, len - c->lolen) ||
			    pattern_eic_back(e, n - 1, s, len - c->uplen);
		if (!lo && !up)
			return false;
		len -= lo ? c->lolen : c->uplen;
		n--;
	}
	return true;
}

/* ---- wildcards (WildcardParser.java) ------------------------------------ */

/* Checks the escapes of a wildcard value; positions count UTF-8 bytes of
 * the value with its opening quote at 0. */
static char *
pattern_wildcard_check(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '*' && i + 1 < len && s[i + 1] == '*')
			return xasprintf("Consecutive wildcard characters at "
			    "pos %zu", i + 1);
		if (s[i] == '\\') {
			if (i + 1 < len && (s[i + 1] == '*' || s[i + 1] == '\\')) {
				i++;
				continue;
			}
			return xasprintf("Invalid escape character at pos %zu",
			    i + 1);
		}
	}
	return NULL;
}

/* memmem() for short needles in short values: memchr() to the first
 * byte, then a compare; past a budget of false starts (a value built to
 * be slow), memmem(). */
static const char *
pattern_find(const char *s, size_t slen, const char *p, size_t plen)
{
	const char *q = s, *end = s + slen;
	int budget = 64;

	if (plen > slen)
		return NULL;
	while ((q = memchr(q, p[0], (size_t)(end - q) - plen + 1)) != NULL) {
		if (memcmp(q + 1, p + 1, plen - 1) == 0)
			return q;
		if (--budget == 0)
			return memmem(q + 1, (size_t)(end - q - 1), p, plen);
		q++;
		if ((size_t)(end - q) < plen)
			return NULL;
	}
	return NULL;
}

/* pattern_wildcard_match() for a pattern without escapes: its literal
 * runs, the first anchored at the start and the last at the end, the
 * others found leftmost in turn (which loses no match). */
static bool
pattern_glob_match(const char *p, size_t plen, const char *s, size_t slen)
{
	const char *pend = p + plen, *star, *send = s + slen, *q;
	size_t n;

	if ((star = memchr(p, '*', plen)) == NULL)
		return plen == slen && memcmp(p, s, plen) == 0;
	/* the head, up to the first star */
	n = (size_t)(star - p);
	if (n > slen || memcmp(p, s, n) != 0)
		return false;
	s += n;
	p = star + 1;
	/* the tail, after the last star */
	for (q = pend; q > p && q[-1] != '*'; q--)
		;
	n = (size_t)(pend - q);
	if (n > (size_t)(send - s) || memcmp(q, send - n, n) != 0)
		return false;
	send -= n;
	pend = q;
	/* the middle runs, leftmost first */
	while (p < pend) {
		if ((star = memchr(p, '*', (size_t)(pend - p))) == NULL)
			star = pend;
		if ((n = (size_t)(star - p)) > 0) {
			if ((q = pattern_find(s, (size_t)(send - s), p, n)) ==
			    NULL)
				return false;
			s = q + n;
		}
		p = star + 1;
	}
	return true;
}

/* Glob match; '*' any run, "\*" and "\\" literal. */
static bool
pattern_wildcard_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
	char c;

	if (memchr(p, '\\', plen) == NULL)
		return pattern_glob_match(p, plen, s, slen);
	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < plen) {
			c = p[pi];
			if (c == '\\' && pi + 1 < plen) {
				if (p[pi + 1] == s[si]) {
					pi += 2;
					si++;
					continue;
				}
			} else if (c == s[si]) {
				pi++;
				si++;
				continue;
			}
		}
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* MachineComplexityEvaluator on one wildcard value: the most transitions
 * a single input can have live at once, counting the star loop behind a
 * literal step.  Literal bytes L[1..n] ("\"" value "\""), star[k]: state k
 * loops.  Transition ids: 2k literal into state k, 2k+1 the loop at k.
 * Sets of live transitions (sorted, at most cap) are explored breadth
 * first, found again through a hash table. */
struct pattern_cx {
	uint16_t	*sets;		/* per set: count, then ids */
	uint32_t	*hash;		/* set index + 1, or 0 */
	size_t		 nsets, setcap, hashcap;
	int		 width;
};

static uint32_t
pattern_cx_hash(const uint16_t *ids, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ ids[i]) * 16777619u;
	return h;
}

/* Adds a set unless known; false when the budget is spent. */
static bool
pattern_cx_add(struct pattern_cx *cx, const uint16_t *ids, size_t n)
{
	uint32_t h = pattern_cx_hash(ids, n);
	size_t i, w = (size_t)cx->width;
	uint16_t *e;

	for (i = h & (cx->hashcap - 1); cx->hash[i] != 0;
	    i = (i + 1) & (cx->hashcap - 1)) {
		e = &cx->sets[(cx->hash[i] - 1) * w];
		if (e[0] == n && memcmp(e + 1, ids, n * sizeof *ids) == 0)
			return true;
	}
	if (cx->nsets == PATTERN_COMPLEXITY_STATES)
		return false;
	if (cx->nsets == cx->setcap) {
		cx->setcap *= 2;
		cx->sets = xreallocarray(cx->sets, cx->setcap, w * sizeof *e);
	}
	e = &cx->sets[cx->nsets * w];
	e[0] = (uint16_t)n;
	if (n > 0)
		memcpy(e + 1, ids, n * sizeof *ids);
	cx->hash[i] = (uint32_t)++cx->nsets;
	return true;
}

static int
pattern_wildcard_complexity(const char *v, size_t vlen, int cap)
{
	unsigned char *lit = xmalloc(vlen + 3), bytes[64];
	bool *star = xcalloc(vlen + 3, sizeof *star), seen[256];
	struct pattern_cx cx;
	uint16_t cur[64], next[64], ids[2];
	size_t n = 0, i, head = 0, ncur, nnext, j, k, s, nbytes;
	int best = 0, size, other, nid;

	lit[++n] = '"';
	for (i = 0; i < vlen; i++) {
		if (v[i] == '*') {
			star[n] = true;
			continue;
		}
		if (v[i] == '\\' && i + 1 < vlen)
			i++;
		lit[++n] = (unsigned char)v[i];
	}
	lit[++n] = '"';
	memset(seen, 0, sizeof seen);
	for (i = 1; i <= n; i++)
		seen[lit[i]] = true;
	for (other = 1; other < 256 && seen[other]; other++)
		;

	cx.width = cap + 2;
	cx.setcap = 256;
	cx.sets = xcalloc(cx.setcap, (size_t)cx.width * sizeof *cx.sets);
	cx.hashcap = 131072;	/* a power of two, > 2 x the budget */
	cx.hash = xcalloc(cx.hashcap, sizeof *cx.hash);
	cx.nsets = 0;
	cur[0] = 0;	/* the start state, as "literal into state 0" */
	pattern_cx_add(&cx, cur, 1);
	while (head < cx.nsets && best < cap) {
		uint16_t *e = &cx.sets[head++ * (size_t)cx.width];

		ncur = e[0];
		if (ncur > 0)
			memcpy(cur, e + 1, ncur * sizeof *cur);
		/* only the bytes some live state steps on, and one other */
		nbytes = 0;
		for (j = 0; j < ncur; j++) {
			s = cur[j] / 2;
			if (s < n && memchr(bytes, lit[s + 1], nbytes) == NULL)
				bytes[nbytes++] = lit[s + 1];
		}
		if (other < 256)
			bytes[nbytes++] = (unsigned char)other;
		for (k = 0; k < nbytes && best < cap; k++) {
			nnext = 0;
			for (j = 0; j < ncur; j++) {
				s = cur[j] / 2;
				nid = 0;
				if (s < n && lit[s + 1] == bytes[k])
					ids[nid++] = (uint16_t)(2 * (s + 1));
				if (star[s])
					ids[nid++] = (uint16_t)(2 * s + 1);
				while (nid-- > 0 && nnext < 63) {
					for (i = 0; i < nnext && next[i] < ids[nid]; i++)
						;
					if (i < nnext && next[i] == ids[nid])
						continue;
					memmove(&next[i + 1], &next[i],
					    (nnext - i) * sizeof *next);
					next[i] = ids[nid];
					nnext++;
				}
			}
			if (nnext == 0)
				continue;
			size = (int)nnext;
			for (j = 0; j < nnext; j++) {
				s = next[j] / 2;
				if (next[j] % 2 == 0 && star[s] &&
				    (j + 1 == nnext || next[j + 1] != 2 * s + 1))
					size++;
			}
			if (size > best)
				best = size;
			if (best >= cap || nnext > (size_t)cap)
				break;
			if (!pattern_cx_add(&cx, next, nnext)) {
				best = cap;
				break;
			}
		}
	}
	free(cx.sets);
	free(cx.hash);
	free(lit);
	free(star);
	return best < cap ? best : cap;
}

/* ---- compiled patterns -------------------------------------------------- */

enum pm_kind {
	PM_EXACT,	/* a value of type vtype with text s */
	PM_NUM_EQ,	/* a number equal in value */
	PM_IP,		/* a string IP literal in [ip_lo, ip_hi] */
	PM_PREFIX,
	PM_SUFFIX,
	PM_EIC,
	PM_PREFIX_EIC,
	PM_SUFFIX_EIC,
	PM_WILDCARD,
	PM_RANGE,
	PM_EXISTS,
	PM_ABSENT,
	PM_AB_STR,	/* anything-but: strings */
	PM_AB_NUM,	/* anything-but: numbers */
	PM_AB_PREFIX,
	PM_AB_SUFFIX,
	PM_AB_EIC,
	PM_AB_WILDCARD,
};

struct pm {
	enum pm_kind		 kind;
	enum pattern_value_type	 vtype;
	char			*s;
	size_t			 len;
	struct pattern_eic	*eic;
	size_t			 neic;
	double			 lo, hi;	/* PM_NUM_EQ uses lo */
	bool			 has_lo, has_hi, lo_open, hi_open;
	uint8_t			 ip_lo[16], ip_hi[16];
	int			 ip_len;
	/* anything-but lists */
	char			**strs;
	size_t			*lens;
	struct pattern_eic	**eics;
	size_t			*neics;
	double			*nums;
	size_t			 n;
	size_t			 nstrs, nnums;	/* while compiling */
};

struct pm_list {
	struct pm	*m;
	size_t		 n;
	bool		 absent;	/* has exists:false */
	bool		 numeric;	/* reads event numbers by value */
};

struct prule_field {
	int	field;
	int	list;
};

struct prule {
	struct prule_field	*f;
	size_t			 n;
	int			 key;	/* index field (see pattern_index), or -1 */
	uint32_t		 gid;	/* number over the set */
};

struct pattern {
	struct pm_list	*lists;
	size_t		 nlists;
	struct prule	*rules;
	size_t		 nrules;
};

/* Paths CLOUDTRAIL wrapping reads from the record, and the envelope it
 * synthesises. */
enum {
	PW_VERSION, PW_ID, PW_DETAIL_TYPE, PW_SOURCE, PW_ACCOUNT, PW_TIME,
	PW_REGION, PW_RESOURCES, PW_NENV,
};
static const char *const pattern_env_names[PW_NENV] = {
	"version", "id", "detail-type", "source", "account", "time", "region",
	"resources",
};
enum {
	PR_EVENT_ID, PR_EVENT_TYPE, PR_EVENT_SOURCE, PR_ACCOUNT, PR_TIME,
	PR_REGION, PR_NREC,
};
static const char *const pattern_rec_names[PR_NREC] = {
	"detail.eventID", "detail.eventType", "detail.eventSource",
	"detail.recipientAccountId", "detail.eventTime", "detail.awsRegion",
};

/* The index: most patterns require a field (detail.eventName, say) to
 * hold one of a few exact strings.  Each $or rule of a pattern is filed
 * under such values of its most selective field, and an event tests only
 * the rules filed under the values it has, plus those that have no such
 * field.  Selective: the values the fewest rules of the set ask for
 * (s3.amazonaws.com is in nearly every pattern, "AccessDenied" in two). */
struct pidx_ent {
	uint64_t	 h;
	int		 field;		/* -1: empty slot */
	const char	*s;		/* borrowed from the pattern */
	size_t		 len;
	uint32_t	*gids;
	size_t		 n, cap;
	size_t		 uses;		/* rules asking for it */
};

struct pattern_set {
	struct evjson_paths	*paths;		/* field ids are path ids */
	bool			*numeric;	/* per field */
	bool			*ipf;		/* per field: has IP matchers */
	size_t			 nfields, fcap;
	struct pattern		**pats;
	size_t			 npats, pcap;
	int			 env[PW_NENV];	/* field ids, or -1 */
	int			 rec[PR_NREC];
	int			 detail_node;
	/* the index, built for the first `indexed` patterns */
	size_t			 indexed;
	uint64_t		 iversion;	/* bumped by each build */
	struct pidx_ent		*itab;
	size_t			 imask;
	int			*ifields;	/* fields rules are filed under */
	size_t			 nifields;
	size_t			 ngids;
	uint32_t		*gid_pat;	/* per gid: its pattern */
	uint32_t		*gid_rule;	/* and its rule there */
	uint64_t		*always;	/* bit per gid: not filed */
};

static void
pm_free(struct pm *m)
{
	size_t i;

	free(m->s);
	free(m->eic);
	for (i = 0; i < m->nstrs; i++) {
		free(m->strs[i]);
		if (m->eics != NULL)
			free(m->eics[i]);
	}
	free(m->strs);
	free(m->lens);
	free(m->eics);
	free(m->neics);
	free(m->nums);
}

static void
pattern_free(struct pattern *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->nlists; i++) {
		for (j = 0; j < p->lists[i].n; j++)
			pm_free(&p->lists[i].m[j]);
		free(p->lists[i].m);
	}
	free(p->lists);
	for (i = 0; i < p->nrules; i++)
		free(p->rules[i].f);
	free(p->rules);
	free(p);
}

/* ---- the compiler (JsonRuleCompiler.java) ------------------------------- */

struct pc_entry {
	char	*path;
	int	 list;
};

struct pc_rule {
	struct pc_entry	*e;
	size_t		 n;
};

struct pc {
	struct pattern	*pat;
	struct pc_rule	*rules;
	size_t		 nrules;
	char		**list_path;	/* per list of pat */
	char		*err;
};

/* The names $or branches may not use as fields. */
static const char *const pattern_reserved[] = {
	"anything-but", "numeric", "prefix", "suffix", "exists",
	"equals-ignore-case", "wildcard", "cidr", "exactly", "=", "<", "<=",
	">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
	"date-after", "date-on-or-after", "date-before", "date-on-or-before",
	"in-date-range", "ip-address-in-range", "ip-address-not-in-range",
};

static bool
pc_fail(struct pc *pc, char *msg)
{
	if (pc->err == NULL)
		pc->err = msg;
	else
		free(msg);
	return false;
}

static bool
pc_failf(struct pc *pc, const char *msg)
{
	return pc_fail(pc, xstrdup(msg));
}

static void
pc_rules_free(struct pc_rule *r, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r[i].n; j++)
			free(r[i].e[j].path);
		free(r[i].e);
	}
	free(r);
}

static struct pc_rule *
pc_rules_copy(const struct pc_rule *r, size_t n)
{
	struct pc_rule *c = xcalloc(n + 1, sizeof *c);
	size_t i, j;

	for (i = 0; i < n; i++) {
		c[i].n = r[i].n;
		c[i].e = xcalloc(r[i].n + 1, sizeof *c[i].e);
		for (j = 0; j < r[i].n; j++) {
			c[i].e[j].path = xstrdup(r[i].e[j].path);
			c[i].e[j].list = r[i].e[j].list;
		}
	}
	return c;
}

/* The JSON text of a token, as Jackson's getText() gives it. */
static const char *
pj_text(const struct pj *j)
{
	switch (j->type) {
	case PJ_OBJ: return "{";
	case PJ_ARR: return "[";
	case PJ_TRUE: return "true";
	case PJ_FALSE: return "false";
	case PJ_NULL: return "null";
	default: return j->s;
	}
}

static bool
pc_number(struct pc *pc, const struct pj *j, double *v)
{
	if (!pattern_number(j->s, j->len, v))
		return pc_fail(pc, xasprintf("Cannot compare number : %s", j->s));
	return true;
}

static bool
pc_numeric(struct pc *pc, const struct pj *arr, struct pm *m)
{
	static const char *const ops[] = { "=", ">=", ">", "<=", "<" };
	const struct pj *t;
	const char *op, *op2;
	size_t i;
	double v;

	m->kind = PM_RANGE;
	if (arr->n == 0)
		return pc_failf(pc, "Invalid member in numeric match: ]");
	if (arr->kids[0]->type != PJ_STR)
		return pc_fail(pc, xasprintf("Invalid member in numeric match: "
		    "%s", pj_text(arr->kids[0])));
	op = arr->kids[0]->s;
	for (i = 0; i < 5 && strcmp(op, ops[i]) != 0; i++)
		;
	if (i == 5)
		return pc_fail(pc, xasprintf("Unrecognized numeric range "
		    "operator: %s", op));
	if (arr->n < 2 || arr->kids[1]->type != PJ_NUM)
		return pc_fail(pc, xasprintf("Value of %s must be numeric",
		    i == 0 ? "equals" : op));
	if (!pc_number(pc, arr->kids[1], &v))
		return false;
	if (i == 0 || i >= 3) {
		if (arr->n > 2)
			return pc_failf(pc, "Too many elements in numeric "
			    "expression");
		if (i == 0) {
			m->kind = PM_NUM_EQ;
			m->lo = v;
		} else {
			m->has_hi = true;
			m->hi = v;
			m->hi_open = i == 4;
		}
		return true;
	}
	m->has_lo = true;
	m->lo = v;
	m->lo_open = i == 2;
	if (arr->n == 2)
		return true;
	t = arr->kids[2];
	if (t->type != PJ_STR)
		return pc_fail(pc, xasprintf("Bad value in numeric range: %s",
		    pj_text(t)));
	op2 = t->s;
	if (strcmp(op2, "<") != 0 && strcmp(op2, "<=") != 0)
		return pc_fail(pc, xasprintf("Bad numeric range operator: %s",
		    op2));
	if (arr->n < 4 || arr->kids[3]->type != PJ_NUM)
		return pc_fail(pc, xasprintf("Value of %s must be numeric", op2));
	if (!pc_number(pc, arr->kids[3], &v))
		return false;
	if (arr->n > 4)
		return pc_failf(pc, "Too many terms in numeric range expression");
	if (!(m->lo < v))
		return pc_failf(pc, "Bottom must be less than top");
	m->has_hi = true;
	m->hi = v;
	m->hi_open = strcmp(op2, "<") == 0;
	return true;
}

static bool
pc_cidr(struct pc *pc, const char *s, struct pm *m)
{
	const char *slash = strchr(s, '/'), *b;
	char *ip;
	long bits;
	int r, i;

	/* String.split("/") drops trailing empty strings: "a/" is one part */
	if (slash == NULL || strchr(slash + 1, '/') != NULL || slash[1] == '\0')
		return pc_failf(pc, "Malformed CIDR, one '/' required");
	b = slash + 1;
	for (i = (*b == '-' || *b == '+') ? 1 : 0; b[i] != '\0'; i++)
		if (b[i] < '0' || b[i] > '9' || i > 10)
			return pc_failf(pc, "Malformed CIDR, mask bits must be "
			    "an integer");
	if (i == ((*b == '-' || *b == '+') ? 1 : 0))
		return pc_failf(pc, "Malformed CIDR, mask bits must be an "
		    "integer");
	bits = strtol(b, NULL, 10);
	if (bits < 0)
		return pc_failf(pc, "Malformed CIDR, mask bits must not be "
		    "negative");
	ip = xstrndup(s, (size_t)(slash - s));
	r = pattern_ip(ip, strlen(ip), m->ip_lo);
	if (r < 0)
		pc_fail(pc, xasprintf("Invalid IP address: %s", ip));
	else if (r == 0)
		pc_fail(pc, xasprintf("Nonstandard IP address: %s", ip));
	free(ip);
	if (r <= 0)
		return false;
	if (r == 4 && bits > 31)
		return pc_failf(pc, "IPv4 mask bits must be < 32");
	if (r == 16 && bits > 127)
		return pc_failf(pc, "IPv6 mask bits must be < 128");
	m->kind = PM_IP;
	m->ip_len = r;
	memcpy(m->ip_hi, m->ip_lo, 16);
	for (i = r - 1; i >= 0; i--) {
		long host = (long)r * 8 - bits - (long)(r - 1 - i) * 8;

		if (host >= 8)
			m->ip_hi[i] = 0xff;
		else if (host > 0)
			m->ip_hi[i] |= (uint8_t)((1u << host) - 1);
	}
	return true;
}

static void
pm_add_str(struct pm *m, const char *s, size_t len)
{
	m->strs = xreallocarray(m->strs, m->nstrs + 1, sizeof *m->strs);
	m->lens = xreallocarray(m->lens, m->nstrs + 1, sizeof *m->lens);
	m->strs[m->nstrs] = xstrndup(s, len);
	m->lens[m->nstrs] = len;
	m->n = ++m->nstrs;
}

/* anything-but's object form: {"prefix"|"suffix"|"equals-ignore-case"|
 * "wildcard": string or list}. */
static bool
pc_anything_but_set(struct pc *pc, const struct pj *o, struct pm *m)
{
	const char *op = o->keys[0];
	const struct pj *v = o->kids[0], *e;
	size_t i, cnt;
	char *err;

	if (strcmp(op, "equals-ignore-case") == 0)
		m->kind = PM_AB_EIC;
	else if (strcmp(op, "prefix") == 0)
		m->kind = PM_AB_PREFIX;
	else if (strcmp(op, "suffix") == 0)
		m->kind = PM_AB_SUFFIX;
	else if (strcmp(op, "wildcard") == 0)
		m->kind = PM_AB_WILDCARD;
	else
		return pc_fail(pc, xasprintf("Unsupported anything-but pattern: "
		    "%s", op));
	if (v->type != PJ_ARR && v->type != PJ_STR && v->type != PJ_NUM)
		return pc_failf(pc, "Value of anything-but must be an array or "
		    "single string/number value.");
	cnt = v->type == PJ_ARR ? v->n : 1;
	for (i = 0; i < cnt; i++) {
		e = v->type == PJ_ARR ? v->kids[i] : v;
		if (e->type != PJ_STR) {
			if (m->kind == PM_AB_EIC)
				return pc_failf(pc, "Inside anything-but/"
				    "equals-ignore-case list, number|start|null|"
				    "boolean is not supported.");
			if (m->kind == PM_AB_WILDCARD)
				return pc_failf(pc, "wildcard match pattern must "
				    "be a string");
			return pc_failf(pc, "prefix/suffix match pattern must be "
			    "a string");
		}
		if ((m->kind == PM_AB_PREFIX || m->kind == PM_AB_SUFFIX) &&
		    e->len == 0)
			return pc_failf(pc, "Null prefix/suffix not allowed");
		pm_add_str(m, e->s, e->len);
	}
	if (m->kind == PM_AB_WILDCARD)
		for (i = 0; i < m->n; i++)
			if ((err = pattern_wildcard_check(m->strs[i],
			    m->lens[i])) != NULL)
				return pc_fail(pc, err);
	if (m->kind == PM_AB_EIC) {
		m->eics = xcalloc(m->n + 1, sizeof *m->eics);
		m->neics = xcalloc(m->n + 1, sizeof *m->neics);
		for (i = 0; i < m->n; i++)
			m->eics[i] = pattern_eic_compile(m->strs[i], m->lens[i],
			    &m->neics[i]);
	}
	if (o->n > 1)
		return pc_failf(pc, "Too many elements in numeric expression");
	return true;
}

static bool
pc_anything_but(struct pc *pc, const struct pj *v, struct pm *m)
{
	bool has_num = false, has_str = false;
	const struct pj *e;
	size_t i, cnt;
	double d;

	if (v->type == PJ_OBJ) {
		if (v->n == 0)
			return pc_failf(pc, "Anything-But expression name not "
			    "found");
		return pc_anything_but_set(pc, v, m);
	}
	if (v->type != PJ_ARR && v->type != PJ_STR && v->type != PJ_NUM)
		return pc_failf(pc, "Value of anything-but must be an array or "
		    "single string/number value.");
	cnt = v->type == PJ_ARR ? v->n : 1;
	for (i = 0; i < cnt; i++) {
		e = v->type == PJ_ARR ? v->kids[i] : v;
		if (e->type == PJ_STR) {
			pm_add_str(m, e->s, e->len);
			has_str = true;
		} else if (e->type == PJ_NUM) {
			if (!pc_number(pc, e, &d))
				return false;
			m->nums = xreallocarray(m->nums, m->nnums + 1,
			    sizeof *m->nums);
			m->nums[m->nnums++] = d;
			has_num = true;
		} else
			return pc_failf(pc, "Inside anything but list, start|null|"
			    "boolean is not supported.");
	}
	if (has_num == has_str)
		return pc_failf(pc, "Inside anything but list, either all values "
		    "are number or string, mixed type is not supported");
	m->kind = has_num ? PM_AB_NUM : PM_AB_STR;
	m->n = has_num ? m->nnums : m->nstrs;
	return true;
}

/* {"prefix"|"suffix": {"equals-ignore-case": "x"}} */
static bool
pc_affix_eic(struct pc *pc, const struct pj *v, bool prefix, struct pm *m)
{
	if (v->n == 0)
		return pc_failf(pc, prefix ? "Prefix expression name not found" :
		    "Suffix expression name not found");
	if (strcmp(v->keys[0], "equals-ignore-case") != 0)
		return pc_fail(pc, xasprintf("Unsupported %s pattern: %s",
		    prefix ? "prefix" : "suffix", v->keys[0]));
	if (v->kids[0]->type != PJ_STR)
		return pc_failf(pc, "equals-ignore-case match pattern must be a "
		    "string");
	if (v->n > 1)
		return pc_failf(pc, "Only one key allowed in match expression");
	m->kind = prefix ? PM_PREFIX_EIC : PM_SUFFIX_EIC;
	m->s = xstrndup(v->kids[0]->s, v->kids[0]->len);
	m->len = v->kids[0]->len;
	m->eic = pattern_eic_compile(m->s, m->len, &m->neic);
	return true;
}

/* One {"op": value} match expression. */
static bool
pc_expression(struct pc *pc, const struct pj *o, struct pm *m)
{
	const char *op;
	const struct pj *v;
	bool one_key = true;
	char *err;

	if (o->n == 0)
		return pc_failf(pc, "Match expression name not found");
	op = o->keys[0];
	v = o->kids[0];
	if (strcmp(op, "exactly") == 0) {
		if (v->type != PJ_STR)
			return pc_failf(pc, "exact match pattern must be a string");
		m->kind = PM_EXACT;
		m->vtype = PATTERN_V_STRING;
	} else if (strcmp(op, "prefix") == 0 || strcmp(op, "suffix") == 0) {
		if (v->type == PJ_OBJ) {
			if (!pc_affix_eic(pc, v, op[0] == 'p', m))
				return false;
		} else if (v->type != PJ_STR)
			return pc_fail(pc, xasprintf("%s match pattern must be a "
			    "string", op));
		else
			m->kind = op[0] == 'p' ? PM_PREFIX : PM_SUFFIX;
	} else if (strcmp(op, "numeric") == 0) {
		if (v->type != PJ_ARR)
			return pc_failf(pc, "Value of numeric must be an array.");
		if (!pc_numeric(pc, v, m))
			return false;
		one_key = false;
	} else if (strcmp(op, "anything-but") == 0) {
		if (!pc_anything_but(pc, v, m))
			return false;
		one_key = false;
	} else if (strcmp(op, "exists") == 0) {
		if (v->type != PJ_TRUE && v->type != PJ_FALSE)
			return pc_failf(pc, "exists match pattern must be either "
			    "true or false.");
		m->kind = v->type == PJ_TRUE ? PM_EXISTS : PM_ABSENT;
	} else if (strcmp(op, "cidr") == 0) {
		if (v->type != PJ_STR)
			return pc_failf(pc, "prefix match pattern must be a string");
		if (!pc_cidr(pc, v->s, m))
			return false;
	} else if (strcmp(op, "equals-ignore-case") == 0) {
		if (v->type != PJ_STR)
			return pc_failf(pc, "equals-ignore-case match pattern must "
			    "be a string");
		m->kind = PM_EIC;
		m->eic = pattern_eic_compile(v->s, v->len, &m->neic);
	} else if (strcmp(op, "wildcard") == 0) {
		if (v->type != PJ_STR)
			return pc_failf(pc, "wildcard match pattern must be a "
			    "string");
		if ((err = pattern_wildcard_check(v->s, v->len)) != NULL)
			return pc_fail(pc, err);
		m->kind = PM_WILDCARD;
	} else
		return pc_fail(pc, xasprintf("Unrecognized match type %s", op));
	if (v->type == PJ_STR && m->s == NULL && m->kind != PM_IP) {
		m->s = xstrndup(v->s, v->len);
		m->len = v->len;
	}
	if (o->n > 1)
		return pc_failf(pc, one_key ? "Only one key allowed in match "
		    "expression" : "Too many elements in numeric expression");
	return true;
}

static void
pl_add(struct pm_list *l, const struct pm *m)
{
	l->m = xreallocarray(l->m, l->n + 1, sizeof *l->m);
	l->m[l->n++] = *m;
	if (m->kind == PM_ABSENT)
		l->absent = true;
	if (m->kind == PM_NUM_EQ || m->kind == PM_RANGE || m->kind == PM_AB_NUM)
		l->numeric = true;
}

/* A field's array of match values (writeRules). */
static bool
pc_write(struct pc *pc, const char *path, const struct pj *arr)
{
	struct pattern *p = pc->pat;
	struct pm_list *l;
	struct pm m;
	struct pc_rule *r;
	const struct pj *e;
	size_t i, j;
	int li;

	p->lists = xreallocarray(p->lists, p->nlists + 1, sizeof *p->lists);
	pc->list_path = xreallocarray(pc->list_path, p->nlists + 1,
	    sizeof *pc->list_path);
	pc->list_path[p->nlists] = xstrdup(path);
	li = (int)p->nlists++;
	l = &p->lists[li];
	memset(l, 0, sizeof *l);
	for (i = 0; i < arr->n; i++) {
		e = arr->kids[i];
		memset(&m, 0, sizeof m);
		switch (e->type) {
		case PJ_OBJ:
			if (!pc_expression(pc, e, &m)) {
				pm_free(&m);
				return false;
			}
			break;
		case PJ_STR:
			m.ip_len = pattern_ip(e->s, e->len, m.ip_lo);
			if (m.ip_len > 0) {
				m.kind = PM_IP;
				memcpy(m.ip_hi, m.ip_lo, 16);
				break;
			}
			m.ip_len = 0;
			m.kind = PM_EXACT;
			m.vtype = PATTERN_V_STRING;
			m.s = xstrndup(e->s, e->len);
			m.len = e->len;
			break;
		case PJ_NUM:
			/* numeric equality when representable, and always the
			 * literal text (an account number, say) */
			if (pattern_number(e->s, e->len, &m.lo)) {
				m.kind = PM_NUM_EQ;
				pl_add(l, &m);
				memset(&m, 0, sizeof m);
			}
			m.kind = PM_EXACT;
			m.vtype = PATTERN_V_NUMBER;
			m.s = xstrndup(e->s, e->len);
			m.len = e->len;
			break;
		case PJ_TRUE:
		case PJ_FALSE:
		case PJ_NULL:
			m.kind = PM_EXACT;
			m.vtype = e->type == PJ_TRUE ? PATTERN_V_TRUE :
			    e->type == PJ_FALSE ? PATTERN_V_FALSE : PATTERN_V_NULL;
			break;
		case PJ_ARR:
			return pc_failf(pc, "Match value must be String, number, "
			    "true, false, or null");
		}
		pl_add(l, &m);
	}
	if (l->n == 0)
		return pc_failf(pc, "Empty arrays are not allowed");
	if (pc->nrules == 0) {
		pc->rules = xcalloc(1, sizeof *pc->rules);
		pc->nrules = 1;
	}
	for (i = 0; i < pc->nrules; i++) {
		r = &pc->rules[i];
		for (j = 0; j < r->n && strcmp(r->e[j].path, path) != 0; j++)
			;
		if (j == r->n) {
			r->e = xreallocarray(r->e, r->n + 1, sizeof *r->e);
			r->e[r->n].path = xstrdup(path);
			r->n++;
		}
		r->e[j].list = li;	/* the last one wins */
	}
	return true;
}

static bool pc_object(struct pc *, const struct pj *, const char *, bool);

static bool
pc_or(struct pc *pc, const struct pj *arr, const char *prefix)
{
	struct pc_rule *current, *all = NULL;
	size_t ncurrent = pc->nrules, nall = 0, i;

	current = pc->rules;
	pc->rules = NULL;
	pc->nrules = 0;
	if (arr->type != PJ_ARR) {
		pc->rules = current;
		pc->nrules = ncurrent;
		return pc_failf(pc, "It must be an Array followed with $or.");
	}
	for (i = 0; i < arr->n && pc->err == NULL; i++) {
		if (arr->kids[i]->type != PJ_OBJ) {
			pc_failf(pc, "Only JSON object is allowed in array of $or "
			    "relationship.");
			break;
		}
		pc->rules = pc_rules_copy(current, ncurrent);
		pc->nrules = ncurrent > 0 ? ncurrent : 1;
		if (pc_object(pc, arr->kids[i], prefix, true)) {
			all = xreallocarray(all, nall + pc->nrules, sizeof *all);
			memcpy(all + nall, pc->rules, pc->nrules * sizeof *all);
			nall += pc->nrules;
			free(pc->rules);
			pc->rules = NULL;
			pc->nrules = 0;
			if (nall > PATTERN_MAX_RULES)
				pc_fail(pc, xasprintf("Event pattern has more "
				    "than %d $or combinations",
				    PATTERN_MAX_RULES));
		}
	}
	if (pc->err == NULL && arr->n < 2)
		pc_failf(pc, "There must have at least 2 Objects in $or "
		    "relationship.");
	pc_rules_free(pc->rules, pc->nrules);
	pc_rules_free(current, ncurrent);
	pc->rules = all;
	pc->nrules = nall;
	return pc->err == NULL;
}

static bool
pc_object(struct pc *pc, const struct pj *o, const char *prefix, bool in_or)
{
	const struct pj *v;
	const char *key;
	char *path;
	size_t i, k;
	bool ok = true;

	for (i = 0; i < o->n && ok; i++) {
		key = o->keys[i];
		v = o->kids[i];
		if (strcmp(key, "$or") == 0) {
			ok = pc_or(pc, v, prefix);
			continue;
		}
		if (in_or) {
			for (k = 0; k < sizeof pattern_reserved /
			    sizeof pattern_reserved[0]; k++)
				if (strcmp(key, pattern_reserved[k]) == 0)
					return pc_fail(pc, xasprintf("%s is Ruler "
					    "reserved fieldName which cannot be "
					    "used inside $or.", key));
		}
		path = xasprintf("%s%s", prefix, key);
		if (v->type == PJ_OBJ) {
			char *sub = xasprintf("%s.", path);

			ok = pc_object(pc, v, sub, in_or);
			free(sub);
		} else if (v->type == PJ_ARR)
			ok = pc_write(pc, path, v);
		else
			ok = pc_fail(pc, xasprintf("\"%s\" must be an object or an "
			    "array", key));
		free(path);
	}
	if (ok && o->n == 0)
		return pc_failf(pc, "Empty objects are not allowed");
	return ok;
}

/* AWS's wildcard complexity: every sub-rule in one machine, so per field
 * the wildcards of every list some sub-rule keeps there add up. */
static bool
pc_complexity(struct pc *pc)
{
	struct pattern *p = pc->pat;
	const struct pm *m;
	bool *used = xcalloc(p->nlists + 1, sizeof *used);
	int *cx = xcalloc(p->nlists + 1, sizeof *cx), sum;
	size_t i, j, k, s;
	bool ok = true;

	for (i = 0; i < pc->nrules; i++)
		for (j = 0; j < pc->rules[i].n; j++)
			used[pc->rules[i].e[j].list] = true;
	for (i = 0; i < p->nlists; i++) {
		if (!used[i])
			continue;
		for (k = 0; k < p->lists[i].n; k++) {
			m = &p->lists[i].m[k];
			if (m->kind == PM_WILDCARD)
				cx[i] += pattern_wildcard_complexity(m->s, m->len,
				    PATTERN_MAX_COMPLEXITY);
			if (m->kind == PM_AB_WILDCARD)
				for (s = 0; s < m->n; s++)
					cx[i] += pattern_wildcard_complexity(
					    m->strs[s], m->lens[s],
					    PATTERN_MAX_COMPLEXITY);
		}
	}
	for (i = 0; i < p->nlists && ok; i++) {
		if (cx[i] == 0)
			continue;
		for (j = 0, sum = 0; j < p->nlists; j++)
			if (strcmp(pc->list_path[i], pc->list_path[j]) == 0)
				sum += cx[j];
		if (sum >= PATTERN_MAX_COMPLEXITY)
			ok = pc_failf(pc, "Rule is too complex - try using fewer "
			    "wildcard characters or fewer repeating character "
			    "sequences after a wildcard character");
	}
	free(used);
	free(cx);
	return ok;
}

/* ---- the set ------------------------------------------------------------ */

static int
pattern_field(struct pattern_set *set, const char *path)
{
	int id = evjson_paths_add(set->paths, path), k;

	if ((size_t)id >= set->fcap) {
		set->fcap = set->fcap ? set->fcap * 2 : 32;
		set->numeric = xreallocarray(set->numeric, set->fcap,
		    sizeof *set->numeric);
		set->ipf = xreallocarray(set->ipf, set->fcap,
		    sizeof *set->ipf);
	}
	if ((size_t)id >= set->nfields) {
		set->numeric[id] = false;
		set->ipf[id] = false;
		set->nfields = (size_t)id + 1;
		for (k = 0; k < PW_NENV; k++)
			if (strcmp(path, pattern_env_names[k]) == 0)
				set->env[k] = id;
	}
	return id;
}

/* ---- the index (see struct pidx_ent) ------------------------------------ */

static uint64_t
pattern_hash(int field, const char *s, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = ((uint64_t)(unsigned)field + 1) * k ^ (uint64_t)n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	if (n > 0) {
		w = 0;
		while (n > 0)
			w = w << 8 | (uint8_t)s[--n];
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	return h * k ^ h >> 32;
}

static void
pattern_index_free(struct pattern_set *set)
{
	size_t i;

	if (set->itab != NULL)
		for (i = 0; i <= set->imask; i++)
			free(set->itab[i].gids);
	free(set->itab);
	free(set->ifields);
	free(set->gid_pat);
	free(set->gid_rule);
	free(set->always);
	set->itab = NULL;
	set->ifields = NULL;
	set->gid_pat = set->gid_rule = NULL;
	set->always = NULL;
	set->nifields = 0;
}

static struct pidx_ent *
pattern_index_find(const struct pattern_set *set, int field, const char *s,
    size_t len, uint64_t h)
{
	struct pidx_ent *e;
	size_t i;

	for (i = h & set->imask;; i = (i + 1) & set->imask) {
		e = &set->itab[i];
		if (e->field < 0)
			return NULL;
		if (e->h == h && e->field == field && e->len == len &&
		    evjson_same(e->s, s, len))
			return e;
	}
}

static struct pidx_ent *
pattern_index_put(struct pattern_set *set, int field, const char *s,
    size_t len)
{
	uint64_t h = pattern_hash(field, s, len);
	struct pidx_ent *e;
	size_t i;

	if ((e = pattern_index_find(set, field, s, len, h)) != NULL)
		return e;
	for (i = h & set->imask; set->itab[i].field >= 0;
	    i = (i + 1) & set->imask)
		;
	e = &set->itab[i];
	e->h = h;
	e->field = field;
	e->s = s;
	e->len = len;
	return e;
}

/* Can the rule's field f file it: must it hold one of some strings? */
static bool
pattern_keyable(const struct pattern *p, const struct prule_field *f)
{
	const struct pm_list *l = &p->lists[f->list];
	size_t i;

	if (l->absent || l->n == 0)
		return false;
	for (i = 0; i < l->n; i++)
		if (l->m[i].kind != PM_EXACT ||
		    l->m[i].vtype != PATTERN_V_STRING)
			return false;
	return true;
}

static void
pattern_index_build(struct pattern_set *set)
{
	const struct pattern *p;
	const struct pm_list *l;
	struct prule *r;
	struct pidx_ent *e;
	size_t i, j, k, m, nvals = 0, cost, bestcost;
	int best;

	pattern_index_free(set);
	set->ngids = 0;
	for (i = 0; i < set->npats; i++) {
		p = set->pats[i];
		for (j = 0; j < p->nrules; j++)
			for (k = 0; k < p->rules[j].n; k++)
				if (pattern_keyable(p, &p->rules[j].f[k]))
					nvals += p->lists[p->rules[j].f[k].list].n;
	}
	for (set->imask = 15; set->imask + 1 < 2 * nvals + 2;
	    set->imask = 2 * set->imask + 1)
		;
	set->itab = xcalloc(set->imask + 1, sizeof *set->itab);
	for (i = 0; i <= set->imask; i++)
		set->itab[i].field = -1;
	for (i = 0; i < set->npats; i++) {
		p = set->pats[i];
		for (j = 0; j < p->nrules; j++)
			for (k = 0; k < p->rules[j].n; k++) {
				if (!pattern_keyable(p, &p->rules[j].f[k]))
					continue;
				l = &p->lists[p->rules[j].f[k].list];
				for (m = 0; m < l->n; m++)
					pattern_index_put(set,
					    p->rules[j].f[k].field, l->m[m].s,
					    l->m[m].len)->uses++;
			}
	}
	for (i = 0, k = 0; i < set->npats; i++)
		k += set->pats[i]->nrules;
	set->gid_pat = xcalloc(k + 1, sizeof *set->gid_pat);
	set->gid_rule = xcalloc(k + 1, sizeof *set->gid_rule);
	set->always = xcalloc(k / 64 + 1, sizeof *set->always);
	/* file each rule under its most selective field */
	for (i = 0; i < set->npats; i++) {
		p = set->pats[i];
		for (j = 0; j < p->nrules; j++) {
			r = &p->rules[j];
			r->gid = (uint32_t)set->ngids++;
			set->gid_pat[r->gid] = (uint32_t)i;
			set->gid_rule[r->gid] = (uint32_t)j;
			best = -1;
			bestcost = SIZE_MAX;
			for (k = 0; k < r->n; k++) {
				if (!pattern_keyable(p, &r->f[k]))
					continue;
				l = &p->lists[r->f[k].list];
				for (cost = 0, m = 0; m < l->n; m++)
					cost += pattern_index_put(set,
					    r->f[k].field, l->m[m].s,
					    l->m[m].len)->uses;
				if (cost < bestcost) {
					best = (int)k;
					bestcost = cost;
				}
			}
			r->key = best < 0 ? -1 : r->f[best].field;
			if (best < 0) {
				set->always[r->gid / 64] |=
				    (uint64_t)1 << (r->gid % 64);
				continue;
			}
			l = &p->lists[r->f[best].list];
			for (m = 0; m < l->n; m++) {
				e = pattern_index_put(set, r->key, l->m[m].s,
				    l->m[m].len);
				/* a value listed twice files the rule once */
				if (e->n > 0 && e->gids[e->n - 1] == r->gid)
					continue;
				if (e->n == e->cap) {
					e->cap = e->cap ? 2 * e->cap : 4;
					e->gids = xreallocarray(e->gids, e->cap,
					    sizeof *e->gids);
				}
				e->gids[e->n++] = r->gid;
			}
			for (k = 0; k < set->nifields; k++)
				if (set->ifields[k] == r->key)
					break;
			if (k == set->nifields) {
				set->ifields = xreallocarray(set->ifields,
				    set->nifields + 1, sizeof *set->ifields);
				set->ifields[set->nifields++] = r->key;
			}
		}
	}
	set->indexed = set->npats;
	set->iversion++;
}

struct pattern_set *
pattern_set_new(void)
{
	struct pattern_set *set = xcalloc(1, sizeof *set);
	int k;

	set->paths = evjson_paths_new();
	for (k = 0; k < PW_NENV; k++)
		set->env[k] = -1;
	for (k = 0; k < PR_NREC; k++)
		set->rec[k] = pattern_field(set, pattern_rec_names[k]);
	set->detail_node = evjson_paths_node(set->paths, "detail");
	return set;
}

void
pattern_set_free(struct pattern_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->npats; i++)
		pattern_free(set->pats[i]);
	free(set->pats);
	free(set->numeric);
	free(set->ipf);
	pattern_index_free(set);
	evjson_paths_free(set->paths);
	free(set);
}

size_t
pattern_set_count(const struct pattern_set *set)
{
	return set->npats;
}

int
pattern_set_want(struct pattern_set *set, const char *path)
{
	return pattern_field(set, path);
}

/* Cheap checks first: fields that must hold an exact value, then the
 * rest, then those exists:false can satisfy. */
static int
pattern_field_cost(const struct pattern *p, const struct prule_field *f)
{
	const struct pm_list *l = &p->lists[f->list];
	size_t i;
	int cost = 0;

	if (l->absent)
		return 100;
	for (i = 0; i < l->n; i++)
		if (l->m[i].kind != PM_EXACT && l->m[i].kind != PM_NUM_EQ)
			cost = 10;
	return cost;
}

static size_t
pattern_utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int
pattern_set_add(struct pattern_set *set, const char *json, size_t len,
    char **cause)
{
	struct pc pc;
	struct pj *root;
	struct pattern *p;
	struct prule *r;
	struct prule_field tmp;
	size_t i, j, k, chars;

	*cause = NULL;
	if ((chars = pattern_utf8_chars(json, len)) > PATTERN_MAX_LEN) {
		*cause = xasprintf("Event pattern is %zu characters long, more "
		    "than the limit of %d", chars, PATTERN_MAX_LEN);
		return -1;
	}
	if ((root = pj_parse(json, len, cause)) == NULL)
		return -1;
	memset(&pc, 0, sizeof pc);
	pc.pat = p = xcalloc(1, sizeof *p);
	if (root->type != PJ_OBJ)
		pc_failf(&pc, "Filter is not an object");
	else if (pc_object(&pc, root, "", false))
		pc_complexity(&pc);
	pj_free(root);
	for (i = 0; i < p->nlists; i++)
		free(pc.list_path[i]);
	free(pc.list_path);
	if (pc.err != NULL) {
		pc_rules_free(pc.rules, pc.nrules);
		pattern_free(p);
		*cause = pc.err;
		return -1;
	}
	p->rules = xcalloc(pc.nrules + 1, sizeof *p->rules);
	p->nrules = pc.nrules;
	for (i = 0; i < pc.nrules; i++) {
		r = &p->rules[i];
		r->n = pc.rules[i].n;
		r->f = xcalloc(r->n + 1, sizeof *r->f);
		for (j = 0; j < r->n; j++) {
			r->f[j].field = pattern_field(set, pc.rules[i].e[j].path);
			r->f[j].list = pc.rules[i].e[j].list;
			if (p->lists[r->f[j].list].numeric)
				set->numeric[r->f[j].field] = true;
			for (k = 0; k < p->lists[r->f[j].list].n; k++)
				if (p->lists[r->f[j].list].m[k].kind == PM_IP)
					set->ipf[r->f[j].field] = true;
		}
		/* insertion sort by cost, stable */
		for (j = 1; j < r->n; j++) {
			tmp = r->f[j];
			for (k = j; k > 0 && pattern_field_cost(p, &r->f[k - 1]) >
			    pattern_field_cost(p, &tmp); k--)
				r->f[k] = r->f[k - 1];
			r->f[k] = tmp;
		}
	}
	pc_rules_free(pc.rules, pc.nrules);
	if (set->npats == set->pcap) {
		set->pcap = set->pcap ? set->pcap * 2 : 16;
		set->pats = xreallocarray(set->pats, set->pcap,
		    sizeof *set->pats);
	}
	set->pats[set->npats] = p;
	return (int)set->npats++;
}

/* ---- events ------------------------------------------------------------- */

struct pattern_raw {
	int		 field;
	struct pattern_value v;
	uint32_t	 elem_off, nelems;
};

struct pattern_meta {
	double		 num;
	bool		 num_ok;
	int8_t		 iplen;		/* pattern_ip(), or -2: not read */
	uint8_t		 ip[16];
	uint32_t	 elem_off, nelems;
};

struct pattern_event {
	struct pattern_set	*set;
	struct evjson_reader	*reader;
	struct pattern_raw	*raw;
	size_t			 nraw, rawcap;
	struct evjson_elem	*elems;
	size_t			 nelems, elemcap;
	/* values sorted by field: vals[start[f] .. start[f] + count[f]) */
	struct pattern_value	*vals;
	struct pattern_meta	*meta;
	size_t			 valcap;
	uint32_t		*start, *count;
	size_t			 nfields;
	int			*touched;	/* fields with values, to reset */
	size_t			 ntouched;
	int			 rec_first[PR_NREC]; /* see pattern_rec() */
	char			*strbuf;	/* synthesised envelope text */
	size_t			 strcap;
	enum pattern_wrap	 last_auto;	/* what AUTO found last */
	/* rules worth testing (bit per gid), for the index as of version */
	uint64_t		*cand;
	size_t			 candwords;
	uint64_t		 cand_version;
	size_t			 cand_npats;
};

struct pattern_event *
pattern_event_new(struct pattern_set *set)
{
	struct pattern_event *ev = xcalloc(1, sizeof *ev);

	ev->set = set;
	ev->reader = evjson_reader_new();
	ev->last_auto = PATTERN_WRAP_CLOUDTRAIL;
	return ev;
}

void
pattern_event_free(struct pattern_event *ev)
{
	if (ev == NULL)
		return;
	evjson_reader_free(ev->reader);
	free(ev->raw);
	free(ev->elems);
	free(ev->vals);
	free(ev->meta);
	free(ev->start);
	free(ev->count);
	free(ev->touched);
	free(ev->strbuf);
	free(ev->cand);
	free(ev);
}

static void
pattern_raw_add(struct pattern_event *ev, int field,
    enum pattern_value_type type, const char *text, size_t len,
    const struct evjson_elem *elems, size_t nelems)
{
	struct pattern_raw *r;

	if (ev->nraw == ev->rawcap) {
		ev->rawcap = ev->rawcap ? ev->rawcap * 2 : 64;
		ev->raw = xreallocarray(ev->raw, ev->rawcap, sizeof *ev->raw);
	}
	if (ev->nelems + nelems > ev->elemcap) {
		while (ev->nelems + nelems > ev->elemcap)
			ev->elemcap = ev->elemcap ? ev->elemcap * 2 : 64;
		ev->elems = xreallocarray(ev->elems, ev->elemcap,
		    sizeof *ev->elems);
	}
	r = &ev->raw[ev->nraw++];
	r->field = field;
	r->v.type = type;
	r->v.text = text;
	r->v.len = len;
	r->elem_off = (uint32_t)ev->nelems;
	r->nelems = (uint32_t)nelems;
	if (nelems > 0)
		memcpy(ev->elems + ev->nelems, elems, nelems * sizeof *elems);
	ev->nelems += nelems;
}

static void
pattern_leaf(const struct evjson_leaf *leaf, void *arg)
{
	static const enum pattern_value_type types[] = {
		[EVJSON_STRING] = PATTERN_V_STRING,
		[EVJSON_NUMBER] = PATTERN_V_NUMBER,
		[EVJSON_TRUE] = PATTERN_V_TRUE,
		[EVJSON_FALSE] = PATTERN_V_FALSE,
		[EVJSON_NULL] = PATTERN_V_NULL,
	};

	struct pattern_event *ev = arg;

	/* record fields are the set's first fields: note their first
	 * top-level string for pattern_rec() */
	if (leaf->path < PR_NREC && leaf->nelems == 0 &&
	    leaf->type == EVJSON_STRING && ev->rec_first[leaf->path] < 0)
		ev->rec_first[leaf->path] = (int)ev->nraw;
	pattern_raw_add(ev, leaf->path, types[leaf->type], leaf->text,
	    leaf->len, leaf->elems, leaf->nelems);
}

static void
pattern_raw_reset(struct pattern_event *ev)
{
	int k;

	ev->nraw = 0;
	ev->nelems = 0;
	for (k = 0; k < PR_NREC; k++)
		ev->rec_first[k] = -1;
}

/* The first top-level string of a record field, or NULL. */
static const struct pattern_raw *
pattern_rec(const struct pattern_event *ev, int field)
{
	size_t i;

	if (field >= 0 && field < PR_NREC && ev->set->rec[field] == field)
		return ev->rec_first[field] < 0 ? NULL :
		    &ev->raw[ev->rec_first[field]];
	for (i = 0; i < ev->nraw; i++)
		if (ev->raw[i].field == field && ev->raw[i].nelems == 0 &&
		    ev->raw[i].v.type == PATTERN_V_STRING)
			return &ev->raw[i];
	return NULL;
}

/* The envelope EventBridge puts around a CloudTrail record. */
static void
pattern_wrap(struct pattern_event *ev)
{
	static const struct {
		const char	*event_type, *detail_type;
	} types[] = {
		{ "AwsServiceEvent", "AWS Service Event via CloudTrail" },
		{ "AwsConsoleSignIn", "AWS Console Sign In via CloudTrail" },
		{ "AwsCloudTrailInsight", "AWS Insight via CloudTrail" },
	};
	static const int from[PW_NENV] = {
		[PW_VERSION] = -1, [PW_ID] = PR_EVENT_ID,
		[PW_DETAIL_TYPE] = -1, [PW_SOURCE] = -1,
		[PW_ACCOUNT] = PR_ACCOUNT, [PW_TIME] = PR_TIME,
		[PW_REGION] = PR_REGION, [PW_RESOURCES] = -1,
	};
	const struct pattern_set *set = ev->set;
	const struct pattern_raw *r;
	const char *dt = "AWS API Call via CloudTrail";
	struct pattern_value v[PW_NENV];
	bool have[PW_NENV] = { false };
	size_t i, n;
	int k;

	for (k = 0; k < PW_NENV; k++) {
		if (set->env[k] < 0)
			continue;
		v[k].type = PATTERN_V_STRING;
		if (from[k] >= 0) {
			if ((r = pattern_rec(ev, set->rec[from[k]])) != NULL) {
				v[k] = r->v;
				have[k] = true;
			}
			continue;
		}
		switch (k) {
		case PW_VERSION:
			v[k].text = "0";
			v[k].len = 1;
			have[k] = true;
			break;
		case PW_DETAIL_TYPE:
			r = pattern_rec(ev, set->rec[PR_EVENT_TYPE]);
			/* AwsApiCall, the usual type, is the default */
			for (i = 0; r != NULL && r->v.len != 10 &&
			    i < sizeof types / sizeof types[0]; i++)
				if (strlen(types[i].event_type) == r->v.len &&
				    memcmp(types[i].event_type, r->v.text,
				    r->v.len) == 0)
					dt = types[i].detail_type;
			v[k].text = dt;
			v[k].len = strlen(dt);
			have[k] = true;
			break;
		case PW_SOURCE:
			if ((r = pattern_rec(ev, set->rec[PR_EVENT_SOURCE])) == NULL)
				break;
			n = r->v.len;
			if (n >= 14 && memcmp(r->v.text + n - 14,
			    ".amazonaws.com", 14) == 0)
				n -= 14;
			if (ev->strcap < n + 4) {
				free(ev->strbuf);
				ev->strcap = n + 64;
				ev->strbuf = xmalloc(ev->strcap);
			}
			memcpy(ev->strbuf, "aws.", 4);
			memcpy(ev->strbuf + 4, r->v.text, n);
			v[k].text = ev->strbuf;
			v[k].len = n + 4;
			have[k] = true;
			break;
		default:	/* resources: [] has no values */
			break;
		}
	}
	for (k = 0; k < PW_NENV; k++)
		if (have[k])
			pattern_raw_add(ev, set->env[k], v[k].type, v[k].text,
			    v[k].len, NULL, 0);
}

/* AUTO: a CloudTrail record has eventSource and no detail-type. */
static enum pattern_wrap
pattern_sniff(const char *json, size_t len)
{
	const char *p = json, *end = json + len, *q;
	bool esc, source = false;
	char *cause = NULL;

	p = evjson_skip_ws(p, end);
	if (p >= end || *p != '{')
		return PATTERN_WRAP_NONE;
	p = evjson_skip_ws(p + 1, end);
	while (p < end && *p == '"') {
		if ((q = evjson_string_span(p + 1, end, &esc)) == NULL)
			break;
		if (q - p == 13 && memcmp(p, "\"eventSource\"", 13) == 0)
			source = true;
		if (q - p == 13 && memcmp(p, "\"detail-type\"", 13) == 0)
			return PATTERN_WRAP_NONE;
		p = evjson_skip_ws(q, end);
		if (p >= end || *p != ':')
			break;
		if ((p = evjson_skip(p + 1, end, &cause)) == NULL) {
			free(cause);
			break;
		}
		p = evjson_skip_ws(p, end);
		if (p >= end || *p != ',')
			break;
		p = evjson_skip_ws(p + 1, end);
	}
	return source ? PATTERN_WRAP_CLOUDTRAIL : PATTERN_WRAP_NONE;
}

/* Marks the rules filed under the values the loaded event has. */
static void
pattern_candidates(struct pattern_event *ev)
{
	struct pattern_set *set = ev->set;
	const struct pattern_value *v;
	const struct pidx_ent *e;
	size_t i, j, k, n, words;
	int f;

	if (set->indexed != set->npats)
		pattern_index_build(set);
	words = (set->ngids + 63) / 64;
	if (ev->candwords < words) {
		free(ev->cand);
		ev->cand = xcalloc(words, sizeof *ev->cand);
		ev->candwords = words;
	}
	/* An empty set has no words (and maybe no arrays: no memcpy). */
	if (words > 0)
		memcpy(ev->cand, set->always, words * sizeof *ev->cand);
	ev->cand_version = set->iversion;
	ev->cand_npats = set->indexed;
	for (i = 0; i < set->nifields; i++) {
		f = set->ifields[i];
		if ((size_t)f >= ev->nfields || (n = ev->count[f]) == 0)
			continue;
		v = &ev->vals[ev->start[f]];
		for (j = 0; j < n; j++) {
			if (v[j].type != PATTERN_V_STRING ||
			    (e = pattern_index_find(set, f, v[j].text, v[j].len,
			    pattern_hash(f, v[j].text, v[j].len))) == NULL)
				continue;
			for (k = 0; k < e->n; k++)
				ev->cand[e->gids[k] / 64] |=
				    (uint64_t)1 << (e->gids[k] % 64);
		}
	}
}

/* AUTO in one pass: read as the kind the last event was, noting the
 * top-level keys pattern_sniff() looks for; read again only when the
 * guess was wrong, so the result is exactly that of sniffing first. */
static int
pattern_read_auto(struct pattern_event *ev, const char *json, size_t len,
    enum pattern_wrap *wrap, char **cause)
{
	static const char *const keys[] = { "eventSource", "detail-type" };
	const struct pattern_set *set = ev->set;
	struct evjson_sniff sn = { keys, 2, 0, false };
	enum pattern_wrap guess = ev->last_auto, w;
	int rc;

	rc = evjson_read_sniff(ev->reader, set->paths, guess ==
	    PATTERN_WRAP_CLOUDTRAIL ? set->detail_node : 0, json, len,
	    pattern_leaf, ev, &sn, cause);
	if (sn.deep)
		w = pattern_sniff(json, len);
	else
		w = (sn.seen & 1) && !(sn.seen & 2) ? PATTERN_WRAP_CLOUDTRAIL :
		    PATTERN_WRAP_NONE;
	*wrap = ev->last_auto = w;
	if (w != guess) {
		if (rc != 0)
			free(*cause);
		pattern_raw_reset(ev);
		rc = evjson_read(ev->reader, set->paths, w ==
		    PATTERN_WRAP_CLOUDTRAIL ? set->detail_node : 0, json, len,
		    pattern_leaf, ev, cause);
	}
	if (rc != 0)
		ev->nraw = 0;
	return rc;
}

int
pattern_event_load(struct pattern_event *ev, const char *json, size_t len,
    enum pattern_wrap wrap, char **cause)
{
	const struct pattern_set *set = ev->set;
	const char *p = evjson_skip_ws(json, json + len);
	struct pattern_raw *r;
	struct pattern_meta *m;
	size_t i, nf = set->nfields;
	uint32_t at;

	pattern_raw_reset(ev);
	if (ev->nfields < nf) {
		free(ev->start);
		free(ev->count);
		free(ev->touched);
		ev->start = xcalloc(nf, sizeof *ev->start);
		ev->count = xcalloc(nf, sizeof *ev->count);
		ev->touched = xcalloc(nf, sizeof *ev->touched);
		ev->ntouched = 0;
		ev->nfields = nf;
	}
	for (i = 0; i < ev->ntouched; i++)
		ev->count[ev->touched[i]] = 0;
	ev->ntouched = 0;
	if (len > PATTERN_EVENT_MAX) {
		*cause = xasprintf("event is %zu bytes, more than the limit of "
		    "%d", len, PATTERN_EVENT_MAX);
		return -1;
	}
	if (p >= json + len || *p != '{') {
		*cause = xasprintf("offset %zu: event is not a JSON object",
		    (size_t)(p - json));
		return -1;
	}
	if (wrap == PATTERN_WRAP_AUTO) {
		if (pattern_read_auto(ev, json, len, &wrap, cause) != 0)
			return -1;
	} else if (evjson_read(ev->reader, set->paths, wrap ==
	    PATTERN_WRAP_CLOUDTRAIL ? set->detail_node : 0, json, len,
	    pattern_leaf, ev, cause) != 0) {
		ev->nraw = 0;
		return -1;
	}
	if (wrap == PATTERN_WRAP_CLOUDTRAIL)
		pattern_wrap(ev);

	/* counting sort by field */
	if (ev->valcap < ev->nraw) {
		ev->valcap = ev->nraw * 2;
		free(ev->vals);
		free(ev->meta);
		ev->vals = xcalloc(ev->valcap, sizeof *ev->vals);
		ev->meta = xcalloc(ev->valcap, sizeof *ev->meta);
	}
	/* only the fields present: most of the set's are not */
	for (i = 0; i < ev->nraw; i++)
		if (ev->count[ev->raw[i].field]++ == 0)
			ev->touched[ev->ntouched++] = ev->raw[i].field;
	for (i = 0, at = 0; i < ev->ntouched; i++) {
		ev->start[ev->touched[i]] = at;
		at += ev->count[ev->touched[i]];
		ev->count[ev->touched[i]] = 0;
	}
	for (i = 0; i < ev->nraw; i++) {
		r = &ev->raw[i];
		at = ev->start[r->field] + ev->count[r->field]++;
		ev->vals[at] = r->v;
		m = &ev->meta[at];
		m->elem_off = r->elem_off;
		m->nelems = r->nelems;
		m->num_ok = r->v.type == PATTERN_V_NUMBER &&
		    set->numeric[r->field] &&
		    pattern_number(r->v.text, r->v.len, &m->num);
		if (m->num_ok)
			m->num += 0.0;	/* -0 is 0, as BigDecimal has it */
		/* an IP is read once, not once per cidr */
		m->iplen = -2;
		if (set->ipf[r->field])
			m->iplen = (int8_t)(r->v.type == PATTERN_V_STRING &&
			    r->v.len <= 64 ? pattern_ip(r->v.text, r->v.len,
			    m->ip) : 0);
	}
	pattern_candidates(ev);
	return 0;
}

const struct pattern_value *
pattern_event_values(const struct pattern_event *ev, int field, size_t *n)
{
	if (field < 0 || (size_t)field >= ev->nfields ||
	    (size_t)field >= ev->set->nfields) {
		*n = 0;
		return NULL;
	}
	*n = ev->count[field];
	return *n > 0 ? &ev->vals[ev->start[field]] : NULL;
}

/* ---- matching ----------------------------------------------------------- */

static bool
pattern_str_in(const struct pm *m, const struct pattern_value *v,
    bool (*test)(const char *, size_t, const char *, size_t))
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (test(m->strs[i], m->lens[i], v->text, v->len))
			return true;
	return false;
}

static bool
pattern_eq(const char *p, size_t plen, const char *s, size_t slen)
{
	return plen == slen && evjson_same(p, s, plen);
}

static bool
pattern_has_prefix(const char *p, size_t plen, const char *s, size_t slen)
{
	return plen <= slen && evjson_same(p, s, plen);
}

static bool
pattern_has_suffix(const char *p, size_t plen, const char *s, size_t slen)
{
	return plen <= slen && evjson_same(p, s + slen - plen, plen);
}

static bool
pattern_pm(const struct pm *m, const struct pattern_value *v,
    const struct pattern_meta *meta)
{
	bool str = v->type == PATTERN_V_STRING;
	uint8_t ip[16];
	size_t i;

	switch (m->kind) {
	case PM_EXACT:
		return v->type == m->vtype && (m->vtype != PATTERN_V_STRING &&
		    m->vtype != PATTERN_V_NUMBER ? true :
		    pattern_eq(m->s, m->len, v->text, v->len));
	case PM_NUM_EQ:
		return meta->num_ok && meta->num == m->lo;
	case PM_IP:
		if (meta->iplen != -2)
			return meta->iplen == m->ip_len &&
			    memcmp(meta->ip, m->ip_lo, (size_t)m->ip_len) >= 0 &&
			    memcmp(meta->ip, m->ip_hi, (size_t)m->ip_len) <= 0;
		return str && v->len <= 64 && pattern_ip(v->text, v->len, ip) ==
		    m->ip_len && memcmp(ip, m->ip_lo, (size_t)m->ip_len) >= 0 &&
		    memcmp(ip, m->ip_hi, (size_t)m->ip_len) <= 0;
	case PM_PREFIX:
		return str && pattern_has_prefix(m->s, m->len, v->text, v->len);
	case PM_SUFFIX:
		return str && pattern_has_suffix(m->s, m->len, v->text, v->len);
	case PM_EIC:
		return str && pattern_eic_fwd(m->eic, m->neic, v->text, v->len,
		    false);
	case PM_PREFIX_EIC:
		return str && pattern_eic_fwd(m->eic, m->neic, v->text, v->len,
		    true);
	case PM_SUFFIX_EIC:
		return str && pattern_eic_back(m->eic, m->neic, v->text, v->len);
	case PM_WILDCARD:
		return str && pattern_wildcard_match(m->s, m->len, v->text,
		    v->len);
	case PM_RANGE:
		if (!meta->num_ok)
			return false;
		if (m->has_lo && (m->lo_open ? meta->num <= m->lo :
		    meta->num < m->lo))
			return false;
		if (m->has_hi && (m->hi_open ? meta->num >= m->hi :
		    meta->num > m->hi))
			return false;
		return true;
	case PM_EXISTS:
		return true;
	case PM_ABSENT:
		return false;
	case PM_AB_STR:
		return !str || !pattern_str_in(m, v, pattern_eq);
	case PM_AB_NUM:
		if (!meta->num_ok)
			return true;
		for (i = 0; i < m->n; i++)
			if (m->nums[i] == meta->num)
				return false;
		return true;
	case PM_AB_PREFIX:
		return !str || !pattern_str_in(m, v, pattern_has_prefix);
	case PM_AB_SUFFIX:
		return !str || !pattern_str_in(m, v, pattern_has_suffix);
	case PM_AB_WILDCARD:
		return !str || !pattern_str_in(m, v, pattern_wildcard_match);
	case PM_AB_EIC:
		if (!str)
			return true;
		for (i = 0; i < m->n; i++)
			if (pattern_eic_fwd(m->eics[i], m->neics[i], v->text,
			    v->len, false))
				return false;
		return true;
	}
	return false;
}

static bool
pattern_list(const struct pm_list *l, const struct pattern_value *v,
    const struct pattern_meta *meta)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (pattern_pm(&l->m[i], v, meta))
			return true;
	return false;
}

/* event-ruler's array consistency: two values agree when, in every array
 * enclosing both, they sit in the same element.  Common arrays form a
 * common prefix of the outermost-first lists. */
static bool
pattern_consistent(const struct pattern_event *ev, const struct pattern_meta *a,
    const struct pattern_meta *b)
{
	const struct evjson_elem *x = ev->elems + a->elem_off;
	const struct evjson_elem *y = ev->elems + b->elem_off;
	uint32_t i;

	for (i = 0; i < a->nelems && i < b->nelems &&
	    x[i].array == y[i].array; i++)
		if (x[i].index != y[i].index)
			return false;
	return true;
}

#define PATTERN_MAX_CAND	64

struct pattern_search {
	const struct pattern_event	*ev;
	const uint32_t			*cand[PATTERN_MAX_CAND];
	size_t				 ncand[PATTERN_MAX_CAND];
	uint32_t			 chosen[PATTERN_MAX_CAND];
	size_t				 nfields;
};

static bool
pattern_search(struct pattern_search *s, size_t f)
{
	size_t i, j;
	uint32_t c;

	if (f == s->nfields)
		return true;
	for (i = 0; i < s->ncand[f]; i++) {
		c = s->cand[f][i];
		for (j = 0; j < f; j++)
			if (!pattern_consistent(s->ev, &s->ev->meta[c],
			    &s->ev->meta[s->chosen[j]]))
				break;
		if (j < f)
			continue;
		s->chosen[f] = c;
		if (pattern_search(s, f + 1))
			return true;
	}
	return false;
}

static bool
pattern_rule(const struct pattern_event *ev, const struct pattern *p,
    const struct prule *r)
{
	const struct prule_field *f;
	const struct pm_list *l;
	struct pattern_search s;
	uint32_t stackbuf[256], *buf = stackbuf, at, n, i, used = 0;
	size_t k, cap = 256, total = 0;
	bool ok = false;

	/* fields that must have a value but have none */
	for (k = 0; k < r->n; k++) {
		f = &r->f[k];
		if (ev->count[f->field] == 0 && !p->lists[f->list].absent)
			return false;
		total += ev->count[f->field];
	}
	if (total > cap)
		buf = xcalloc(cap = total, sizeof *buf);
	s.ev = ev;
	s.nfields = 0;
	for (k = 0; k < r->n; k++) {
		f = &r->f[k];
		l = &p->lists[f->list];
		n = ev->count[f->field];
		if (n == 0)
			continue;	/* satisfied by exists:false */
		at = ev->start[f->field];
		bool free_agent = false;
		uint32_t first = used;

		for (i = 0; i < n; i++) {
			if (!pattern_list(l, &ev->vals[at + i], &ev->meta[at + i]))
				continue;
			if (ev->meta[at + i].nelems == 0) {
				/* agrees with anything */
				free_agent = true;
				break;
			}
			buf[used++] = at + i;
		}
		if (free_agent) {
			used = first;
			continue;
		}
		if (used == first)
			goto out;
		if (s.nfields == PATTERN_MAX_CAND)
			continue;	/* beyond the search: no consistency */
		s.cand[s.nfields] = buf + first;
		s.ncand[s.nfields++] = used - first;
	}
	ok = s.nfields <= 1 || pattern_search(&s, 0);
out:
	if (buf != stackbuf)
		free(buf);
	return ok;
}

/* pattern_rule(), unless the rule reads a field added after the load
 * (a pattern added since: the event lacks it). */
static bool
pattern_rule_loaded(const struct pattern_event *ev, const struct pattern *p,
    const struct prule *r)
{
	size_t k;

	for (k = 0; k < r->n; k++)
		if ((size_t)r->f[k].field >= ev->nfields)
			return false;
	return pattern_rule(ev, p, r);
}

bool
pattern_event_match(const struct pattern_event *ev, int idx)
{
	const struct pattern *p;
	size_t i;
	bool indexed;

	if (idx < 0 || (size_t)idx >= ev->set->npats)
		return false;
	p = ev->set->pats[idx];
	/* the index at load still holds for this pattern */
	indexed = ev->cand_version == ev->set->iversion &&
	    (size_t)idx < ev->cand_npats;
	for (i = 0; i < p->nrules; i++) {
		if (indexed && !(ev->cand[p->rules[i].gid / 64] >>
		    (p->rules[i].gid % 64) & 1))
			continue;
		if (pattern_rule_loaded(ev, p, &p->rules[i]))
			return true;
	}
	return false;
}

size_t
pattern_event_matches(const struct pattern_event *ev, int *out, size_t max)
{
	const struct pattern_set *set = ev->set;
	size_t i, n = 0, w;
	uint64_t bits;
	uint32_t gid, pat;

	if (ev->cand_version != set->iversion || ev->cand_npats != set->npats) {
		for (i = 0; i < set->npats && n < max; i++)
			if (pattern_event_match(ev, (int)i))
				out[n++] = (int)i;
		return n;
	}
	/* Only the candidate rules, in gid order, which is pattern order. */
	for (w = 0; w < (set->ngids + 63) / 64; w++) {
		for (bits = ev->cand[w]; bits != 0 && n < max;
		    bits &= bits - 1) {
			gid = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			pat = set->gid_pat[gid];
			if (n > 0 && out[n - 1] == (int)pat)
				continue;	/* matched by an earlier rule */
			if (pattern_rule_loaded(ev, set->pats[pat],
			    &set->pats[pat]->rules[set->gid_rule[gid]]))
				out[n++] = (int)pat;
		}
	}
	return n;
}

int
pattern_test(const char *pattern, size_t plen, const char *event,
    size_t elen, enum pattern_wrap wrap, bool *invalid_pattern, char **cause)
{
	struct pattern_set *set = pattern_set_new();
	struct pattern_event *ev;
	int idx, r = -1;

	*invalid_pattern = false;
	if ((idx = pattern_set_add(set, pattern, plen, cause)) < 0) {
		*invalid_pattern = true;
		pattern_set_free(set);
		return -1;
	}
	ev = pattern_event_new(set);
	if (pattern_event_load(ev, event, elen, wrap, cause) == 0)
		r = pattern_event_match(ev, idx) ? 1 : 0;
	pattern_event_free(ev);
	pattern_set_free(set);
	return r;
}
