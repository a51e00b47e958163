/* being written */
typedef int ui_view_validate_placeholder;
