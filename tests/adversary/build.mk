# tests/adversary: the standing adversarial suite (docs/threat-model.md).
# Every tests/adversary/*.sh is one suite, adversary-<name>, run by make
# check as `tests/adversary/<name>.sh BUILD`; each attack asserts its exact
# verdict and exit status and prints TAP (tests/adversary/lib.sh).
include daemon/evidence/build.mk
ADVERSARY_PREREQS := $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify $(EV_FILL)
# hostile-inputs.sh and camera-host.sh run the daemons and tools themselves
ADVERSARY_PREREQS += $(BUILD)/bin/anprd $(BUILD)/bin/anprd-checkconf $(BUILD)/bin/anpr-upload \
	$(BUILD)/bin/anpr-read
# listeners.sh runs anpr-ingest and anpr-console on a private PostgreSQL
ADVERSARY_PREREQS += $(BUILD)/bin/anpr-ingest $(BUILD)/bin/anpr-console $(BUILD)/ingest/ingest_setup
SUITE_PREREQS += $(ADVERSARY_PREREQS)
$(foreach s,$(filter-out tests/adversary/lib.sh,$(sort $(wildcard tests/adversary/*.sh))),$(eval $(call add_suite,unit,adversary-$(basename $(notdir $(s))),$(s) $(BUILD))))
