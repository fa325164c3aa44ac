/*
 * Framing, typed fields and descriptor passing.  See msg.h.
 *
 * Buffers that held a message are zeroed before reuse or release: peers
 * pass passwords and keys through here.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

#define MSG_INITCAP	256

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * This process's id for the headers, asked of the kernel once (a system
 * call per message otherwise) and forgotten in a forked child.
 */
static pid_t	 self_pid;

static void
self_pid_forget(void)
{
	__atomic_store_n(&self_pid, 0, __ATOMIC_RELAXED);
}

static void
self_pid_watch_forks(void)
{
	pthread_atfork(NULL, NULL, self_pid_forget);
}

static uint32_t
self_pid_get(void)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;
	pid_t			 pid;

	pthread_once(&once, self_pid_watch_forks);
	if ((pid = __atomic_load_n(&self_pid, __ATOMIC_RELAXED)) == 0) {
		pid = getpid();
		__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	}
	return (uint32_t)pid;
}

int
chan_init(struct chan *c, int fd, size_t maxmsg, int flags)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->flags = flags;
	c->maxmsg = maxmsg;
	c->rcap = MSG_HDRLEN + maxmsg;
	c->maxout = 64 * (MSG_HDRLEN + maxmsg);
	TAILQ_INIT(&c->outq);
	if ((c->rbuf = malloc(c->rcap)) == NULL)
		return -1;
	return 0;
}

static void
chan_drop_fds(struct chan *c)
{
	while (c->nfdq > 0)
		close(c->fdq[--c->nfdq]);
}

