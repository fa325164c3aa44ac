/*
 * Framing tests for lib/msg.c over real AF_UNIX SOCK_STREAM socketpairs:
 * typed fields, descriptor passing and malformed input written raw onto
 * the socket.  Every check is one TAP point.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "tap.h"

#define WAITMS	5000

/* ---------------------------------------------------------------- helpers */

static void __attribute__((noreturn))
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
mkpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		bail("socketpair");
}

static void
mkpipe(int p[2])
{
	if (pipe(p) == -1)
		bail("pipe");
}

/* Two channels over one socketpair: a writes, b reads. */
static void
chanpair(struct chan *a, int aflags, struct chan *b, int bflags,
    size_t maxmsg)
{
	int	 sv[2];

	mkpair(sv);
	if (chan_init(a, sv[0], maxmsg, aflags) == -1 ||
	    chan_init(b, sv[1], maxmsg, bflags) == -1)
		bail("chan_init");
}

/* A channel reading the socket whose other end is written raw in *wfd. */
static void
rawpair(int *wfd, struct chan *b, int bflags, size_t maxmsg)
{
	int	 sv[2];

	mkpair(sv);
	*wfd = sv[0];
	if (chan_init(b, sv[1], maxmsg, bflags) == -1)
		bail("chan_init");
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
rawhdr(uint8_t *h, uint32_t type, uint32_t len, uint32_t peerid,
    uint32_t pid, uint32_t flags)
{
	put32(h, type);
	put32(h + 4, len);
	put32(h + 8, peerid);
	put32(h + 12, pid);
	put32(h + 16, flags);
}

static void
writeall(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			bail("write");
		}
		p += n;
		len -= n;
	}
}

/* Header and payload in one write. */
static void
writemsg(int fd, uint32_t type, uint32_t hdrlen, uint32_t flags,
    const void *payload, size_t plen)
{
	uint8_t	 buf[MSG_HDRLEN + 256];

	if (plen > sizeof(buf) - MSG_HDRLEN)
		abort();
	rawhdr(buf, type, hdrlen, 0, (uint32_t)getpid(), flags);
	if (plen > 0)
		memcpy(buf + MSG_HDRLEN, payload, plen);
	writeall(fd, buf, MSG_HDRLEN + plen);
}

/* Send data with the given descriptors attached by SCM_RIGHTS. */
static int
sendfds(int sock, const void *data, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 32)];
	} cmsgbuf;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;

	if (nfds > 32)
		abort();
	memset(&mh, 0, sizeof(mh));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)data;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cmsgbuf.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Read until a complete message or end of file: chan_get's result. */
static int
getone(struct chan *c, struct msg *m)
{
	return chan_recvnow(c, m, WAITMS);
}

/* Open descriptors of this process, or -1 without /proc. */
static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* 1 when every write end of the pipe is closed (read gives EOF now). */
static int
pipe_eof(int rfd)
{
	char	 c;
	ssize_t	 n;
	int	 fl;

	fl = fcntl(rfd, F_GETFL);
	fcntl(rfd, F_SETFL, fl | O_NONBLOCK);
	n = read(rfd, &c, 1);
	fcntl(rfd, F_SETFL, fl);
	return n == 0;
}

/* Every getter fails on a cursor that already failed. */
static int
all_getters_fail(struct msgcur *cur)
{
	uint8_t		 u8;
	uint16_t	 u16;
	uint32_t	 u32;
	uint64_t	 u64;
	uint8_t		 fx[1];
	const uint8_t	*bp;
	size_t		 bl;
	char		 s[16];
	int		 ok = 1;

	ok &= msg_get_u8(cur, &u8) == -1;
	ok &= msg_get_u16(cur, &u16) == -1;
	ok &= msg_get_u32(cur, &u32) == -1;
	ok &= msg_get_u64(cur, &u64) == -1;
	ok &= msg_get_fixed(cur, fx, 0) == -1;
	ok &= msg_get_fixed(cur, fx, 1) == -1;
	ok &= msg_get_bytes(cur, &bp, &bl, 100) == -1;
	ok &= msg_get_string(cur, s, sizeof(s)) == -1;
	ok &= msg_get_end(cur) == -1;
	return ok;
}

/* ------------------------------------------------------------- round trip */

