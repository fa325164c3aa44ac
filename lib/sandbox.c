/*
 * Sandbox entry: resource limits, then the platform's back end.
 */
#include "config.h"

#include <sys/resource.h>

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

void
sandbox_enter(enum proc_id role)
{
	sandbox_limits(role);
#ifdef SANDBOX_SECCOMP
	if (sandbox_landlock(role) == 0)
		log_debug("landlock not available in this kernel");
	sandbox_seccomp(role);
	log_debug("sandbox seccomp entered");
#else
	log_warnx("built without a sandbox (--with-sandbox=no)");
#endif
}
