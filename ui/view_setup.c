/* being written */
typedef int ui_view_setup_placeholder;
