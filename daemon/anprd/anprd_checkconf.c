// SPDX-License-Identifier: MIT
/*
 * anprd-checkconf - check anprd's configuration before a (re)start or a
 * SIGHUP, as an operator or a deployment script would:
 *
 *   anprd-checkconf [-c FILE] [--key-passphrase-file FILE] [--print]
 *
 * The checks are anprd's own (daemon/anprd/preflight.c, the same as
 * `anprd --config FILE --check-config`): the configuration parses, the
 * hotlists load, the signing key opens (never printed), the sources'
 * URIs, the spool directory, the upload URL. "ok" means anprd will start.
 * Exit status as anprd's: 0 ok; 2 a configuration, hotlist, key, source
 * or spool anprd would refuse, or a bad command line. --print writes the
 * effective configuration with the fixed site's coordinates withheld.
 * (--hotlists, once needed to load the hotlists, is accepted and does
 * nothing: they are always loaded.)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/config.h"
#include "anprd/preflight.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: anprd-checkconf [-c FILE] [--key-passphrase-file FILE] [--print]\n"
		"  -c, --config FILE           configuration (default %s)\n"
		"      --key-passphrase-file F the signing key's passphrase, as anprd's\n"
		"  -p, --print                 print the effective configuration\n",
		ANPRD_CONF_PATH);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"hotlists", no_argument, NULL, 'H'},
		{"key-passphrase-file", required_argument, NULL, 'P'},
		{"print", no_argument, NULL, 'p'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = ANPRD_CONF_PATH, *passphrase_file = NULL;
	struct anprd_config *cfg;
	int print = 0, fails, c;
	char err[1024];

	while ((c = getopt_long(argc, argv, "c:Hph", lo, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'H': break;
		case 'P': passphrase_file = optarg; break;
		case 'p': print = 1; break;
		case 'V':
			printf("%s %s\n", "anprd-checkconf", ANPR_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "anprd-checkconf: out of memory\n");
		return 2;
	}
	if (anprd_config_load(path, cfg, err, sizeof(err))) {
		fprintf(stderr, "anprd-checkconf: %s\n", err);
		free(cfg);
		return 2;
	}
	printf("%s:\n", path);
	fails = anprd_preflight(cfg, passphrase_file, stdout);
	printf("%s: %s\n", path, fails ? "anprd would NOT start" : "ok");
	if (print && !fails)
		anprd_config_dump(cfg, stdout);
	free(cfg);
	return fails ? 2 : 0;
}
