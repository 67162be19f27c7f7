// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: format negotiation (TRY_FMT clamping, frame sizes, frame rates) of
 * kmod/anprcap-fmt.c, included here so the test needs no device.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "kunit_oot.h"
#include "../../kmod/anprcap-fmt.c"

static bool inject_failure;
module_param(inject_failure, bool, 0444);
MODULE_PARM_DESC(inject_failure, "add a deliberately failing expectation");

static struct v4l2_pix_format try(u32 fourcc, u32 w, u32 h)
{
	struct v4l2_pix_format pix = {
		.pixelformat = fourcc, .width = w, .height = h,
		.bytesperline = 12345, .sizeimage = 1, .field = V4L2_FIELD_INTERLACED,
	};

	anprcap_fmt_try(&pix);
	return pix;
}

static void fmt_unknown_fourcc_is_grey(struct kunit *test)
{
	struct v4l2_pix_format pix = try(V4L2_PIX_FMT_RGB24, 640, 480);

	KUNIT_EXPECT_EQ(test, pix.pixelformat, (u32)V4L2_PIX_FMT_GREY);
	KUNIT_EXPECT_EQ(test, pix.bytesperline, 640u);
	KUNIT_EXPECT_EQ(test, pix.field, (u32)V4L2_FIELD_NONE);
	KUNIT_EXPECT_EQ(test, pix.colorspace, (u32)V4L2_COLORSPACE_RAW);
	if (inject_failure)
		KUNIT_EXPECT_EQ_MSG(test, pix.bytesperline, 641u, "deliberate failure");
}

static void fmt_rounds_down_to_step(struct kunit *test)
{
	struct v4l2_pix_format pix = try(V4L2_PIX_FMT_GREY, 1001, 1003);

	KUNIT_EXPECT_EQ(test, pix.width, 992u);
	KUNIT_EXPECT_EQ(test, pix.height, 1000u);
	pix = try(V4L2_PIX_FMT_Y16, 1920, 1080);
	KUNIT_EXPECT_EQ(test, pix.width, 1920u);
	KUNIT_EXPECT_EQ(test, pix.height, 1080u);
	pix = try(V4L2_PIX_FMT_GREY, 335, 247);
	KUNIT_EXPECT_EQ(test, pix.width, 320u);
	KUNIT_EXPECT_EQ(test, pix.height, 240u);
}

static void fmt_clamps_to_range(struct kunit *test)
{
	struct v4l2_pix_format pix = try(V4L2_PIX_FMT_Y10, 0, 0);

	KUNIT_EXPECT_EQ(test, pix.width, 320u);
	KUNIT_EXPECT_EQ(test, pix.height, 240u);
	pix = try(V4L2_PIX_FMT_Y10, 5000, 4000);
	KUNIT_EXPECT_EQ(test, pix.width, 2048u);
	KUNIT_EXPECT_EQ(test, pix.height, 1536u);
	pix = try(V4L2_PIX_FMT_Y10, U32_MAX, U32_MAX);
	KUNIT_EXPECT_EQ(test, pix.width, 2048u);
	KUNIT_EXPECT_EQ(test, pix.height, 1536u);
}

static void fmt_bytesperline_and_size(struct kunit *test)
{
	struct v4l2_pix_format pix = try(V4L2_PIX_FMT_GREY, 2048, 1536);

	KUNIT_EXPECT_EQ(test, pix.bytesperline, 2048u);
	KUNIT_EXPECT_EQ(test, pix.sizeimage, 2048u * 1536);
	pix = try(V4L2_PIX_FMT_Y10, 640, 480);
	KUNIT_EXPECT_EQ(test, pix.bytesperline, 1280u);
	KUNIT_EXPECT_EQ(test, pix.sizeimage, 1280u * 480);
	pix = try(V4L2_PIX_FMT_Y16, 2048, 1536);
	KUNIT_EXPECT_EQ(test, pix.bytesperline, 4096u);
	KUNIT_EXPECT_EQ(test, pix.sizeimage, 4096u * 1536);
}

/* every result of TRY_FMT is itself a valid size and a fixed point */
static void fmt_try_is_idempotent(struct kunit *test)
{
	u32 w, h;

	for (w = 0; w < 2200; w += 37) {
		for (h = 0; h < 1700; h += 41) {
			struct v4l2_pix_format a = try(V4L2_PIX_FMT_Y16, w, h);
			struct v4l2_pix_format b = a;

			anprcap_fmt_try(&b);
			KUNIT_ASSERT_TRUE(test, anprcap_fmt_size_valid(a.width, a.height));
			KUNIT_ASSERT_EQ(test, a.width, b.width);
			KUNIT_ASSERT_EQ(test, a.height, b.height);
			KUNIT_ASSERT_EQ(test, a.sizeimage, b.sizeimage);
		}
	}
}

static void fmt_size_valid(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, anprcap_fmt_size_valid(320, 240));
	KUNIT_EXPECT_TRUE(test, anprcap_fmt_size_valid(2048, 1536));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_size_valid(2064, 1536));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_size_valid(640, 484));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_size_valid(304, 240));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_size_valid(648, 480));
}

