/*
 * A placeholder application for the server core's branch: the real one
 * (smsgd/app*.c) replaces this file at merge.
 */
#include "config.h"

#include <string.h>

#include "server.h"

size_t
app_body_max(const struct http_request *hr)
{
	return hr->method == HTTP_POST ? 4096 : 0;
}

void
app_request(struct req *r)
{
	static const char	 hello[] = "smsg front\n";
	static const char	 nf[] = "not found\n";
	const struct http_request *hr = req_http(r);

	if ((hr->method == HTTP_GET || hr->method == HTTP_HEAD) &&
	    strcmp(hr->path, "/") == 0)
		req_respond(r, 200, "text/plain; charset=utf-8", hello,
		    sizeof(hello) - 1);
	else
		req_respond(r, 404, "text/plain; charset=utf-8", nf,
		    sizeof(nf) - 1);
}

void
app_init(void)
{
}
