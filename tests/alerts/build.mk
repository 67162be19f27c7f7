# anpr-alerts, the terminal view of anprd's alert socket (issue 23).
$(eval $(call add_suite,unit,alerts-cli,tests/alerts/alerts-cli $(BUILD)))
