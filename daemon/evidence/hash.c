/* SPDX-License-Identifier: MIT */
/*
 * hash.c - SHA-256, hex, the RFC 6962 Merkle tree hash, and the clock state
 * from adjtimex.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

#include <sodium.h>

#include "evidence/evidence.h"

void ev_sha256(const void *buf, size_t len, uint8_t out[EV_HASH_LEN])
{
	crypto_hash_sha256(out, buf, len);
}

void ev_hex(const uint8_t *bin, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[bin[i] >> 4];
		out[2 * i + 1] = d[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

int ev_unhex(const char *hex, uint8_t *bin, size_t len)
{
	for (size_t i = 0; i < 2 * len; i++) {
		char c = hex[i];
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return EV_EFORMAT;
		if (i % 2 == 0)
			bin[i / 2] = (uint8_t)(v << 4);
		else
			bin[i / 2] |= (uint8_t)v;
	}
	return hex[2 * len] == '\0' ? 0 : EV_EFORMAT;
}

int ev_sha256_file(const char *path, uint8_t out[EV_HASH_LEN], char *err,
		   size_t errlen)
{
	crypto_hash_sha256_state st;
	uint8_t buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat sb;

	if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return EV_EIO;
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return EV_EIO;
	}
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: read error: %s", path,
				 strerror(errno));
			close(fd);
			return EV_EIO;
		}
		crypto_hash_sha256_update(&st, buf, (size_t)n);
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	return 0;
}

static void merkle(const uint8_t (*l)[EV_HASH_LEN], size_t n,
		   uint8_t out[EV_HASH_LEN])
{
	crypto_hash_sha256_state st;
	uint8_t pfx, left[EV_HASH_LEN], right[EV_HASH_LEN];
	size_t k = 1;

	crypto_hash_sha256_init(&st);
	if (n == 1) {
		pfx = EV_MERKLE_LEAF_PREFIX;
		crypto_hash_sha256_update(&st, &pfx, 1);
		crypto_hash_sha256_update(&st, l[0], EV_HASH_LEN);
		crypto_hash_sha256_final(&st, out);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	merkle(l, k, left);
	merkle(l + k, n - k, right);
	pfx = EV_MERKLE_NODE_PREFIX;
	crypto_hash_sha256_update(&st, &pfx, 1);
	crypto_hash_sha256_update(&st, left, EV_HASH_LEN);
	crypto_hash_sha256_update(&st, right, EV_HASH_LEN);
	crypto_hash_sha256_final(&st, out);
}

void ev_merkle_root(const uint8_t (*leaves)[EV_HASH_LEN], size_t n,
		    uint8_t out[EV_HASH_LEN])
{
	if (n == 0) {
		crypto_hash_sha256(out, (const uint8_t *)"", 0);
		return;
	}
	merkle(leaves, n, out);
}

void ev_clock_from_timex(int ret, int status, long esterror, long maxerror,
			 struct ev_clock *out)
{
	out->synced = ret >= 0 && ret != TIME_ERROR && !(status & STA_UNSYNC);
	out->esterror_us = esterror > 0 ? (uint64_t)esterror : 0;
	out->maxerror_us = maxerror > 0 ? (uint64_t)maxerror : 0;
}

int ev_clock_sample(struct ev_clock *out)
{
	struct timex tx;
	int ret;

	memset(&tx, 0, sizeof tx);
	ret = adjtimex(&tx);
	ev_clock_from_timex(ret, tx.status, tx.esterror, tx.maxerror, out);
	return ret < 0 ? EV_EIO : 0;
}

void ev_now_system(void *ctx, struct ev_when *out)
{
	struct timespec m;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &out->utc);
	clock_gettime(CLOCK_MONOTONIC, &m);
	out->mono_ns = (uint64_t)m.tv_sec * 1000000000ULL +
		       (uint64_t)m.tv_nsec;
	ev_clock_sample(&out->clock);
	/* the host's clock read now: no frame, so no capture clock of its
	 * own (a caller stamping a frame sets these) */
	out->capclk = EV_CAPCLK_UNKNOWN;
	out->clocks_disagree = false;
}
