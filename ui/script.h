/* Key scripts and screen dumps, for tests (tig's TIG_SCRIPT and
 * save-display).  With S3WATCH_SCRIPT naming a file, the console reads
 * its keys from the file instead of the terminal, one step at a time,
 * each once the console has settled (no run, test or call of the
 * console's in flight, the monitor caught up); at the end of the file it
 * quits.  With S3WATCH_NO_DISPLAY set, curses draws to /dev/null.
 *
 * The file, line by line:
 *   # a comment, or an empty line      ignored
 *   :save-display FILE                 the screen as plain text, one row
 *                                      a line, trailing blanks cut
 *   :ask-secret LABEL                  a secret prompt (ui_ask_secret);
 *                                      the answer's length is shown
 *   anything else                      keys: characters as written, and
 *                                      <Name> for Enter, Esc, Tab, S-Tab,
 *                                      Up, Down, Left, Right, PgUp, PgDn,
 *                                      Home, End, Space, BS, F1-F12, C-x;
 *                                      <lt> is '<'
 *
 * Ownership: a script owns its steps; a step's strings are the
 * script's. */
#ifndef S3W_SCRIPT_H
#define S3W_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

enum ui_script_kind {
	UI_SCRIPT_KEY,
	UI_SCRIPT_SAVE_DISPLAY,
	UI_SCRIPT_ASK_SECRET,
};

struct ui_script_step {
	enum ui_script_kind	 kind;
	int			 rc;	/* KEY: OK or KEY_CODE_YES, as get_wch */
	wint_t			 wc;
	char			*arg;	/* the command's argument */
	int			 line;
};

struct ui_script;

/* Reads and checks the whole file; NULL with *cause ("FILE:LINE: ..."). */
struct ui_script *ui_script_open(const char *path, char **cause);
void		 ui_script_free(struct ui_script *);
/* The next step, or NULL at the end. */
const struct ui_script_step *ui_script_next(struct ui_script *);
const char	*ui_script_path(const struct ui_script *);

/* Writes stdscr as plain text to path; -1 with *cause. */
int		 ui_script_save_display(const char *path, char **cause);

#endif
