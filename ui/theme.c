/* being written */
typedef int ui_theme_placeholder;
