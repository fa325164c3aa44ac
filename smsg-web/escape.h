/*
 * Output buffers and escaping for smsg-web.
 *
 * Every byte that reaches a page goes through a struct buf, which refuses
 * to grow past its bound: a page too large for one message is an error,
 * never a truncated page.  Values are escaped for HTML text and quoted
 * attributes alike; URLs are filtered to an allow-list first.
 */
#ifndef SMSG_WEB_ESCAPE_H
#define SMSG_WEB_ESCAPE_H

#include <stddef.h>

struct buf {
	char		*data;
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* bound on len */
	int		 err;		/* an append failed: the page is void */
};

void		 buf_init(struct buf *, size_t);
void		 buf_free(struct buf *);
void		 buf_add(struct buf *, const void *, size_t);
void		 buf_addstr(struct buf *, const char *);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

int		 utf8_valid(const char *, size_t);
void		 html_escape(struct buf *, const char *);
const char	*url_filter(const char *);
void		 url_escape(struct buf *, const char *);

#endif
