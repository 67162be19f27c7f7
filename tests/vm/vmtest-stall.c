// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap-vmtest: guest stall detector. Under TCG the host may stop a vCPU
 * (another process runs on the host core); the guest's clock keeps going, so
 * a frame interrupt on that vCPU runs late and its frame's timestamp is late
 * although the driver did nothing wrong. One thread per CPU sleeps 1 ms at a
 * time and records every oversleep of more than VT_STALL_MIN_NS, so the
 * streaming tests can tell such a stall from a driver error.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vmtest.h"

#define VT_STALL_MAX_CPUS	8
#define VT_STALL_MAX		8192
#define VT_STALL_SLEEP_NS	1000000ULL
#define VT_STALL_MIN_NS		2000000ULL	/* oversleep that counts as a stall */

struct vt_stall_cpu {
	pthread_t thread;
	int cpu;
	unsigned int n;
	uint64_t start_ns[VT_STALL_MAX];
	uint64_t end_ns[VT_STALL_MAX];
};

static struct vt_stall_cpu vt_stall_cpus[VT_STALL_MAX_CPUS];
static unsigned int vt_stall_ncpus;
static atomic_int vt_stall_run;

static void *vt_stall_thread(void *arg)
{
	struct vt_stall_cpu *c = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (atomic_load(&vt_stall_run)) {
		struct timespec d = { 0, VT_STALL_SLEEP_NS };
		uint64_t t0 = vt_now_ns(), t1;

		nanosleep(&d, NULL);
		t1 = vt_now_ns();
		if (t1 - t0 > VT_STALL_SLEEP_NS + VT_STALL_MIN_NS && c->n < VT_STALL_MAX) {
			c->start_ns[c->n] = t0 + VT_STALL_SLEEP_NS;
			c->end_ns[c->n] = t1;
			c->n++;
		}
	}
	return NULL;
}

/* start one sleeper per online CPU (at most 8); 0 or -1 */
int vt_stall_start(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i;

	if (n < 1)
		n = 1;
	vt_stall_ncpus = n > VT_STALL_MAX_CPUS ? VT_STALL_MAX_CPUS : (unsigned int)n;
	atomic_store(&vt_stall_run, 1);
	for (i = 0; i < vt_stall_ncpus; i++) {
		struct vt_stall_cpu *c = &vt_stall_cpus[i];

		c->cpu = i;
		c->n = 0;
		if (pthread_create(&c->thread, NULL, vt_stall_thread, c)) {
			vt_stall_ncpus = i;
			vt_stall_stop();
			return vt_fail("stall detector: pthread_create failed");
		}
	}
	return 0;
}

void vt_stall_stop(void)
{
	unsigned int i;

	atomic_store(&vt_stall_run, 0);
	for (i = 0; i < vt_stall_ncpus; i++)
		pthread_join(vt_stall_cpus[i].thread, NULL);
}

/* the longest stall any CPU saw that overlaps [from_ns, to_ns]; 0 if none */
uint64_t vt_stall_max(uint64_t from_ns, uint64_t to_ns)
{
	uint64_t best = 0;
	unsigned int i, j;

	for (i = 0; i < vt_stall_ncpus; i++) {
		const struct vt_stall_cpu *c = &vt_stall_cpus[i];

		for (j = 0; j < c->n; j++)
			if (c->end_ns[j] >= from_ns && c->start_ns[j] <= to_ns &&
			    c->end_ns[j] - c->start_ns[j] > best)
				best = c->end_ns[j] - c->start_ns[j];
	}
	return best;
}

/* stalls seen on all CPUs since vt_stall_start(), and the longest */
unsigned int vt_stall_count(uint64_t *longest_ns)
{
	unsigned int i, n = 0;

	for (i = 0; i < vt_stall_ncpus; i++)
		n += vt_stall_cpus[i].n;
	*longest_ns = vt_stall_max(0, UINT64_MAX);
	return n;
}
