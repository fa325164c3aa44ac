/*
 * The parent at run time: start the children, link them, watch them.
 *
 * Death policy: the store is essential (its death stops the daemon);
 * front, auth and web are restarted, unless one dies more than
 * restart.limit times within restart.window seconds, which stops the
 * daemon instead of spinning.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <event.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "sandbox.h"
#include "smsgd.h"

#define STOP_GRACE	5	/* seconds before SIGKILL at shutdown */

static struct event	*setup_timer;
static struct event	*stop_timer;

const char *
child_state_name(enum child_state s)
{
	switch (s) {
	case CHILD_STARTING:
		return "starting";
	case CHILD_RUNNING:
		return "running";
	default:
		return "stopped";
	}
}

static time_t
monotonic(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
child_start(enum proc_id id)
{
	struct child		*c = &smsgd->children[id];
	struct proc_settings	 ps;

	memset(&ps, 0, sizeof(ps));
	ps.verbose = log_getverbose();
	ps.foreground = smsgd->foreground;
	strlcpy(ps.user, smsgd->conf.proc[id].user, sizeof(ps.user));
	strlcpy(ps.root, smsgd->conf.proc[id].dir, sizeof(ps.root));
	ps.max_files = sandbox_max_files(id, &smsgd->conf);
	c->pid = proc_spawn(id, smsgd->foreground);
	c->state = CHILD_STARTING;
	c->started = time(NULL);
	proc_send_setup(id, &ps);
	rolesetup_send(id, &smsgd->conf);
	proc_send_setup_end(id);
	log_debug("started %s, pid %d", proc_desc(id)->title, (int)c->pid);
}

static void
all_started_check(int fd, short ev, void *arg)
{
	int	 i;

	for (i = PROC_FRONT; i < PROC_CTL; i++)
		if (smsgd->children[i].state != CHILD_RUNNING)
			parent_stop(1, "%s did not complete setup within %d "
			    "seconds", proc_desc(i)->title, PROC_SETUP_TIMEOUT);
}

static void
parent_dispatch(enum proc_id from, struct msg *m)
{
	struct child	*c = &smsgd->children[from];
	int		 i;

	switch (m->type) {
	case MSG_HELLO:
		proc_check_hello(from, m);
		proc_mark_up(from);
		proc_link_peers(from);
		break;
	case MSG_READY:
		if (m->len != 0)
			fatalx("malformed READY from %s", proc_name(from));
		if (c->state == CHILD_RUNNING)
			break;
		c->state = CHILD_RUNNING;
		log_debug("%s ready", proc_desc(from)->title);
		for (i = PROC_FRONT; i < PROC_CTL; i++)
			if (smsgd->children[i].state != CHILD_RUNNING)
				return;
		if (setup_timer != NULL) {
			event_free(setup_timer);
			setup_timer = NULL;
			log_info("smsgd %s started, sandbox %s", PACKAGE_VERSION,
			    sandbox_name());
		}
		break;
	default:
		/* auth's and store's answers to smsgctl (control.c) */
		if (from == PROC_AUTH || from == PROC_STORE) {
			control_relay_up(from, m);
			break;
		}
		fatalx("unexpected %s from %s", msg_type_name(m->type),
		    proc_name(from));
	}
}

static void
parent_eof(enum proc_id id)
{
	/* The death itself arrives through SIGCHLD. */
	log_debug("channel to %s closed", proc_name(id));
}

static void
describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (SIG%s)",
		    WTERMSIG(status), sigabbrev_np(WTERMSIG(status)) ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else
		snprintf(buf, len, "stopped with status %d", status);
}

/* Forget deaths older than the window; 1 if this one is one too many. */
static int
crash_loop(struct child *c)
{
	time_t		 now = monotonic();
	unsigned int	 i, n = 0;

	for (i = 0; i < c->ndeaths; i++)
		if (now - c->deaths[i] < (time_t)smsgd->conf.restart_window)
			c->deaths[n++] = c->deaths[i];
	c->ndeaths = n;
	if (c->ndeaths >= smsgd->conf.restart_limit)
		return 1;
	c->deaths[c->ndeaths++] = now;
	return 0;
}