static void
test_roundtrip(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	static char	 longstr[MSG_MAXSTR + 1], got[MSG_MAXSTR + 1];
	uint8_t		 fixed[16], fixgot[16], blob[300];
	const uint8_t	*bp;
	size_t		 bl, i;
	uint8_t		 u8a, u8b;
	uint16_t	 u16a, u16b;
	uint32_t	 u32a, u32b;
	uint64_t	 u64a, u64b, u64c;
	char		 s[16];
	int		 ok;

	for (i = 0; i < sizeof(fixed); i++)
		fixed[i] = (uint8_t)(0xf0 ^ i);
	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)i;
	memset(longstr, 'x', MSG_MAXSTR);
	longstr[MSG_MAXSTR] = '\0';

	chanpair(&a, 0, &b, 0, 65536);
	msg_init(&mb, 0xdeadbeef, 0xfffffffe);
	msg_add_u8(&mb, 0);
	msg_add_u8(&mb, UINT8_MAX);
	msg_add_u16(&mb, 0);
	msg_add_u16(&mb, UINT16_MAX);
	msg_add_u32(&mb, 0);
	msg_add_u32(&mb, UINT32_MAX);
	msg_add_u64(&mb, 0);
	msg_add_u64(&mb, UINT64_MAX);
	msg_add_u64(&mb, 0x0123456789abcdefULL);
	msg_add_fixed(&mb, fixed, sizeof(fixed));
	msg_add_bytes(&mb, "", 0);
	msg_add_bytes(&mb, blob, sizeof(blob));
	msg_add_string(&mb, "");
	msg_add_string(&mb, "hello");
	msg_add_string(&mb, longstr);
	tap_ok(mb.err == 0, "roundtrip: building a message of every type");
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0, "roundtrip: sent");
	tap_ok(getone(&b, &m) == 1, "roundtrip: received");
	tap_ok(m.type == 0xdeadbeef, "roundtrip: header type");
	tap_ok(m.peerid == 0xfffffffe, "roundtrip: header peerid");
	tap_ok(m.pid == (uint32_t)getpid(), "roundtrip: header pid is ours");
	tap_ok(m.fd == -1, "roundtrip: no descriptor");

	msg_cursor(&m, &cur);
	ok = msg_get_u8(&cur, &u8a) == 0 && msg_get_u8(&cur, &u8b) == 0;
	tap_ok(ok && u8a == 0 && u8b == UINT8_MAX, "roundtrip: u8 0, 255");
	ok = msg_get_u16(&cur, &u16a) == 0 && msg_get_u16(&cur, &u16b) == 0;
	tap_ok(ok && u16a == 0 && u16b == UINT16_MAX,
	    "roundtrip: u16 0, 65535");
	ok = msg_get_u32(&cur, &u32a) == 0 && msg_get_u32(&cur, &u32b) == 0;
	tap_ok(ok && u32a == 0 && u32b == UINT32_MAX,
	    "roundtrip: u32 0, 2^32-1");
	ok = msg_get_u64(&cur, &u64a) == 0 && msg_get_u64(&cur, &u64b) == 0 &&
	    msg_get_u64(&cur, &u64c) == 0;
	tap_ok(ok && u64a == 0 && u64b == UINT64_MAX &&
	    u64c == 0x0123456789abcdefULL,
	    "roundtrip: u64 0, 2^64-1, 0x0123456789abcdef (byte order)");
	ok = msg_get_fixed(&cur, fixgot, sizeof(fixgot)) == 0;
	tap_ok(ok && memcmp(fixgot, fixed, sizeof(fixed)) == 0,
	    "roundtrip: fixed 16 bytes");
	ok = msg_get_bytes(&cur, &bp, &bl, 0) == 0;
	tap_ok(ok && bl == 0, "roundtrip: empty bytes (max 0)");
	ok = msg_get_bytes(&cur, &bp, &bl, sizeof(blob)) == 0;
	tap_ok(ok && bl == sizeof(blob) && memcmp(bp, blob, bl) == 0,
	    "roundtrip: 300 bytes (max exactly 300)");
	memset(s, 'z', sizeof(s));
	ok = msg_get_string(&cur, s, 1) == 0;
	tap_ok(ok && s[0] == '\0', "roundtrip: empty string into a 1-byte "
	    "buffer");
	ok = msg_get_string(&cur, s, 6) == 0;
	tap_ok(ok && strcmp(s, "hello") == 0,
	    "roundtrip: string \"hello\" into a 6-byte buffer");
	ok = msg_get_string(&cur, got, sizeof(got)) == 0;
	tap_ok(ok && strlen(got) == MSG_MAXSTR && strcmp(got, longstr) == 0,
	    "roundtrip: string of MSG_MAXSTR (%d) bytes", MSG_MAXSTR);
	tap_ok(msg_get_end(&cur) == 0, "roundtrip: msg_get_end at the end");

	/* An empty message. */
	msg_init(&mb, 1, 0);
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0 && getone(&b, &m) == 1 &&
	    m.type == 1 && m.len == 0, "roundtrip: empty payload");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_end(&cur) == 0, "roundtrip: empty payload ends at once");
	/* A copied empty answer (the front's bridge) has no buffer at all. */
	{
		struct msg	 e;
		uint8_t		 u8;

		memset(&e, 0, sizeof(e));
		e.type = 1;
		e.fd = -1;
		msg_cursor(&e, &cur);
		tap_ok(msg_get_end(&cur) == 0,
		    "an empty payload without a buffer ends at once");
		msg_cursor(&e, &cur);
		tap_ok(msg_get_u8(&cur, &u8) == -1 && msg_get_end(&cur) == -1,
		    "... and reading a field from it still fails");
	}

	/* A string one over MSG_MAXSTR cannot be built. */
	{
		static char	 over[MSG_MAXSTR + 2];

		memset(over, 'y', MSG_MAXSTR + 1);
		over[MSG_MAXSTR + 1] = '\0';
		msg_init(&mb, 1, 0);
		msg_add_string(&mb, over);
		tap_ok(mb.err != 0 && chan_send(&a, &mb) == -1 &&
		    !chan_pending(&a),
		    "roundtrip: string of MSG_MAXSTR+1 refused, nothing queued");
	}

	chan_clear(&a);
	chan_clear(&b);
}

