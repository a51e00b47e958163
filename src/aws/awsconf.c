/* The shared AWS config and credentials files, parsed with inih.
 *
 * inih does the line syntax; we feed it through our own reader so we know
 * the exact line being parsed.  That matters because inih cuts section names
 * at 50 bytes, calls the handler neither for empty sections nor with a line
 * number, and reports only the number of the first bad line.  The reader
 * mirrors inih's view of each line (section, key, continuation) and we take
 * full names from the raw text. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "awsconf.h"
#include "buf.h"
#include "kv.h"
#include "xalloc.h"

#define AWSCONF_MAX_SIZE	(1024 * 1024)

enum awsconf_file { AWSCONF_CONFIG, AWSCONF_CREDENTIALS, AWSCONF_NFILES };

enum awsconf_kind {
	AWSCONF_PROFILE,
	AWSCONF_SSO_SESSION,
	AWSCONF_SERVICES,
	AWSCONF_OTHER,		/* kept so its keys are not "outside a section" */
};

struct awsconf_entry {
	char		*key;
	char		*value;
	struct kv	 subs;		/* nested "key =" followed by indented lines */
	int		 line;
};

struct awsconf_section {
	enum awsconf_file	 file;
	enum awsconf_kind	 kind;
	char			*name;
	struct awsconf_entry	*v;
	size_t			 n;
	size_t			 cap;
};

struct awsconf {
	char			*paths[AWSCONF_NFILES];
	struct awsconf_section	*s;
	size_t			 n;
	size_t			 cap;
};

/* What our reader saw on the line it handed to inih last. */
enum awsconf_line {
	AWSCONF_LINE_BLANK,
	AWSCONF_LINE_COMMENT,
	AWSCONF_LINE_SECTION,
	AWSCONF_LINE_KEY,
	AWSCONF_LINE_CONT,
	AWSCONF_LINE_BAD,
};

struct awsconf_parse {
	struct awsconf		*conf;
	enum awsconf_file	 file;
	const char		*path;
	const char		*data;
	size_t			 len;
	size_t			 pos;
	bool			 at_line_start;
	int			 lineno;
	size_t			 line_start;
	size_t			 line_end;	/* excludes the newline */
	enum awsconf_line	 type;
	bool			 have_prev;	/* inih's prev_name is non-empty */
	struct awsconf_section	*section;	/* NULL before the first */
	struct awsconf_entry	*entry;		/* last key, for continuations */
	char			*error;		/* first reason we found */
	int			 error_line;
};

static const char *awsconf_file_names[AWSCONF_NFILES] = {
	"config file", "credentials file"
};

static void
awsconf_error(struct awsconf_parse *p, const char *fmt, ...)
    ATTR_FORMAT(2, 3);

static void
awsconf_error(struct awsconf_parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error != NULL)
		return;
	va_start(ap, fmt);
	p->error = xvasprintf(fmt, ap);
	va_end(ap);
	p->error_line = p->lineno;
}

/* --- the data ---------------------------------------------------------- */

static struct awsconf_section *
awsconf_find_section(const struct awsconf *conf, enum awsconf_file file,
    enum awsconf_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < conf->n; i++) {
		if (conf->s[i].file == file && conf->s[i].kind == kind &&
		    strcmp(conf->s[i].name, name) == 0)
			return &conf->s[i];
	}
	return NULL;
}

/* Repeated sections merge, later keys winning, as most SDKs do. */
static struct awsconf_section *
awsconf_add_section(struct awsconf *conf, enum awsconf_file file,
    enum awsconf_kind kind, const char *name)
{
	struct awsconf_section *s;

	if ((s = awsconf_find_section(conf, file, kind, name)) != NULL)
		return s;
	if (conf->n == conf->cap) {
		conf->cap = conf->cap ? conf->cap * 2 : 8;
		conf->s = xreallocarray(conf->s, conf->cap, sizeof *conf->s);
	}
	s = &conf->s[conf->n++];
	memset(s, 0, sizeof *s);
	s->file = file;
	s->kind = kind;
	s->name = xstrdup(name);
	return s;
}

