/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lets KUnit suites written the upstream way run on a kernel built without
 * CONFIG_KUNIT (Debian's), together with the out-of-tree kunit.ko made by
 * tests/kunit/kunit-oot-prepare.sh. On a kernel with KUnit this header
 * changes nothing.
 */
#ifndef KUNIT_OOT_H
#define KUNIT_OOT_H
#include <linux/module.h>
#include <kunit/test.h>

#if !IS_ENABLED(CONFIG_KUNIT)
/* no module-loader support for .kunit_test_suites: run them from module_init */
#undef kunit_test_suites
#define kunit_test_suites(__suites...)						\
	static struct kunit_suite *__kunit_oot_suites[] = { __suites };		\
	static int __init kunit_oot_init(void)					\
	{									\
		return __kunit_test_suites_init(__kunit_oot_suites,		\
					ARRAY_SIZE(__kunit_oot_suites));	\
	}									\
	static void __exit kunit_oot_exit(void)					\
	{									\
		__kunit_test_suites_exit(__kunit_oot_suites,			\
					 ARRAY_SIZE(__kunit_oot_suites));	\
	}									\
	module_init(kunit_oot_init);						\
	module_exit(kunit_oot_exit)
#endif
#endif