/* The pid in the header is the sender's, here a child process. */
static void
test_pid(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	pid_t		 pid;
	int		 st;

	chanpair(&a, 0, &b, 0, 1024);
	if ((pid = fork()) == -1)
		bail("fork");
	if (pid == 0) {
		chan_clear(&b);
		msg_init(&mb, 7, 3);
		msg_add_u32(&mb, 12345);
		_exit(chan_sendnow(&a, &mb, WAITMS) == 0 ? 0 : 1);
	}
	chan_clear(&a);
	tap_ok(getone(&b, &m) == 1 && m.type == 7 && m.peerid == 3 &&
	    m.pid == (uint32_t)pid, "pid: header pid is the child's (%ld)",
	    (long)pid);
	tap_ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "pid: child sent without error");
	tap_ok(getone(&b, &m) == 0, "pid: end of file after the child exits");
	chan_clear(&b);
}

/* ---------------------------------------------------------- fd passing */

static void
test_fdpass(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	uint32_t	 v;
	char		 buf[8];
	int		 p[2];

	chanpair(&a, CHAN_SENDFDS, &b, CHAN_RECVFDS, 1024);

	/* A plain message first: it must not take a descriptor. */
	msg_init(&mb, 1, 0);
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0 && getone(&b, &m) == 1 &&
	    m.fd == -1, "fdpass: message without descriptor has fd -1");

	mkpipe(p);
	msg_init(&mb, 2, 0);
	msg_add_u32(&mb, 99);
	msg_set_fd(&mb, p[1]);		/* the message owns it now */
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0, "fdpass: sent pipe fd");
	tap_ok(getone(&b, &m) == 1 && m.type == 2 && m.fd >= 0,
	    "fdpass: received a descriptor");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_u32(&cur, &v) == 0 && v == 99 && msg_get_end(&cur) == 0,
	    "fdpass: payload intact");
	tap_ok(m.fd >= 0 && (fcntl(m.fd, F_GETFD) & FD_CLOEXEC),
	    "fdpass: received descriptor is close-on-exec");
	tap_ok(m.fd >= 0 && write(m.fd, "ping", 4) == 4 &&
	    read(p[0], buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0,
	    "fdpass: write on received fd, read on the pipe");
	if (m.fd >= 0)
		close(m.fd);
	tap_ok(pipe_eof(p[0]),
	    "fdpass: sender closed its copy after sending (EOF on pipe)");
	close(p[0]);

	/* A message with a descriptor on a channel without CHAN_SENDFDS. */
	chan_clear(&a);
	chan_clear(&b);
	chanpair(&a, 0, &b, CHAN_RECVFDS, 1024);
	mkpipe(p);
	msg_init(&mb, 3, 0);
	msg_set_fd(&mb, p[1]);
	tap_ok(chan_send(&a, &mb) == -1 && !chan_pending(&a),
	    "fdpass: chan_send with fd on a channel without CHAN_SENDFDS "
	    "fails");
	tap_ok(pipe_eof(p[0]), "fdpass: the refused message's fd was closed");
	close(p[0]);

	/* msg_set_fd twice makes the message unsendable. */
	chan_clear(&a);
	chan_clear(&b);
	chanpair(&a, CHAN_SENDFDS, &b, CHAN_RECVFDS, 1024);
	mkpipe(p);
	msg_init(&mb, 3, 0);
	msg_set_fd(&mb, dup(p[1]));
	msg_set_fd(&mb, p[1]);
	tap_ok(mb.err != 0 && chan_send(&a, &mb) == -1 && pipe_eof(p[0]),
	    "fdpass: second msg_set_fd refused, both descriptors closed");
	close(p[0]);

	chan_clear(&a);
	chan_clear(&b);
}

