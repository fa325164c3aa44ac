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
};

struct parse_result {
	enum ctl_action	 action;
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

struct output {
	void	(*status_daemon)(const struct status_daemon *);
	void	(*status_proc)(const struct status_proc *);
	void	(*end)(void);
	void	(*result)(uint32_t, const char *);
};

extern const struct output	output_text;
extern const struct output	output_json;

int	parse(int, char *[], struct parse_result *);
void	parse_usage_commands(void);

#endif
