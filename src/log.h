/* Logging to stderr: one line per event, with its level. When stderr is the
 * systemd journal ($JOURNAL_STREAM set) lines carry <N> priority prefixes. */
#ifndef EARSHOT_LOG_H
#define EARSHOT_LOG_H

#include <stdio.h>

enum log_level { L_ERROR = 3, L_WARN = 4, L_NOTICE = 5, L_INFO = 6, L_DEBUG = 7 };

/* verbosity: -1 errors only (-q), 0 warnings and notices, 1 info (-v), 2 debug (-vv). */
void log_init(int verbosity);
void log_msg(enum log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sends log lines to f instead of stderr (tests read them back); NULL
 * restores stderr. */
void log_to(FILE *f);
/* fn(0) is called before each line written to stderr and fn(1) after it,
 * so a display that owns the terminal's last line (term.h's progress) can
 * clear it and draw it again; NULL for none. */
void log_around(void (*fn)(int after));
/* Number of L_ERROR and L_WARN lines logged so far. */
unsigned log_errors(void);
unsigned log_warnings(void);

#define log_error(...)  log_msg(L_ERROR, __VA_ARGS__)
#define log_warn(...)   log_msg(L_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(L_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(L_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(L_DEBUG, __VA_ARGS__)

#endif
