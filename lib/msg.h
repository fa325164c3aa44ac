/*
 * The message layer: framing over SOCK_STREAM sockets.
 *
 * Every message is a fixed 20-byte header (type, payload length, peer id,
 * sender pid, flags; all u32 in network byte order) and a payload built
 * field by field with typed adders.  A reader walks the payload with a
 * cursor of typed getters and ends with msg_get_end(), so a short or
 * over-long payload is an error, never a read past the end.
 *
 * Descriptor passing (SCM_RIGHTS) is opt-in per channel: a descriptor
 * arriving on a channel that did not opt in is closed and the read fails.
 *
 * Batching: chan_send() only queues; chan_flush() writes as many queued
 * messages as it can in each system call (up to CHAN_IOVMAX, and a
 * message with a descriptor only at the head of a write).  One
 * chan_read() takes what the socket has, up to one full-sized message's
 * buffer, and chan_get() then hands out every complete message in it.
 */
#ifndef SMSG_MSG_H
#define SMSG_MSG_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#define MSG_HDRLEN	20
#define MSG_F_FD	0x00000001	/* one descriptor rides with this message */
#define MSG_F_ALL	MSG_F_FD
#define MSG_MAXQFDS	16		/* descriptors queued on one channel */
#define MSG_MAXSTR	4096		/* longest string field */
#define CHAN_IOVMAX	64		/* messages gathered in one write */

#define CHAN_RECVFDS	0x01		/* descriptors may arrive here */
#define CHAN_SENDFDS	0x02		/* descriptors may be sent here */

struct msgout {
	TAILQ_ENTRY(msgout)	 entry;
	uint8_t			*data;
	size_t			 len;
	size_t			 off;
	int			 fd;	/* sent with the first byte, then closed */
};
TAILQ_HEAD(msgoutq, msgout);

struct chan {
	int		 fd;
	int		 flags;
	size_t		 maxmsg;	/* largest payload accepted or sent */
	uint8_t		*rbuf;
	size_t		 rcap;
	size_t		 rlen;
	size_t		 rpos;		/* start of the unread part */
	int		 fdq[MSG_MAXQFDS];
	int		 nfdq;
	struct msgoutq	 outq;
	size_t		 outbytes;
	size_t		 maxout;	/* bound on queued output */
};

/* One received message; data points into the channel until the next get. */
struct msg {
	uint32_t	 type;
	uint32_t	 peerid;
	uint32_t	 pid;
	int		 fd;		/* -1 unless one came with it */
	const uint8_t	*data;
	size_t		 len;
};

/* A message under construction. */
struct msgbuf {
	uint32_t	 type;
	uint32_t	 peerid;
	int		 fd;
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
	int		 err;		/* an adder failed; sending will fail */
};

struct msgcur {
	const uint8_t	*p;
	size_t		 left;
};

int	chan_init(struct chan *, int, size_t, int);
void	chan_clear(struct chan *);
ssize_t	chan_read(struct chan *);
int	chan_get(struct chan *, struct msg *);
int	chan_send(struct chan *, struct msgbuf *);
int	chan_flush(struct chan *);
int	chan_pending(const struct chan *);
int	chan_sendnow(struct chan *, struct msgbuf *, int);
int	chan_flushnow(struct chan *, int);
int	chan_recvnow(struct chan *, struct msg *, int);

void	msg_init(struct msgbuf *, uint32_t, uint32_t);
void	msg_free(struct msgbuf *);
void	msg_set_fd(struct msgbuf *, int);
void	msg_add_u8(struct msgbuf *, uint8_t);
void	msg_add_u16(struct msgbuf *, uint16_t);
void	msg_add_u32(struct msgbuf *, uint32_t);
void	msg_add_u64(struct msgbuf *, uint64_t);
void	msg_add_fixed(struct msgbuf *, const void *, size_t);
void	msg_add_bytes(struct msgbuf *, const void *, size_t);
void	msg_add_string(struct msgbuf *, const char *);

void	msg_cursor(const struct msg *, struct msgcur *);
int	msg_get_u8(struct msgcur *, uint8_t *);
int	msg_get_u16(struct msgcur *, uint16_t *);
int	msg_get_u32(struct msgcur *, uint32_t *);
int	msg_get_u64(struct msgcur *, uint64_t *);
int	msg_get_fixed(struct msgcur *, void *, size_t);
int	msg_get_bytes(struct msgcur *, const uint8_t **, size_t *, size_t);
int	msg_get_string(struct msgcur *, char *, size_t);
int	msg_get_end(const struct msgcur *);

#endif