/* Release everything the channel holds, including its socket. */
void
chan_clear(struct chan *c)
{
	struct msgout	*mo;

	while ((mo = TAILQ_FIRST(&c->outq)) != NULL) {
		TAILQ_REMOVE(&c->outq, mo, entry);
		if (mo->fd != -1)
			close(mo->fd);
		freezero(mo->data, mo->len);
		free(mo);
	}
	chan_drop_fds(c);
	if (c->rbuf != NULL)
		freezero(c->rbuf, c->rcap);
	c->rbuf = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

/* Move the unread part to the front and wipe what was consumed. */
static void
chan_compact(struct chan *c)
{
	size_t	 unread = c->rlen - c->rpos;

	if (c->rpos == 0)
		return;
	memmove(c->rbuf, c->rbuf + c->rpos, unread);
	explicit_bzero(c->rbuf + unread, c->rlen - unread);
	c->rlen = unread;
	c->rpos = 0;
}

/* Queue the descriptors of one control message; fail closed on surprises. */
static int
chan_take_fds(struct chan *c, struct msghdr *mh)
{
	struct cmsghdr	*cm;
	int		 bad = 0;

	if (mh->msg_flags & MSG_CTRUNC)
		bad = 1;
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		size_t	 i, n;
		int	*fds;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS) {
			bad = 1;
			continue;
		}
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fds = (int *)CMSG_DATA(cm);
		for (i = 0; i < n; i++) {
			int	 fd;

			memcpy(&fd, &fds[i], sizeof(fd));
			if (!(c->flags & CHAN_RECVFDS) ||
			    c->nfdq >= MSG_MAXQFDS) {
				close(fd);
				bad = 1;
			} else
				c->fdq[c->nfdq++] = fd;
		}
	}
	if (bad) {
		chan_drop_fds(c);
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/*
 * Read what the socket has.  Returns bytes read, 0 at end of file, -1 on
 * error (EAGAIN when nothing is there; EBADMSG for an unwanted descriptor).
 */
ssize_t
chan_read(struct chan *c)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * MSG_MAXQFDS)];
	} cmsgbuf;
	struct msghdr	 mh;
	struct iovec	 iov;
	ssize_t		 n;

	chan_compact(c);
	if (c->rlen == c->rcap) {
		errno = ENOBUFS;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = c->rbuf + c->rlen;
	iov.iov_len = c->rcap - c->rlen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &cmsgbuf.buf;
	mh.msg_controllen = sizeof(cmsgbuf.buf);
	do {
		n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (chan_take_fds(c, &mh) == -1)
		return -1;
	c->rlen += n;
	return n;
}

/*
 * Take the next complete message off the channel.  Returns 1 with *m
 * filled in, 0 when more input is needed, -1 on a malformed frame.
 */
int
chan_get(struct chan *c, struct msg *m)
{
	const uint8_t	*h = c->rbuf + c->rpos;
	size_t		 avail = c->rlen - c->rpos;
	uint32_t	 len, flags;

	if (avail < MSG_HDRLEN)
		return 0;
	len = get32(h + 4);
	flags = get32(h + 16);
	if (len > c->maxmsg) {
		errno = EMSGSIZE;
		return -1;
	}
	if ((flags & ~MSG_F_ALL) != 0) {
		errno = EBADMSG;
		return -1;
	}
	if (avail < MSG_HDRLEN + (size_t)len)
		return 0;
	m->fd = -1;
	if (flags & MSG_F_FD) {
		if (!(c->flags & CHAN_RECVFDS) || c->nfdq == 0) {
			errno = EBADMSG;
			return -1;
		}
		m->fd = c->fdq[0];
		memmove(c->fdq, c->fdq + 1, --c->nfdq * sizeof(int));
	}
	m->type = get32(h);
	m->peerid = get32(h + 8);
	m->pid = get32(h + 12);
	m->data = h + MSG_HDRLEN;
	m->len = len;
	c->rpos += MSG_HDRLEN + len;
	return 1;
}

void
msg_init(struct msgbuf *mb, uint32_t type, uint32_t peerid)
{
	memset(mb, 0, sizeof(*mb));
	mb->type = type;
	mb->peerid = peerid;
	mb->fd = -1;
}

void
msg_free(struct msgbuf *mb)
{
	if (mb->data != NULL)
		freezero(mb->data, mb->cap);
	if (mb->fd != -1)
		close(mb->fd);
	mb->data = NULL;
	mb->fd = -1;
}

/* The message owns fd from here on: it is closed once sent or freed. */
void
msg_set_fd(struct msgbuf *mb, int fd)
{
	if (mb->fd != -1 || fd < 0) {
		mb->err = 1;
		if (fd >= 0)
			close(fd);
		return;
	}
	mb->fd = fd;
}

static uint8_t *
msg_reserve(struct msgbuf *mb, size_t n)
{
	uint8_t	*p;
	size_t	 cap;

	if (mb->err)
		return NULL;
	if (n > SIZE_MAX / 2 - mb->len) {
		mb->err = 1;
		return NULL;
	}
	if (mb->len + n > mb->cap) {
		cap = mb->cap ? mb->cap : MSG_INITCAP;
		while (cap < mb->len + n)
			cap *= 2;
		/* recallocarray zeroes the old buffer it gives up */
		if ((p = recallocarray(mb->data, mb->cap, cap, 1)) == NULL) {
			mb->err = 1;
			return NULL;
		}
		mb->data = p;
		mb->cap = cap;
	}
	p = mb->data + mb->len;
	mb->len += n;
	return p;
}

void
msg_add_u8(struct msgbuf *mb, uint8_t v)
{
	uint8_t	*p;

	if ((p = msg_reserve(mb, 1)) != NULL)
		p[0] = v;
}

void
msg_add_u16(struct msgbuf *mb, uint16_t v)
{
	uint8_t	*p;

	if ((p = msg_reserve(mb, 2)) != NULL) {
		p[0] = v >> 8;
		p[1] = v;
	}
}

void
msg_add_u32(struct msgbuf *mb, uint32_t v)
{
	uint8_t	*p;

	if ((p = msg_reserve(mb, 4)) != NULL)
		put32(p, v);
}

void
msg_add_u64(struct msgbuf *mb, uint64_t v)
{
	msg_add_u32(mb, v >> 32);
	msg_add_u32(mb, v & 0xffffffff);
}

void
msg_add_fixed(struct msgbuf *mb, const void *data, size_t len)
{
	uint8_t	*p;

	if (len > 0 && (p = msg_reserve(mb, len)) != NULL)
		memcpy(p, data, len);
}

void
msg_add_bytes(struct msgbuf *mb, const void *data, size_t len)
{
	if (len > UINT32_MAX) {
		mb->err = 1;
		return;
	}
	msg_add_u32(mb, len);
	msg_add_fixed(mb, data, len);
}

void
msg_add_string(struct msgbuf *mb, const char *s)
{
	size_t	 len = strlen(s);

	if (len > MSG_MAXSTR) {
		mb->err = 1;
		return;
	}
	msg_add_bytes(mb, s, len);
}

/* Queue a message; the buffer and its descriptor now belong to the channel. */
int
chan_send(struct chan *c, struct msgbuf *mb)
{
	struct msgout	*mo;
	size_t		 total;

	if (mb->err || mb->len > c->maxmsg ||
	    (mb->fd != -1 && !(c->flags & CHAN_SENDFDS)) ||
	    c->outbytes + MSG_HDRLEN + mb->len > c->maxout) {
		msg_free(mb);
		errno = mb->err ? ENOMEM : EMSGSIZE;
		return -1;
	}
	total = MSG_HDRLEN + mb->len;
	if ((mo = calloc(1, sizeof(*mo))) == NULL ||
	    (mo->data = malloc(total)) == NULL) {
		free(mo);
		msg_free(mb);
		return -1;
	}
	put32(mo->data, mb->type);
	put32(mo->data + 4, mb->len);
	put32(mo->data + 8, mb->peerid);
	put32(mo->data + 12, self_pid_get());
	put32(mo->data + 16, mb->fd != -1 ? MSG_F_FD : 0);
	if (mb->len > 0)
		memcpy(mo->data + MSG_HDRLEN, mb->data, mb->len);
	mo->len = total;
	mo->fd = mb->fd;
	mb->fd = -1;
	msg_free(mb);
	TAILQ_INSERT_TAIL(&c->outq, mo, entry);
	c->outbytes += total;
	return 0;
}

/*
 * Gather queued messages into one iovec array, starting with the first:
 * at most CHAN_IOVMAX of them, and a message with a descriptor only
 * first, since its descriptor rides with the first byte written.
 * Returns how many were gathered; *fd is the first one's descriptor.
 */
static int
chan_gather(struct chan *c, struct iovec *iov, int *fd)
{
	struct msgout	*mo;
	int		 n = 0;

	*fd = -1;
	TAILQ_FOREACH(mo, &c->outq, entry) {
		if (n == CHAN_IOVMAX || (n > 0 && mo->fd != -1))
			break;
		if (n == 0)
			*fd = mo->fd;
		iov[n].iov_base = mo->data + mo->off;
		iov[n].iov_len = mo->len - mo->off;
		n++;
	}
	return n;
}

/* One write of as many queued messages as go together. */
static ssize_t
chan_write_batch(struct chan *c)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct iovec	 iov[CHAN_IOVMAX];
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	struct msgout	*first = TAILQ_FIRST(&c->outq);
	ssize_t		 n;
	int		 fd;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = chan_gather(c, iov, &fd);
	if (fd != -1) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		mh.msg_control = &cmsgbuf.buf;
		mh.msg_controllen = sizeof(cmsgbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do {
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n > 0 && fd != -1) {
		close(first->fd);
		first->fd = -1;
	}
	return n;
}

/* Returns 0 when everything went out, 1 when some is left, -1 on error. */
int
chan_flush(struct chan *c)
{
	struct msgout	*mo;
	ssize_t		 n;
	size_t		 take;

	while (!TAILQ_EMPTY(&c->outq)) {
		if ((n = chan_write_batch(c)) == -1)
			return (errno == EAGAIN) ? 1 : -1;
		c->outbytes -= n;
		/* retire what was written whole; the rest stays queued */
		while (n > 0 && (mo = TAILQ_FIRST(&c->outq)) != NULL) {
			take = mo->len - mo->off;
			if ((size_t)n < take) {
				mo->off += n;
				break;
			}
			n -= take;
			TAILQ_REMOVE(&c->outq, mo, entry);
			freezero(mo->data, mo->len);
			free(mo);
		}
	}
	return 0;
}

int
chan_pending(const struct chan *c)
{
	return !TAILQ_EMPTY(&c->outq);
}

static int
ms_left(const struct timespec *deadline)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (ms > 60000 ? 60000 : (int)ms);
}

