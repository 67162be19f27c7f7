# tests/commissioning: one truth for every path of a camera host (issue 19
# item 2): the units, tmpfiles, sysusers, examples/, docs and man pages
# agree, and the example configurations load (paths.sh); each of its checks
# fails on a tree altered to break it (mutants.sh).
SUITE_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anprd-checkconf $(BUILD)/bin/anpr-keygen
$(eval $(call add_suite,unit,commissioning-paths,tests/commissioning/paths.sh $(BUILD)))
$(eval $(call add_suite,unit,commissioning-mutants,tests/commissioning/mutants.sh $(BUILD)))