static struct awsconf_entry *
awsconf_find_entry(const struct awsconf_section *s, const char *key)
{
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->n; i++) {
		if (strcasecmp(s->v[i].key, key) == 0)
			return &s->v[i];
	}
	return NULL;
}

static struct awsconf_entry *
awsconf_set_entry(struct awsconf_section *s, const char *key,
    const char *value, int line)
{
	struct awsconf_entry *e;

	if ((e = awsconf_find_entry(s, key)) != NULL) {
		/* A repeated key replaces the earlier one. */
		free(e->value);
		kv_free(&e->subs);
	} else {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
		}
		e = &s->v[s->n++];
		memset(e, 0, sizeof *e);
		e->key = xstrdup(key);
	}
	e->value = xstrdup(value);
	e->line = line;
	return e;
}

void
awsconf_free(struct awsconf *conf)
{
	size_t i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->n; i++) {
		for (j = 0; j < conf->s[i].n; j++) {
			free(conf->s[i].v[j].key);
			free(conf->s[i].v[j].value);
			kv_free(&conf->s[i].v[j].subs);
		}
		free(conf->s[i].v);
		free(conf->s[i].name);
	}
	free(conf->s);
	for (i = 0; i < AWSCONF_NFILES; i++)
		free(conf->paths[i]);
	free(conf);
}

/* --- line classification ----------------------------------------------- */

