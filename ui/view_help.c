/* Help, generated from the action table: every key of every view, so it
 * can never disagree with what the keys do. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "theme.h"
#include "view.h"

struct vh {
	int	top;
	int	lines;		/* last frame's total */
	int	rows;
};

static struct vh *
vh_of(struct ui *ui)
{
	return ui->priv[VIEW_HELP];
}

static void
vh_draw(struct ui *ui, const struct rect *r)
{
	struct vh *vh = vh_of(ui);
	int line = 0, y, s, wk = 18, wn = 15;
	size_t i;

	vh->rows = r->h;
	if (vh->top > vh->lines - r->h)
		vh->top = vh->lines - r->h > 0 ? vh->lines - r->h : 0;
#define VH_ROW() (y = r->y + line++ - vh->top, y >= r->y && y < r->y + r->h)
	if (VH_ROW())
		draw_fmt(y, r->x + 1, r->w - 2, A_BOLD, "s3watch %s: keys "
		    "(%s, %s)", PACKAGE_VERSION, theme_mode_name(),
		    theme_utf8() ? "UTF-8" : "ASCII");
	for (s = 0; s < ACT_S_COUNT; s++) {
		for (i = 0; i < action_count; i++)
			if ((int)action_table[i].scope == s)
				break;
		if (i == action_count)
			continue;	/* a view with no keys of its own */
		line++;		/* a blank line */
		if (VH_ROW())
			draw_text(y, r->x + 1, r->w - 2, theme_attr(TR_HEADER),
			    action_scope_name((enum action_scope)s));
		for (i = 0; i < action_count; i++) {
			const struct action_def *d = &action_table[i];

			if ((int)d->scope != s || !VH_ROW())
				continue;
			draw_text(y, r->x + 3, wk, theme_attr(TR_KEY),
			    action_keys(d->action));
			draw_text(y, r->x + 3 + wk, wn, theme_attr(TR_DIM),
			    d->name);
			draw_text(y, r->x + 3 + wk + wn, r->w - 4 - wk - wn,
			    A_NORMAL, d->help);
		}
	}
	line++;
	if (VH_ROW())
		draw_text(y, r->x + 1, r->w - 2, theme_attr(TR_DIM),
		    "NO_COLOR or --no-color turns colour off; Ctrl-C asks to "
		    "quit.");
#undef VH_ROW
	vh->lines = line;
}

/* A list of scroll positions: the cursor is the first line shown. */
static void
vh_list(struct ui *ui, struct view_list *l)
{
	struct vh *vh = vh_of(ui);

	l->rows = vh->lines > vh->rows ? (size_t)(vh->lines - vh->rows) + 1 :
	    1;
	l->page = vh->rows > 1 ? (size_t)vh->rows - 1 : 1;
	l->at = &vh->top;
}

const struct view_ops view_help_ops = {
	.private_size = sizeof(struct vh),
	.draw = vh_draw,
	.list = vh_list,
};
