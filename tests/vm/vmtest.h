/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap-vmtest: user-space tests of the anprcap driver, run inside the
 * test VM by tests/vm/init.sh. Every failure names the device and reason.
 */
#ifndef VMTEST_H
#define VMTEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/videodev2.h>
#include "../../kmod/uapi/anprcap.h"

#define VT_MAX_BUFS 32

struct vt_buf {
	void *ptr;
	size_t len;
};

/* one opened node with its mmapped buffers */
struct vt_node {
	const char *path;
	int fd;
	enum v4l2_buf_type type;
	unsigned int nbufs;
	struct vt_buf bufs[VT_MAX_BUFS];
};

int vt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vt_ioctl(struct vt_node *n, unsigned long req, void *arg, const char *what);
int vt_open(struct vt_node *n, const char *path, enum v4l2_buf_type type, int nonblock);
void vt_close(struct vt_node *n);
int vt_set_fmt(struct vt_node *cap, uint32_t fourcc, uint32_t w, uint32_t h,
	       struct v4l2_pix_format *out);
int vt_set_fps(struct vt_node *cap, unsigned int fps);
int vt_set_ctrl(struct vt_node *n, uint32_t id, int32_t val);
int vt_get_ctrl64(struct vt_node *n, uint32_t id, int64_t *val);
int vt_reqbufs(struct vt_node *n, unsigned int count);
int vt_qbuf(struct vt_node *n, unsigned int index, uint32_t bytesused);
int vt_dqbuf(struct vt_node *n, struct v4l2_buffer *b);
int vt_streamon(struct vt_node *n);
int vt_streamoff(struct vt_node *n);
uint64_t vt_now_ns(void);
uint64_t vt_buf_ns(const struct v4l2_buffer *b);
void vt_gen_frame(uint8_t *dst, size_t len, uint32_t index);
int vt_map_frames(const char *path, size_t frame_len, const uint8_t **data, size_t *frames);

int vt_stall_start(void);
void vt_stall_stop(void);
uint64_t vt_stall_max(uint64_t from_ns, uint64_t to_ns);
unsigned int vt_stall_count(uint64_t *longest_ns);

int vt_cmd_api(int argc, char **argv);
int vt_cmd_loopback(int argc, char **argv);
int vt_cmd_freerun(int argc, char **argv);
int vt_cmd_bench(int argc, char **argv);
int vt_cmd_hold(int argc, char **argv);
int vt_cmd_hostile(int argc, char **argv);
int vt_cmd_inject(int argc, char **argv);
int vt_cmd_match(int argc, char **argv);
int vt_cmd_frames(int argc, char **argv);
int vt_cmd_bigbuf(int argc, char **argv);
int vt_cmd_errinj(int argc, char **argv);
int vt_cmd_noerrinj(int argc, char **argv);

#endif /* VMTEST_H */
