# The top Makefile includes */build.mk and tests/*/build.mk only; the
# reader's rules (library, tool, tests, benches) live beside its sources.
include daemon/reader/build.mk
