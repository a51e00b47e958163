/* A small read-only XML tree over expat, for AWS query and REST-XML
 * responses.  Element names are local names (namespaces dropped). */
#ifndef S3W_XML_H
#define S3W_XML_H

#include <stddef.h>

struct xml_node {
	char		*name;
	char		*text;		/* concatenated character data, never NULL */
	struct xml_node	*parent;
	struct xml_node	*child;		/* first child */
	struct xml_node	*next;		/* next sibling */
	struct xml_node	*tail;		/* last child, for appending */
};

/* Returns the root element, or NULL with *cause (caller frees) naming the
 * line, column and reason. Depth and size are bounded. */
struct xml_node		*xml_parse(const char *, size_t, char **cause);
void			 xml_free(struct xml_node *);
/* First child with this name, or NULL. */
const struct xml_node	*xml_child(const struct xml_node *, const char *name);
/* Follows "A/B/C" from the node; returns the node or NULL. */
const struct xml_node	*xml_find(const struct xml_node *, const char *path);
/* Text of xml_find(path), or NULL when absent. Borrowed. */
const char		*xml_text(const struct xml_node *, const char *path);
/* Next sibling with the same name as n. */
const struct xml_node	*xml_next_same(const struct xml_node *n);

#endif
