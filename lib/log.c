/*
 * One logging back end for every smsg process.  Lines go to syslog with
 * the daemon facility, or to stderr when running in the foreground.  The
 * syslog connection is opened eagerly so that it survives chroot.
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

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	 line[1024];
	int	 saved = errno;

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_foreground) {
		if (suffix != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_name, line, suffix);
		else
			fprintf(stderr, "%s: %s\n", log_name, line);
		fflush(stderr);
	} else if (suffix != NULL)
		syslog(pri, "%s: %s: %s", log_name, line, suffix);
	else
		syslog(pri, "%s: %s", log_name, line);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, saved ? strerror(saved) : NULL);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
