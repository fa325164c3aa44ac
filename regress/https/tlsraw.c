/*
 * tlsraw: send exact bytes to a TLS server and say what came back.
 *
 * The system tests need requests that no well-behaved HTTP client will
 * send (bare LF, NUL, obs-fold, a header section that never ends), so
 * this client writes whatever it is given, optionally a few bytes at a
 * time, and then reports:
 *
 *	status: <first line of the response, or "none">
 *	closed: yes|no		(the server ended the connection in time)
 *	elapsed_ms: N		(from connect to the end of reading)
 *
 * usage: tlsraw [-h host] [-p port] [-t seconds] [-d ms] [-c bytes]
 *	  [-o file] (-f file | data)
 *
 * data takes the escapes \r \n \t \0 \\ and \xHH; -f reads raw bytes.
 * -d and -c trickle the request: -c bytes every -d milliseconds.
 * -t bounds the whole exchange (default 5 s).  The certificate is not
 * verified: the tests use a throw-away self-signed one.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define REQ_MAX		(4 * 1024 * 1024)	/* bytes we will send */
#define RESP_MAX	(1024 * 1024)		/* bytes we keep */

struct conn {
	int		 fd;
	SSL		*ssl;
	unsigned char	*resp;
	size_t		 resplen;
	int		 closed;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: tlsraw [-h host] [-p port] [-t seconds] "
	    "[-d ms] [-c bytes] [-o file] (-f file | data)\n");
	exit(2);
}

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "tlsraw: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* An option's number in 1..max, else a usage error. */
static long long
number(const char *s, long long max)
{
	const char	*errstr;
	long long	 n;

	n = strtonum(s, 1, max, &errstr);
	if (errstr != NULL)
		usage();
	return n;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
hexval(int c)
{
	static const char	 digits[] = "0123456789abcdef";
	const char		*p;

	if (c == '\0' || (p = strchr(digits, tolower(c))) == NULL)
		return -1;
	return p - digits;
}

/* Decode the escapes of a command-line request in place; return its length. */
static size_t
unescape(char *s)
{
	char	*in = s, *out = s;
	int	 hi, lo;

	while (*in != '\0') {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'r': *out++ = '\r'; in++; break;
		case 'n': *out++ = '\n'; in++; break;
		case 't': *out++ = '\t'; in++; break;
		case '0': *out++ = '\0'; in++; break;
		case '\\': *out++ = '\\'; in++; break;
		case 'x':
			if ((hi = hexval(in[1])) < 0 || (lo = hexval(in[2])) < 0)
				die("bad \\x escape");
			*out++ = (char)(hi << 4 | lo);
			in += 3;
			break;
		default:
			die("unknown escape");
		}
	}
	return out - s;
}

static unsigned char *
read_file(const char *path, size_t *len)
{
	unsigned char	*buf;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		die("cannot open the request file");
	if ((buf = malloc(REQ_MAX)) == NULL)
		die("out of memory");
	while (n < REQ_MAX && (r = read(fd, buf + n, REQ_MAX - n)) > 0)
		n += r;
	if (r == -1 || n == REQ_MAX)
		die("cannot read the request file, or it is over 4 MiB");
	close(fd);
	*len = n;
	return buf;
}

/* Wait until fd is readable or deadline passes; 1 when readable. */
static int
wait_readable(struct conn *c, long long deadline)
{
	struct pollfd	pfd;
	long long	left;

	if (SSL_pending(c->ssl) > 0)
		return 1;
	left = deadline - now_ms();
	if (left <= 0)
		return 0;
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	return poll(&pfd, 1, (int)left) > 0;
}

/* Read what is there; mark closed on EOF or error. 0 when nothing came. */
static int
drain(struct conn *c)
{
	unsigned char	buf[16384];
	size_t		keep;
	int		n, got = 0;

	do {
		n = SSL_read(c->ssl, buf, sizeof(buf));
		if (n <= 0) {
			switch (SSL_get_error(c->ssl, n)) {
			case SSL_ERROR_WANT_READ:
			case SSL_ERROR_WANT_WRITE:
				return got;
			default:
				/* close_notify, EOF or reset: all a close */
				c->closed = 1;
				ERR_clear_error();
				return 1;
			}
		}
		got = 1;
		keep = RESP_MAX - c->resplen;
		if ((size_t)n < keep)
			keep = n;
		memcpy(c->resp + c->resplen, buf, keep);
		c->resplen += keep;
	} while (SSL_pending(c->ssl) > 0);
	return got;
}

