/* being written */
typedef int ui_actions_placeholder;
