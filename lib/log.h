/*
 * Logging: syslog (daemon facility) normally, stderr in the foreground.
 * Every line carries the process name set with log_procinit().
 */
#ifndef SMSG_LOG_H
#define SMSG_LOG_H

#include <stdarg.h>

void	log_init(int foreground, int verbose);
void	log_procinit(const char *name);
const char *log_procname(void);
void	log_setverbose(int verbose);
int	log_getverbose(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
