/* Colours and glyphs: one table of roles, each with a 256-colour, an
 * 8-colour and a monochrome rendering, picked once from the terminal.
 * NO_COLOR (non-empty) and --no-color force monochrome; a locale that is
 * not UTF-8 gets ASCII line drawing, sparks and spinner. */
#ifndef S3W_THEME_H
#define S3W_THEME_H

#include <stdbool.h>

#include <curses.h>

#include "rules.h"

enum theme_role {
	TR_NORMAL,
	TR_TITLE,		/* the top bar */
	TR_TAB,			/* a view name in the top bar */
	TR_TAB_CURRENT,
	TR_STATUS,		/* the bottom bar */
	TR_SELECTED,		/* the cursor row */
	TR_HEADER,		/* column headings */
	TR_BORDER,
	TR_DIM,
	TR_OK,
	TR_WARN,
	TR_FAIL,
	TR_BUSY,
	TR_SEV_INFO,
	TR_SEV_LOW,
	TR_SEV_MEDIUM,
	TR_SEV_HIGH,
	TR_SEV_CRITICAL,
	TR_BANNER,		/* configuration problems */
	TR_PROMPT,
	TR_MATCH,		/* search matches */
	TR_SPARK,
	TR_KEY,			/* key names in help and hints */
	TR_COUNT
};

enum theme_mode {
	THEME_MONO,
	THEME_8,
	THEME_256,
};

struct theme_glyphs {
	const char	*h, *v, *tl, *tr, *bl, *br;
	const char	*spark[8];	/* low to high */
	const char	*spin[10];
	int		 nspin;
	const char	*ok, *warn, *fail, *busy, *pending, *ellipsis;
	const char	*mark;		/* a rule hit */
};

/* After initscr(): chooses the mode and sets up the colour pairs. */
void		 theme_init(bool no_color);
enum theme_mode	 theme_mode(void);
const char	*theme_mode_name(void);
attr_t		 theme_attr(enum theme_role);
attr_t		 theme_severity(enum rules_severity);
const struct theme_glyphs *theme_glyphs(void);
bool		 theme_utf8(void);

#endif
