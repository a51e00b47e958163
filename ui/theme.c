/* The colour table and the glyph sets (see theme.h). */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "theme.h"

/* One row per role: foreground and background for 256 and 8 colours
 * (-1 is the terminal's default), and attributes for colour and mono. */
static const struct {
	short	fg256, bg256;
	short	fg8, bg8;
	attr_t	attr;		/* with colour */
	attr_t	mono;		/* without */
} theme_table[TR_COUNT] = {
	[TR_NORMAL]	  = { -1, -1, -1, -1, A_NORMAL, A_NORMAL },
	[TR_TITLE]	  = { 255, 24, COLOR_WHITE, COLOR_BLUE, A_NORMAL,
			      A_REVERSE },
	[TR_TAB]	  = { 252, 24, COLOR_WHITE, COLOR_BLUE, A_NORMAL,
			      A_REVERSE },
	[TR_TAB_CURRENT]  = { 16, 222, COLOR_BLACK, COLOR_YELLOW, A_BOLD,
			      A_BOLD },
	[TR_STATUS]	  = { 250, 236, COLOR_WHITE, COLOR_BLACK, A_NORMAL,
			      A_REVERSE },
	[TR_SELECTED]	  = { 255, 238, COLOR_BLACK, COLOR_CYAN, A_BOLD,
			      A_REVERSE },
	[TR_HEADER]	  = { 111, -1, COLOR_CYAN, -1, A_BOLD, A_UNDERLINE },
	[TR_BORDER]	  = { 240, -1, COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[TR_DIM]	  = { 244, -1, COLOR_WHITE, -1, A_NORMAL, A_DIM },
	[TR_OK]		  = { 114, -1, COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TR_WARN]	  = { 214, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TR_FAIL]	  = { 203, -1, COLOR_RED, -1, A_BOLD, A_BOLD },
	[TR_BUSY]	  = { 81, -1, COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[TR_SEV_INFO]	  = { 110, -1, COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	[TR_SEV_LOW]	  = { 150, -1, COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TR_SEV_MEDIUM]	  = { 220, -1, COLOR_YELLOW, -1, A_NORMAL, A_BOLD },
	[TR_SEV_HIGH]	  = { 208, -1, COLOR_RED, -1, A_BOLD, A_BOLD },
	[TR_SEV_CRITICAL] = { 231, 160, COLOR_WHITE, COLOR_RED, A_BOLD,
			      A_BOLD | A_REVERSE },
	[TR_BANNER]	  = { 231, 124, COLOR_WHITE, COLOR_RED, A_BOLD,
			      A_REVERSE },
	[TR_PROMPT]	  = { 16, 222, COLOR_BLACK, COLOR_YELLOW, A_NORMAL,
			      A_REVERSE | A_BOLD },
	[TR_MATCH]	  = { 16, 186, COLOR_BLACK, COLOR_YELLOW, A_NORMAL,
			      A_UNDERLINE },
	[TR_SPARK]	  = { 79, -1, COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TR_KEY]	  = { 222, -1, COLOR_YELLOW, -1, A_BOLD, A_BOLD },
};

static const struct theme_glyphs theme_utf8_glyphs = {
	"\u2500", "\u2502", "\u250c", "\u2510", "\u2514", "\u2518",
	{ "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
	  "\u2587", "\u2588" },
	{ "\u280b", "\u2819", "\u2839", "\u2838", "\u283c", "\u2834",
	  "\u2826", "\u2827", "\u2807", "\u280f" }, 10,
	"\u2713", "!", "\u2717", "\u25cf", "\u00b7", "\u2026", "\u25b6",
};

static const struct theme_glyphs theme_ascii_glyphs = {
	"-", "|", "+", "+", "+", "+",
	{ "_", ".", ":", "-", "=", "+", "*", "#" },
	{ "|", "/", "-", "\\" }, 4,
	"+", "!", "x", "*", ".", "~", ">",
};

static enum theme_mode	 theme_current = THEME_MONO;
static bool		 theme_is_utf8;
static attr_t		 theme_attrs[TR_COUNT];

void
theme_init(bool no_color)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);
	int i;

	theme_is_utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0);
	theme_current = THEME_MONO;
	if (!no_color && (nc == NULL || *nc == '\0') && has_colors() &&
	    start_color() == OK) {
		use_default_colors();
		theme_current = COLORS >= 256 && COLOR_PAIRS > TR_COUNT ?
		    THEME_256 : THEME_8;
	}
	for (i = 0; i < TR_COUNT; i++) {
		if (theme_current == THEME_MONO) {
			theme_attrs[i] = theme_table[i].mono;
			continue;
		}
		if (theme_current == THEME_256)
			init_pair((short)(i + 1), theme_table[i].fg256,
			    theme_table[i].bg256);
		else
			init_pair((short)(i + 1), theme_table[i].fg8,
			    theme_table[i].bg8);
		theme_attrs[i] = COLOR_PAIR(i + 1) | theme_table[i].attr;
	}
}

enum theme_mode
theme_mode(void)
{
	return theme_current;
}

const char *
theme_mode_name(void)
{
	static const char *const names[] = { "monochrome", "8 colours",
	    "256 colours" };

	return names[theme_current];
}

attr_t
theme_attr(enum theme_role r)
{
	return theme_attrs[r];
}

attr_t
theme_severity(enum rules_severity s)
{
	switch (s) {
	case RULES_INFO: return theme_attrs[TR_SEV_INFO];
	case RULES_LOW: return theme_attrs[TR_SEV_LOW];
	case RULES_MEDIUM: return theme_attrs[TR_SEV_MEDIUM];
	case RULES_HIGH: return theme_attrs[TR_SEV_HIGH];
	case RULES_CRITICAL: return theme_attrs[TR_SEV_CRITICAL];
	}
	return theme_attrs[TR_NORMAL];
}

const struct theme_glyphs *
theme_glyphs(void)
{
	return theme_is_utf8 ? &theme_utf8_glyphs : &theme_ascii_glyphs;
}

bool
theme_utf8(void)
{
	return theme_is_utf8;
}
