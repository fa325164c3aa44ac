/*
 * smsgd.conf: a libconfig file, checked strictly.  Unknown keys, wrong
 * types and out-of-range values are errors naming the file and line.
 * The parent alone reads it and tells each child what it needs.
 */
#ifndef SMSG_SMSGCONF_H
#define SMSG_SMSGCONF_H

#include <limits.h>
#include <stdio.h>

#include "proto.h"

#define CONFIG_NAMELEN	64
#define CONFIG_HOSTLEN	256

struct smsg_config {
	char		 source[PATH_MAX];	/* file, or "built-in" */
	char		 ctl_socket[PATH_MAX];
	char		 ctl_rosocket[PATH_MAX];	/* "" when off */
	char		 ctl_group[CONFIG_NAMELEN];
	unsigned int	 restart_limit;		/* restarts ... */
	unsigned int	 restart_window;	/* ... per this many seconds */
	struct {
		char	 user[CONFIG_NAMELEN];
		char	 dir[PATH_MAX];		/* chroot and, if any, data */
	} proc[PROC_MAX];
	struct {
		char		 listen[CONFIG_HOSTLEN];
		unsigned int	 port, http_port, workers;
		unsigned int	 header_timeout, body_idle_timeout, idle_timeout;
		unsigned int	 body_min_rate, event_heartbeat;
		unsigned int	 event_max_per_user;
		unsigned int	 form_max, max_conns, max_conns_net;
		unsigned int	 login_rate, register_rate;
		unsigned int	 tls_tickets, tls_ticket_period;
	} front;
	struct {
		char		 cert[PATH_MAX];
		char		 key[PATH_MAX];
	} tls;
	struct {
		unsigned int	 hash_threads;
		unsigned int	 scrypt_logn, scrypt_r, scrypt_p;
		unsigned int	 min_score;
		unsigned int	 lockout_threshold, lockout_max;
		char		 issuer[CONFIG_NAMELEN];
	} auth;
	struct {
		unsigned int	 idle_timeout, lifetime;
	} session;
	struct {
		unsigned int	 subject_max, body_max;
		unsigned int	 recipients_max, files_max, file_max;
		unsigned int	 quota_mb;
		unsigned int	 retention, retention_max;
		unsigned int	 upload_timeout;
		unsigned int	 cache_mb;
	} store;
	struct {
		char		 broadcast[16];	/* a word of bcast_policy */
	} messages;
	struct {
		unsigned int	 ipv4_prefix, ipv6_prefix;
	} limits;
};

/* Largest scrypt working set a configuration may ask for. */
#define CONFIG_SCRYPT_MAXMEM	(1024ULL * 1024 * 1024)

void	config_defaults(struct smsg_config *);
int	config_load(struct smsg_config *, const char *, char *, size_t);
void	config_print(const struct smsg_config *, FILE *);
int	config_bcast_policy(const struct smsg_config *);	/* BCAST_* */

#endif
