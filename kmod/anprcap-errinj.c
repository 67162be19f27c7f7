// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the fate of each exposed frame under error injection (pure
 * logic, tested by KUnit). The frame interrupt asks anprcap_errinj_frame()
 * once per exposed frame, with @slock held.
 */
#include "anprcap-errinj.h"

/**
 * anprcap_errinj_set_stall() - stall the sensor or let it run again
 * @ei:		the error-injection state
 * @stall:	true to stall
 *
 * Setting the stall starts a new count of the frames it loses; clearing it
 * keeps the count, so the count can be read (and logged) after the stall.
 */
void anprcap_errinj_set_stall(struct anprcap_errinj *ei, bool stall)
{
	if (stall && !ei->stall)
		ei->stalled_frames = 0;
	ei->stall = stall;
}

/**
 * anprcap_errinj_frame() - decide the fate of one exposed frame
 * @ei:			the error-injection state
 * @video_buffer:	a video capture buffer is queued for this frame
 *
 * A stall wins over a buffer error and consumes none: the buffers stay
 * queued for the frames after the stall. A buffer error is consumed only
 * by a frame that has a video buffer to mark, so that N injected errors
 * always give N buffers flagged V4L2_BUF_FLAG_ERROR, whatever frames were
 * dropped for want of a buffer in between.
 *
 * Return: the frame's fate.
 */
enum anprcap_fate anprcap_errinj_frame(struct anprcap_errinj *ei, bool video_buffer)
{
	if (ei->stall) {
		ei->stalled_frames++;
		return ANPRCAP_FATE_STALLED;
	}
	if (video_buffer && ei->buf_errors) {
		ei->buf_errors--;
		return ANPRCAP_FATE_BUF_ERROR;
	}
	return ANPRCAP_FATE_DELIVER;
}
