/* being written */
typedef int ui_draw_placeholder;
