/*
 * The front's application, on top of the server core (server.h):
 *
 *	routes.c	the one route table; route_match.c matches it
 *	app.c		a request's way: route, refusals, body, session
 *	ask.c		asking auth, and the one error value
 *	input.c		a request's named inputs, whatever the face
 *	feat_*.c	each feature once: its exchange with auth, typed data
 *	face_api.c	the JSON face (/api/v1) of every feature and error
 *	face_page.c	the HTML face, pages rendered by smsg-web
 *	face_msgpage.c	... of the messages
 *	pages.c		pages with no feature behind them (forms, redirects)
 *	answers.c	auth's answers read into typed data
 *
 * A feature never knows which face answers: it hands its result to
 * ar->face, a table of functions per face (the output vtable of bgpctl).
 * Everything runs on the request's worker thread.
 */
#ifndef SMSGD_APP_H
#define SMSGD_APP_H

#include <stdint.h>

#include <jansson.h>

#include "answers.h"
#include "http.h"
#include "msgcrypt.h"
#include "msg.h"
#include "routes.h"
#include "server.h"
#include "vars.h"

#define COOKIE_SESSION	"__Host-smsg"
#define COOKIE_PENDING	"__Host-smsg-pending"
#define COOKIE_DEVICE	"__Host-smsg-device"	/* smsg-auth.8: device tokens */

/*
 * One error value, two renderings.  status is the same on both faces;
 * code is the API's "error" member; answered says auth refused what the
 * feature asked (a page then shows its form again with the text).
 */
struct app_error {
	int		 status;
	const char	*code;
	const char	*text;
	unsigned int	 retry_after;	/* seconds; 0: no Retry-After */
	int		 answered;
};

/* Named inputs of the features; input.c knows their name per face. */
enum field {
	F_USERNAME, F_PASSWORD, F_PASSWORD2, F_NEW_PASSWORD, F_CURRENT,
	F_OTP, F_RECOVERY_KEY, F_SIGNOUT_OTHERS, F_SESSION_ID, F_CONTACT,
	F_NICKNAME, F_DEVICE, F_SUBJECT, F_BODY, F_END
};

/* A broadcast sent (feat_broadcast.c). */
struct bcast_sent {
	char		 id[MC_IDTEXTLEN];
	uint64_t	 created, expires;
	uint32_t	 recipients;
	uint32_t	 skipped;	/* accounts without keys yet */
};

/*
 * A contact as the user sees it: the store's entry, with the name,
 * fingerprint and safety number auth gives for the keys stored now.
 * verified holds only while the fingerprint is the one verified;
 * key_changed says a verified contact's keys have changed since.
 */
struct contact {
	uint32_t	 uid;
	char		 name[64];
	char		 nick[CONTACT_NICK_MAX + 1];
	char		 fp[MC_FPTEXTLEN];
	char		 verified_fp[MC_FPTEXTLEN];
	char		 safety[MC_SAFETYLEN];
	int		 verified, blocked, key_changed, known;
	uint64_t	 added;
};

/* What a contact request changed. */
enum contact_op {
	CONTACT_ADD, CONTACT_REMOVE, CONTACT_VERIFY, CONTACT_BLOCK,
	CONTACT_UNBLOCK
};

struct contact_list;

struct app_req;

#define MSG_NAMELEN	64	/* a user name and its NUL */
#define ROW_READ	0x02	/* msg_row.state: the store's read mark */

/* A message's header as the store answers it to one user. */
struct msg_row {
	struct mc_header	 h;
	uint8_t			 sig[MC_SIGLEN];
	uint8_t			 wrapped[MC_WRAPLEN];	/* zero if locked */
	uint8_t			 state;			/* read, ... */
	int			 locked;
};

/* A file of a message, as its reader sees it (its sealed head). */
struct msg_file {
	char		 name[256];
	char		 type[128];
	uint64_t	 size;		/* plaintext bytes */
};

/* A message as sent, and as shown to its reader (feat_msg*.c). */
struct msg_sent {
	char		 id[24];
	uint64_t	 created, unlock, expires;
};
struct msg_view {
	char		 id[24];
	int		 locked;	/* below flags, only sender is set */
	uint64_t	 created, unlock, expires;
	uint32_t	 flags;		/* MC_F_* */
	uint32_t	 sender;	/* uid: a locked view's sender */
	const char	*from;
	const char	*const *to;
	uint32_t	 nto;
	const char	*subject, *body;
	size_t		 subject_len, body_len;
	const char	*fingerprint;	/* the sender's, signature checked */
	const struct msg_file *files;
	uint32_t	 nfiles;
};

