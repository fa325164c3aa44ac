/*
 * Test builds only (-DSMSG_TEST_HOOKS): after its normal setup a child
 * attempts what its sandbox must refuse, and logs each outcome, so the
 * sandbox test can read what happened.  SMSG_PROBE is "role:action" or
 * "role:open:path", where role is a process name or "all", action one of
 * open, inet, ptrace, or hang (never finish setup).  A refused attempt logs "probe ...: refused (...)";
 * one the filter kills leaves the parent to log the SIGSYS.
 */
#include "config.h"

#ifdef SMSG_TEST_HOOKS

#include <sys/ptrace.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testhook.h"

static void
probe_outcome(const char *what, int r)
{
	if (r == -1)
		log_warnx("probe %s: refused (%s)", what, strerror(errno));
	else
		log_warnx("probe %s: NOT REFUSED", what);
}

void
testhook_probe(enum proc_id self)
{
	char		 spec[512], *role, *action, *arg;
	const char	*env;
	int		 fd;

	if ((env = getenv("SMSG_PROBE")) == NULL)
		return;
	strlcpy(spec, env, sizeof(spec));
	role = spec;
	if ((action = strchr(role, ':')) == NULL)
		return;
	*action++ = '\0';
	if ((arg = strchr(action, ':')) != NULL)
		*arg++ = '\0';
	if (strcmp(role, "all") != 0 && strcmp(role, proc_name(self)) != 0)
		return;
	if (strcmp(action, "open") == 0 && arg != NULL) {
		fd = open(arg, O_RDONLY);
		probe_outcome("open", fd);
		if (fd != -1)
			close(fd);
	} else if (strcmp(action, "inet") == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		probe_outcome("inet", fd);
		if (fd != -1)
			close(fd);
	} else if (strcmp(action, "hang") == 0) {
		/* never finish setup: the parent's timeout must fire */
		log_warnx("probe hang: not completing setup");
		for (;;)
			sleep(60);
	} else if (strcmp(action, "ptrace") == 0) {
		log_warnx("probe ptrace: attaching to pid %d", (int)getppid());
		probe_outcome("ptrace", (int)ptrace(PTRACE_ATTACH, getppid(),
		    NULL, NULL));
	}
}

#endif /* SMSG_TEST_HOOKS */
