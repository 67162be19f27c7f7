# The one place that picks the kernel we build the driver for and boot in the
# VM tests. Headers and image must share this ABI (modversions), and
# linux-source must be the same upstream release (out-of-tree kunit.ko).
# Never `uname -r`: the build host runs an unrelated kernel without headers.
KVER        ?= 6.1.0-56-amd64
KPKGVER     ?= 6.1.192-2
KDIR        ?= /usr/src/linux-headers-$(KVER)
