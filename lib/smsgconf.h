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
};

void	config_defaults(struct smsg_config *);
int	config_load(struct smsg_config *, const char *, char *, size_t);
void	config_print(const struct smsg_config *, FILE *);

#endif
