// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: metadata packing (kmod/anprcap-meta.c) and the test pattern
 * generator (kmod/anprcap-pattern.c), including the fixed uapi layout.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include "kunit_oot.h"
#include "../../kmod/anprcap-meta.c"
#include "../../kmod/anprcap-fmt.c"
#include "../../kmod/anprcap-pattern.c"

static void meta_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct anprcap_meta), (size_t)64);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, sequence), (size_t)8);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, flags), (size_t)12);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, soe_ns), (size_t)16);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, eoe_ns), (size_t)24);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, exposure_us), (size_t)32);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, gain_mdb), (size_t)36);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, strobe_intensity), (size_t)40);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, trigger), (size_t)44);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, frames_dropped), (size_t)48);
	KUNIT_EXPECT_EQ(test, offsetof(struct anprcap_meta, reserved), (size_t)56);
}

static void meta_pack_all_fields(struct kunit *test)
{
	struct anprcap_frame_info fi = {
		.sequence = 4242, .soe_ns = 123456789012ULL, .eoe_ns = 123457789012ULL,
		.exposure_us = 1000, .gain_mdb = 6000, .strobe_on = true,
		.strobe_intensity = 75, .trigger = ANPRCAP_TRIGGER_EXTERNAL,
		.injected = true, .video_dropped = false, .frames_dropped = 7,
	};
	struct anprcap_meta m;

	memset(&m, 0xa5, sizeof(m));	/* garbage must not leak through */
	anprcap_meta_pack(&m, &fi);
	KUNIT_EXPECT_EQ(test, m.magic, (u32)ANPRCAP_META_MAGIC);
	KUNIT_EXPECT_EQ(test, m.version, (u16)ANPRCAP_META_VERSION);
	KUNIT_EXPECT_EQ(test, m.size, (u16)64);
	KUNIT_EXPECT_EQ(test, m.sequence, 4242u);
	KUNIT_EXPECT_EQ(test, m.flags, ANPRCAP_META_FL_STROBE_ON | ANPRCAP_META_FL_INJECTED);
	KUNIT_EXPECT_EQ(test, m.soe_ns, 123456789012ULL);
	KUNIT_EXPECT_EQ(test, m.eoe_ns, 123457789012ULL);
	KUNIT_EXPECT_EQ(test, m.exposure_us, 1000u);
	KUNIT_EXPECT_EQ(test, m.gain_mdb, 6000u);
	KUNIT_EXPECT_EQ(test, m.strobe_intensity, 75u);
	KUNIT_EXPECT_EQ(test, m.trigger, (u32)ANPRCAP_TRIGGER_EXTERNAL);
	KUNIT_EXPECT_EQ(test, m.frames_dropped, 7ULL);
	KUNIT_EXPECT_EQ(test, m.reserved[0], 0u);
	KUNIT_EXPECT_EQ(test, m.reserved[1], 0u);
	KUNIT_EXPECT_EQ(test, memcmp("ANPM", &m.magic, 4), 0);
}

static void meta_pack_strobe_off_and_drop(struct kunit *test)
{
	struct anprcap_frame_info fi = {
		.strobe_on = false, .strobe_intensity = 75, .video_dropped = true,
		.frames_dropped = 1,
	};
	struct anprcap_meta m;

	anprcap_meta_pack(&m, &fi);
	KUNIT_EXPECT_EQ(test, m.flags, ANPRCAP_META_FL_VIDEO_DROPPED);
	KUNIT_EXPECT_EQ(test, m.strobe_intensity, 0u);
	KUNIT_EXPECT_EQ(test, m.frames_dropped, 1ULL);
}

static void pattern_levels(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_GRADIENT, 0, 640, 0), 0);
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_GRADIENT, 0, 640, 1),
			anprcap_pattern_level(ANPRCAP_PATTERN_GRADIENT, 8, 640, 0));
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_BARS, 0, 640, 5), 0);
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_BARS, 639, 640, 5), 0xffff);
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_FLAT, 17, 640, 5), 0x8000);
	KUNIT_EXPECT_EQ(test, anprcap_pattern_level(ANPRCAP_PATTERN_FLAT, 17, 0, 5), 0);
}

static void pattern_fill_formats(struct kunit *test)
{
	struct v4l2_pix_format pix = {
		.pixelformat = V4L2_PIX_FMT_Y10, .width = 320, .height = 240,
	};
	u8 *buf;
	u32 y, x;

	anprcap_fmt_try(&pix);
	buf = kunit_kzalloc(test, pix.sizeimage, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	anprcap_pattern_fill(buf, &pix, ANPRCAP_PATTERN_BARS, 0);
	/* Y10: little-endian, at most 1023 */
	KUNIT_EXPECT_EQ(test, buf[0] | buf[1] << 8, 0);
	x = pix.width - 1;
	KUNIT_EXPECT_EQ(test, buf[2 * x] | buf[2 * x + 1] << 8, 1023);
	for (y = 1; y < pix.height; y++)
		KUNIT_ASSERT_EQ(test, memcmp(buf, buf + y * pix.bytesperline,
					     pix.bytesperline), 0);

	pix.pixelformat = V4L2_PIX_FMT_GREY;
	anprcap_fmt_try(&pix);
	anprcap_pattern_fill(buf, &pix, ANPRCAP_PATTERN_FLAT, 3);
	KUNIT_EXPECT_EQ(test, buf[0], 0x80);
	KUNIT_EXPECT_EQ(test, buf[pix.sizeimage - 1], 0x80);
}

static struct kunit_case anprcap_meta_cases[] = {
	KUNIT_CASE(meta_layout_is_fixed),
	KUNIT_CASE(meta_pack_all_fields),
	KUNIT_CASE(meta_pack_strobe_off_and_drop),
	KUNIT_CASE(pattern_levels),
	KUNIT_CASE(pattern_fill_formats),
	{}
};

static struct kunit_suite anprcap_meta_suite = {
	.name = "anprcap_meta",
	.test_cases = anprcap_meta_cases,
};

kunit_test_suite(anprcap_meta_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for anprcap metadata packing and test patterns");
