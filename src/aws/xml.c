#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "buf.h"
#include "xml.h"

/* AWS answers are shallow and small; anything beyond is hostile. */
#define XML_MAX_DEPTH	64
#define XML_MAX_NODES	1000000

struct xml_parse_state {
	XML_Parser	 parser;
	struct xml_node	*root;
	struct xml_node	*cur;
	struct buf	 text;
	int		 depth;
	size_t		 nodes;
	const char	*error;
};

static void
xml_flush_text(struct xml_parse_state *st)
{
	char *old;

	if (st->cur == NULL || st->text.len == 0)
		return;
	old = st->cur->text;
	st->cur->text = xasprintf("%s%s", old, st->text.data);
	free(old);
	buf_reset(&st->text);
}

static void XMLCALL
xml_on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_parse_state *st = arg;
	struct xml_node *n;
	const char *local = strrchr(name, '\x1f');

	if (st->error != NULL)
		return;
	if (++st->depth > XML_MAX_DEPTH || ++st->nodes > XML_MAX_NODES) {
		st->error = st->depth > XML_MAX_DEPTH ?
		    "elements nested too deeply" : "too many elements";
		XML_StopParser(st->parser, XML_FALSE);
		return;
	}
	xml_flush_text(st);
	n = xcalloc(1, sizeof *n);
	n->name = xstrdup(local != NULL ? local + 1 : name);
	n->text = xstrdup("");
	n->parent = st->cur;
	if (st->cur == NULL)
		st->root = n;
	else if (st->cur->child == NULL)
		st->cur->child = st->cur->tail = n;
	else {
		st->cur->tail->next = n;
		st->cur->tail = n;
	}
	st->cur = n;
}

static void XMLCALL
xml_on_end(void *arg, const XML_Char *name)
{
	struct xml_parse_state *st = arg;

	if (st->error != NULL || st->cur == NULL)
		return;
	xml_flush_text(st);
	st->cur = st->cur->parent;
	st->depth--;
}

static void XMLCALL
xml_on_text(void *arg, const XML_Char *s, int len)
{
	struct xml_parse_state *st = arg;

	if (st->error == NULL && st->cur != NULL)
		buf_add(&st->text, s, (size_t)len);
}

/* Internal DTD subsets are how entity-expansion bombs arrive; AWS never
 * sends one, so refuse them outright. */
static void XMLCALL
xml_on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct xml_parse_state *st = arg;

	st->error = "document type declarations are not accepted";
	XML_StopParser(st->parser, XML_FALSE);
}

struct xml_node *
xml_parse(const char *p, size_t n, char **cause)
{
	struct xml_parse_state st;
	enum XML_Status rc;

	memset(&st, 0, sizeof st);
	if (n > INT32_MAX) {
		*cause = xstrdup("XML document too large");
		return NULL;
	}
	st.parser = XML_ParserCreateNS("UTF-8", '\x1f');
	if (st.parser == NULL)
		fatal("XML_ParserCreateNS failed");
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, xml_on_start, xml_on_end);
	XML_SetCharacterDataHandler(st.parser, xml_on_text);
	XML_SetStartDoctypeDeclHandler(st.parser, xml_on_doctype);
	rc = XML_Parse(st.parser, p, (int)n, XML_TRUE);
	if (rc != XML_STATUS_OK || st.error != NULL || st.root == NULL) {
		if (st.error != NULL)
			*cause = xasprintf("invalid XML: %s", st.error);
		else if (rc != XML_STATUS_OK)
			*cause = xasprintf("invalid XML at line %lu, column %lu: %s",
			    (unsigned long)XML_GetCurrentLineNumber(st.parser),
			    (unsigned long)XML_GetCurrentColumnNumber(st.parser) + 1,
			    XML_ErrorString(XML_GetErrorCode(st.parser)));
		else
			*cause = xstrdup("invalid XML: no root element");
		xml_free(st.root);
		st.root = NULL;
	}
	buf_free(&st.text);
	XML_ParserFree(st.parser);
	return st.root;
}

void
xml_free(struct xml_node *n)
{
	struct xml_node *next;

	/* Iterative over siblings so long lists do not recurse deeply. */
	while (n != NULL) {
		next = n->next;
		xml_free(n->child);
		free(n->name);
		free(n->text);
		free(n);
		n = next;
	}
}

const struct xml_node *
xml_child(const struct xml_node *n, const char *name)
{
	const struct xml_node *c;

	if (n == NULL)
		return NULL;
	for (c = n->child; c != NULL; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const struct xml_node *
xml_find(const struct xml_node *n, const char *path)
{
	char seg[256];
	const char *p = path, *slash;
	size_t len;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len >= sizeof seg)
			return NULL;
		memcpy(seg, p, len);
		seg[len] = '\0';
		n = xml_child(n, seg);
		p += len + (slash != NULL);
	}
	return n;
}

const char *
xml_text(const struct xml_node *n, const char *path)
{
	n = xml_find(n, path);
	return n != NULL ? n->text : NULL;
}

const struct xml_node *
xml_next_same(const struct xml_node *n)
{
	const struct xml_node *c;

	for (c = n->next; c != NULL; c = c->next)
		if (strcmp(c->name, n->name) == 0)
			return c;
	return NULL;
}
