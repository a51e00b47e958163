/* The console's one prompt line (ui_ask_yesno, ui_ask_text and
 * ui_ask_secret in view.h): a question at a time, the others waiting
 * their turn, oldest first.  ui.c hands it the keys while a question is
 * up and lets it draw the bottom row. */
#ifndef S3W_PROMPT_H
#define S3W_PROMPT_H

#include <stdbool.h>
#include <wchar.h>

struct ui;

/* A key (as get_wch gives it) for the question up; false if none is. */
bool	ui_prompt_key(struct ui *, int rc, wint_t wc);
/* A question is up: the console waits for its person, not for AWS. */
bool	ui_prompt_up(void);
/* Draws the question on row y; false if none is up. */
bool	ui_prompt_draw(int y);
/* At quit: every question, up or waiting, is answered as cancelled (no,
 * or NULL text), so whoever waits for one (an MFA code) goes on. */
void	ui_prompt_cancel_all(struct ui *);
/* At exit: the questions go unanswered, what was typed is wiped. */
void	ui_prompt_free(void);

#endif