/* A message in a folder's page. */
struct msg_item {
	char		 id[24];
	const char	*from;
	const char	*const *to;
	uint32_t	 nto;
	const char	*subject;	/* NULL: locked, or not opened */
	size_t		 subject_len;
	const char	*body;		/* a conversation's: its beginning */
	size_t		 body_len;
	int		 body_cut;	/* the body goes on past body_len */
	uint64_t	 created, unlock, expires, size;
	uint32_t	 files, flags;
	int		 read, locked;
};

/* A face: how each feature's result, and any error, is answered. */
struct face {
	void	(*error)(struct app_req *, const struct app_error *);
	void	(*registered)(struct app_req *, const struct a_registered *);
	void	(*signed_in)(struct app_req *, const struct a_session *);
	void	(*need_otp)(struct app_req *, const char *pending);
	void	(*signed_out)(struct app_req *);
	void	(*whoami)(struct app_req *);
	void	(*password_changed)(struct app_req *);
	void	(*totp_secret)(struct app_req *, const struct a_totp *);
	void	(*totp_codes)(struct app_req *, const struct a_codes *);
	void	(*totp_off)(struct app_req *);
	void	(*revoked)(struct app_req *);
	/* Lists: a row at a time, then the end; name is the list's. */
	void	(*session_row)(struct app_req *, const struct a_sessinfo *);
	void	(*event_row)(struct app_req *, const struct a_event *);
	void	(*contact_row)(struct app_req *, const struct contact *);
	void	(*list_end)(struct app_req *, const char *name);
	void	(*contact_changed)(struct app_req *, enum contact_op,
		    const struct contact *);
	/* Messages. */
	void	(*msg_sent)(struct app_req *, const struct msg_sent *);
	void	(*msg_shown)(struct app_req *, const struct msg_view *);
	void	(*msg_deleted)(struct app_req *);
	void	(*msg_row)(struct app_req *, const struct msg_item *);
	void	(*msg_list_end)(struct app_req *, const char *next);
	void	(*broadcast_sent)(struct app_req *, const struct bcast_sent *);
};

extern const struct face	 face_api, face_page;

struct app_req {
	struct req			*r;
	const struct http_request	*h;
	const struct route		*route;
	const struct face		*face;
	struct route_params		 params;
	void				(*done)(struct app_req *); /* AUTH_OK */
	char				 token[TOKEN_MAX];	/* session */
	char				 agent[AGENT_MAX];
	struct who			 who;
	struct http_form		 form;		/* form body */
	json_t				*json;		/* JSON body */
	json_t				*list;		/* API list answers */
	int				 rows;		/* page list rows */
	char				 text[160];	/* a built error text */
	struct vars			*vars;		/* page values */
	struct contact_list		*contacts;	/* feat_contacts.c */
	void				*feat;		/* a feature's state */
	void				(*feat_free)(void *);
	/* A streamed body (app.c): held while its consumer is behind. */
	int				 streaming;
	int				 session_ok;	/* auth vouched */
	int				 end_due;	/* the body is in */
	uint8_t				*held;
	size_t				 held_len;
};

/* app.c */
extern const struct server_app app_server;	/* for front.c */
const char *app_broadcast_refusal(const struct who *);
void	 app_body_resume(struct app_req *);

static inline struct app_req *
app_of(struct req *r)
{
	return req_data(r);
}

static inline const char *
app_addr(struct app_req *ar)
{
	return req_addr(ar->r);
}

/* ask.c */
void	 app_fail(struct app_req *, int status, const char *code,
	    const char *text);
void	 app_fail_after(struct app_req *, unsigned int, int, const char *,
	    const char *);
void	 app_fail_answer(struct app_req *, struct msg *);
void	 app_fail_error(struct app_req *, const struct app_error *);
void	 ask_prefix(struct app_req *, struct msgbuf *, uint32_t);
int	 ask_auth(struct app_req *, struct msgbuf *, req_answer_cb);
void	 ask_session(struct app_req *, uint32_t, req_answer_cb);
int	 ask_settled(struct app_req *, struct msg *, uint32_t, uint32_t);
int	 ask_on_ok(struct req *, struct msg *);

/* ask_store.c: asking the store, its refusals as the one error value */
void	 ask_store_init(struct app_req *, struct msgbuf *, uint32_t);
int	 ask_store(struct app_req *, struct msgbuf *, req_answer_cb);
int	 store_settled(struct app_req *, struct msg *, uint32_t, uint32_t,
	    const char *const *);
uint32_t store_error(struct msg *, struct app_error *, char *, size_t);
void	 auth_error(struct msg *, struct app_error *, char *, size_t);

