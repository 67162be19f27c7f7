/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: the one place for kernel-version-specific API. The driver is
 * developed against Debian's 6.1; these wrappers keep it building on 6.8+
 * (vb2 min_queued_buffers) and 6.11+ (void platform remove), 6.13+
 * (hrtimer_setup) and 6.15+ (no vb2 wait_prepare/wait_finish).
 */
#ifndef ANPRCAP_COMPAT_H
#define ANPRCAP_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>
#include <media/videobuf2-v4l2.h>

#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define anprcap_vb2_set_min_queued(q, n)	((q)->min_buffers_needed = (n))
#else
#define anprcap_vb2_set_min_queued(q, n)	((q)->min_queued_buffers = (n))
#endif

#if KERNEL_VERSION(6, 15, 0) > LINUX_VERSION_CODE
#define ANPRCAP_VB2_WAIT_OPS			\
	.wait_prepare = vb2_ops_wait_prepare,	\
	.wait_finish = vb2_ops_wait_finish,
#else
#define ANPRCAP_VB2_WAIT_OPS
#endif

/* platform_driver.remove returns void since 6.11: return ANPRCAP_REMOVE_OK */
#if KERNEL_VERSION(6, 11, 0) > LINUX_VERSION_CODE
#define ANPRCAP_REMOVE_RET	int
#define ANPRCAP_REMOVE_OK	0
#else
#define ANPRCAP_REMOVE_RET	void
#define ANPRCAP_REMOVE_OK
#endif

static inline void anprcap_hrtimer_setup(struct hrtimer *t,
					 enum hrtimer_restart (*fn)(struct hrtimer *))
{
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	t->function = fn;
#else
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
#endif
}

#endif /* ANPRCAP_COMPAT_H */
