/*
 * The front's application: routes, sessions, CSRF, rate limits, and the
 * two faces on top of them, the web pages (app_pages.c, rendered by
 * smsg-web) and the JSON API (app_api.c).  Runs on the worker threads of
 * server.c; everything it needs from auth and web it asks with req_ask().
 */
#ifndef SMSGD_APP_H
#define SMSGD_APP_H

#include <stdint.h>

#include <jansson.h>

#include "http.h"
#include "msg.h"
#include "server.h"

#define COOKIE_SESSION	"__Host-smsg"
#define COOKIE_PENDING	"__Host-smsg-pending"
#define COOKIE_DEVICE	"__Host-smsg-device"	/* smsg-auth.8: device tokens */
#define TOKEN_MAX	128	/* longest token we pass on */
#define AGENT_MAX	200	/* user agent kept with a session */
#define VARS_MAX	512	/* keys sent to smsg-web for one page */

struct app_req;
typedef void	(*app_handler)(struct app_req *);

/* Route flags. */
#define R_SESSION	0x01	/* needs a signed-in session */
#define R_PREFIX	0x02	/* path is a prefix ("/api/v1/sessions/") */
#define R_API		0x04	/* JSON, bearer token */
#define R_RATE_LOGIN	0x08	/* counts against front.login_rate */
#define R_RATE_REGISTER	0x10	/* counts against front.register_rate */

struct route {
	enum http_method method;
	const char	*path;
	int		 flags;
	app_handler	 handler;
};

/* Values for one smsg-web page. */
struct vars {
	size_t		 n;
	struct {
		char	*key;
		char	*value;
	} kv[VARS_MAX];
};

/* Who the session belongs to, from AUTH_WHO. */
struct who {
	char		 name[64];
	uint32_t	 uid;
	uint64_t	 sid;
	uint64_t	 expires;
	char		 csrf[TOKEN_MAX];
	int		 totp_on;
};

struct app_req {
	struct req			*r;
	const struct http_request	*h;
	const struct route		*route;
	char				 token[TOKEN_MAX];	/* session */
	char				 agent[AGENT_MAX];
	struct who			 who;
	struct http_form		 form;		/* pages */
	json_t				*json;		/* API body */
	json_t				*list;		/* API answers */
	struct vars			*vars;		/* page answers */
	int				 page;		/* page being built */
	int				 status;
};

/* app.c: shared by pages and API */
const char	*app_addr(struct app_req *);
void		 app_auth_prefix(struct app_req *, struct msgbuf *,
		    uint32_t, int);
int		 app_ask_auth(struct app_req *, struct msgbuf *,
		    req_answer_cb);
void		 app_ask_session(struct app_req *, uint32_t, int,
		    req_answer_cb);
struct app_req	*app_of(struct req *);
int		 app_fail_status(uint32_t);
const char	*app_fail_code(uint32_t);
int		 app_get_fail(struct msg *, uint32_t *, uint32_t *, char *,
		    size_t);
void		 app_plain(struct app_req *, int, const char *);
void		 app_fmt_time(uint64_t, char *, size_t);
int		 app_valid_token(const char *);

/* app_auth.c: the answers of auth, read field by field */
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
};
struct a_totp {
	char		 secret[64];
	char		 uri[1024];
};
#define CODES_MAX	10
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
void	 a_get_session(struct msg *, struct a_session *);
void	 a_get_pending(struct msg *, char *, size_t);
void	 a_get_registered(struct msg *, struct a_registered *);
void	 a_get_totp(struct msg *, struct a_totp *);
void	 a_get_codes(struct msg *, struct a_codes *);
void	 a_get_sessinfo(struct msg *, struct a_sessinfo *);
void	 a_get_event(struct msg *, struct a_event *);
void	 a_expect(struct msg *, uint32_t, uint32_t);
void	 a_expect_empty(struct msg *);

/* app_pages.c */
extern const struct route	 page_routes[];
void		 page_error(struct app_req *, int, const char *);
void		 page_need_login(struct app_req *);

/* app_api.c */
extern const struct route	 api_routes[];
void		 api_error(struct app_req *, int, const char *, const char *);

/* vars for smsg-web */
void		 vars_add(struct vars *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 vars_free(struct vars *);

#endif
