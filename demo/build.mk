# make demo: the README's first command (see demo/run-demo).
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/bin/anprd $(BUILD)/bin/anpr-keygen $(BUILD)/bin/anpr-verify
	@demo/run-demo
