/*
 * smsgctl: commands are parsed from a token table into one result, sent
 * to smsgd over the control socket, and the replies printed through an
 * output back end (text or JSON), so a format never touches commands.
 */
#ifndef SMSGCTL_H
#define SMSGCTL_H

#include <stdint.h>

enum ctl_action {
	ACT_NONE,
	ACT_SHOW_STATUS,
	ACT_LOG_VERBOSE,
	ACT_LOG_BRIEF,
	ACT_STOP,
	ACT_USER_ADD,
	ACT_USER_LIST,
	ACT_USER_SHOW,
	ACT_USER_LOCK,
	ACT_USER_UNLOCK,
	ACT_USER_RESET_2FA,
	ACT_USER_RESET_PASSWORD,
	ACT_USER_DELETE,
	ACT_SHOW_SESSIONS,
	ACT_SESSION_REVOKE,
	ACT_SHOW_MESSAGES,
	ACT_PURGE,
	ACT_USER_ADMIN_ON,
	ACT_USER_ADMIN_OFF,
	ACT_BROADCAST,
	ACT_SHOW_NOTICES,
};

#define USERNAME_MIN	3
#define USERNAME_MAX	32
#define NAMEBUF		256	/* what smsgd may show, to be lenient */

struct parse_result {
	enum ctl_action	 action;
	char		 name[USERNAME_MAX + 1];	/* "" if none given */
	uint64_t	 id;			/* a session */
	int		 pw_stdin;		/* -p -: one line of stdin */
	const char	*text;			/* broadcast; NULL, "-": stdin */
};

/* Exit codes; smsgctl.8 lists them. */
#define EXIT_FAILED	1
#define EXIT_USAGE	2
#define EXIT_NOTFOUND	3
#define EXIT_DENIED	4
#define EXIT_NOTSUP	5
#define EXIT_NOCONN	6

struct status_daemon {
	char		 version[64];
	uint32_t	 pid;
	uint64_t	 started;
};

struct status_proc {
	char		 name[64];
	uint32_t	 pid;
	char		 user[64];
	uint64_t	 started;
	char		 state[32];
	uint32_t	 restarts;
};

struct user_info {
	char		 name[NAMEBUF];
	uint32_t	 uid;
	uint64_t	 created;
	uint8_t		 lock;		/* USER_LOCK_* */
	uint64_t	 locked_until;
	uint32_t	 failures;
	uint8_t		 totp_on;
	uint32_t	 sessions;
	uint64_t	 last_login;
	uint8_t		 admin;
};

struct session_info {
	uint64_t	 id;
	char		 name[NAMEBUF];
	uint64_t	 created;
	uint64_t	 last_seen;
	uint64_t	 expires;
	char		 addr[NAMEBUF];
};

struct messages_info {
	uint64_t	 messages;
	uint64_t	 bytes;
	uint64_t	 locked;
	uint64_t	 locked_bytes;
	uint64_t	 uploads;
	uint64_t	 quarantined;
};

struct messages_day {
	uint64_t	 day;		/* days since the epoch */
	uint64_t	 messages;
	uint64_t	 bytes;
};

struct broadcast_info {
	char		 id[32];
	uint64_t	 created;
	uint64_t	 expires;
	uint32_t	 recipients;
	uint32_t	 skipped;	/* accounts without keys */
};

struct notices_info {
	uint64_t	 sent, dropped, queued;
};

struct usage_info {
	uint32_t	 sent;		/* messages in the sent folder */
	uint32_t	 received;	/* ... and in the inbox */
	uint64_t	 bytes;		/* stored bytes of those sent */
	uint64_t	 quota;
};

/*
 * begin() is called once with the command before any reply; a list ends
 * with end(); any command may end with result().
 */
struct output {
	void	(*begin)(enum ctl_action);
	void	(*status_daemon)(const struct status_daemon *);
	void	(*status_proc)(const struct status_proc *);
	void	(*user)(const struct user_info *);
	void	(*session)(const struct session_info *);
	void	(*secret)(const char *, const char *);
	void	(*messages)(const struct messages_info *);
	void	(*messages_day)(const struct messages_day *);
	void	(*purged)(uint32_t, uint64_t);
	void	(*usage)(const struct usage_info *);
	void	(*broadcast)(const struct broadcast_info *);
	void	(*notices)(const struct notices_info *);
	void	(*end)(void);
	void	(*result)(uint32_t, const char *);
};

extern const struct output	output_text;
extern const struct output	output_json;

int	parse(int, char *[], struct parse_result *);
void	parse_usage_commands(void);
int	valid_username(const char *);

#endif
