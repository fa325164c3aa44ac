/*
 * Landlock, where the running kernel has it.  The ABI is probed at run
 * time and each feature is used only when the kernel knows it, so one
 * binary works on old and new kernels alike.
 *
 * front and web: no filesystem access at all, no TCP bind or connect.
 * auth and store: read and write files beneath their data directory
 * (their chroot), nothing else; no TCP either.
 * Every role: no signals to processes outside the sandbox, no abstract
 * UNIX sockets outside it.
 */
#include "config.h"

#ifdef SANDBOX_SECCOMP

#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/* The Debian 12 header knows ABI 1 only; these are the kernel's values. */
#define LL_CREATE_RULESET_VERSION	(1U << 0)
#define LL_RULE_PATH_BENEATH		1
#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_REMOVE_DIR	(1ULL << 4)
#define LL_FS_REMOVE_FILE	(1ULL << 5)
#define LL_FS_MAKE_CHAR		(1ULL << 6)
#define LL_FS_MAKE_DIR		(1ULL << 7)
#define LL_FS_MAKE_REG		(1ULL << 8)
#define LL_FS_MAKE_SOCK		(1ULL << 9)
#define LL_FS_MAKE_FIFO		(1ULL << 10)
#define LL_FS_MAKE_BLOCK	(1ULL << 11)
#define LL_FS_MAKE_SYM		(1ULL << 12)
#define LL_FS_REFER		(1ULL << 13)
#define LL_FS_TRUNCATE		(1ULL << 14)
#define LL_FS_IOCTL_DEV		(1ULL << 15)
#define LL_NET_BIND_TCP		(1ULL << 0)
#define LL_NET_CONNECT_TCP	(1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)
#define LL_SCOPE_SIGNAL		(1ULL << 1)

struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;	/* ABI 4 */
	uint64_t	 scoped;		/* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((packed));

static uint64_t
ll_fs_known(int abi)
{
	uint64_t	 fs = LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE |
	    LL_FS_READ_DIR | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE |
	    LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG |
	    LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK |
	    LL_FS_MAKE_SYM;

	if (abi >= 2)
		fs |= LL_FS_REFER;
	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	if (abi >= 5)
		fs |= LL_FS_IOCTL_DEV;
	return fs;
}

/* What a database owner may do beneath its data directory. */
static uint64_t
ll_fs_datadir(int abi)
{
	uint64_t	 fs = LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_READ_DIR |
	    LL_FS_REMOVE_FILE | LL_FS_MAKE_REG;

	if (abi >= 3)
		fs |= LL_FS_TRUNCATE;
	return fs;
}

static void
ll_allow_datadir(int ruleset, int abi)
{
	struct ll_path_beneath_attr	 pb;
	int				 dirfd;

	if ((dirfd = open("/", O_PATH | O_CLOEXEC | O_DIRECTORY)) == -1)
		fatal("landlock: open data directory");
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = ll_fs_datadir(abi);
	pb.parent_fd = dirfd;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		fatal("landlock_add_rule");
	close(dirfd);
}

/*
 * Returns 1 when Landlock is in force, 0 when the kernel lacks it.  A role
 * that owns a database (datadir) keeps its files beneath its root.
 */
int
sandbox_landlock(enum proc_id role, int datadir)
{
	struct ll_ruleset_attr	 attr;
	size_t			 attrsz;
	int			 abi, ruleset;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			return 0;
		fatal("landlock ABI probe");
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = ll_fs_known(abi);
	attrsz = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		attrsz = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		attrsz = sizeof(attr);
	}
	if ((ruleset = syscall(SYS_landlock_create_ruleset, &attr, attrsz,
	    0)) == -1)
		fatal("landlock_create_ruleset");
	if (datadir)
		ll_allow_datadir(ruleset, abi);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		fatal("landlock_restrict_self");
	close(ruleset);
	log_debug("landlock ABI %d in force", abi);
	return 1;
}

#endif /* SANDBOX_SECCOMP */
