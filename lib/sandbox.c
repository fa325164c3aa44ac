/*
 * Sandbox entry: resource limits, then the platform's back end.
 */
#include "config.h"

#include <sys/resource.h>

#include <stddef.h>

#include "log.h"
#include "sandbox.h"

static void
sandbox_limits(enum proc_id role)
{
	struct rlimit	 zero = { 0, 0 };

	/*
	 * No child ever forks; threads are created before this point.
	 * (RLIMIT_FSIZE stays: stderr may be a file in the foreground, and
	 * Landlock and seccomp already keep front and web from opening one.)
	 */
	if (setrlimit(RLIMIT_NPROC, &zero) == -1)
		fatal("setrlimit RLIMIT_NPROC");
}

const char *
sandbox_name(void)
{
#ifdef SANDBOX_SECCOMP
	return "seccomp";
#else
	return "none";
#endif
}

/*
 * Landlock binds the calling thread and the threads it creates later;
 * seccomp is synchronised onto every thread.  So: Landlock, then the
 * role's threads, then the limits (RLIMIT_NPROC also stops new threads),
 * then seccomp.
 */
void
sandbox_enter(enum proc_id role, void (*threads)(void))
{
#ifdef SANDBOX_SECCOMP
	if (sandbox_landlock(role) == 0)
		log_debug("landlock not available in this kernel");
	if (threads != NULL)
		threads();
	sandbox_limits(role);
	sandbox_seccomp(role);
	log_debug("sandbox seccomp entered");
#else
	if (threads != NULL)
		threads();
	sandbox_limits(role);
	log_warnx("built without a sandbox (--with-sandbox=no)");
#endif
}
