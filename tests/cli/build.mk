# tests/cli: the conventions every program keeps (issue 19): --version.
CLI_PROGS := anprd anprd-checkconf anpr-upload anpr-verify anpr-keygen anpr-status anpr-read \
	anpr-capture anpr-ingest anpr-db anpr-query anpr-audit
SUITE_PREREQS += $(addprefix $(BUILD)/bin/,$(CLI_PROGS))
$(eval $(call add_suite,unit,cli-version,tests/cli/version.sh $(BUILD)))
# anpr-status on status files written by the test: values, verdicts, --json
$(eval $(call add_suite,unit,cli-status,tests/cli/status.sh $(BUILD)))
