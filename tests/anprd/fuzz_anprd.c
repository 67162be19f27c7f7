// SPDX-License-Identifier: MIT
/*
 * fuzz_anprd.c - libFuzzer target for anprd's untrusted text inputs:
 * built twice, with FUZZ_CONF (anprd.conf parser) or FUZZ_HOTLIST (hotlist
 * CSV parser, index and lookups). Any crash, leak or sanitizer report is a
 * bug; every rejected input must have produced a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FUZZ_CONF
#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct anprd_config cfg;
	char err[512] = "";

	if (anprd_config_parse("fuzz.conf", (const char *)data, size, &cfg,
			       err, sizeof(err)) != 0) {
		if (strncmp(err, "fuzz.conf", 9) != 0)
			abort();	/* an error that does not name the file */
	} else {
		char *dump = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&dump, &len);
		anprd_config_dump(&cfg, f);
		fclose(f);
		free(dump);
	}
	return 0;
}
#endif

#ifdef FUZZ_HOTLIST
#include "core/hotlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hotlist_builder *b = hotlist_builder_new();
	struct hotlist *hl = NULL;
	struct hotlist_hit hits[8];
	char err[512] = "";

	if (hotlist_parse_csv(b, "fuzz.csv", (const char *)data, size, err,
			      sizeof(err))) {
		hotlist_builder_free(b);
		if (strncmp(err, "fuzz.csv", 8) != 0)
			abort();
		return 0;
	}
	if (hotlist_builder_finish(b, &hl, err, sizeof(err))) {
		if (strncmp(err, "fuzz.csv", 8) != 0 &&
		    strncmp(err, "out of memory", 13) != 0)
			abort();
		return 0;
	}
	static const char *reads[] = {"AB12CDE", "A812CDE", "YK66ABC", "X",
				      "0000000000", "SO51ABC"};
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		hotlist_lookup(hl, reads[i], 4, hits, 8);
	struct hotlist *added = hotlist_added(NULL, hl);
	if (added && hotlist_count(added) != hotlist_count(hl))
		abort();
	hotlist_free(added);
	hotlist_free(hl);
	return 0;
}
#endif