static bool
awsconf_space(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* Copy of [start, end) without surrounding white space. */
static char *
awsconf_trim(const char *start, const char *end)
{
	while (start < end && awsconf_space(*start))
		start++;
	while (end > start && awsconf_space(end[-1]))
		end--;
	return xstrndup(start, (size_t)(end - start));
}

/* Splits like Python's shlex.split, as botocore does for section headers,
 * for the simple cases: words separated by white space, '' and "" quoting.
 * Returns the number of words (up to 3); w1 and w2 are the first two. */
static int
awsconf_split(const char *s, char **w1, char **w2)
{
	struct buf word = { 0 };
	char quote;
	int n = 0;

	*w1 = *w2 = NULL;
	for (;;) {
		while (awsconf_space(*s))
			s++;
		if (*s == '\0' || n == 3)
			break;
		buf_reset(&word);
		buf_adds(&word, "");
		while (*s != '\0' && !awsconf_space(*s)) {
			if (*s == '"' || *s == '\'') {
				quote = *s++;
				while (*s != '\0' && *s != quote)
					buf_addc(&word, *s++);
				if (*s == quote)
					s++;
			} else
				buf_addc(&word, *s++);
		}
		if (n == 0)
			*w1 = xstrdup(word.data);
		else if (n == 1)
			*w2 = xstrdup(word.data);
		n++;
	}
	buf_free(&word);
	return n;
}

static void
awsconf_open_section(struct awsconf_parse *p, const char *start,
    const char *end)
{
	enum awsconf_kind kind = AWSCONF_OTHER;
	char *header, *w1, *w2, *name = NULL;
	int words;

	header = awsconf_trim(start, end);
	if (*header == '\0') {
		awsconf_error(p, "empty section name '[]'");
		p->section = awsconf_add_section(p->conf, p->file,
		    AWSCONF_OTHER, "");
		free(header);
		return;
	}
	if (p->file == AWSCONF_CREDENTIALS) {
		/* Every section of the credentials file is a profile. */
		p->section = awsconf_add_section(p->conf, p->file,
		    AWSCONF_PROFILE, header);
		free(header);
		return;
	}
	words = awsconf_split(header, &w1, &w2);
	if (words == 1 && strcmp(w1, "default") == 0) {
		kind = AWSCONF_PROFILE;
		name = xstrdup("default");
	} else if (words == 2 && strcmp(w1, "profile") == 0) {
		/* "[profile default]" and "[default]" are the same profile. */
		kind = AWSCONF_PROFILE;
		name = xstrdup(w2);
	} else if (words == 2 && strcmp(w1, "sso-session") == 0) {
		kind = AWSCONF_SSO_SESSION;
		name = xstrdup(w2);
	} else if (words == 2 && strcmp(w1, "services") == 0) {
		kind = AWSCONF_SERVICES;
		name = xstrdup(w2);
	}
	/* Anything else ("[plugins]", "[profile a b]") is ignored, as botocore
	 * ignores it, but still a section. */
	p->section = awsconf_add_section(p->conf, p->file, kind,
	    name != NULL ? name : header);
	free(name);
	free(w1);
	free(w2);
	free(header);
}

/* Works out what inih will make of the line starting at p->pos, using
 * the same rules, and opens sections (inih says nothing of empty ones). */
static void
awsconf_classify(struct awsconf_parse *p)
{
	const char *line = p->data + p->line_start, *s, *end, *sep;
	const char *eol = p->data + p->line_end;

	s = line;
	if (p->lineno == 1 && p->line_end - p->line_start >= 3 &&
	    memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	line = s;
	while (s < eol && awsconf_space(*s))
		s++;
	if (s == eol) {
		p->type = AWSCONF_LINE_BLANK;
		return;
	}
	if (*s == ';' || *s == '#') {
		p->type = AWSCONF_LINE_COMMENT;
		return;
	}
	if (p->have_prev && s > line) {
		p->type = AWSCONF_LINE_CONT;
		return;
	}
	if (*s == '[') {
		if ((end = memchr(s, ']', (size_t)(eol - s))) == NULL) {
			p->type = AWSCONF_LINE_BAD;
			awsconf_error(p, "section header without a closing ']'");
			return;
		}
		p->type = AWSCONF_LINE_SECTION;
		p->have_prev = false;
		p->entry = NULL;
		awsconf_open_section(p, s + 1, end);
		return;
	}
	sep = s;
	while (sep < eol && *sep != '=' && *sep != ':')
		sep++;
	if (sep == eol) {
		p->type = AWSCONF_LINE_BAD;
		awsconf_error(p, "expected 'key = value' or '[section]'");
		return;
	}
	p->type = AWSCONF_LINE_KEY;
	end = sep;
	while (end > s && awsconf_space(end[-1]))
		end--;
	p->have_prev = end > s;
}

/* An fgets() over the file contents that tracks line numbers. */
static char *
awsconf_reader(char *str, int num, void *stream)
{
	struct awsconf_parse *p = stream;
	const char *nl;
	size_t n = 0;

	if (p->pos >= p->len || num < 2)
		return NULL;
	if (p->at_line_start) {
		p->lineno++;
		p->line_start = p->pos;
		nl = memchr(p->data + p->pos, '\n', p->len - p->pos);
		p->line_end = nl != NULL ? (size_t)(nl - p->data) : p->len;
		awsconf_classify(p);
	}
	while (n + 1 < (size_t)num && p->pos < p->len) {
		str[n] = p->data[p->pos++];
		if (str[n++] == '\n')
			break;
	}
	str[n] = '\0';
	p->at_line_start = str[n - 1] == '\n';
	return str;
}

static char *
awsconf_lower(const char *s, size_t n)
{
	char *out = xstrndup(s, n);
	char *c;

	for (c = out; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	return out;
}

static int
awsconf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct awsconf_parse *p = user;
	const char *s, *eol, *sep, *end;
	struct awsconf_entry *e;
	char *key, *sub, *subval, *joined;

	(void)section;
	(void)name;
	if (value == NULL)
		value = "";
	switch (p->type) {
	case AWSCONF_LINE_KEY:
		break;
	case AWSCONF_LINE_CONT:
		if ((e = p->entry) == NULL)
			return 0;
		if (*e->value != '\0') {
			/* A plain multi-line value. */
			joined = xasprintf("%s\n%s", e->value, value);
			free(e->value);
			e->value = joined;
			return 1;
		}
		if ((sep = strchr(value, '=')) == NULL) {
			awsconf_error(p, "expected 'name = value' in the nested "
			    "section '%s'", e->key);
			return 0;
		}
		sub = awsconf_trim(value, sep);
		if (*sub == '\0') {
			awsconf_error(p, "missing name before '=' in the nested "
			    "section '%s'", e->key);
			free(sub);
			return 0;
		}
		subval = awsconf_trim(sep + 1, sep + strlen(sep));
		kv_set(&e->subs, sub, subval);
		free(sub);
		free(subval);
		return 1;
	default:
		/* Not something we expected inih to call us for. */
		awsconf_error(p, "cannot parse this line");
		return 0;
	}

	/* The key from the raw line: inih truncates long ones elsewhere. */
	s = p->data + p->line_start;
	eol = p->data + p->line_end;
	if (p->lineno == 1 && eol - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < eol && awsconf_space(*s))
		s++;
	for (sep = s; sep < eol && *sep != '=' && *sep != ':'; sep++)
		;
	for (end = sep; end > s && awsconf_space(end[-1]); end--)
		;
	if (end == s) {
		awsconf_error(p, "missing key name before '%c'", *sep);
		return 0;
	}
	key = awsconf_lower(s, (size_t)(end - s));
	if (p->section == NULL) {
		awsconf_error(p, "'%s' is outside of any [section]", key);
		free(key);
		return 0;
	}
	p->entry = awsconf_set_entry(p->section, key, value, p->lineno);
	free(key);
	return 1;
}

/* --- files ------------------------------------------------------------- */

/* Binary data gives a clear error rather than surprising parses. */
static int
awsconf_check_text(const char *path, const char *data, size_t len,
    char **cause)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t i = 0, j, need;
	int line = 1;
	unsigned int cp;

	while (i < len) {
		if (u[i] == '\n') {
			line++;
			i++;
			continue;
		}
		if (u[i] == '\0') {
			*cause = xasprintf("%s:%d: NUL byte (is this a binary "
			    "file?)", path, line);
			return -1;
		}
		if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\r' &&
		    u[i] != '\f' && u[i] != '\v') || u[i] == 0x7f) {
			*cause = xasprintf("%s:%d: control character 0x%02x (is "
			    "this a binary file?)", path, line, u[i]);
			return -1;
		}
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		/* UTF-8: the shortest form, no surrogates, up to U+10FFFF. */
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			need = 1;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			need = 2;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			need = 3;
			cp = u[i] & 0x07;
		} else
			goto bad;
		if (len - i <= need)
			goto bad;
		for (j = 1; j <= need; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (u[i + j] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			goto bad;
		i += need + 1;
	}
	return 0;
bad:
	*cause = xasprintf("%s:%d: invalid UTF-8 (is this a binary file?)",
	    path, line);
	return -1;
}

