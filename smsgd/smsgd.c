/*
 * smsgd: read the configuration, check the host, start the children.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "smsgconf.h"
#include "smsgd.h"

struct smsgd	*smsgd;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: smsgd [-dnv] [-f file]\n");
	exit(2);
}

/*
 * The configuration file is optional when it was not named: without one
 * smsgd runs on its built-in defaults, and says so.
 */
static int
load_config(struct smsg_config *conf, const char *file, int named)
{
	char	 err[PATH_MAX + 256];

	config_defaults(conf);
	if (!named && access(file, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (config_load(conf, file, err, sizeof(err)) == -1) {
		fprintf(stderr, "smsgd: %s\n", err);
		return -1;
	}
	return 1;
}

int
main(int argc, char *argv[])
{
	static struct smsgd	 d;
	const char		*file = PATH_CONF;
	int			 ch, named = 0, checkonly = 0, r;

	smsgd = &d;
	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
			d.foreground = 1;
			break;
		case 'f':
			file = optarg;
			named = 1;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'v':
			d.verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if ((r = load_config(&d.conf, file, named)) == -1)
		exit(1);
	if (checkonly) {
		if (d.verbose)
			config_print(&d.conf, stdout);
		fprintf(stderr, "configuration OK%s\n",
		    r == 0 ? " (built-in defaults: no file)" : "");
		exit(0);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "smsgd: must be started as root\n");
		exit(1);
	}
	log_init(d.foreground, d.verbose);
	log_procinit("parent");
	if (r == 0)
		log_info("no %s, running on built-in defaults", file);
	checks_run(&d.conf, &d.admin_gid);
	rolesetup_prepare(&d.conf);
	if (!d.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	parent_start();
	return d.exitcode;
}
