/*
 * smsg-auth internals shared by its files: configuration, the request
 * being handled, answers, security events.
 */
#ifndef SMSG_AUTH_AUTH_H
#define SMSG_AUTH_AUTH_H

#include <db.h>
#include <stdint.h>
#include <time.h>

#include "account.h"
#include "hashpool.h"
#include "lockout.h"
#include "msg.h"
#include "netkey.h"
#include "proto.h"
#include "pwhash.h"
#include "session.h"

#define AUTH_ISSUERMAX	64
#define AUTH_OTPMAX	32
#define AUTH_PWMAX	(PW_MAXBYTES + 1)
#define AUTH_LOCKOUT_BASE 60	/* seconds, doubled per further failure */

struct auth_conf {
	struct pwhash_params	 params;
	uint32_t		 hash_threads;
	uint32_t		 idle_timeout;
	uint32_t		 lifetime;
	uint8_t			 min_score;
	struct lockout_policy	 lockout;
	char			 issuer[AUTH_ISSUERMAX];
	struct net_prefix	 net;		/* what one client network is */
	int			 broadcast;	/* BCAST_*: who may broadcast */
	uint32_t		 retention;	/* seconds a broadcast is kept */
	uint32_t		 subject_max;	/* bytes of its subject */
	int			 set;
};
extern struct auth_conf	 authconf;
extern struct signin_limits auth_limits;	/* lockout.h */

/* Which requests need what, for the dispatch table. */
enum req_state {
	REQ_ANY,		/* no session needed */
	REQ_SESSION,		/* the session prefix must name a live one */
};

/* The request being handled, on the main thread. */
struct req {
	enum proc_id	 from;
	uint32_t	 type;
	uint32_t	 peerid;
	struct msgcur	 cur;
	int		 bad;		/* a field out of bounds: BADREQ */
	time_t		 now;
	struct session	*sess;		/* REQ_SESSION */
	char		 addr[SESSION_ADDRMAX];
};

struct auth_handler {
	uint32_t	 type;
	enum proc_id	 from;
	enum req_state	 state;
	void		(*fn)(struct req *);
};

const struct auth_handler *auth_handler(uint32_t, enum proc_id);
void	 auth_dispatch(enum proc_id, struct msg *);

/* Fields: a string too long for buf marks the request bad, not fatal. */
void	 req_str(struct req *, char *, size_t);
void	 req_end(struct req *);

void	 reply_fail(const struct req *, uint32_t, uint32_t, const char *);
void	 reply_fail_to(enum proc_id, uint32_t, uint32_t, uint32_t,
	    const char *);
void	 reply_send(enum proc_id, struct msgbuf *);
void	 ctl_result(uint32_t, uint32_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 ctl_end(uint32_t);

void	 auth_event(DB_TXN *, const struct account *, const char *,
	    const char *, const char *);
int	 auth_locked(const struct account *, time_t, char *, size_t,
	    uint32_t *);
void	 auth_push_session_end(uint64_t);
/* The data of a "notice" event: {"event": NAME, "time": T}.  Length. */
#define AUTH_NOTICE_MAX	128
int	 auth_notice_data(char *, size_t, const char *, uint64_t);

/* Handlers (front: login.c, self.c; parent: admin.c). */
void	 h_register(struct req *);
void	 h_login(struct req *);
void	 h_login_otp(struct req *);
void	 h_recover(struct req *);
void	 h_check(struct req *);
void	 h_logout(struct req *);
void	 h_password(struct req *);
void	 h_totp_begin(struct req *);
void	 h_totp_confirm(struct req *);
void	 h_totp_disable(struct req *);
void	 h_sessions(struct req *);
void	 h_revoke(struct req *);
void	 h_activity(struct req *);
void	 h_replay(struct req *);
void	 h_user_add(struct req *);
void	 h_user_list(struct req *);
void	 h_user_show(struct req *);
void	 h_user_lock(struct req *);
void	 h_user_unlock(struct req *);
void	 h_user_reset_2fa(struct req *);
void	 h_user_reset_password(struct req *);
void	 h_user_delete(struct req *);
void	 h_show_sessions(struct req *);
void	 h_session_revoke(struct req *);
void	 h_user_admin(struct req *);
/* Keys of messages (msgkeys.c). */
void	 h_pubkeys(struct req *);
void	 h_contact_keys(struct req *);
/* Broadcasts and the store's answers (broadcast.c), notices (notice.c). */
#define AUTH_SUBJECTMAX	MSG_MAXSTR
void	 h_broadcast(struct req *);
void	 h_ctl_broadcast(struct req *);
void	 h_store_answer(struct req *);
void	 h_show_notices(struct req *);
void	 auth_user_gone(uint32_t);
void	 h_names(struct req *);
void	 h_key_seal(struct req *);
void	 h_key_unwrap(struct req *);
void	 h_key_unwrap_page(struct req *);

/*
 * A request waiting for a hashing thread: what it needs when the job
 * comes back on the main thread (flow.c).  Zeroed when freed.
 */
struct flow {
	struct hashjob		 job;
	uint32_t		 type;
	enum proc_id		 from;
	uint32_t		 peerid;
	char			 name[ACCOUNT_NAME_MAX + 1];
	char			 addr[SESSION_ADDRMAX];
	char			 agent[SESSION_AGENTMAX];
	char			 otp[AUTH_OTPMAX];
	char			 newpw[AUTH_PWMAX];
	char			 before[PWHASH_STRLEN];	/* verifier then */
	char			 device[SESSION_TOKENLEN];	/* presented */
	int			 trusted;	/* ... and valid for this account */
	int			 rehash;	/* newpw holds it to rehash */
	int			 known;		/* the account exists */
	int			 stage;
	uint64_t		 sess_id;
	uint8_t			 signout;
	uint8_t			 wrapped[WRAPPED_LEN];	/* then */
	struct userkeys		 keys;
	void			(*next)(struct flow *);
};

struct flow *flow_new(const struct req *);
void	 flow_free(struct flow *);
int	 flow_hash(struct flow *, enum hashjob_kind, const char *,
	    const char *, void (*)(struct flow *));
void	 flow_fail(struct flow *, uint32_t, uint32_t, const char *);
int	 flow_room(const struct flow *);
void	 flow_busy(const struct req *, int);
void	 flow_busy_later(struct flow *, int);

/* Every password check counts against the sign-in limits (login.c). */
int	 login_limits_enter(struct req *, struct flow *, struct account *);
void	 login_limits_leave(struct flow *, struct account *);

/* Shared steps of the flows (keys.c). */
int	 account_rcode_use(struct account *, const char *);
enum otp_outcome { OTP_GOOD, OTP_BAD, OTP_REUSED };
enum otp_outcome otp_check(DB_TXN *, struct account *, const char *,
	    time_t, const char *);
int	 account_keys_new(struct account *, const uint8_t *,
	    char [RECKEY_TEXTLEN]);
int	 account_keys_rewrap(struct account *, const struct userkeys *,
	    const uint8_t *, char [RECKEY_TEXTLEN]);
int	 account_keys_open(const struct account *, const uint8_t *, int,
	    struct userkeys *);
int	 account_create(const char *, const char *, const uint8_t *,
	    const char *, time_t, char [RECKEY_TEXTLEN]);
void	 auth_hash_dummy_init(void);
const char *auth_hash_dummy(void);

#endif
