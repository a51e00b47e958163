/* being written */
typedef int ui_view_help_placeholder;
