/*
 * The unlock-time parser.  Digits are read by hand, never with strtol
 * or strptime: no locale, no sign, no white space, no overflow, and
 * every byte accounted for.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "timeparse.h"

struct civil {
	int	 year, mon, day, hour, min, sec;
};

/* n decimal digits at s; -1 when any is not a digit. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Read a layout where 'Y', 'M', 'D', 'h', 'm', 's' are digits of a field
 * and any other character must match itself exactly.
 */
static int
match(const char *s, const char *layout, struct civil *c)
{
	size_t	 i, n;
	int	*field, v;

	if (strlen(s) != strlen(layout))
		return -1;
	for (i = 0; layout[i] != '\0'; i += n) {
		for (n = 1; layout[i + n] == layout[i]; n++)
			;
		switch (layout[i]) {
		case 'Y': field = &c->year; break;
		case 'M': field = &c->mon; break;
		case 'D': field = &c->day; break;
		case 'h': field = &c->hour; break;
		case 'm': field = &c->min; break;
		case 's': field = &c->sec; break;
		default:
			if (memcmp(s + i, layout + i, n) != 0)
				return -1;
			continue;
		}
		if ((v = digits(s + i, (int)n)) == -1)
			return -1;
		*field = v;
	}
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#define WHY(...)	snprintf(why, whylen, __VA_ARGS__)

static int
check_fields(const struct civil *c, char *why, size_t whylen)
{
	if (c->year < TIMEPARSE_YEAR_MIN || c->year > TIMEPARSE_YEAR_MAX) {
		WHY("the year must be %d to %d", TIMEPARSE_YEAR_MIN,
		    TIMEPARSE_YEAR_MAX);
		return -1;
	}
	if (c->mon < 1 || c->mon > 12) {
		WHY("the month must be 1 to 12");
		return -1;
	}
	if (c->day < 1 || c->day > month_days(c->year, c->mon)) {
		WHY("day %d does not exist in %04d-%02d", c->day, c->year,
		    c->mon);
		return -1;
	}
	if (c->hour > 23 || c->min > 59) {
		WHY("the time of day is out of range");
		return -1;
	}
	if (c->sec == 60) {
		WHY("leap seconds are not accepted");
		return -1;
	}
	if (c->sec > 59) {
		WHY("the seconds must be 0 to 59");
		return -1;
	}
	return 0;
}

/*
 * "2026-12-01T09:00:00Z" or "01:12:2026:09:00:00", both UTC.  0 with the
 * seconds since the epoch in out, or -1 with the reason in why.
 */
int
time_parse_utc(const char *s, uint64_t *out, char *why, size_t whylen)
{
	struct civil	 c;
	size_t		 len;

	memset(&c, 0, sizeof(c));
	if (s == NULL || (len = strnlen(s, TIMEPARSE_INMAX + 1)) == 0) {
		WHY("no time given");
		return -1;
	}
	if (len > TIMEPARSE_INMAX) {
		WHY("the time is too long");
		return -1;
	}
	if (match(s, "YYYY-MM-DDThh:mm:ssZ", &c) == -1 &&
	    match(s, "DD:MM:YYYY:hh:mm:ss", &c) == -1) {
		WHY("not a time: use 2026-12-01T09:00:00Z or "
		    "DD:MM:YYYY:HH:MM:SS, in UTC");
		return -1;
	}
	if (check_fields(&c, why, whylen) == -1)
		return -1;
	*out = (uint64_t)(days_from_civil(c.year, c.mon, c.day) * 86400 +
	    c.hour * 3600 + c.min * 60 + c.sec);
	return 0;
}

/*
 * An HTML datetime-local value, "YYYY-MM-DDThh:mm[:ss]", in a zone
 * offset minutes east of UTC (at that date): 0 with the UTC seconds in
 * out, or -1 with the reason in why.
 */
int
time_parse_local(const char *s, int offset, uint64_t *out, char *why,
    size_t whylen)
{
	struct civil	 c;
	int64_t		 t;

	memset(&c, 0, sizeof(c));
	if (s == NULL || strnlen(s, TIMEPARSE_INMAX + 1) > TIMEPARSE_INMAX) {
		WHY("the time is too long");
		return -1;
	}
	if (offset < -TIMEPARSE_OFFSET_MAX || offset > TIMEPARSE_OFFSET_MAX) {
		WHY("the time zone offset is out of range");
		return -1;
	}
	if (match(s, "YYYY-MM-DDThh:mm:ss", &c) == -1 &&
	    match(s, "YYYY-MM-DDThh:mm", &c) == -1) {
		WHY("not a date and time: use YYYY-MM-DDTHH:MM");
		return -1;
	}
	if (check_fields(&c, why, whylen) == -1)
		return -1;
	t = days_from_civil(c.year, c.mon, c.day) * 86400 + c.hour * 3600 +
	    c.min * 60 + c.sec - (int64_t)offset * 60;
	if (t < 0) {
		WHY("the time is before 1970");
		return -1;
	}
	*out = (uint64_t)t;
	return 0;
}

/* RFC 3339 in UTC, the form the API answers with. */
void
time_format_utc(uint64_t t, char *buf, size_t len)
{
	int64_t	 z, era, doe, yoe, y, doy, mp, d, m, secs;

	z = (int64_t)(t / 86400) + 719468;
	secs = (int64_t)(t % 86400);
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	    (long long)y, (long long)m, (long long)d, (long long)(secs / 3600),
	    (long long)(secs / 60 % 60), (long long)(secs % 60));
}
