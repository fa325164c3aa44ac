/*
 * seccomp-bpf through libseccomp: default kill, one filter function per
 * role.
 *
 * libseccomp's filter kills on a foreign architecture (the default bad-arch
 * action), so a 32-bit syscall entry cannot bypass the list.  Opening a
 * file where the role has no business doing so gets EACCES rather than
 * death: libc may try lazily (locale files) and must fail gracefully.
 * Everything unlisted kills the whole process with SIGSYS; so does an
 * ioctl with a request not on the role's list (TIOCSTI above all).  No
 * child creates a socket: its log lines go to the parent over its channel.
 */
#include "config.h"

#ifdef SANDBOX_SECCOMP

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/*
 * Every role: event loop, messages, memory, time, randomness, exit.
 * glibc's qsort asks sysinfo for the memory size before sorting more
 * than 1 KiB: without it smsg-web died of SIGSYS on a page of 64 values.
 */
static const int sc_common[] = {
	SCMP_SYS(sysinfo),
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(close), SCMP_SYS(dup),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt),
};

/*
 * The database owners: Berkeley DB files beneath the data directory.
 * Berkeley DB calls getcwd when it switches to a new log file (after
 * about 10 MB of log): without it a busy store died of SIGSYS.
 */
static const int sc_database_calls[] = {
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(getdents64),
	SCMP_SYS(statfs), SCMP_SYS(fstatfs), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(flock), SCMP_SYS(umask), SCMP_SYS(uname),
	SCMP_SYS(fadvise64), SCMP_SYS(sysinfo), SCMP_SYS(mkdir),
	SCMP_SYS(getcwd),
};

/*
 * The front: worker threads accept (accept4) on the shared listening
 * sockets, set TCP_NODELAY (setsockopt) and read plain HTTP with libevent,
 * which sizes reads with ioctl(FIONREAD).  Threads and their event bases,
 * with their wake-up descriptors, exist before the filter.
 */
static const int sc_front_calls[] = {
	SCMP_SYS(accept4), SCMP_SYS(setsockopt),
};

/* The only ioctl requests the front makes (libevent; OpenSSL makes none). */
static const unsigned long sc_front_ioctls[] = {
	FIONREAD,
};

/* auth: its hashing threads wake the event loop. */
static const int sc_auth_calls[] = {
	SCMP_SYS(eventfd2), SCMP_SYS(pipe2),
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
sc_allow(scmp_filter_ctx ctx, const int *list, size_t n)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < n; i++)
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0)) < 0)
			fatalx("seccomp: allow syscall %d: %s", list[i],
			    strerror(-r));
}

static void
sc_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int argc,
    const struct scmp_arg_cmp *args)
{
	int	 r;

	if ((r = seccomp_rule_add_array(ctx, action, nr, argc, args)) < 0)
		fatalx("seccomp: rule for syscall %d: %s", nr, strerror(-r));
}

/* mmap and mprotect, but never executable memory. */
static void
sc_memory(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp	 noexec = SCMP_A2(SCMP_CMP_MASKED_EQ,
	    PROT_EXEC, 0);

	sc_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, &noexec);
	sc_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &noexec);
}

/* A syscall allowed only when its argument argn is one of vals. */
static void
sc_allow_arg(scmp_filter_ctx ctx, int nr, unsigned int argn,
    const unsigned long *vals, size_t n)
{
	struct scmp_arg_cmp	 cmp;
	size_t			 i;

	for (i = 0; i < n; i++) {
		cmp = (struct scmp_arg_cmp){ argn, SCMP_CMP_EQ, vals[i], 0 };
		sc_rule(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
	}
}

/* fcntl for descriptor flags (every role). */
static void
sc_fcntl_flags(scmp_filter_ctx ctx)
{
	static const unsigned long	 ops[] = { F_GETFL, F_SETFL, F_GETFD,
	    F_SETFD, F_DUPFD_CLOEXEC };

	sc_allow_arg(ctx, SCMP_SYS(fcntl), 1, ops, NELEM(ops));
}

/* Files are refused with EACCES instead of death: see the top. */
static void
sc_no_files(scmp_filter_ctx ctx)
{
	sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0, NULL);
	sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0, NULL);
}

/* A database owner: Berkeley DB's files and record locks. */
static void
sc_database(scmp_filter_ctx ctx)
{
	static const unsigned long	 lockops[] = { F_GETLK, F_SETLK,
	    F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW };

	sc_allow(ctx, sc_database_calls, NELEM(sc_database_calls));
	sc_allow_arg(ctx, SCMP_SYS(fcntl), 1, lockops, NELEM(lockops));
}

static void
sc_front(scmp_filter_ctx ctx)
{
	sc_allow(ctx, sc_front_calls, NELEM(sc_front_calls));
	sc_allow_arg(ctx, SCMP_SYS(ioctl), 1, sc_front_ioctls,
	    NELEM(sc_front_ioctls));
	sc_no_files(ctx);
}

static void
sc_auth(scmp_filter_ctx ctx)
{
	sc_database(ctx);
	sc_allow(ctx, sc_auth_calls, NELEM(sc_auth_calls));
}

static void
sc_store(scmp_filter_ctx ctx)
{
	sc_database(ctx);
}

static void
sc_web(scmp_filter_ctx ctx)
{
	sc_no_files(ctx);
}

static const struct {
	enum proc_id	 id;
	void		(*rules)(scmp_filter_ctx);
} sc_roles[] = {
	{ PROC_FRONT, sc_front },
	{ PROC_AUTH, sc_auth },
	{ PROC_STORE, sc_store },
	{ PROC_WEB, sc_web },
};

#ifdef SANDBOX_DEBUG
/* Debug builds say which syscall was refused, then die as they would. */
static void
sc_report(int sig, siginfo_t *si, void *ctx)
{
	char	 buf[80];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%s: seccomp refused syscall %d\n",
	    log_procname(), si->si_syscall);
	if (n > 0)
		write(STDERR_FILENO, buf, n);
	_exit(128 + SIGSYS);
}
#endif

void
sandbox_seccomp(enum proc_id role)
{
	scmp_filter_ctx	 ctx;
	uint32_t	 deny = SCMP_ACT_KILL_PROCESS;
	size_t		 i;
	int		 r;

	for (i = 0; i < NELEM(sc_roles) && sc_roles[i].id != role; i++)
		;
	if (i == NELEM(sc_roles))
		fatalx("seccomp: no filter for %s", proc_name(role));

#ifdef SANDBOX_DEBUG
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sc_report;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");
	deny = SCMP_ACT_TRAP;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	if ((ctx = seccomp_init(deny)) == NULL)
		fatalx("seccomp_init failed");
	/* Threads made before this point get the same filter. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		fatalx("seccomp: TSYNC: %s", strerror(-r));
	sc_allow(ctx, sc_common, NELEM(sc_common));
	sc_memory(ctx);
	sc_fcntl_flags(ctx);
	sc_roles[i].rules(ctx);
	if ((r = seccomp_load(ctx)) < 0)
		fatalx("seccomp_load: %s", strerror(-r));
	seccomp_release(ctx);
}

#endif /* SANDBOX_SECCOMP */
