/*
 * A minimal TAP producer for the unit tests, read by automake's TAP
 * driver.  Every check is one test point; tap_done() prints the plan
 * and exits non-zero when any point failed.
 */
#ifndef SMSG_TAP_H
#define SMSG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int	tap_n;
static int	tap_failed;

static void __attribute__((format(printf, 2, 3)))
tap_ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
}

static void __attribute__((format(printf, 1, 2)))
tap_skip(const char *fmt, ...)
{
	va_list	 ap;

	printf("ok %d # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list	 ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