/* ------------------------------------------------------------ malformed */

static void
test_short_header(void)
{
	struct chan	 b;
	struct msg	 m;
	uint8_t		 h[MSG_HDRLEN];
	int		 w;

	rawpair(&w, &b, 0, 64);
	rawhdr(h, 1, 0, 0, 0, 0);
	writeall(w, h, 10);
	close(w);
	tap_ok(chan_read(&b) == 10, "short header: 10 bytes read");
	tap_ok(chan_get(&b, &m) == 0, "short header: chan_get wants more (0)");
	tap_ok(chan_read(&b) == 0, "short header: then end of file");
	tap_ok(chan_get(&b, &m) == 0, "short header: still no message");
	chan_clear(&b);

	/* A valid frame arriving byte by byte. */
	rawpair(&w, &b, 0, 64);
	rawhdr(h, 5, 4, 0, 0, 0);
	{
		uint8_t	 full[MSG_HDRLEN + 4];
		size_t	 i;
		int	 early = 0, r = 0;

		memcpy(full, h, MSG_HDRLEN);
		put32(full + MSG_HDRLEN, 77);
		for (i = 0; i < sizeof(full); i++) {
			writeall(w, full + i, 1);
			if (chan_read(&b) != 1)
				break;
			r = chan_get(&b, &m);
			if (i + 1 < sizeof(full) && r != 0)
				early = 1;
		}
		tap_ok(i == sizeof(full) && !early && r == 1 && m.type == 5 &&
		    m.len == 4, "byte by byte: complete only at the last byte");
	}
	close(w);
	chan_clear(&b);
}

static void
test_oversize(void)
{
	struct chan	 b;
	struct msg	 m;
	uint8_t		 pl[65];
	int		 w;

	memset(pl, 'a', sizeof(pl));

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 65, 0, pl, 65);
	chan_read(&b);
	errno = 0;
	tap_ok(chan_get(&b, &m) == -1 && errno == EMSGSIZE,
	    "oversize: length maxmsg+1 refused with EMSGSIZE");
	close(w);
	chan_clear(&b);

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 0xffffffff, 0, NULL, 0);
	chan_read(&b);
	errno = 0;
	tap_ok(chan_get(&b, &m) == -1 && errno == EMSGSIZE,
	    "oversize: length 2^32-1 refused with EMSGSIZE (header only)");
	close(w);
	chan_clear(&b);

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 64, 0, pl, 64);
	tap_ok(getone(&b, &m) == 1 && m.len == 64,
	    "oversize: raw length exactly maxmsg accepted");
	close(w);
	chan_clear(&b);
}

static void
test_truncated(void)
{
	struct chan	 b;
	struct msg	 m;
	struct msgcur	 cur;
	uint8_t		 pl[16];
	uint32_t	 v;
	uint64_t	 v64;
	const uint8_t	*bp;
	size_t		 bl;
	char		 s[64];
	int		 w;

	/* Header promises 8 bytes, 4 arrive, then end of file. */
	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 8, 0, "abcd", 4);
	close(w);
	tap_ok(getone(&b, &m) == 0,
	    "truncated frame: no message, end of file");
	chan_clear(&b);

	/* A 3-byte payload read as u32. */
	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 3, 0, "abc", 3);
	tap_ok(getone(&b, &m) == 1 && m.len == 3, "truncated: 3-byte frame");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_u32(&cur, &v) == -1, "truncated: u32 from 3 bytes fails");
	tap_ok(all_getters_fail(&cur),
	    "truncated: every getter fails after that");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_u64(&cur, &v64) == -1, "truncated: u64 from 3 bytes fails");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_fixed(&cur, pl, 4) == -1,
	    "truncated: fixed 4 from 3 bytes fails");
	close(w);
	chan_clear(&b);

	/* A bytes field whose length prefix runs past the payload. */
	rawpair(&w, &b, 0, 64);
	put32(pl, 100);
	memcpy(pl + 4, "abcd", 4);
	writemsg(w, 1, 8, 0, pl, 8);
	tap_ok(getone(&b, &m) == 1, "truncated: bytes frame");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_bytes(&cur, &bp, &bl, 1000) == -1,
	    "truncated: bytes length 100 with 4 left fails");
	tap_ok(all_getters_fail(&cur),
	    "truncated: every getter fails after that");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_string(&cur, s, sizeof(s)) == -1,
	    "truncated: same as string fails");
	close(w);
	chan_clear(&b);
}

