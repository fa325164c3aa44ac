/*
 * The records of the message store and their encoding with the message
 * layer's typed fields (a version byte first).  A record that does not
 * decode, or holds impossible values, is an error: the store quarantines
 * it and goes on.
 */
#ifndef SMSG_STORE_RECORD_H
#define SMSG_STORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "msgcrypt.h"
#include "proto.h"

#define RECORD_VERSION		1
#define MSG_RECORD_VERSION	2	/* a message: copies say files read */
#define STREAM_SUBJECT		0
#define STREAM_BODY		1
#define STREAM_FILE0		2	/* streams from here on are files */
#define NICK_MAX		CONTACT_NICK_MAX

/* A reader's copy of a message. */
#define COPY_GONE	0x01		/* deleted by its reader, or read once */
#define COPY_READ	0x02

struct store_copy {
	uint32_t	 uid;
	uint8_t		 state;
	uint8_t		 wrapped[MC_WRAPLEN];
	uint64_t	 files_got;	/* bit n: file n downloaded in full */
};

/* A stored message: what was signed, the signature, every copy. */
struct store_msg {
	struct mc_header h;
	uint8_t		 sig[MC_SIGLEN];
	uint8_t		 announced;	/* its unlock time was pushed */
	struct store_copy copy[MC_RCPT_MAX + 1];	/* sender's first */
	uint32_t	 ncopy;
};

/* An upload under way: the header so far and what arrived. */
struct store_upload {
	uint8_t		 id[MC_IDLEN];
	uint32_t	 sender;
	uint64_t	 started;
	uint64_t	 touched;
	uint64_t	 unlock;
	uint64_t	 expires;
	uint32_t	 flags;
	uint32_t	 nrcpt;
	uint32_t	 rcpt[MC_RCPT_MAX];
	uint32_t	 nstreams;		/* streams begun */
	uint64_t	 chunks[MC_STREAM_MAX];
	uint64_t	 bytes[MC_STREAM_MAX];
	uint8_t		 closed[MC_STREAM_MAX];	/* its last chunk came */
	uint64_t	 total;
};

struct store_contact {
	uint32_t	 uid;
	char		 nick[NICK_MAX + 1];
	uint8_t		 blocked;
	uint8_t		 verified;
	char		 fingerprint[MC_FPTEXTLEN];	/* verified for */
	uint64_t	 added;
};

struct store_usage {
	uint64_t	 bytes;
	uint32_t	 messages;
};

/* Each encodes into a malloc'd buffer (freed by the caller) or fails. */
int	msg_record_encode(const struct store_msg *, uint8_t **, size_t *);
int	msg_record_decode(const uint8_t *, size_t, struct store_msg *);
int	upload_record_encode(const struct store_upload *, uint8_t **,
	    size_t *);
int	upload_record_decode(const uint8_t *, size_t, struct store_upload *);
int	contact_record_encode(const struct store_contact *, uint8_t **,
	    size_t *);
int	contact_record_decode(const uint8_t *, size_t,
	    struct store_contact *);
int	usage_record_encode(const struct store_usage *, uint8_t **, size_t *);
int	usage_record_decode(const uint8_t *, size_t, struct store_usage *);

/*
 * Broadcasts and the system's messages keep their readers' copies apart
 * (bcopy.c); their record holds the signed recipient list itself.
 */
#define msg_flags_apart(f)	(((f) & (MC_F_BROADCAST | MC_F_SYSTEM)) != 0)

/* The copy of uid in m, or NULL. */
struct store_copy *msg_copy(struct store_msg *, uint32_t);

#endif
