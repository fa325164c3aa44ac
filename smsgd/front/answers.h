/*
 * What auth answers the front, as typed data, read field by field with
 * the message layer's getters (answers.c).  A malformed answer from auth
 * is fatal for the front: a peer breaking the protocol, never a request.
 */
#ifndef SMSGD_ANSWERS_H
#define SMSGD_ANSWERS_H

#include <stdint.h>

#include "msg.h"

#define TOKEN_MAX	128	/* longest token we pass on */
#define AGENT_MAX	200	/* user agent kept with a session */
#define CODES_MAX	10

/* AUTH_WHO: who a session belongs to. */
struct who {
	char		 name[64];
	uint32_t	 uid;
	uint64_t	 sid;
	uint64_t	 expires;
	char		 csrf[TOKEN_MAX];
	int		 totp_on;
	int		 admin;		/* the account's administrator flag */
};
struct a_session {
	char		 token[TOKEN_MAX];
	char		 csrf[TOKEN_MAX];
	uint64_t	 expires;
	char		 name[64];
	char		 device[TOKEN_MAX];	/* "" none */
	uint32_t	 device_max_age;
};
struct a_registered {
	char		 name[64];
	char		 recovery_key[64];
	int		 totp_off;	/* recovery turned 2FA off */
};
struct a_totp {
	char		 secret[64];
	char		 uri[1024];
};
struct a_codes {
	uint32_t	 n;
	char		 code[CODES_MAX][32];
};
struct a_sessinfo {
	uint64_t	 id, created, last_seen, expires;
	char		 addr[128];
	char		 agent[AGENT_MAX];
	int		 current;
};
struct a_event {
	uint64_t	 time;
	char		 event[64];
	char		 addr[128];
	char		 detail[1024];
};
/* AUTH_FAIL */
struct a_fail {
	uint32_t	 code;		/* AUTH_E_* */
	uint32_t	 retry;		/* seconds, 0: none */
	char		 text[512];
};

void	 a_get_who(struct msg *, struct who *);
void	 a_get_fail(struct msg *, struct a_fail *);
void	 a_get_session(struct msg *, struct a_session *);
void	 a_get_pending(struct msg *, char *, size_t);
void	 a_get_registered(struct msg *, struct a_registered *);
void	 a_get_totp(struct msg *, struct a_totp *);
void	 a_get_codes(struct msg *, struct a_codes *);
void	 a_get_sessinfo(struct msg *, struct a_sessinfo *);
void	 a_get_event(struct msg *, struct a_event *);
/* The answer is want, alt or AUTH_FAIL; anything else is fatal. */
void	 a_expect(struct msg *, uint32_t want, uint32_t alt);
void	 a_expect_empty(struct msg *);
/* 1 if s is a token as auth makes them (base64url, bounded). */
int	 a_valid_token(const char *);

#endif
