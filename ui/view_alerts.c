/* being written */
typedef int ui_view_alerts_placeholder;
