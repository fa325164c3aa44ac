/*
 * benchtab: reads the runs of one benchmark (DIR/NAME.json, each a
 * JSON object from loadgen, rawdb or scrypt; machine.json for the
 * machine), prints the table of table.c and writes it as JSON.
 *
 *   benchtab -o results.json DIR
 */
#include "config.h"

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

#define MAXRUNS	128

static json_t *
load_runs(const char *dir)
{
	json_t		*results = json_object(), *j;
	struct dirent	*de;
	DIR		*d;
	char		 path[4096], name[128];
	size_t		 len;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		err(1, "%s", dir);
	while ((de = readdir(d)) != NULL && n < MAXRUNS) {
		len = strlen(de->d_name);
		if (len < 6 || len - 5 >= sizeof(name) ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if ((j = json_load_file(path, 0, NULL)) == NULL ||
		    !json_is_object(j)) {
			warnx("%s: not a JSON object; left out", path);
			json_decref(j);
			continue;
		}
		json_object_set_new(results, name, j);
		n++;
	}
	closedir(d);
	return results;
}

int
main(int argc, char *argv[])
{
	const char	*out = NULL;
	json_t		*results, *table;
	int		 ch;

	while ((ch = getopt(argc, argv, "o:")) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		default: goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	results = load_runs(argv[optind]);
	bt_print(stdout, results, bt_rows, bt_nrows);
	if (out != NULL) {
		table = bt_json(results, bt_rows, bt_nrows);
		if (json_dump_file(table, out, JSON_INDENT(1) |
		    JSON_SORT_KEYS) == -1)
			errx(1, "%s: cannot write", out);
		json_decref(table);
		printf("\nwritten to %s\n", out);
	}
	json_decref(results);
	return 0;
usage:
	fprintf(stderr, "usage: benchtab [-o results.json] dir\n");
	return 2;
}