static void
deadline_in(struct timespec *d, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (ms % 1000) * 1000000L;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

/* Send and flush, waiting at most ms milliseconds (for setup and smsgctl). */
int
chan_sendnow(struct chan *c, struct msgbuf *mb, int ms)
{
	if (chan_send(c, mb) == -1)
		return -1;
	return chan_flushnow(c, ms);
}

/* Write everything queued, waiting at most ms milliseconds. */
int
chan_flushnow(struct chan *c, int ms)
{
	struct timespec	 deadline;
	struct pollfd	 pfd;
	int		 r;

	deadline_in(&deadline, ms);
	while ((r = chan_flush(c)) == 1) {
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		r = poll(&pfd, 1, ms_left(&deadline));
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1 && errno != EINTR)
			return -1;
	}
	return r;
}

/* Wait at most ms for one message: 1 got one, 0 end of file, -1 error. */
int
chan_recvnow(struct chan *c, struct msg *m, int ms)
{
	struct timespec	 deadline;
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 r;

	deadline_in(&deadline, ms);
	for (;;) {
		if ((r = chan_get(c, m)) != 0)
			return r;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, ms_left(&deadline));
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n = chan_read(c);
		if (n == 0)
			return 0;
		if (n == -1 && errno != EAGAIN)
			return -1;
	}
}