static void
test_trailing(void)
{
	struct chan	 b;
	struct msg	 m;
	struct msgcur	 cur;
	uint8_t		 pl[5] = { 0, 0, 0, 42, 0xff };
	uint32_t	 v;
	int		 w;

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 5, 0, pl, 5);
	tap_ok(getone(&b, &m) == 1, "trailing: 5-byte frame");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_u32(&cur, &v) == 0 && v == 42, "trailing: u32 read");
	tap_ok(msg_get_end(&cur) == -1, "trailing: msg_get_end fails on "
	    "1 byte left");
	close(w);
	chan_clear(&b);
}

static void
test_flags(void)
{
	struct chan	 b;
	struct msg	 m;
	int		 w;

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 0, 0x2, NULL, 0);
	chan_read(&b);
	errno = 0;
	tap_ok(chan_get(&b, &m) == -1 && errno == EBADMSG,
	    "flags: unknown flag 0x2 refused (EBADMSG)");
	close(w);
	chan_clear(&b);

	rawpair(&w, &b, CHAN_RECVFDS, 64);
	writemsg(w, 1, 0, 0x80000000, NULL, 0);
	chan_read(&b);
	tap_ok(chan_get(&b, &m) == -1,
	    "flags: unknown flag 0x80000000 refused");
	close(w);
	chan_clear(&b);

	rawpair(&w, &b, CHAN_RECVFDS, 64);
	writemsg(w, 1, 0, MSG_F_FD, NULL, 0);
	chan_read(&b);
	errno = 0;
	tap_ok(chan_get(&b, &m) == -1 && errno == EBADMSG,
	    "flags: MSG_F_FD without a descriptor refused (CHAN_RECVFDS)");
	close(w);
	chan_clear(&b);

	rawpair(&w, &b, 0, 64);
	writemsg(w, 1, 0, MSG_F_FD, NULL, 0);
	chan_read(&b);
	tap_ok(chan_get(&b, &m) == -1,
	    "flags: MSG_F_FD refused on a channel without CHAN_RECVFDS");
	close(w);
	chan_clear(&b);
}

static void
test_unwanted_fd(void)
{
	struct chan	 b;
	uint8_t		 frame[MSG_HDRLEN];
	int		 w, p[2], fds[MSG_MAXQFDS + 1], before, after, i;
	ssize_t		 r;

	/* One descriptor to a channel that did not ask for any. */
	mkpipe(p);
	rawpair(&w, &b, 0, 64);
	rawhdr(frame, 1, 0, 0, 0, MSG_F_FD);
	if (sendfds(w, frame, sizeof(frame), &p[1], 1) == -1)
		bail("sendmsg");
	close(p[1]);			/* in flight: only copy left */
	before = count_fds();
	errno = 0;
	r = chan_read(&b);
	tap_ok(r == -1 && errno == EBADMSG,
	    "unwanted fd: chan_read fails with EBADMSG");
	after = count_fds();
	tap_ok(pipe_eof(p[0]), "unwanted fd: descriptor closed (pipe EOF)");
	if (before == -1)
		tap_skip("unwanted fd: no /proc/self/fd to count");
	else
		tap_ok(after == before,
		    "unwanted fd: no descriptor gained (%d before, %d after)",
		    before, after);
	close(p[0]);
	close(w);
	chan_clear(&b);

	/* More descriptors than the queue holds, to a willing channel. */
	mkpipe(p);
	rawpair(&w, &b, CHAN_RECVFDS, 64);
	for (i = 0; i < MSG_MAXQFDS + 1; i++)
		fds[i] = p[1];
	if (sendfds(w, frame, sizeof(frame), fds, MSG_MAXQFDS + 1) == -1)
		bail("sendmsg");
	close(p[1]);
	before = count_fds();
	errno = 0;
	r = chan_read(&b);
	after = count_fds();
	tap_ok(r == -1 && errno == EBADMSG && pipe_eof(p[0]) &&
	    (before == -1 || after == before),
	    "too many fds: %d at once refused and all closed",
	    MSG_MAXQFDS + 1);
	close(p[0]);
	close(w);
	chan_clear(&b);
}

