/* Terminal-safe text: what text_safe() shows for characters that draw
 * nothing or reorder a line, and that the console measures what it
 * draws. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "draw.h"
#include "text.h"

#define S(x)	x, sizeof(x) - 1

/* Each of these would hide or move text: shown as '?'. */
static void
test_invisible(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		/* "user/u-ad<ZWSP>min" must not read as "admin". */
		{ S("user/u-ad\xe2\x80\x8bmin"), "user/u-ad?min" },
		{ S("a\xe2\x80\x8c" "b\xe2\x80\x8d" "c\xe2\x80\x8e" "d\xe2\x80\x8f"),
		  "a?b?c?d?" },
		/* Bidi embeddings, overrides and isolates. */
		{ S("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae"),
		  "?????" },
		{ S("evil\xe2\x80\xaetxt.exe"), "evil?txt.exe" },
		{ S("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"), "????" },
		/* Word joiner, invisible operators, BOM. */
		{ S("\xe2\x81\xa0\xe2\x81\xa1\xe2\x81\xa2\xe2\x81\xa3\xe2\x81\xa4"),
		  "?????" },
		{ S("\xef\xbb\xbf" "bom"), "?bom" },
		/* Soft hyphen, grapheme joiner, Arabic letter mark, Mongolian
		 * vowel separator. */
		{ S("ad\xc2\xadmin"), "ad?min" },
		{ S("a\xcd\x8f" "b\xd8\x9c" "c\xe1\xa0\x8e"), "a?b?c?" },
		/* Line and paragraph separators. */
		{ S("one\xe2\x80\xa8two\xe2\x80\xa9three"), "one?two?three" },
		/* Tags (invisible "ASCII" smuggled after a name). */
		{ S("x\xf3\xa0\x80\x81\xf3\xa0\x81\xa1"), "x??" },
		/* Neighbours that are visible stay as they are. */
		{ S("\xe2\x80\x90\xe2\x80\x94\xe2\x80\xb0\xe2\x81\x9f"),
		  "\xe2\x80\x90\xe2\x80\x94\xe2\x80\xb0\xe2\x81\x9f" },
		{ S("caf\xc3\xa9 \xc2\xae"), "caf\xc3\xa9 \xc2\xae" },
		{ S("e\xcc\x81"), "e\xcc\x81" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = text_safe(cases[i].in, cases[i].len);
		if (strcmp(s, cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, s,
			    cases[i].out);
		free(s);
	}
}

/* The three entry points agree; only text_safe_lines keeps '\n'. */
static void
test_paths_agree(void **state)
{
	const char *in = "a\xe2\x80\x8b" "b\x1b[2J\xc2\x9b\xe2\x80\xae" "c\nd";
	char *a, *b, *c;

	(void)state;
	a = text_safe(in, strlen(in));
	b = text_safe_str(in);
	c = text_safe_lines(in);
	assert_string_equal(a, "a?b?[2J??c?d");
	assert_string_equal(b, a);
	assert_string_equal(c, "a?b?[2J??c\nd");
	free(a);
	free(b);
	free(c);
}

/* What the console measures is what it draws: every character counts,
 * and one that draws nothing counts as the '?' drawn for it. */
static void
test_draw_width(void **state)
{
	char *s;

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	assert_int_equal(draw_width("admin"), 5);
	assert_int_equal(draw_width("caf\xc3\xa9"), 4);
	assert_int_equal(draw_width("\xe7\x8c\xab"), 2);
	/* Raw: a zero-width space still takes its column. */
	assert_int_equal(draw_width("ad\xe2\x80\x8bmin"), 6);
	assert_int_equal(draw_width("a\xe2\x80\xae" "b"), 3);
	assert_int_equal(draw_width("a\xc2\xad" "b"), 3);
	/* And made safe: the same width. */
	s = text_safe_str("ad\xe2\x80\x8bmin");
	assert_int_equal(draw_width(s), 6);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_paths_agree),
		cmocka_unit_test(test_draw_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