static void fmt_table(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, anprcap_fmt_by_index(0)->fourcc, (u32)V4L2_PIX_FMT_GREY);
	KUNIT_EXPECT_EQ(test, anprcap_fmt_by_index(1)->fourcc, (u32)V4L2_PIX_FMT_Y10);
	KUNIT_EXPECT_EQ(test, anprcap_fmt_by_index(2)->fourcc, (u32)V4L2_PIX_FMT_Y16);
	KUNIT_EXPECT_NULL(test, anprcap_fmt_by_index(3));
	KUNIT_EXPECT_NULL(test, anprcap_fmt_find(V4L2_PIX_FMT_YUYV));
	KUNIT_EXPECT_EQ(test, anprcap_fmt_find(V4L2_PIX_FMT_Y10)->depth, 10);
}

static unsigned int fps(u32 n, u32 d)
{
	struct v4l2_fract f = { .numerator = n, .denominator = d };

	return anprcap_fps_from_fract(&f, ANPRCAP_MAX_FPS);
}

/* S_FMT of the sensor's own format is allowed while the other node is busy */
static void fmt_same_after_try(struct kunit *test)
{
	struct v4l2_pix_format a = try(V4L2_PIX_FMT_Y16, 1920, 1080);
	struct v4l2_pix_format b = try(V4L2_PIX_FMT_Y16, 1927, 1087);	/* rounds down */
	struct v4l2_pix_format c = try(V4L2_PIX_FMT_Y10, 1920, 1080);
	struct v4l2_pix_format d = try(V4L2_PIX_FMT_Y16, 1920, 1088);

	KUNIT_EXPECT_TRUE(test, anprcap_fmt_same(&a, &b));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_same(&a, &c));
	KUNIT_EXPECT_FALSE(test, anprcap_fmt_same(&a, &d));
	d = try(V4L2_PIX_FMT_Y16, 1920, 1080);
	KUNIT_EXPECT_TRUE(test, anprcap_fmt_same(&a, &d));
}

/* a sensor loaded with max_fps=N never runs faster, default included */
static void fps_max_fps(struct kunit *test)
{
	struct v4l2_fract f = { 1, 60 }, z = { 0, 0 }, slow = { 1, 1 };

	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&f, 2), 2u);
	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&z, 2), 2u);
	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&z, 45), 30u);
	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&slow, 2), 1u);
	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&f, 0), 1u);	/* out of range */
	KUNIT_EXPECT_EQ(test, anprcap_fps_from_fract(&f, 99), 60u);
}

static void fps_rounding_and_clamping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fps(1, 30), 30u);
	KUNIT_EXPECT_EQ(test, fps(1001, 30000), 30u);	/* 29.97 */
	KUNIT_EXPECT_EQ(test, fps(2, 49), 25u);		/* 24.5 rounds up */
	KUNIT_EXPECT_EQ(test, fps(1, 100), 60u);
	KUNIT_EXPECT_EQ(test, fps(5, 1), 1u);
	KUNIT_EXPECT_EQ(test, fps(0, 0), 30u);
	KUNIT_EXPECT_EQ(test, fps(1, 0), 30u);
	KUNIT_EXPECT_EQ(test, fps(0, 7), 30u);
	KUNIT_EXPECT_EQ(test, fps(U32_MAX, 1), 1u);
	KUNIT_EXPECT_EQ(test, fps(1, U32_MAX), 60u);
	KUNIT_EXPECT_EQ(test, fps(U32_MAX, U32_MAX), 1u);
}

static void fps_to_interval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, anprcap_fps_to_ns(30), 33333333ULL);
	KUNIT_EXPECT_EQ(test, anprcap_fps_to_ns(60), 16666666ULL);
	KUNIT_EXPECT_EQ(test, anprcap_fps_to_ns(1), 1000000000ULL);
	KUNIT_EXPECT_EQ(test, anprcap_fps_to_ns(0), 1000000000ULL);
	KUNIT_EXPECT_EQ(test, anprcap_fps_to_ns(1000), 16666666ULL);
}

static struct kunit_case anprcap_fmt_cases[] = {
	KUNIT_CASE(fmt_unknown_fourcc_is_grey),
	KUNIT_CASE(fmt_rounds_down_to_step),
	KUNIT_CASE(fmt_clamps_to_range),
	KUNIT_CASE(fmt_bytesperline_and_size),
	KUNIT_CASE(fmt_try_is_idempotent),
	KUNIT_CASE(fmt_size_valid),
	KUNIT_CASE(fmt_table),
	KUNIT_CASE(fmt_same_after_try),
	KUNIT_CASE(fps_max_fps),
	KUNIT_CASE(fps_rounding_and_clamping),
	KUNIT_CASE(fps_to_interval),
	{}
};

static struct kunit_suite anprcap_fmt_suite = {
	.name = "anprcap_fmt",
	.test_cases = anprcap_fmt_cases,
};

kunit_test_suite(anprcap_fmt_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for anprcap format negotiation");