static void
test_strings(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	const uint8_t	*bp;
	size_t		 bl;
	char		 s[16];

	chanpair(&a, 0, &b, 0, 1024);

	msg_init(&mb, 1, 0);
	msg_add_string(&mb, "0123456789");	/* 10 bytes */
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0 && getone(&b, &m) == 1,
	    "strings: 10-char string received");
	msg_cursor(&m, &cur);
	memset(s, 'z', sizeof(s));
	tap_ok(msg_get_string(&cur, s, 10) == -1,
	    "strings: 10 chars into a 10-byte buffer fails");
	tap_ok(s[9] == 'z' && s[10] == 'z', "strings: buffer not overrun");
	tap_ok(all_getters_fail(&cur),
	    "strings: every getter fails after that");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_string(&cur, s, 11) == 0 &&
	    strcmp(s, "0123456789") == 0 && msg_get_end(&cur) == 0,
	    "strings: 10 chars into an 11-byte buffer works");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_string(&cur, s, 0) == -1,
	    "strings: a 0-byte buffer fails");

	/* msg_get_bytes against its max. */
	msg_cursor(&m, &cur);
	tap_ok(msg_get_bytes(&cur, &bp, &bl, 9) == -1,
	    "bytes: 10 bytes over a max of 9 fails");
	tap_ok(all_getters_fail(&cur), "bytes: every getter fails after that");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_bytes(&cur, &bp, &bl, 10) == 0 && bl == 10 &&
	    memcmp(bp, "0123456789", 10) == 0,
	    "bytes: 10 bytes with a max of 10 works");

	/* A string field with a NUL byte inside. */
	msg_init(&mb, 1, 0);
	msg_add_bytes(&mb, "ab\0cd", 5);
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0 && getone(&b, &m) == 1,
	    "strings: field with NUL received");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_string(&cur, s, sizeof(s)) == -1,
	    "strings: string with a NUL byte refused");
	tap_ok(msg_get_end(&cur) == -1,
	    "strings: msg_get_end fails after the NUL string was refused");
	msg_cursor(&m, &cur);
	tap_ok(msg_get_bytes(&cur, &bp, &bl, 5) == 0 && bl == 5,
	    "strings: the same field is fine as bytes");

	chan_clear(&a);
	chan_clear(&b);
}

static void
test_maxmsg(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	uint8_t		 pl[101];

	memset(pl, 'q', sizeof(pl));
	chanpair(&a, 0, &b, 0, 100);

	msg_init(&mb, 1, 0);
	msg_add_fixed(&mb, pl, 100);
	tap_ok(chan_sendnow(&a, &mb, WAITMS) == 0,
	    "maxmsg: payload of exactly maxmsg (100) sent");
	tap_ok(getone(&b, &m) == 1 && m.len == 100 &&
	    memcmp(m.data, pl, 100) == 0,
	    "maxmsg: and received intact");

	msg_init(&mb, 1, 0);
	msg_add_fixed(&mb, pl, 101);
	errno = 0;
	tap_ok(chan_send(&a, &mb) == -1 && errno == EMSGSIZE &&
	    !chan_pending(&a) && mb.data == NULL,
	    "maxmsg: maxmsg+1 refused on send (EMSGSIZE), nothing queued");

	chan_clear(&a);
	chan_clear(&b);
}

