# backoffice/policy: the access tiers by age (issue 20, docs/access.md),
# pure logic; the database's search functions apply the same table.
ifndef POLICY_BUILD_MK
POLICY_BUILD_MK := 1
$(eval $(call add_lib,anprpolicy,backoffice/policy/policy.c))
LINT_DIRS += backoffice/policy
endif
