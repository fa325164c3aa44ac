/*
 * One sandbox entry per role.  Called after privdrop(), before the
 * process touches anything that came from another process.  Every
 * failure is fatal; there is no way to turn the sandbox off at run time.
 */
#ifndef SMSG_SANDBOX_H
#define SMSG_SANDBOX_H

#include "proto.h"

struct smsg_config;

void		 sandbox_enter(enum proc_id, unsigned int, void (*)(void));
const char	*sandbox_name(void);
unsigned int	 sandbox_max_files(enum proc_id, const struct smsg_config *);

/* Back ends; one of them does the work. */
void	sandbox_seccomp(enum proc_id);
int	sandbox_landlock(enum proc_id, int);

#endif