static int
awsconf_parse_text(struct awsconf *conf, enum awsconf_file file,
    const char *path, const char *data, size_t len, char **cause)
{
	struct awsconf_parse p;
	bool s_multiline, s_inline, s_stack, s_realloc, s_stop, s_novalue;
	bool s_bom;
	char *s_prefixes;
	int s_max, s_initial, rc;

	if (awsconf_check_text(path, data, len, cause) != 0)
		return -1;

	memset(&p, 0, sizeof p);
	p.conf = conf;
	p.file = file;
	p.path = path;
	p.data = data;
	p.len = len;
	p.at_line_start = true;

	/* inih's switches are process-wide: set ours, put the others back. */
	s_multiline = ini_allow_multiline;
	s_inline = ini_allow_inline_comments;
	s_stack = ini_use_stack;
	s_realloc = ini_allow_realloc;
	s_stop = ini_stop_on_first_error;
	s_novalue = ini_allow_no_value;
	s_bom = ini_allow_bom;
	s_prefixes = ini_start_comment_prefixes;
	s_max = ini_max_line;
	s_initial = ini_initial_alloc;

	ini_allow_multiline = true;		/* nested "s3 =" sections */
	ini_allow_inline_comments = false;	/* "a = b ; c" is "b ; c" */
	ini_use_stack = false;			/* long lines (session tokens) */
	ini_allow_realloc = true;
	ini_max_line = AWSCONF_MAX_SIZE + 3;
	ini_initial_alloc = 512;
	ini_stop_on_first_error = true;
	ini_allow_no_value = false;
	ini_allow_bom = true;
	ini_start_comment_prefixes = (char *)";#";

	rc = ini_parse_stream(awsconf_reader, &p, awsconf_handler, &p);

	ini_allow_multiline = s_multiline;
	ini_allow_inline_comments = s_inline;
	ini_use_stack = s_stack;
	ini_allow_realloc = s_realloc;
	ini_stop_on_first_error = s_stop;
	ini_allow_no_value = s_novalue;
	ini_allow_bom = s_bom;
	ini_start_comment_prefixes = s_prefixes;
	ini_max_line = s_max;
	ini_initial_alloc = s_initial;

	if (rc == 0 && p.error == NULL)
		return 0;
	if (rc == -2)
		fatal("inih: out of memory");
	if (p.error != NULL)
		*cause = xasprintf("%s:%d: %s", path, p.error_line, p.error);
	else
		*cause = xasprintf("%s:%d: syntax error", path, rc);
	free(p.error);
	return -1;
}

