/* being written */
typedef int ui_view_monitor_placeholder;
