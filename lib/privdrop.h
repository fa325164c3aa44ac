#ifndef SMSG_PRIVDROP_H
#define SMSG_PRIVDROP_H

#include <sys/types.h>

struct privuser {
	uid_t	 uid;
	gid_t	 gid;
};

int	privdrop_lookup(const char *, struct privuser *);
void	privdrop(const char *, const char *);

#endif