static int
awsconf_read(struct awsconf *conf, enum awsconf_file file, const char *path,
    char **cause)
{
	struct buf b = { 0 };
	int rc;

	if (path == NULL)
		return 0;
	if (buf_read_file(&b, path, AWSCONF_MAX_SIZE) != 0) {
		if (errno == ENOENT) {
			buf_free(&b);
			return 0;	/* absent: no settings */
		}
		if (errno == EFBIG)
			*cause = xasprintf("%s: the %s is larger than 1 MiB",
			    path, awsconf_file_names[file]);
		else
			*cause = xasprintf("%s: cannot read the %s: %s", path,
			    awsconf_file_names[file], strerror(errno));
		buf_free(&b);
		return -1;
	}
	rc = awsconf_parse_text(conf, file, path, b.data != NULL ? b.data : "",
	    b.len, cause);
	buf_free(&b);
	return rc;
}

struct awsconf *
awsconf_load_files(const char *config_path, const char *credentials_path,
    char **cause)
{
	struct awsconf *conf = xcalloc(1, sizeof *conf);

	if (config_path != NULL)
		conf->paths[AWSCONF_CONFIG] = xstrdup(config_path);
	if (credentials_path != NULL)
		conf->paths[AWSCONF_CREDENTIALS] = xstrdup(credentials_path);
	if (awsconf_read(conf, AWSCONF_CONFIG, config_path, cause) != 0 ||
	    awsconf_read(conf, AWSCONF_CREDENTIALS, credentials_path,
	    cause) != 0) {
		awsconf_free(conf);
		return NULL;
	}
	return conf;
}

char *
awsconf_expand_path(const char *path)
{
	const char *home, *rest;
	struct passwd *pw;
	char *user;

	if (path[0] != '~')
		return xstrdup(path);
	rest = path + 1 + strcspn(path + 1, "/");
	if (rest == path + 1) {
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			if ((pw = getpwuid(getuid())) == NULL)
				return NULL;
			home = pw->pw_dir;
		}
	} else {
		user = xstrndup(path + 1, (size_t)(rest - path - 1));
		pw = getpwnam(user);
		free(user);
		if (pw == NULL)
			return NULL;
		home = pw->pw_dir;
	}
	return xasprintf("%s%s", home, rest);
}

static char *
awsconf_path(const char *env, const char *dflt)
{
	const char *v = getenv(env);

	return awsconf_expand_path(v != NULL && *v != '\0' ? v : dflt);
}

struct awsconf *
awsconf_load(char **cause)
{
	struct awsconf *conf;
	char *config, *credentials;

	config = awsconf_path("AWS_CONFIG_FILE", "~/.aws/config");
	credentials = awsconf_path("AWS_SHARED_CREDENTIALS_FILE",
	    "~/.aws/credentials");
	conf = awsconf_load_files(config, credentials, cause);
	free(config);
	free(credentials);
	return conf;
}

/* --- queries ----------------------------------------------------------- */

