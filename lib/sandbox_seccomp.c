/*
 * seccomp-bpf through libseccomp: default kill, one allow-list per role.
 *
 * libseccomp's filter kills on a foreign architecture (the default bad-arch
 * action), so a 32-bit syscall entry cannot bypass the list.  Creating a
 * socket or opening a file where the role has no business doing so gets
 * EACCES rather than death: libc may try either lazily (syslog reconnects,
 * locale files) and must fail gracefully.  Everything unlisted kills the
 * whole process with SIGSYS.
 */
#include "config.h"

#ifdef SANDBOX_SECCOMP

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

/* Every role: event loop, messages, memory, time, randomness, exit. */
static const int sc_common[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(close), SCMP_SYS(dup),
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
static const int sc_database[] = {
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
static const int sc_front[] = {
	SCMP_SYS(accept4), SCMP_SYS(setsockopt), SCMP_SYS(ioctl),
};

/* auth: its hashing threads wake the event loop. */
static const int sc_auth[] = {
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

/* fcntl for flags and, in the database roles, record locks. */
static void
sc_fcntl(scmp_filter_ctx ctx, int database)
{
	static const int	 ops[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD,
	    F_DUPFD_CLOEXEC };
	static const int	 lockops[] = { F_GETLK, F_SETLK, F_SETLKW,
	    F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW };
	struct scmp_arg_cmp	 cmp;
	size_t			 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		cmp = (struct scmp_arg_cmp)SCMP_A1(SCMP_CMP_EQ, ops[i]);
		sc_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, &cmp);
	}
	if (!database)
		return;
	for (i = 0; i < sizeof(lockops) / sizeof(lockops[0]); i++) {
		cmp = (struct scmp_arg_cmp)SCMP_A1(SCMP_CMP_EQ, lockops[i]);
		sc_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, &cmp);
	}
}

/* Refused with EACCES instead of death: see the comment at the top. */
static void
sc_refuse(scmp_filter_ctx ctx, int database)
{
	sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0, NULL);
	sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(connect), 0, NULL);
	if (!database) {
		sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0, NULL);
		sc_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0, NULL);
	}
}

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
	int		 database = (role == PROC_AUTH || role == PROC_STORE);
	int		 r;

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
	sc_allow(ctx, sc_common, sizeof(sc_common) / sizeof(sc_common[0]));
	sc_memory(ctx);
	sc_fcntl(ctx, database);
	if (database)
		sc_allow(ctx, sc_database,
		    sizeof(sc_database) / sizeof(sc_database[0]));
	if (role == PROC_FRONT)
		sc_allow(ctx, sc_front, NELEM(sc_front));
	if (role == PROC_AUTH)
		sc_allow(ctx, sc_auth, NELEM(sc_auth));
	sc_refuse(ctx, database);
	if ((r = seccomp_load(ctx)) < 0)
		fatalx("seccomp_load: %s", strerror(-r));
	seccomp_release(ctx);
}

#endif /* SANDBOX_SECCOMP */
