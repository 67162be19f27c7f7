# tests/evidence: unit tests and CLI suites for issue 6.
include daemon/evidence/build.mk
