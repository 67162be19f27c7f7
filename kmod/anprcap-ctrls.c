// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: controls. Standard IDs where V4L2 has them (exposure, gain, test
 * pattern), the private ANPRCAP_CTRL_CLASS for the rest (uapi/anprcap.h).
 * Values the frame interrupt needs are copied into dev->cfg under @slock.
 * With error_inj=1, the error-injection controls too (as vivid's).
 */
#include <media/v4l2-ctrls.h>

#include "anprcap-core.h"

#define ANPRCAP_EXPOSURE_MIN_US	10
#define ANPRCAP_EXPOSURE_MAX_US	1000000
#define ANPRCAP_EXPOSURE_DEF_US	1000
#define ANPRCAP_GAIN_MAX_MDB	48000

static const char * const anprcap_pattern_menu[] = {
	"Moving Gradient",
	"Vertical Bars",
	"Flat Grey",
	NULL
};

static const char * const anprcap_trigger_menu[] = {
	"Free Running",
	"External",
	NULL
};

static struct anprcap_dev *ctrl_to_dev(struct v4l2_ctrl *ctrl)
{
	return container_of(ctrl->handler, struct anprcap_dev, ctrls);
}

static int anprcap_g_volatile_ctrl(struct v4l2_ctrl *ctrl)
{
	struct anprcap_dev *dev = ctrl_to_dev(ctrl);

	switch (ctrl->id) {
	case ANPRCAP_CID_FRAMES_DROPPED:
		*ctrl->p_new.p_s64 = atomic64_read(&dev->dropped_total);
		return 0;
	case ANPRCAP_CID_SENSOR_OVERRUNS:
		*ctrl->p_new.p_s64 = atomic64_read(&dev->overruns_total);
		return 0;
	case ANPRCAP_CID_ERRINJ_BUF_ERRORS:
		spin_lock_irq(&dev->slock);
		ctrl->val = dev->errinj.buf_errors;
		spin_unlock_irq(&dev->slock);
		return 0;
	default:
		return -EINVAL;
	}
}

/* the error-injection controls that the frame interrupt acts on */
static int anprcap_s_ctrl_errinj(struct anprcap_dev *dev, struct v4l2_ctrl *ctrl)
{
	bool was_stalled;
	u64 lost;

	spin_lock_irq(&dev->slock);
	was_stalled = dev->errinj.stall;
	if (ctrl->id == ANPRCAP_CID_ERRINJ_BUF_ERRORS)
		dev->errinj.buf_errors = ctrl->val;
	else
		anprcap_errinj_set_stall(&dev->errinj, ctrl->val);
	lost = dev->errinj.stalled_frames;
	spin_unlock_irq(&dev->slock);

	if (ctrl->id == ANPRCAP_CID_ERRINJ_BUF_ERRORS && ctrl->val)
		anprcap_dbg(1, dev, "the next %d video buffers get V4L2_BUF_FLAG_ERROR\n",
			    ctrl->val);
	else if (ctrl->val && !was_stalled)
		anprcap_dbg(1, dev, "sensor stalled (injected)\n");
	else if (!ctrl->val && was_stalled)
		anprcap_dbg(1, dev, "sensor stall cleared: %llu frames lost to it\n", lost);
	return 0;
}

/* called with the handler lock held; rebuilds the whole sensor config */
static int anprcap_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct anprcap_dev *dev = ctrl_to_dev(ctrl);
	struct anprcap_sensor_cfg cfg;

	switch (ctrl->id) {
	case ANPRCAP_CID_ERRINJ_BUF_ERRORS:
	case ANPRCAP_CID_ERRINJ_STALL:
		return anprcap_s_ctrl_errinj(dev, ctrl);
	case ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR:
	case ANPRCAP_CID_ERRINJ_STREAMON_ERROR:
		/* the value is the state: anprcap_ctrls_injected_error() */
		return 0;
	}

	spin_lock_irq(&dev->slock);
	cfg = dev->cfg;
	spin_unlock_irq(&dev->slock);

	switch (ctrl->id) {
	case V4L2_CID_EXPOSURE:
		cfg.exposure_us = ctrl->val;
		break;
	case V4L2_CID_GAIN:
		cfg.gain_mdb = ctrl->val;
		break;
	case V4L2_CID_TEST_PATTERN:
		cfg.pattern = ctrl->val;
		break;
	case ANPRCAP_CID_STROBE_ENABLE:
		cfg.strobe_enable = ctrl->val;
		break;
	case ANPRCAP_CID_STROBE_INTENSITY:
		cfg.strobe_intensity = ctrl->val;
		break;
	case ANPRCAP_CID_TRIGGER_MODE:
		cfg.trigger = ctrl->val;
		break;
	default:
		return -EINVAL;
	}
	anprcap_sensor_set_cfg(dev, &cfg);
	return 0;
}

static const struct v4l2_ctrl_ops anprcap_ctrl_ops = {
	.g_volatile_ctrl = anprcap_g_volatile_ctrl,
	.s_ctrl = anprcap_s_ctrl,
};

static const struct v4l2_ctrl_config anprcap_ctrl_class = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_CLASS,
	.name = "ANPR Controls",
	.type = V4L2_CTRL_TYPE_CTRL_CLASS,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY,
};

static const struct v4l2_ctrl_config anprcap_ctrl_strobe_enable = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_STROBE_ENABLE,
	.name = "IR Strobe Enable",
	.type = V4L2_CTRL_TYPE_BOOLEAN,
	.max = 1,
	.step = 1,
	.def = 1,
};

