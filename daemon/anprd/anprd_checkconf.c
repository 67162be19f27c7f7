// SPDX-License-Identifier: MIT
/*
 * anprd-checkconf - check anprd's configuration and hotlists before a
 * (re)start or a SIGHUP, as an operator or a deployment script would:
 *
 *   anprd-checkconf [-c FILE] [--hotlists] [--print]
 *
 * Exit 0 when everything loads; 1 with "FILE:LINE: reason" on stderr
 * otherwise; 2 on bad usage. --print writes the effective configuration
 * with the fixed site's coordinates withheld.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "hotlist.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: anprd-checkconf [-c FILE] [--hotlists] [--print]\n"
		"  -c, --config FILE  configuration (default %s)\n"
		"  -H, --hotlists     also load every hotlist file\n"
		"  -p, --print        print the effective configuration\n",
		ANPRD_CONF_PATH);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"hotlists", no_argument, NULL, 'H'},
		{"print", no_argument, NULL, 'p'},
		{ "version", no_argument, NULL, 'V' },
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = ANPRD_CONF_PATH;
	struct anprd_config *cfg = malloc(sizeof(*cfg));
	int hot = 0, print = 0, c;
	char err[1024];

	while ((c = getopt_long(argc, argv, "c:Hph", lo, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'H': hot = 1; break;
		case 'p': print = 1; break;
		case 'V':
			printf("%s %s\n", "anprd-checkconf", ANPR_VERSION);
			free(cfg);
			return 0;
		case 'h': usage(stdout); free(cfg); return 0;
		default: usage(stderr); free(cfg); return 2;
		}
	}
	if (optind != argc || !cfg) {
		usage(stderr);
		free(cfg);
		return 2;
	}
	if (anprd_config_load(path, cfg, err, sizeof(err))) {
		fprintf(stderr, "anprd-checkconf: %s\n", err);
		free(cfg);
		return 1;
	}
	printf("%s: ok (%d source%s, %d hotlist file%s)\n", path,
	       cfg->nsources, cfg->nsources == 1 ? "" : "s",
	       cfg->hotlists.nfiles, cfg->hotlists.nfiles == 1 ? "" : "s");
	if (hot && cfg->hotlists.nfiles) {
		const char *files[ANPRD_MAX_HOTLISTS];
		struct hotlist *hl;
		for (int i = 0; i < cfg->hotlists.nfiles; i++)
			files[i] = cfg->hotlists.files[i];
		if (hotlist_load(files, cfg->hotlists.nfiles, &hl, err,
				 sizeof(err))) {
			fprintf(stderr, "anprd-checkconf: %s\n", err);
			free(cfg);
			return 1;
		}
		printf("hotlists: ok (%zu entries, %zu wildcards)\n",
		       hotlist_count(hl), hotlist_wildcard_count(hl));
		hotlist_free(hl);
	}
	if (print)
		anprd_config_dump(cfg, stdout);
	free(cfg);
	return 0;
}