static const struct awsconf_entry *
awsconf_profile_entry(const struct awsconf *conf, const char *profile,
    const char *key, enum awsconf_file *from)
{
	const struct awsconf_entry *e;
	enum awsconf_file order[] = { AWSCONF_CREDENTIALS, AWSCONF_CONFIG };
	size_t i;

	if (conf == NULL || profile == NULL)
		return NULL;
	/* The credentials file wins, as in the SDKs. */
	for (i = 0; i < 2; i++) {
		e = awsconf_find_entry(awsconf_find_section(conf, order[i],
		    AWSCONF_PROFILE, profile), key);
		if (e != NULL) {
			if (from != NULL)
				*from = order[i];
			return e;
		}
	}
	return NULL;
}

static enum awsconf_kind
awsconf_kind_of(const char *kind)
{
	if (strcmp(kind, "profile") == 0)
		return AWSCONF_PROFILE;
	if (strcmp(kind, "sso-session") == 0)
		return AWSCONF_SSO_SESSION;
	if (strcmp(kind, "services") == 0)
		return AWSCONF_SERVICES;
	return AWSCONF_OTHER;
}

const char *
awsconf_get(const struct awsconf *conf, const char *profile, const char *key)
{
	const struct awsconf_entry *e;

	e = awsconf_profile_entry(conf, profile, key, NULL);
	return e != NULL ? e->value : NULL;
}

const char *
awsconf_get_sub(const struct awsconf *conf, const char *profile,
    const char *key, const char *subkey)
{
	const struct awsconf_entry *e;

	e = awsconf_profile_entry(conf, profile, key, NULL);
	return e != NULL ? kv_get(&e->subs, subkey) : NULL;
}

const char *
awsconf_get_section(const struct awsconf *conf, const char *kind,
    const char *name, const char *key)
{
	const struct awsconf_entry *e;

	if (conf == NULL || name == NULL)
		return NULL;
	if (strcmp(kind, "profile") == 0)
		return awsconf_get(conf, name, key);
	e = awsconf_find_entry(awsconf_find_section(conf, AWSCONF_CONFIG,
	    awsconf_kind_of(kind), name), key);
	return e != NULL ? e->value : NULL;
}

const char *
awsconf_get_section_sub(const struct awsconf *conf, const char *kind,
    const char *name, const char *key, const char *subkey)
{
	const struct awsconf_entry *e;

	if (conf == NULL || name == NULL)
		return NULL;
	if (strcmp(kind, "profile") == 0)
		return awsconf_get_sub(conf, name, key, subkey);
	e = awsconf_find_entry(awsconf_find_section(conf, AWSCONF_CONFIG,
	    awsconf_kind_of(kind), name), key);
	return e != NULL ? kv_get(&e->subs, subkey) : NULL;
}

bool
awsconf_has_profile(const struct awsconf *conf, const char *profile)
{
	if (conf == NULL || profile == NULL)
		return false;
	return awsconf_find_section(conf, AWSCONF_CREDENTIALS, AWSCONF_PROFILE,
	    profile) != NULL || awsconf_find_section(conf, AWSCONF_CONFIG,
	    AWSCONF_PROFILE, profile) != NULL;
}

const char *
awsconf_config_path(const struct awsconf *conf)
{
	return conf != NULL ? conf->paths[AWSCONF_CONFIG] : NULL;
}

const char *
awsconf_credentials_path(const struct awsconf *conf)
{
	return conf != NULL ? conf->paths[AWSCONF_CREDENTIALS] : NULL;
}

const char *
awsconf_source(const struct awsconf *conf, const char *profile,
    const char *key)
{
	enum awsconf_file from;

	if (awsconf_profile_entry(conf, profile, key, &from) == NULL)
		return NULL;
	return conf->paths[from];
}

bool
awsconf_has_section(const struct awsconf *conf, const char *kind,
    const char *name)
{
	if (conf == NULL || name == NULL)
		return false;
	if (strcmp(kind, "profile") == 0)
		return awsconf_has_profile(conf, name);
	return awsconf_find_section(conf, AWSCONF_CONFIG, awsconf_kind_of(kind),
	    name) != NULL;
}
