/*
 * Test builds only (-DSMSG_TEST_HOOKS): after its normal setup a child
 * attempts what its sandbox must refuse, and logs each outcome, so the
 * sandbox test can read what happened.  SMSG_PROBE is "role:action" or
 * "role:open:path", where role is a process name or "all", action one of
 * open, inet, ptrace, tiocsti (type into the terminal on stdin), hang
 * (never finish setup), or log (a thread made before the sandbox logs
 * TESTHOOK_LOGLINES lines once the event loop runs).  A refused attempt
 * logs "probe ...: refused (...)"; one the filter kills leaves the parent
 * to log the SIGSYS.
 */
#include "config.h"

#ifdef SMSG_TEST_HOOKS

#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testhook.h"

#define TESTHOOK_LOGLINES	300	/* more than the log queue holds */

static pthread_mutex_t	 th_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 th_cv = PTHREAD_COND_INITIALIZER;
static int		 th_started, th_go;

static void
probe_outcome(const char *what, int r)
{
	if (r == -1)
		log_warnx("probe %s: refused (%s)", what, strerror(errno));
	else
		log_warnx("probe %s: NOT REFUSED", what);
}

/* This role's probe: the action, and its argument or NULL. */
static const char *
probe_action(enum proc_id self, char *spec, size_t len, char **arg)
{
	const char	*env;
	char		*action;

	if ((env = getenv("SMSG_PROBE")) == NULL)
		return NULL;
	strlcpy(spec, env, len);
	if ((action = strchr(spec, ':')) == NULL)
		return NULL;
	*action++ = '\0';
	if ((*arg = strchr(action, ':')) != NULL)
		*(*arg)++ = '\0';
	if (strcmp(spec, "all") != 0 && strcmp(spec, proc_name(self)) != 0)
		return NULL;
	return action;
}

/*
 * Only a refusal by the sandbox counts: stdin is /dev/null, so a call
 * that reaches the kernel fails too, with ENOTTY.
 */
static void
probe_tiocsti(void)
{
	char	 c = 'x';

	if (ioctl(STDIN_FILENO, TIOCSTI, &c) == -1 &&
	    (errno == EPERM || errno == EACCES))
		log_warnx("probe tiocsti: refused (%s)", strerror(errno));
	else
		log_warnx("probe tiocsti: NOT REFUSED (%s)", strerror(errno));
}

static void *
probe_log_thread(void *arg)
{
	int	 i;

	/* Started before the filter, as the roles' threads are. */
	pthread_mutex_lock(&th_mtx);
	th_started = 1;
	pthread_cond_broadcast(&th_cv);
	while (!th_go)
		pthread_cond_wait(&th_cv, &th_mtx);
	pthread_mutex_unlock(&th_mtx);
	for (i = 0; i < TESTHOOK_LOGLINES; i++)
		log_info("probe log: thread line %d", i);
	log_info("probe log: thread done");
	/* Like the roles' threads, it never ends (that would need rseq). */
	pthread_mutex_lock(&th_mtx);
	for (;;)
		pthread_cond_wait(&th_cv, &th_mtx);
	return NULL;
}

/* Inside the sandbox entry, where threads are made. */
void
testhook_threads(enum proc_id self)
{
	char		 spec[512], *arg;
	const char	*action;
	pthread_t	 t;

	action = probe_action(self, spec, sizeof(spec), &arg);
	if (action == NULL || strcmp(action, "log") != 0)
		return;
	if (pthread_create(&t, NULL, probe_log_thread, NULL) != 0)
		fatalx("probe log: pthread_create");
	pthread_detach(t);
	pthread_mutex_lock(&th_mtx);
	while (!th_started)
		pthread_cond_wait(&th_cv, &th_mtx);
	pthread_mutex_unlock(&th_mtx);
}

/* The event loop is about to run. */
void
testhook_running(enum proc_id self)
{
	pthread_mutex_lock(&th_mtx);
	th_go = 1;
	pthread_cond_broadcast(&th_cv);
	pthread_mutex_unlock(&th_mtx);
}

void
testhook_probe(enum proc_id self)
{
	char		 spec[512], *arg;
	const char	*action;
	int		 fd;

	if ((action = probe_action(self, spec, sizeof(spec), &arg)) == NULL)
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
	} else if (strcmp(action, "tiocsti") == 0) {
		log_warnx("probe tiocsti: attempting");
		probe_tiocsti();
	} else if (strcmp(action, "ptrace") == 0) {
		log_warnx("probe ptrace: attaching to pid %d", (int)getppid());
		probe_outcome("ptrace", (int)ptrace(PTRACE_ATTACH, getppid(),
		    NULL, NULL));
	}
}

/* SMSG_TEST_<name> as a number; 0 when unset or not a number. */
long
testhook_knob(const char *name)
{
	char		 var[64];
	const char	*v;
	char		*end;
	long		 n;

	snprintf(var, sizeof(var), "SMSG_TEST_%s", name);
	if ((v = getenv(var)) == NULL)
		return 0;
	n = strtol(v, &end, 10);
	return *v != '\0' && *end == '\0' ? n : 0;
}

#endif /* SMSG_TEST_HOOKS */
