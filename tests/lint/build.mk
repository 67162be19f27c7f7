# tests/lint: make lint's tree rules (scripts/lint-tree) can fail, and the
# tree passes them (issue 22).
$(eval $(call add_suite,unit,lint-tree,tests/lint/lint-tree.sh))
