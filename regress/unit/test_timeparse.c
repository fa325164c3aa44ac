/* lib/timeparse.c: both formats, and hostile input refused with a reason. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "timeparse.h"

static void
good(const char *s, uint64_t want)
{
	uint64_t	 t = 0;
	char		 why[128] = "";

	tap_ok(time_parse_utc(s, &t, why, sizeof(why)) == 0 && t == want,
	    "\"%s\" is %llu (got %llu %s)", s, (unsigned long long)want,
	    (unsigned long long)t, why);
}

static void
bad(const char *s, const char *reason)
{
	uint64_t	 t = 12345;
	char		 why[128] = "";
	int		 r;

	r = time_parse_utc(s, &t, why, sizeof(why));
	tap_ok(r == -1 && t == 12345 && strstr(why, reason) != NULL,
	    "\"%s\" refused: %s", s, why);
}

int
main(void)
{
	char		 longs[200], buf[32];
	uint64_t	 t;

	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	good("2026-12-01T09:00:00Z", 1796115600);
	good("01:12:2026:09:00:00", 1796115600);
	good("1970-01-01T00:00:00Z", 0);
	good("29:02:2028:23:59:59", 1835481599);
	good("2000-02-29T12:00:00Z", 951825600);
	good("9999-12-31T23:59:59Z", 253402300799ULL);

	bad("2026-12-01 09:00:00Z", "not a time");
	bad("2026-12-01T09:00:00", "not a time");
	bad("2026-12-01T09:00:00+01:00", "not a time");
	bad("2026-12-01T09:00:00Zjunk", "not a time");
	bad(" 2026-12-01T09:00:00Z", "not a time");
	bad("2026-12-01T09:00:00Z\t", "not a time");
	bad("+026-12-01T09:00:00Z", "not a time");
	bad("2026-1a-01T09:00:00Z", "not a time");
	bad("1:12:2026:09:00:00", "not a time");
	bad("01:12:2026:09:00", "not a time");
	bad("", "no time");
	bad("2026-13-01T09:00:00Z", "month");
	bad("2026-00-01T09:00:00Z", "month");
	bad("2026-02-29T09:00:00Z", "does not exist");
	bad("1900-02-29T09:00:00Z", "year");
	bad("31:04:2026:09:00:00", "does not exist");
	bad("2026-12-00T09:00:00Z", "does not exist");
	bad("2026-12-01T24:00:00Z", "time of day");
	bad("2026-12-01T09:60:00Z", "time of day");
	bad("2016-12-31T23:59:60Z", "leap seconds");
	bad("2026-12-01T09:00:99Z", "seconds");
	bad("1969-12-31T23:59:59Z", "year");
	bad("0000-01-01T00:00:00Z", "year");
	memset(longs, '9', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	bad(longs, "too long");
	tap_ok(time_parse_utc(NULL, &t, buf, sizeof(buf)) == -1,
	    "NULL is refused");

	time_format_utc(1796115600, buf, sizeof(buf));
	tap_ok(strcmp(buf, "2026-12-01T09:00:00Z") == 0, "format: %s", buf);
	/* datetime-local of the compose page, in the person's zone */
	tap_ok(time_parse_local("2026-12-01T10:00", 60, &t, buf,
	    sizeof(buf)) == 0 && t == 1796115600,
	    "local: 10:00 at UTC+1 is 09:00 UTC");
	tap_ok(time_parse_local("2026-12-01T04:30:00", -270, &t, buf,
	    sizeof(buf)) == 0 && t == 1796115600,
	    "local: 04:30:00 at UTC-4:30 is 09:00 UTC");
	tap_ok(time_parse_local("2026-12-01T09:00", 0, &t, buf,
	    sizeof(buf)) == 0 && t == 1796115600, "local: UTC itself");
	tap_ok(time_parse_local("2026-12-01 09:00", 0, &t, buf,
	    sizeof(buf)) == -1, "local: a space for the T is refused (%s)",
	    buf);
	tap_ok(time_parse_local("2026-02-30T09:00", 0, &t, buf,
	    sizeof(buf)) == -1, "local: February 30 is refused (%s)", buf);
	tap_ok(time_parse_local("2026-12-01T09:00", 18 * 60 + 1, &t, buf,
	    sizeof(buf)) == -1, "local: an offset over 18 hours is refused");
	tap_ok(time_parse_local("1970-01-01T00:00", 60, &t, buf,
	    sizeof(buf)) == -1, "local: before 1970 in UTC is refused");
	time_format_utc(1835481599, buf, sizeof(buf));
	tap_ok(strcmp(buf, "2028-02-29T23:59:59Z") == 0, "format: %s", buf);
	return tap_done();
}
