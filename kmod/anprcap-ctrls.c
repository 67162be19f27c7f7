// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: controls. Standard IDs where V4L2 has them (exposure, gain, test
 * pattern), the private ANPRCAP_CTRL_CLASS for the rest (uapi/anprcap.h).
 * Values the frame interrupt needs are copied into dev->cfg under @slock.
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
	default:
		return -EINVAL;
	}
}

/* called with the handler lock held; rebuilds the whole sensor config */
static int anprcap_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct anprcap_dev *dev = ctrl_to_dev(ctrl);
	struct anprcap_sensor_cfg cfg;

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

int anprcap_ctrls_init(struct anprcap_dev *dev)
{
	struct v4l2_ctrl_handler *hdl = &dev->ctrls;

	v4l2_ctrl_handler_init(hdl, 9);
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
	if (hdl->error)
		return hdl->error;
	/* push the defaults into dev->cfg */
	return v4l2_ctrl_handler_setup(hdl);
}