/* Many small messages queued at once arrive complete and in order. */
#define NMANY	1000
static void
test_many(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	uint32_t	 v, next = 0;
	int		 i, queued = 1, inorder = 1, reads = 0, perread;
	int		 batched = 0, r = 0, stuck = 0;

	chanpair(&a, 0, &b, 0, 65536);
	if (fcntl(a.fd, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(b.fd, F_SETFL, O_NONBLOCK) == -1)
		bail("fcntl");
	for (i = 0; i < NMANY; i++) {
		msg_init(&mb, 10, (uint32_t)i);
		msg_add_u32(&mb, (uint32_t)i);
		if (chan_send(&a, &mb) == -1)
			queued = 0;
	}
	tap_ok(queued && chan_pending(&a), "many: %d messages queued", NMANY);

	while (next < NMANY && stuck < 1000) {
		if (chan_pending(&a) && (r = chan_flush(&a)) == -1)
			break;
		if (chan_read(&b) <= 0) {
			stuck++;
			continue;
		}
		reads++;
		perread = 0;
		while (chan_get(&b, &m) == 1) {
			msg_cursor(&m, &cur);
			if (msg_get_u32(&cur, &v) == -1 ||
			    msg_get_end(&cur) == -1 || v != next ||
			    m.peerid != next || m.type != 10)
				inorder = 0;
			next++;
			perread++;
		}
		if (perread > 1)
			batched = 1;
	}
	tap_ok(r != -1 && !chan_pending(&a), "many: all flushed");
	tap_ok(next == NMANY && inorder, "many: %u of %d arrived in order",
	    next, NMANY);
	tap_ok(batched, "many: several messages taken from one read "
	    "(%d reads)", reads);
	chan_clear(&a);
	chan_clear(&b);
}

/* ------------------------------------------------------------ batching */

/*
 * One record of a SOCK_SEQPACKET pair is one write: its length, and
 * whether a descriptor came with it (closed here).  -1 when none is there.
 */
static ssize_t
record(int fd, int *gotfd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	} cbuf;
	static uint8_t	 data[65536];
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	ssize_t		 n;
	int		 got;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	*gotfd = 0;
	if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) <= 0)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_type == SCM_RIGHTS) {
			memcpy(&got, CMSG_DATA(cm), sizeof(got));
			close(got);
			(*gotfd)++;
		}
	return n;
}

static int
queue_u32(struct chan *c, uint32_t v, int fd)
{
	struct msgbuf	 mb;

	msg_init(&mb, 12, v);
	msg_add_u32(&mb, v);
	if (fd != -1)
		msg_set_fd(&mb, fd);
	return chan_send(c, &mb);
}

#define ONE	(MSG_HDRLEN + 4)	/* the size of queue_u32's frame */

/* Queued messages leave together, CHAN_IOVMAX at most per write. */
static void
test_gather(void)
{
	struct chan	 a;
	int		 sv[2], p[2], i, ok = 1, fds;
	ssize_t		 r1, r2, r3;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		bail("socketpair");
	if (chan_init(&a, sv[0], 64, CHAN_SENDFDS) == -1)
		bail("chan_init");
	for (i = 0; i < CHAN_IOVMAX + 36; i++)
		if (queue_u32(&a, i, -1) == -1)
			ok = 0;
	tap_ok(ok && chan_flush(&a) == 0 && !chan_pending(&a),
	    "gather: %d queued messages flushed", CHAN_IOVMAX + 36);
	r1 = record(sv[1], &fds);
	r2 = record(sv[1], &fds);
	r3 = record(sv[1], &fds);
	tap_ok(r1 == CHAN_IOVMAX * ONE && r2 == 36 * ONE && r3 == -1,
	    "gather: they left in two writes, of %d and 36 (%zd, %zd, %zd)",
	    CHAN_IOVMAX, r1 / ONE, r2 / ONE, r3);

	/* a descriptor rides with the first byte of its own write */
	mkpipe(p);
	ok = queue_u32(&a, 1, -1) == 0 && queue_u32(&a, 2, -1) == 0 &&
	    queue_u32(&a, 3, -1) == 0 && queue_u32(&a, 4, p[1]) == 0 &&
	    queue_u32(&a, 5, -1) == 0 && queue_u32(&a, 6, -1) == 0;
	tap_ok(ok && chan_flush(&a) == 0, "gather: six queued, the fourth "
	    "with a descriptor, flushed");
	r1 = record(sv[1], &i);
	r2 = record(sv[1], &fds);
	tap_ok(r1 == 3 * ONE && i == 0 && r2 == 3 * ONE && fds == 1,
	    "gather: three without, then the descriptor's message and the "
	    "two after it with the descriptor (%zd+%d, %zd+%d)", r1 / ONE, i,
	    r2 / ONE, fds);
	tap_ok(pipe_eof(p[0]), "gather: our copy of the descriptor was "
	    "closed once sent");
	close(p[0]);
	close(sv[1]);
	chan_clear(&a);
}

/*
 * A socket that takes a little at a time: every write is partial, and
 * every message still arrives whole, once, in order.
 */
