/*
 * Start-up checks: smsgd refuses to start, with a message saying what to
 * fix, when a user, group, directory or executable is missing or unsafe.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "proc.h"
#include "smsgd.h"

/* Every directory above path must be root's and writable by root alone. */
static void
check_ancestors(const char *path)
{
	char		 buf[PATH_MAX], *dir;
	struct stat	 sb;

	strlcpy(buf, path, sizeof(buf));
	for (dir = dirname(buf); ; dir = dirname(dir)) {
		if (stat(dir, &sb) == -1)
			fatal("%s", dir);
		if (sb.st_uid != 0)
			fatalx("%s is not owned by root: it holds %s", dir, path);
		if ((sb.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(sb.st_mode & S_ISVTX))
			fatalx("%s is writable by others: it holds %s",
			    dir, path);
		if (strcmp(dir, "/") == 0)
			break;
	}
}

/* An empty chroot for front and web: root's, and nobody else may write. */
static void
check_chroot(enum proc_id id, const char *dir)
{
	struct stat	 sb;

	if (stat(dir, &sb) == -1)
		fatal("%s directory %s", proc_desc(id)->title, dir);
	if (!S_ISDIR(sb.st_mode))
		fatalx("%s: not a directory", dir);
	if (sb.st_uid != 0 || (sb.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("%s must be owned by root and writable by root only "
		    "(it is the chroot of %s)", dir, proc_desc(id)->title);
	check_ancestors(dir);
}

/* A data directory: its user's, mode 0700. */
static void
check_datadir(enum proc_id id, const char *dir, const struct privuser *pu)
{
	struct stat	 sb;

	if (stat(dir, &sb) == -1) {
		if (errno == ENOENT)
			fatalx("data directory %s of %s is missing: create it "
			    "(make install-users does)", dir,
			    proc_desc(id)->title);
		fatal("data directory %s", dir);
	}
	if (!S_ISDIR(sb.st_mode))
		fatalx("%s: not a directory", dir);
	if (sb.st_uid != pu->uid)
		fatalx("data directory %s must be owned by user %s", dir,
		    smsgd->conf.proc[id].user);
	if (sb.st_mode & (S_IRWXG | S_IRWXO))
		fatalx("data directory %s is mode %04o: must be 0700", dir,
		    (unsigned)(sb.st_mode & 07777));
	check_ancestors(dir);
}

static void
check_executable(enum proc_id id)
{
	char		 path[PATH_MAX];
	struct stat	 sb;

	proc_exe_path(id, path, sizeof(path));
	if (stat(path, &sb) == -1)
		fatal("%s", path);
	if (!S_ISREG(sb.st_mode) || !(sb.st_mode & S_IXUSR))
		fatalx("%s is not an executable file", path);
	if (sb.st_uid != 0 || (sb.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("%s must be owned by root and writable by root only",
		    path);
}

static void
check_config_file(const char *path)
{
	struct stat	 sb;

	if (strcmp(path, "built-in") == 0)
		return;
	if (stat(path, &sb) == -1)
		fatal("%s", path);
	if (sb.st_uid != 0 || (sb.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("%s must be owned by root and writable by root only",
		    path);
}

void
checks_run(const struct smsg_config *conf, gid_t *admin_gid)
{
	struct privuser	 pu[PROC_MAX];
	struct group	*gr;
	int		 i, j;

	check_config_file(conf->source);
	for (i = PROC_FRONT; i < PROC_CTL; i++) {
		if (privdrop_lookup(conf->proc[i].user, &pu[i]) == -1)
			fatalx("user %s for %s does not exist: create it (see "
			    "smsg.sysusers, or make install-users)",
			    conf->proc[i].user, proc_desc(i)->title);
		if (pu[i].uid == 0)
			fatalx("user %s for %s must not be root",
			    conf->proc[i].user, proc_desc(i)->title);
		for (j = PROC_FRONT; j < i; j++)
			if (pu[j].uid == pu[i].uid)
				fatalx("%s and %s must run as different users",
				    proc_desc(j)->title, proc_desc(i)->title);
		check_executable(i);
	}
	for (i = PROC_FRONT; i < PROC_CTL; i++)
		for (j = PROC_FRONT; j < i; j++)
			if (strcmp(conf->proc[i].dir, conf->proc[j].dir) == 0)
				fatalx("%s and %s must not share the directory "
				    "%s", proc_desc(j)->title,
				    proc_desc(i)->title, conf->proc[i].dir);
	check_chroot(PROC_FRONT, conf->proc[PROC_FRONT].dir);
	check_chroot(PROC_WEB, conf->proc[PROC_WEB].dir);
	check_datadir(PROC_AUTH, conf->proc[PROC_AUTH].dir, &pu[PROC_AUTH]);
	check_datadir(PROC_STORE, conf->proc[PROC_STORE].dir, &pu[PROC_STORE]);
	if ((gr = getgrnam(conf->ctl_group)) == NULL)
		fatalx("admin group %s does not exist: create it (see "
		    "smsg.sysusers, or make install-users)", conf->ctl_group);
	*admin_gid = gr->gr_gid;
	endgrent();
	endpwent();
}
