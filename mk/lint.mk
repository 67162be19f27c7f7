# make lint, user-space half: cppcheck and clang-tidy over the library,
# daemon and tool sources (tests are excluded: cmocka's macros are noise).
LINT_DIRS := imageio libanprcap daemon tools
# Defines a component gives only some objects (target-specific flags).
LINT_DEFINES := -DANPR_READER_MODEL_SHA256='"0000000000000000000000000000000000000000000000000000000000000000"'
LINT_SRCS  = $(shell find $(LINT_DIRS) -name '*.c' 2>/dev/null | sort)

.PHONY: lint-cppcheck lint-clang-tidy
lint-cppcheck:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -D__GNUC__ -D_GNU_SOURCE $(LINT_DEFINES) \
		$(INCLUDES) $(LINT_SRCS)

# LINT_TIDY_FLAGS: include directories only clang-tidy needs, as -isystem
# (GStreamer's, for libanprcap/src/rtsp.c: cppcheck need not read them).
lint-clang-tidy:
	@bad=0; for f in $(LINT_SRCS); do \
		clang-tidy --quiet $$f -- $(CSTD) $(CPPFLAGS) $(LINT_DEFINES) $(INCLUDES) $(LINT_TIDY_FLAGS) 2>/dev/null || \
			{ echo "clang-tidy: $$f"; bad=$$((bad + 1)); }; \
	done; \
	if [ $$bad -ne 0 ]; then echo "clang-tidy: $$bad files with findings"; exit 1; fi

# The tree's own rules (scripts/lint-tree): no two headers of one name on
# the include path, no source file over 800 lines without saying why.
.PHONY: lint-tree
lint-tree:
	@scripts/lint-tree . $(filter -I%,$(INCLUDES))

LINT_TARGETS += lint-cppcheck lint-clang-tidy lint-tree