static const struct v4l2_ctrl_config anprcap_ctrl_strobe_intensity = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_STROBE_INTENSITY,
	.name = "IR Strobe Intensity",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = 100,
	.step = 1,
	.def = 50,
};

static const struct v4l2_ctrl_config anprcap_ctrl_trigger = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_TRIGGER_MODE,
	.name = "Trigger Mode",
	.type = V4L2_CTRL_TYPE_MENU,
	.max = ANPRCAP_TRIGGER_EXTERNAL,
	.def = ANPRCAP_TRIGGER_FREE_RUN,
	.qmenu = anprcap_trigger_menu,
};

static const struct v4l2_ctrl_config anprcap_ctrl_dropped = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_FRAMES_DROPPED,
	.name = "Frames Dropped",
	.type = V4L2_CTRL_TYPE_INTEGER64,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE,
	.max = S64_MAX,
	.step = 1,
};

static const struct v4l2_ctrl_config anprcap_ctrl_overruns = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_SENSOR_OVERRUNS,
	.name = "Sensor Overruns",
	.type = V4L2_CTRL_TYPE_INTEGER64,
	.flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_VOLATILE,
	.max = S64_MAX,
	.step = 1,
};

/*
 * Error injection. The buffer-error count reads back as the number still to
 * come (volatile), and a write of the same number arms it again (execute on
 * write).
 */
static const struct v4l2_ctrl_config anprcap_ctrl_buf_errors = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_ERRINJ_BUF_ERRORS,
	.name = "Inject Buffer Errors",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.flags = V4L2_CTRL_FLAG_VOLATILE | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
	.max = ANPRCAP_ERRINJ_MAX_BUF_ERRORS,
	.step = 1,
};

static const struct v4l2_ctrl_config anprcap_ctrl_stall = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_ERRINJ_STALL,
	.name = "Sensor Stall",
	.type = V4L2_CTRL_TYPE_BOOLEAN,
	.max = 1,
	.step = 1,
};

static const struct v4l2_ctrl_config anprcap_ctrl_queue_setup_error = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_ERRINJ_QUEUE_SETUP_ERROR,
	.name = "Queue Setup Error",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = ANPRCAP_ERRINJ_MAX_ERRNO,
	.step = 1,
};

static const struct v4l2_ctrl_config anprcap_ctrl_streamon_error = {
	.ops = &anprcap_ctrl_ops,
	.id = ANPRCAP_CID_ERRINJ_STREAMON_ERROR,
	.name = "Start Streaming Error",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.max = ANPRCAP_ERRINJ_MAX_ERRNO,
	.step = 1,
};

/**
 * anprcap_ctrls_injected_error() - take a one-shot injected failure
 * @dev:	the sensor
 * @ctrl:	@ctrl_queue_setup_error or @ctrl_streamon_error (NULL without
 *		error_inj: no failure)
 * @what:	the failing operation, for the debug message
 *
 * Called with @lock held, which every ioctl of the sensor's nodes holds
 * too, so no S_CTRL can come between reading the control and resetting it.
 * The control lock nests inside @lock (as in the ioctl path).
 *
 * Return: 0, or the negated errno the control held; the control is then 0.
 */
int anprcap_ctrls_injected_error(struct anprcap_dev *dev, struct v4l2_ctrl *ctrl,
				 const char *what)
{
	s32 err;

	lockdep_assert_held(&dev->lock);
	if (!ctrl)
		return 0;
	err = v4l2_ctrl_g_ctrl(ctrl);
	if (!err)
		return 0;
	v4l2_ctrl_s_ctrl(ctrl, 0);
	anprcap_dbg(1, dev, "%s fails with injected error %d\n", what, -err);
	return -err;
}

static void anprcap_ctrls_init_errinj(struct anprcap_dev *dev)
{
	struct v4l2_ctrl_handler *hdl = &dev->ctrls;

	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_buf_errors, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_stall, NULL);
	dev->ctrl_queue_setup_error =
		v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_queue_setup_error, NULL);
	dev->ctrl_streamon_error =
		v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_streamon_error, NULL);
}

int anprcap_ctrls_init(struct anprcap_dev *dev)
{
	struct v4l2_ctrl_handler *hdl = &dev->ctrls;

	v4l2_ctrl_handler_init(hdl, 13);
	v4l2_ctrl_new_std(hdl, &anprcap_ctrl_ops, V4L2_CID_EXPOSURE,
			  ANPRCAP_EXPOSURE_MIN_US, ANPRCAP_EXPOSURE_MAX_US, 1,
			  ANPRCAP_EXPOSURE_DEF_US);
	v4l2_ctrl_new_std(hdl, &anprcap_ctrl_ops, V4L2_CID_GAIN,
			  0, ANPRCAP_GAIN_MAX_MDB, 1, 0);
	v4l2_ctrl_new_std_menu_items(hdl, &anprcap_ctrl_ops, V4L2_CID_TEST_PATTERN,
				     ARRAY_SIZE(anprcap_pattern_menu) - 2, 0, 0,
				     anprcap_pattern_menu);
	/* the class control first, so the core does not try to make it */
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_class, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_strobe_enable, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_strobe_intensity, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_trigger, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_dropped, NULL);
	v4l2_ctrl_new_custom(hdl, &anprcap_ctrl_overruns, NULL);
	if (dev->error_inj)
		anprcap_ctrls_init_errinj(dev);
	if (hdl->error)
		return hdl->error;
	/* push the defaults into dev->cfg */
	return v4l2_ctrl_handler_setup(hdl);
}
