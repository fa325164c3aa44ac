/*
 * Logging: syslog (daemon facility) normally, stderr in the foreground.
 * Every line carries the process name set with log_procinit().
 *
 * Only the parent writes to syslog or stderr.  A child installs a sink
 * (proc_log.c) that carries its lines to the parent over its channel;
 * the parent writes them with log_emit() under the child's name.
 */
#ifndef SMSG_LOG_H
#define SMSG_LOG_H

#include <stdarg.h>

#define LOG_MAXLINE	1024	/* longest line, its error text included */

/* Where a child's lines go; last is set for fatal(), which exits next. */
typedef void	(*log_sink_cb)(int pri, const char *line, int last);

void	log_init(int foreground, int verbose);
void	log_procinit(const char *name);
const char *log_procname(void);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_setsink(log_sink_cb);
void	log_emit(const char *name, int pri, const char *line);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
