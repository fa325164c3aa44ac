/*
 * One logging API for every smsg process.  The parent writes lines to
 * syslog with the daemon facility, or to stderr in the foreground; a
 * child hands each line to its sink, which carries it to the parent, so
 * no child holds a syslog socket.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 log_foreground = 1;
static int	 log_verbose;
static char	 log_name[32] = "smsg";
static log_sink_cb log_sink;

void
log_init(int foreground, int verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog("smsgd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_procinit(const char *name)
{
	if (name != NULL)
		strlcpy(log_name, name, sizeof(log_name));
}

const char *
log_procname(void)
{
	return log_name;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* From here on, this process's lines go to sink instead. */
void
log_setsink(log_sink_cb sink)
{
	log_sink = sink;
}

/* Write one line under a process name: the parent, or a child's line. */
void
log_emit(const char *name, int pri, const char *line)
{
	if (log_foreground) {
		fprintf(stderr, "%s: %s\n", name, line);
		fflush(stderr);
	} else
		syslog(pri, "%s: %s", name, line);
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix, int last)
{
	char	 line[LOG_MAXLINE];
	int	 saved = errno;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (suffix != NULL) {
		strlcat(line, ": ", sizeof(line));
		strlcat(line, suffix, sizeof(line));
	}
	if (log_sink != NULL)
		log_sink(pri, line, last);
	else
		log_emit(log_name, pri, line);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, strerror(saved), 0);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, saved ? strerror(saved) : NULL, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL, 1);
	va_end(ap);
	exit(1);
}