#define NPART	200
static void
test_partial_writes(void)
{
	struct chan	 a, b;
	struct msgbuf	 mb;
	struct msg	 m;
	struct msgcur	 cur;
	uint8_t		 pay[1000];
	const uint8_t	*got;
	size_t		 glen;
	uint32_t	 next = 0;
	int		 i, r = 0, sz = 4096, inorder = 1, partial = 0;
	int		 rounds = 0;

	chanpair(&a, 0, &b, 0, 2048);
	if (setsockopt(a.fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) == -1 ||
	    fcntl(a.fd, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(b.fd, F_SETFL, O_NONBLOCK) == -1)
		bail("socket options");
	for (i = 0; i < NPART; i++) {
		memset(pay, i & 0xff, sizeof(pay));
		msg_init(&mb, 13, i);
		msg_add_bytes(&mb, pay, 100 + (i * 37) % 900);
		if (chan_send(&a, &mb) == -1)
			bail("chan_send");
	}
	while (next < NPART && rounds++ < 100000) {
		if ((r = chan_flush(&a)) == -1)
			break;
		if (r == 1)
			partial = 1;
		if (chan_read(&b) == -1 && errno != EAGAIN)
			break;
		while (chan_get(&b, &m) == 1) {
			msg_cursor(&m, &cur);
			if (m.peerid != next ||
			    msg_get_bytes(&cur, &got, &glen, sizeof(pay)) ==
			    -1 || msg_get_end(&cur) == -1 ||
			    glen != 100 + (next * 37) % 900 ||
			    got[0] != (next & 0xff) ||
			    got[glen - 1] != (next & 0xff))
				inorder = 0;
			next++;
		}
	}
	tap_ok(partial, "partial writes: the socket took part of the queue");
	tap_ok(r != -1 && next == NPART && inorder && !chan_pending(&a),
	    "partial writes: %u of %d arrived whole and in order", next,
	    NPART);
	chan_clear(&a);
	chan_clear(&b);
}

/* Messages cut at every odd place across reads come out whole, in order. */
static void
test_partial_reads(void)
{
	struct chan	 a, b;
	struct msg	 m;
	struct msgcur	 cur;
	uint8_t		 stream[8 * ONE];
	uint32_t	 v, next = 0;
	size_t		 off;
	int		 sv[2], i, inorder = 1, max = 0, n;

	/* the frames as a writer makes them, taken off its socket */
	chanpair(&a, 0, &b, 0, 64);
	for (i = 0; i < 8; i++)
		queue_u32(&a, i, -1);
	if (chan_flush(&a) != 0 ||
	    read(b.fd, stream, sizeof(stream)) != (ssize_t)sizeof(stream))
		bail("frames");
	chan_clear(&a);
	chan_clear(&b);

	mkpair(sv);
	if (chan_init(&b, sv[1], 64, 0) == -1)
		bail("chan_init");
	for (off = 0; off < sizeof(stream); off += 7) {
		writeall(sv[0], stream + off, sizeof(stream) - off < 7 ?
		    sizeof(stream) - off : 7);
		if (chan_read(&b) <= 0)
			break;
		n = 0;
		while (chan_get(&b, &m) == 1) {
			msg_cursor(&m, &cur);
			if (msg_get_u32(&cur, &v) == -1 || v != next ||
			    msg_get_end(&cur) == -1)
				inorder = 0;
			next++;
			n++;
		}
		if (n > max)
			max = n;
	}
	tap_ok(next == 8 && inorder, "partial reads: 8 frames in 7-byte "
	    "pieces, %u whole and in order", next);
	/* and a read that ends inside the next: every whole one first */
	writeall(sv[0], stream, 3 * ONE + 5);
	n = 0;
	if (chan_read(&b) == 3 * ONE + 5)
		while (chan_get(&b, &m) == 1)
			n++;
	tap_ok(n == 3, "partial reads: one read of three and a piece gives "
	    "the three (%d)", n);
	writeall(sv[0], stream + 3 * ONE + 5, ONE - 5);
	tap_ok(chan_read(&b) == ONE - 5 && chan_get(&b, &m) == 1 &&
	    m.peerid == 3 && chan_get(&b, &m) == 0,
	    "partial reads: then the piece's rest completes the fourth");
	close(sv[0]);
	chan_clear(&b);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);

	test_roundtrip();
	test_pid();
	test_fdpass();
	test_short_header();
	test_oversize();
	test_truncated();
	test_trailing();
	test_flags();
	test_unwanted_fd();
	test_strings();
	test_maxmsg();
	test_many();
	test_gather();
	test_partial_writes();
	test_partial_reads();
	(void)tap_diag;
	return tap_done();
}
