// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest: user-space tests of anprcap.ko, run in the test VM.
 * usage: anprcap-vmtest COMMAND ARGS...   (exit 0 = pass)
 */
#include <stdio.h>
#include <string.h>
#include "vmtest.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "api", vt_cmd_api },
	{ "loopback", vt_cmd_loopback },
	{ "freerun", vt_cmd_freerun },
	{ "bench", vt_cmd_bench },
	{ "hold", vt_cmd_hold },
	{ "hostile", vt_cmd_hostile },
	{ "inject", vt_cmd_inject },
	{ "match", vt_cmd_match },
	{ "frames", vt_cmd_frames },
	{ "bigbuf", vt_cmd_bigbuf },
	{ "errinj", vt_cmd_errinj },
	{ "noerrinj", vt_cmd_noerrinj },
};

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1) ? 1 : 0;
	fprintf(stderr, "usage: anprcap-vmtest api|loopback|freerun|bench|hold|hostile|inject|match|frames|bigbuf|errinj|noerrinj ARGS...\n");
	return 2;
}
