/*
 * Unlock times as people write them, always UTC: RFC 3339
 * "2026-12-01T09:00:00Z" or "DD:MM:YYYY:HH:MM:SS".  Anything else, or a
 * field out of range, is refused with a sentence saying why.
 */
#ifndef SMSG_TIMEPARSE_H
#define SMSG_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#define TIMEPARSE_YEAR_MIN	1970
#define TIMEPARSE_YEAR_MAX	9999
#define TIMEPARSE_INMAX		64	/* longer input is refused unread */

#define TIMEPARSE_OFFSET_MAX	(18 * 60)	/* minutes east or west */

int	time_parse_utc(const char *, uint64_t *, char *, size_t);
int	time_parse_local(const char *, int, uint64_t *, char *, size_t);
void	time_format_utc(uint64_t, char *, size_t);

#endif
