/*
 * The one privilege drop: look the user up while /etc is still visible,
 * chroot, then give up groups, gid and uid, and verify that root cannot
 * be regained.  Any failure is fatal.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

int
privdrop_lookup(const char *user, struct privuser *pu)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	pu->uid = pw->pw_uid;
	pu->gid = pw->pw_gid;
	return 0;
}

void
privdrop(const char *user, const char *root)
{
	struct privuser	 pu;
	uid_t		 ruid, euid, suid;
	gid_t		 rgid, egid, sgid;

	if (privdrop_lookup(user, &pu) == -1)
		fatalx("user %s does not exist", user);
	if (pu.uid == 0 || pu.gid == 0)
		fatalx("user %s must not have uid or gid 0", user);
	endpwent();

	if (chroot(root) == -1)
		fatal("chroot %s", root);
	if (chdir("/") == -1)
		fatal("chdir / in %s", root);

	if (setgroups(1, &pu.gid) == -1)
		fatal("setgroups");
	if (setresgid(pu.gid, pu.gid, pu.gid) == -1)
		fatal("setresgid %u", (unsigned)pu.gid);
	if (setresuid(pu.uid, pu.uid, pu.uid) == -1)
		fatal("setresuid %u", (unsigned)pu.uid);

	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1)
		fatal("getresuid");
	if (ruid != pu.uid || euid != pu.uid || suid != pu.uid ||
	    rgid != pu.gid || egid != pu.gid || sgid != pu.gid)
		fatalx("privilege drop to %s did not take", user);
	if (setresuid(0, 0, 0) != -1 || setresgid(0, 0, 0) != -1)
		fatalx("privilege drop to %s can be undone", user);
	log_debug("running as %s in %s", user, root);
}
