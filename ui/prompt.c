/* The prompt line (see prompt.h). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "prompt.h"
#include "text.h"
#include "theme.h"
#include "view.h"

enum ui_prompt_kind {
	UI_PROMPT_NONE,
	UI_PROMPT_YESNO,
	UI_PROMPT_TEXT,
	UI_PROMPT_SECRET,	/* shown as '*', wiped after use */
};

/* A question: the one on the prompt line, or one waiting its turn. */
struct ui_question {
	enum ui_prompt_kind	 kind;
	char			*label;		/* safe */
	ui_yesno_fn		 yesno;
	ui_text_fn		 text;
	void			*arg;
	struct ui_question	*next;
};

/* The one prompt line; a question asked while another is on it waits. */
static struct {
	struct ui_question	 q;		/* kind NONE: no question */
	char			 buf[256];
	size_t			 len;
	struct ui_question	*waiting;	/* oldest first */
} ui_prompt;

/* What the prompt line shows of its input: the text made safe, or a '*'
 * for each character of a secret.  Caller frees. */
static char *
ui_prompt_shown(void)
{
	char *stars;
	size_t i, n = 0;

	if (ui_prompt.q.kind != UI_PROMPT_SECRET)
		return text_safe(ui_prompt.buf, ui_prompt.len);
	for (i = 0; i < ui_prompt.len; i++)
		n += ((unsigned char)ui_prompt.buf[i] & 0xc0) != 0x80;
	stars = xmalloc(n + 1);
	memset(stars, '*', n);
	stars[n] = '\0';
	return stars;
}

/* Nothing typed outlives its question, a secret's least of all. */
static void
ui_prompt_wipe(void)
{
	explicit_bzero(ui_prompt.buf, sizeof ui_prompt.buf);
	ui_prompt.len = 0;
}

/* The next question waiting, if the line is free. */
static void
ui_prompt_next(struct ui *ui)
{
	struct ui_question *q = ui_prompt.waiting;

	if (ui_prompt.q.kind != UI_PROMPT_NONE || q == NULL)
		return;
	ui_prompt.waiting = q->next;
	ui_prompt_wipe();
	free(ui_prompt.q.label);
	ui_prompt.q = *q;
	ui_prompt.q.next = NULL;
	free(q);
	ui_dirty(ui);
}

void
ui_prompt_free(void)
{
	struct ui_question *q;

	ui_prompt_wipe();
	free(ui_prompt.q.label);
	while ((q = ui_prompt.waiting) != NULL) {
		ui_prompt.waiting = q->next;
		free(q->label);
		free(q);
	}
	memset(&ui_prompt, 0, sizeof ui_prompt);
}

static void
ui_ask(struct ui *ui, enum ui_prompt_kind kind, const char *label,
    ui_yesno_fn yesno, ui_text_fn text, void *arg)
{
	struct ui_question *q, **end;

	q = xcalloc(1, sizeof *q);
	q->kind = kind;
	q->label = text_safe_str(label);
	q->yesno = yesno;
	q->text = text;
	q->arg = arg;
	for (end = &ui_prompt.waiting; *end != NULL; end = &(*end)->next)
		;
	*end = q;
	ui_prompt_next(ui);
}

void
ui_ask_yesno(struct ui *ui, const char *question, ui_yesno_fn fn, void *arg)
{
	ui_ask(ui, UI_PROMPT_YESNO, question, fn, NULL, arg);
}

void
ui_ask_text(struct ui *ui, const char *label, ui_text_fn fn, void *arg)
{
	ui_ask(ui, UI_PROMPT_TEXT, label, NULL, fn, arg);
}

void
ui_ask_secret(struct ui *ui, const char *label, ui_text_fn fn, void *arg)
{
	ui_ask(ui, UI_PROMPT_SECRET, label, NULL, fn, arg);
}