static void
child_died(enum proc_id id, int status)
{
	struct child	*c = &smsgd->children[id];
	char		 how[64];

	describe_status(status, how, sizeof(how));
	c->pid = 0;
	c->state = CHILD_STOPPED;
	proc_detach(id);
	if (id == PROC_AUTH)
		control_auth_gone();
	if (smsgd->stopping) {
		log_debug("%s %s", proc_desc(id)->title, how);
		return;
	}
	log_warnx("%s %s", proc_desc(id)->title, how);
	if (proc_desc(id)->essential) {
		parent_stop(1, "%s is essential; stopping smsgd",
		    proc_desc(id)->title);
		return;
	}
	if (crash_loop(c)) {
		parent_stop(1, "%s died %u times within %u seconds; stopping "
		    "smsgd", proc_desc(id)->title, smsgd->conf.restart_limit,
		    smsgd->conf.restart_window);
		return;
	}
	c->restarts++;
	log_info("restarting %s", proc_desc(id)->title);
	child_start(id);
}

static int
children_alive(void)
{
	int	 i;

	for (i = PROC_FRONT; i < PROC_CTL; i++)
		if (smsgd->children[i].pid != 0)
			return 1;
	return 0;
}

static void
reap_children(void)
{
	pid_t	 pid;
	int	 status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = PROC_FRONT; i < PROC_CTL; i++)
			if (smsgd->children[i].pid == pid)
				child_died(i, status);
	}
	if (smsgd->stopping && !children_alive())
		event_base_loopexit(smsgd->base, NULL);
}

static void
on_signal(int sig, short ev, void *arg)
{
	switch (sig) {
	case SIGCHLD:
		reap_children();
		break;
	case SIGTERM:
	case SIGINT:
		parent_stop(0, "received signal %d, stopping", sig);
		break;
	case SIGHUP:
		log_info("SIGHUP: reload is not supported; restart smsgd");
		break;
	}
}

static void
kill_stragglers(int fd, short ev, void *arg)
{
	int	 i;

	for (i = PROC_FRONT; i < PROC_CTL; i++)
		if (smsgd->children[i].pid != 0) {
			log_warnx("%s did not stop; killing it",
			    proc_desc(i)->title);
			kill(smsgd->children[i].pid, SIGKILL);
		}
}

/*
 * Stop: close every channel (a child exits when its parent goes away),
 * wait for the children, kill what is left after a grace period.
 */
void
parent_stop(int failed, const char *fmt, ...)
{
	struct timeval	 tv = { STOP_GRACE, 0 };
	char		 why[256];
	va_list		 ap;
	int		 i;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (failed)
		log_warnx("%s", why);
	else
		log_info("%s", why);
	if (failed)
		smsgd->exitcode = 1;
	if (smsgd->stopping)
		return;
	smsgd->stopping = 1;
	if (setup_timer != NULL) {
		event_free(setup_timer);
		setup_timer = NULL;
	}
	for (i = PROC_FRONT; i < PROC_CTL; i++)
		proc_detach(i);
	stop_timer = evtimer_new(smsgd->base, kill_stragglers, NULL);
	if (stop_timer == NULL || evtimer_add(stop_timer, &tv) == -1)
		fatalx("stop timer");
	if (!children_alive())
		event_base_loopexit(smsgd->base, NULL);
}

void
parent_set_verbose(int v)
{
	struct msgbuf	 mb;
	int		 i;

	log_setverbose(v);
	for (i = PROC_FRONT; i < PROC_CTL; i++) {
		if (!proc_linked(i))
			continue;
		msg_init(&mb, MSG_LOG_VERBOSE, 0);
		msg_add_u8(&mb, v);
		if (proc_send(i, &mb) == -1)
			log_warn("telling %s the log level", proc_name(i));
	}
}

static void
add_signal(int sig)
{
	struct event	*ev;

	if ((ev = evsignal_new(smsgd->base, sig, on_signal, NULL)) == NULL ||
	    evsignal_add(ev, NULL) == -1)
		fatalx("signal %d", sig);
}

void
parent_start(void)
{
	struct timeval	 tv = { PROC_SETUP_TIMEOUT, 0 };
	int		 i;

	signal(SIGPIPE, SIG_IGN);
	if ((smsgd->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	smsgd->started = time(NULL);
	add_signal(SIGCHLD);
	add_signal(SIGTERM);
	add_signal(SIGINT);
	add_signal(SIGHUP);
	proc_init(PROC_PARENT, smsgd->base, parent_dispatch, parent_eof);
	control_listen();
	for (i = PROC_FRONT; i < PROC_CTL; i++)
		child_start(i);
	setup_timer = evtimer_new(smsgd->base, all_started_check, NULL);
	if (setup_timer == NULL || evtimer_add(setup_timer, &tv) == -1)
		fatalx("setup timer");
	event_base_dispatch(smsgd->base);
	control_cleanup();
	if (smsgd->exitcode == 0)
		log_info("stopped");
	else
		log_warnx("stopped after a failure");
}
