# Build helpers that each component's build.mk calls. Outputs:
#   build/obj/<src>.o        release objects   (-O2 -g -fPIC)
#   build/asan/obj/<src>.o   test objects      (ASan + UBSan)
#   build/lib/libNAME.a      release static library  (build/asan/lib for tests)
#   build/bin/NAME           programs
#   build/test/NAME          unit-test programs (ASan + UBSan, cmocka)
#
#   $(eval $(call add_lib,NAME,SOURCES))
#   $(eval $(call add_prog,NAME,SOURCES,LIBS,LDLIBS))     LIBS: our lib names,
#   $(eval $(call add_test,NAME,SOURCES,LIBS,LDLIBS))       users before used
#   $(eval $(call add_suite,KIND,NAME,COMMAND))   KIND: unit | vm | e2e
#   $(eval $(call add_bench,NAME,COMMAND))
# A suite's COMMAND runs from the top directory and prints TAP lines
# ("ok ..." / "not ok ..."); tests/run-suites counts them.

ALL_LIBS      :=
ALL_PROGS     :=
ALL_TESTS     :=
ALL_DATA      :=
SUITE_PREREQS :=
SUITES_BESIDE :=
BENCH_PREREQS :=
LINT_TARGETS  :=
FUZZ_TARGETS  :=
INSTALL_TARGETS :=
DISTCLEAN_TARGETS :=
SUITE_LINES_unit :=
SUITE_LINES_vm :=
SUITE_LINES_e2e :=
BENCH_LINES   :=
define NL


endef
TAB := $(shell printf '\t')

obj_of  = $(patsubst %.c,$(BUILD)/obj/%.o,$(patsubst %.cc,$(BUILD)/obj/%.o,$(1)))
aobj_of = $(patsubst %.c,$(BUILD)/asan/obj/%.o,$(patsubst %.cc,$(BUILD)/asan/obj/%.o,$(1)))
lib_of  = $(foreach l,$(1),$(BUILD)/lib/lib$(l).a)
alib_of = $(foreach l,$(1),$(BUILD)/asan/lib/lib$(l).a)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPTFLAGS) $(WARN) $(CPPFLAGS) $(INCLUDES) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(SANFLAGS) $(WARN) $(CPPFLAGS) $(INCLUDES) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXSTD) $(OPTFLAGS) $(WARN) $(CPPFLAGS) $(INCLUDES) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CXXSTD) $(SANFLAGS) $(WARN) $(CPPFLAGS) $(INCLUDES) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

define add_lib
ALL_LIBS += $(BUILD)/lib/lib$(1).a
$(BUILD)/lib/lib$(1).a: $(call obj_of,$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	$(AR) rcs $$@ $$^
$(BUILD)/asan/lib/lib$(1).a: $(call aobj_of,$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef

define add_prog
ALL_PROGS += $(BUILD)/bin/$(1)
$(BUILD)/bin/$(1): $(call obj_of,$(2)) $(call lib_of,$(3))
	@mkdir -p $$(@D)
	$(CC) $(OPTFLAGS) -o $$@ $(call obj_of,$(2)) $(call lib_of,$(3)) $(LDFLAGS) $(4)
endef

define add_test
ALL_TESTS += $(BUILD)/test/$(1)
$(BUILD)/test/$(1): $(call aobj_of,$(2)) $(call alib_of,$(3))
	@mkdir -p $$(@D)
	$(CC) $(SANFLAGS) -o $$@ $(call aobj_of,$(2)) $(call alib_of,$(3)) $(LDFLAGS) $(4) -lcmocka
SUITE_LINES_unit += $(1)$(TAB)env CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/test/$(1)$$(NL)
endef

define add_suite
SUITE_LINES_$(1) += $(2)$(TAB)$(3)$$(NL)
endef

define add_bench
BENCH_LINES += $(1)$(TAB)$(2)$$(NL)
endef