/* msgheader.c: a message's header between store, front and auth */
int	 store_get_header(struct msg *, struct msg_row *);
void	 add_unwrap(struct msgbuf *, const struct msg_row *);
int	 store_header_ask_key(struct app_req *, struct msg *,
	    struct msg_row *, uint32_t, req_answer_cb);
void	 store_get_chunk(struct msg *, uint8_t *, const uint8_t **, size_t *);
int	 ask_unwrap(struct app_req *, const struct msg_row *, req_answer_cb);
void	 auth_get_key(struct msg *, uint32_t, uint8_t [MC_KEYLEN],
	    char [MSG_NAMELEN], char [MC_FPTEXTLEN], char (*)[MSG_NAMELEN]);
void	 msg_show_locked(struct app_req *, const struct msg_row *);
int	 store_header_settled(struct app_req *, struct msg *,
	    struct msg_row *);
int	 auth_key_settled(struct app_req *, struct msg *,
	    const struct msg_row *);
void	 ask_store_stream(struct app_req *, struct msgbuf *, uint32_t,
	    const uint8_t [MC_IDLEN], uint32_t);
int	 ask_store_chunk(struct app_req *, const uint8_t [MC_IDLEN],
	    uint32_t, uint64_t, req_answer_cb);

/* input.c */
int	 in_check(struct app_req *, const enum field *);
const char *in_text(struct app_req *, enum field);
const char *in_device(struct app_req *, char *, size_t);
int	 in_flag(struct app_req *, enum field);
int	 in_session_id(struct app_req *, uint64_t *);
int	 in_confirmed(struct app_req *, enum field);

/* face_page.c, for pages.c and face_msgpage.c */
struct vars *page_vars(struct app_req *);
void	 page_render(struct app_req *, enum web_page, int status);
void	 page_redirect(struct app_req *, const char *);
void	 page_row(struct app_req *, const char *, const char *, const char *);
void	 page_time(struct app_req *, const char *, uint64_t);
void	 page_compose_vars(struct app_req *, const char *, const char *,
	    int);

/* face_msgpage.c: the messages' HTML face */
void	 page_msg_shown(struct app_req *, const struct msg_view *);
void	 page_msg_deleted(struct app_req *);
void	 page_msg_row(struct app_req *, const struct msg_item *);
void	 page_msg_list_end(struct app_req *, const char *);
void	 page_compose_again(struct app_req *, const struct app_error *);

/* The handlers of the route table. */
void	 feat_register(struct app_req *);	/* feat_account.c */
void	 feat_recover(struct app_req *);
void	 feat_login(struct app_req *);
void	 feat_login_otp(struct app_req *, const char *pending);
void	 feat_logout(struct app_req *);
void	 feat_whoami(struct app_req *);
void	 feat_password(struct app_req *);
void	 feat_totp_begin(struct app_req *);	/* feat_totp.c */
void	 feat_totp_confirm(struct app_req *);
void	 feat_totp_disable(struct app_req *);
void	 feat_sessions(struct app_req *);	/* feat_session.c */
void	 feat_revoke(struct app_req *);
void	 feat_activity(struct app_req *);
void	 feat_contacts(struct app_req *);	/* feat_contacts.c */
void	 feat_contact_add(struct app_req *);
void	 feat_contact_remove(struct app_req *);
void	 feat_contact_verify(struct app_req *);
void	 feat_contact_block(struct app_req *);
void	 feat_contact_unblock(struct app_req *);
void	 contacts_free(struct contact_list *);
void	 app_events(struct app_req *);		/* app_events.c */
void	 feat_msg_send(struct app_req *);	/* feat_msgsend.c */
extern const struct body_stream msg_form_api, msg_form_page;
					/* feat_msgform.c */
void	 feat_msg_file(struct app_req *);	/* feat_msgfile.c */
void	 feat_msg_read(struct app_req *);	/* feat_msgread.c */
void	 feat_msg_delete(struct app_req *);
void	 feat_msg_list(struct app_req *);	/* feat_msglist.c */
void	 feat_conversation(struct app_req *);
void	 feat_broadcast(struct app_req *);	/* feat_broadcast.c */
void	 page_broadcast(struct app_req *);
void	 page_show(struct app_req *);		/* pages.c */
void	 page_root(struct app_req *);
void	 page_login(struct app_req *);
void	 page_otp_form(struct app_req *);
void	 page_otp_post(struct app_req *);
void	 page_settings(struct app_req *);
void	 page_totp(struct app_req *);
void	 page_compose(struct app_req *);

/* json_wipe.c */
void	 json_wipe_init(void);
void	 json_wipe_free(void *);

#endif
