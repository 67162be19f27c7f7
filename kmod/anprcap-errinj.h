/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anprcap: error injection (the error-injection controls, created only with
 * the module parameter error_inj=1). Pure logic: the caller holds the lock
 * that guards the struct (the sensor's @slock).
 */
#ifndef ANPRCAP_ERRINJ_H
#define ANPRCAP_ERRINJ_H

#include <linux/types.h>

/**
 * struct anprcap_errinj - faults the frame interrupt injects
 * @buf_errors:	video capture buffers still to be completed with
 *		VB2_BUF_STATE_ERROR (ANPRCAP_CID_ERRINJ_BUF_ERRORS)
 * @stall:	the sensor delivers no frame (ANPRCAP_CID_ERRINJ_STALL)
 * @stalled_frames: frames lost to the stall since @stall was last set
 */
struct anprcap_errinj {
	u32 buf_errors;
	bool stall;
	u64 stalled_frames;
};

/**
 * enum anprcap_fate - what becomes of an exposed frame
 * @ANPRCAP_FATE_DELIVER:	fill and complete its buffers
 * @ANPRCAP_FATE_BUF_ERROR:	complete its video buffer with
 *				VB2_BUF_STATE_ERROR, the others as usual
 * @ANPRCAP_FATE_STALLED:	take no buffer: the frame is lost
 */
enum anprcap_fate {
	ANPRCAP_FATE_DELIVER = 0,
	ANPRCAP_FATE_BUF_ERROR = 1,
	ANPRCAP_FATE_STALLED = 2,
};

void anprcap_errinj_set_stall(struct anprcap_errinj *ei, bool stall);
enum anprcap_fate anprcap_errinj_frame(struct anprcap_errinj *ei, bool video_buffer);

#endif /* ANPRCAP_ERRINJ_H */