void
msg_cursor(const struct msg *m, struct msgcur *cur)
{
	static const uint8_t	 empty[1];

	/* An empty payload may have no buffer; NULL means a failed read. */
	cur->p = m->data != NULL ? m->data : empty;
	cur->left = m->data != NULL ? m->len : 0;
}

static const uint8_t *
msg_take(struct msgcur *cur, size_t n)
{
	const uint8_t	*p;

	if (n > cur->left) {
		cur->left = 0;
		cur->p = NULL;
		errno = EBADMSG;
		return NULL;
	}
	if (cur->p == NULL)
		return NULL;
	p = cur->p;
	cur->p += n;
	cur->left -= n;
	return p;
}

int
msg_get_u8(struct msgcur *cur, uint8_t *v)
{
	const uint8_t	*p;

	if ((p = msg_take(cur, 1)) == NULL)
		return -1;
	*v = p[0];
	return 0;
}

int
msg_get_u16(struct msgcur *cur, uint16_t *v)
{
	const uint8_t	*p;

	if ((p = msg_take(cur, 2)) == NULL)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int
msg_get_u32(struct msgcur *cur, uint32_t *v)
{
	const uint8_t	*p;

	if ((p = msg_take(cur, 4)) == NULL)
		return -1;
	*v = get32(p);
	return 0;
}

int
msg_get_u64(struct msgcur *cur, uint64_t *v)
{
	const uint8_t	*p;

	if ((p = msg_take(cur, 8)) == NULL)
		return -1;
	*v = (uint64_t)get32(p) << 32 | get32(p + 4);
	return 0;
}

int
msg_get_fixed(struct msgcur *cur, void *buf, size_t len)
{
	const uint8_t	*p;

	if ((p = msg_take(cur, len)) == NULL)
		return -1;
	memcpy(buf, p, len);
	return 0;
}

/* A length-prefixed field of at most max bytes, left in place. */
int
msg_get_bytes(struct msgcur *cur, const uint8_t **data, size_t *len,
    size_t max)
{
	uint32_t	 n;

	if (msg_get_u32(cur, &n) == -1)
		return -1;
	if (n > max) {
		cur->left = 0;
		cur->p = NULL;
		errno = EBADMSG;
		return -1;
	}
	if ((*data = msg_take(cur, n)) == NULL && n > 0)
		return -1;
	*len = n;
	return 0;
}

/* A string without NUL bytes that fits in buf with its terminator. */
int
msg_get_string(struct msgcur *cur, char *buf, size_t bufsz)
{
	const uint8_t	*p;
	size_t		 len;

	if (bufsz == 0 || msg_get_bytes(cur, &p, &len, bufsz - 1) == -1)
		return -1;
	if (len > 0 && memchr(p, '\0', len) != NULL) {
		cur->left = 0;
		cur->p = NULL;
		errno = EBADMSG;
		return -1;
	}
	if (len > 0)
		memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

int
msg_get_end(const struct msgcur *cur)
{
	if (cur->p == NULL || cur->left != 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}
