/*
 * Sandbox entry: one table row per role for its resource limits, then
 * the platform's back end (one filter function per role there).
 */
#include "config.h"

#include <sys/resource.h>

#include <stddef.h>

#include "log.h"
#include "sandbox.h"
#include "smsgconf.h"

/*
 * The front's descriptors beyond its connections: listening sockets,
 * peers, and each worker's event base with its wake-up descriptors.
 */
#define FRONT_FILES_SPARE	128

static const struct sandbox_role {
	enum proc_id	 id;
	rlim_t		 max_files;	/* 0: as the parent says (the front) */
	rlim_t		 max_fsize;	/* largest file it may write */
	int		 datadir;	/* owns files beneath its root */
} sandbox_roles[] = {
	/* connections; never writes a file */
	{ PROC_FRONT,	0,	0,		0 },
	/* the account database: its files and log, a few threads */
	{ PROC_AUTH,	128,	RLIM_INFINITY,	1 },
	/* the message database: its files and log */
	{ PROC_STORE,	256,	RLIM_INFINITY,	1 },
	/* nothing but its channels */
	{ PROC_WEB,	32,	0,		0 },
};

static const struct sandbox_role *
sandbox_role(enum proc_id id)
{
	size_t	 i;

	for (i = 0; i < sizeof(sandbox_roles) / sizeof(sandbox_roles[0]); i++)
		if (sandbox_roles[i].id == id)
			return &sandbox_roles[i];
	fatalx("no sandbox for %s", proc_name(id));
}

/* Parent: the descriptors a child may hold, sent with its settings. */
unsigned int
sandbox_max_files(enum proc_id id, const struct smsg_config *conf)
{
	if (id == PROC_FRONT)
		return conf->front.max_conns + FRONT_FILES_SPARE;
	return 0;
}

static void
sandbox_setlimit(int resource, const char *name, rlim_t v)
{
	struct rlimit	 rl = { v, v };

	if (setrlimit(resource, &rl) == -1)
		fatal("setrlimit %s %llu", name, (unsigned long long)v);
}

/*
 * No child ever forks (threads are made before this point) or dumps
 * core (it would hold keys and passwords).  Descriptors are counted per
 * role; front and web write no file at all.  Without privileges a child
 * cannot raise its hard limit: a front asking for more than it has gets
 * what it has, and says so.
 */
static void
sandbox_limits(const struct sandbox_role *r, unsigned int max_files)
{
	struct rlimit	 cur;
	rlim_t		 files = r->max_files ? r->max_files : max_files;

	if (getrlimit(RLIMIT_NOFILE, &cur) == -1)
		fatal("getrlimit RLIMIT_NOFILE");
	if (files == 0)
		fatalx("no descriptor limit for %s", proc_name(r->id));
	if (cur.rlim_max != RLIM_INFINITY && files > cur.rlim_max) {
		log_warnx("needs %llu descriptors, the hard limit is %llu",
		    (unsigned long long)files,
		    (unsigned long long)cur.rlim_max);
		files = cur.rlim_max;
	}
	sandbox_setlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", files);
#ifndef SMSG_SANITIZER
	/* A sanitizer build writes its reports to the parent's stderr. */
	sandbox_setlimit(RLIMIT_FSIZE, "RLIMIT_FSIZE", r->max_fsize);
#endif
	sandbox_setlimit(RLIMIT_CORE, "RLIMIT_CORE", 0);
	sandbox_setlimit(RLIMIT_NPROC, "RLIMIT_NPROC", 0);
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
sandbox_enter(enum proc_id id, unsigned int max_files, void (*threads)(void))
{
	const struct sandbox_role	*r = sandbox_role(id);

#ifdef SANDBOX_SECCOMP
	if (sandbox_landlock(id, r->datadir) == 0)
		log_debug("landlock not available in this kernel");
	if (threads != NULL)
		threads();
	sandbox_limits(r, max_files);
	sandbox_seccomp(id);
	log_debug("sandbox seccomp entered");
#else
	if (threads != NULL)
		threads();
	sandbox_limits(r, max_files);
	log_warnx("built without a sandbox (--with-sandbox=no)");
#endif
}