static void
ui_prompt_done(struct ui *ui, bool yes, bool cancelled)
{
	enum ui_prompt_kind kind = ui_prompt.q.kind;
	ui_yesno_fn yn = ui_prompt.q.yesno;
	ui_text_fn tf = ui_prompt.q.text;
	void *arg = ui_prompt.q.arg;
	char text[sizeof ui_prompt.buf];

	memcpy(text, ui_prompt.buf, sizeof text);
	ui_prompt_wipe();
	ui_prompt.q.kind = UI_PROMPT_NONE;
	ui_dirty(ui);
	/* The callback may ask again: questions come in the order asked. */
	if (kind == UI_PROMPT_YESNO)
		yn(ui, yes && !cancelled, arg);
	else
		tf(ui, cancelled ? NULL : text, arg);
	explicit_bzero(text, sizeof text);
	ui_prompt_next(ui);
}

bool
ui_prompt_up(void)
{
	return ui_prompt.q.kind != UI_PROMPT_NONE;
}

void
ui_prompt_cancel_all(struct ui *ui)
{
	/* Each answer may ask again; the next question comes up in turn. */
	while (ui_prompt.q.kind != UI_PROMPT_NONE)
		ui_prompt_done(ui, false, true);
}

bool
ui_prompt_key(struct ui *ui, int rc, wint_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	if (ui_prompt.q.kind == UI_PROMPT_NONE)
		return false;
	if (ui_prompt.q.kind == UI_PROMPT_YESNO) {
		if (rc == OK && (wc == 'y' || wc == 'Y'))
			ui_prompt_done(ui, true, false);
		else if (rc == OK && (wc == 'n' || wc == 'N' || wc == 27 ||
		    wc == 3))
			ui_prompt_done(ui, false, false);
		return true;
	}
	if (rc == OK && (wc == '\r' || wc == '\n')) {
		ui_prompt_done(ui, true, false);
		return true;
	}
	if (rc == OK && (wc == 27 || wc == 3 || wc == 7)) {
		ui_prompt_done(ui, false, true);
		return true;
	}
	if ((rc == KEY_CODE_YES && wc == KEY_BACKSPACE) ||
	    (rc == OK && (wc == 127 || wc == 8))) {
		/* Back over one whole UTF-8 character. */
		while (ui_prompt.len > 0 &&
		    ((unsigned char)ui_prompt.buf[--ui_prompt.len] & 0xc0) ==
		    0x80)
			ui_prompt.buf[ui_prompt.len] = '\0';
		ui_prompt.buf[ui_prompt.len] = '\0';
	} else if (rc == OK && wc == 21) {	/* C-u */
		ui_prompt_wipe();
	} else if (rc == OK && wc >= 32 && wc != 127) {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)wc, &st);
		if (n != (size_t)-1 && ui_prompt.len + n < sizeof ui_prompt.buf) {
			memcpy(ui_prompt.buf + ui_prompt.len, mb, n);
			ui_prompt.len += n;
			ui_prompt.buf[ui_prompt.len] = '\0';
		}
		explicit_bzero(mb, sizeof mb);
	}
	ui_dirty(ui);
	return true;
}

bool
ui_prompt_draw(int y)
{
	char *safe;
	int x, sw;

	if (ui_prompt.q.kind == UI_PROMPT_NONE)
		return false;
	safe = ui_prompt_shown();
	draw_fill(y, 0, COLS, theme_attr(TR_PROMPT));
	x = draw_text(y, 0, COLS, theme_attr(TR_PROMPT) | A_BOLD,
	    ui_prompt.q.label);
	x += draw_text(y, x, COLS - x, theme_attr(TR_PROMPT),
	    ui_prompt.q.kind == UI_PROMPT_YESNO ? " (y/n) " : " ");
	if (ui_prompt.q.kind != UI_PROMPT_YESNO) {
		sw = draw_width(safe);
		/* Keep the end of a long input in view. */
		x += draw_cell_tail(y, x, sw < COLS - x - 1 ? sw :
		    COLS - x - 1, theme_attr(TR_PROMPT), safe);
		draw_text(y, x, 1, theme_attr(TR_PROMPT) | A_REVERSE, " ");
	}
	free(safe);
	return true;
}