/* Write all of buf; 0 when the server went away first. */
static int
send_all(struct conn *c, const unsigned char *buf, size_t len,
    long long deadline)
{
	struct pollfd	pfd;
	int		n, err;

	while (len > 0) {
		n = SSL_write(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
		if (n > 0) {
			buf += n;
			len -= n;
			continue;
		}
		err = SSL_get_error(c->ssl, n);
		if (err != SSL_ERROR_WANT_WRITE && err != SSL_ERROR_WANT_READ) {
			ERR_clear_error();
			return 0;
		}
		/* the server may answer and close instead of reading on */
		if (wait_readable(c, now_ms()) && drain(c) && c->closed)
			return 0;
		if (now_ms() >= deadline)
			return 0;
		pfd.fd = c->fd;
		pfd.events = err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
		poll(&pfd, 1, 100);
	}
	return 1;
}

static void
connect_tls(struct conn *c, SSL_CTX *ctx, const char *host, int port,
    long long deadline)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	int			n, err;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		die("host must be an IPv4 address");
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect refused");
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1)
		die("fcntl");
	if ((c->ssl = SSL_new(ctx)) == NULL)
		die("SSL_new");
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_tlsext_host_name(c->ssl, "localhost");
	while ((n = SSL_connect(c->ssl)) != 1) {
		err = SSL_get_error(c->ssl, n);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			die("TLS handshake failed");
		if (now_ms() >= deadline)
			die("TLS handshake timed out");
		pfd.fd = c->fd;
		pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		poll(&pfd, 1, 100);
	}
}

/* Send the request, trickled when asked, reading whatever comes meanwhile. */
static void
exchange(struct conn *c, const unsigned char *req, size_t len, size_t chunk,
    int delay_ms, long long deadline)
{
	size_t	off = 0, n;

	while (off < len && !c->closed) {
		n = chunk == 0 || len - off < chunk ? len - off : chunk;
		if (!send_all(c, req + off, n, deadline))
			break;
		off += n;
		if (delay_ms > 0 && off < len &&
		    wait_readable(c, now_ms() + delay_ms))
			drain(c);
		if (now_ms() >= deadline)
			break;
	}
	while (!c->closed && wait_readable(c, deadline))
		if (!drain(c) && now_ms() >= deadline)
			break;
}

static void
report(const struct conn *c, long long elapsed, const char *out)
{
	const unsigned char	*eol;
	FILE			*fp;
	size_t			 n;

	eol = memchr(c->resp, '\n', c->resplen);
	n = eol != NULL ? (size_t)(eol - c->resp) : c->resplen;
	if (n > 0 && c->resp[n - 1] == '\r')
		n--;
	if (n > 200)
		n = 200;
	if (c->resplen == 0)
		printf("status: none\n");
	else
		printf("status: %.*s\n", (int)n, c->resp);
	printf("closed: %s\n", c->closed ? "yes" : "no");
	printf("elapsed_ms: %lld\n", elapsed);
	if (out != NULL) {
		if ((fp = fopen(out, "w")) == NULL)
			die("cannot write the response file");
		fwrite(c->resp, 1, c->resplen, fp);
		fclose(fp);
	}
}

int
main(int argc, char *argv[])
{
	struct conn	 c;
	SSL_CTX		*ctx;
	unsigned char	*req;
	const char	*host = "127.0.0.1", *file = NULL, *out = NULL;
	long long	 start;
	size_t		 len, chunk = 0;
	int		 ch, port = 443, timeout = 5, delay_ms = 0;

	while ((ch = getopt(argc, argv, "c:d:f:h:o:p:t:")) != -1) {
		switch (ch) {
		case 'c': chunk = number(optarg, REQ_MAX); break;
		case 'd': delay_ms = number(optarg, 10000); break;
		case 'f': file = optarg; break;
		case 'h': host = optarg; break;
		case 'o': out = optarg; break;
		case 'p': port = number(optarg, 65535); break;
		case 't': timeout = number(optarg, 120); break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((file == NULL) == (argc != 1))
		usage();
	if (file != NULL)
		req = read_file(file, &len);
	else {
		req = (unsigned char *)argv[0];
		len = unescape(argv[0]);
	}
	if (delay_ms > 0 && chunk == 0)
		chunk = 1;

	/* a write to a closed connection is an answer here, not a crash */
	signal(SIGPIPE, SIG_IGN);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	memset(&c, 0, sizeof(c));
	if ((c.resp = malloc(RESP_MAX)) == NULL)
		die("out of memory");

	start = now_ms();
	connect_tls(&c, ctx, host, port, start + timeout * 1000LL);
	exchange(&c, req, len, chunk, delay_ms, start + timeout * 1000LL);
	report(&c, now_ms() - start, out);

	SSL_free(c.ssl);
	close(c.fd);
	SSL_CTX_free(ctx);
	free(c.resp);
	if (file != NULL)
		free(req);
	return 0;
}
