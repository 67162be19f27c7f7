# Toolchain and flags shared by every user-space component.
VERSION     := 0.1.0
BUILD       ?= build
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/anpr
SYSCONFDIR  ?= /etc
UDEVDIR     ?= /usr/lib/udev/rules.d
UNITDIR     ?= /usr/lib/systemd/system

CC          := gcc
CXX         := g++
AR          := ar
CLANG       := clang

WARN        := -Wall -Wextra -Werror
CSTD        := -std=gnu11
CXXSTD      := -std=gnu++17
# Release build: what ships and what benchmarks measure.
OPTFLAGS    := -O2 -g -fPIC
# Test build: every unit test runs under AddressSanitizer and UBSan, and any
# report is fatal.
SANFLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
DEPFLAGS     = -MMD -MP -MF $(@:.o=.d)
# The include path holds roots, not modules: a daemon or back-office
# header is named with its module, #include "core/config.h",
# "evidence/evidence.h", "store/anprstore.h", so no two headers can be
# confused (scripts/lint-tree checks it). Public headers of the libraries
# (libanprcap/include, imageio) are added by their build.mk.
INCLUDES    := -Idaemon -Ibackoffice
CPPFLAGS    += -D_GNU_SOURCE -DANPR_VERSION='"$(VERSION)"'
FUZZ_SECONDS ?= 60
