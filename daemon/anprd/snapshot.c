// SPDX-License-Identifier: MIT
/*
 * snapshot.c - record images: JPEG encoding of the plate patch and a
 * reduced overview, and the store that keeps them per read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr_image.h"
#include "anprd/snapshot.h"

/* Plate patch margin, as a share of the plate box on each side. */
#define PATCH_MARGIN	0.25

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void snapshot_take(struct snapshot *s, struct snapshot_scratch *sc, const uint8_t *px,
		   int width, int height, size_t stride, const int box[4], int quality)
{
	struct anpr_image im;
	char err[128];
	int mx = (int)(box[2] * PATCH_MARGIN), my = (int)(box[3] * PATCH_MARGIN);
	int x0 = clampi(box[0] - mx, 0, width - 1), y0 = clampi(box[1] - my, 0, height - 1);
	int x1 = clampi(box[0] + box[2] + mx, x0 + 1, width);
	int y1 = clampi(box[1] + box[3] + my, y0 + 1, height);
	int f = (width + SNAPSHOT_OVERVIEW_MAX_W - 1) / SNAPSHOT_OVERVIEW_MAX_W;
	int ow = width / f, oh = height / f;

	memset(s, 0, sizeof(*s));
	im.data = (uint8_t *)px + (size_t)y0 * stride + (size_t)x0;
	im.width = x1 - x0;
	im.height = y1 - y0;
	im.stride = stride;
	if (anpr_image_encode_jpeg(&im, quality, (uint8_t **)&s->patch, &s->patch_len, err,
				   sizeof(err)))
		s->patch = NULL;

	/* overview: box average over f x f, widths kept under the limit */
	if (ow < 1 || oh < 1)
		return;
	if (sc->cap < (size_t)ow * (size_t)oh) {
		free(sc->buf);
		sc->buf = malloc((size_t)ow * (size_t)oh);
		sc->cap = sc->buf ? (size_t)ow * (size_t)oh : 0;
		if (!sc->buf)
			return;
	}
	for (int y = 0; y < oh; y++) {
		for (int x = 0; x < ow; x++) {
			unsigned sum = 0;

			for (int dy = 0; dy < f; dy++) {
				const uint8_t *row = px + (size_t)(y * f + dy) * stride + (size_t)x * f;

				for (int dx = 0; dx < f; dx++)
					sum += row[dx];
			}
			sc->buf[(size_t)y * ow + x] = (uint8_t)((sum + (unsigned)(f * f) / 2) /
							       (unsigned)(f * f));
		}
	}
	im.data = sc->buf;
	im.width = ow;
	im.height = oh;
	im.stride = (size_t)ow;
	if (anpr_image_encode_jpeg(&im, quality, (uint8_t **)&s->overview, &s->overview_len,
				   err, sizeof(err)))
		s->overview = NULL;
}

void snapshot_free(struct snapshot *s)
{
	free(s->patch);
	free(s->overview);
	s->patch = s->overview = NULL;
	s->used = 0;
}

void snapshot_scratch_free(struct snapshot_scratch *sc)
{
	free(sc->buf);
	sc->buf = NULL;
	sc->cap = 0;
}

int snapshot_store_init(struct snapshot_store *st, int n)
{
	st->slots = calloc((size_t)n, sizeof(*st->slots));
	st->n = st->slots ? n : 0;
	st->tick = 0;
	return st->slots ? 0 : -1;
}

void snapshot_store_free(struct snapshot_store *st)
{
	for (int i = 0; i < st->n; i++)
		snapshot_free(&st->slots[i]);
	free(st->slots);
	st->slots = NULL;
	st->n = 0;
}

void snapshot_keep(struct snapshot_store *st, struct snapshot *s, int source,
		   uint64_t frame_seq, float x, float y, const struct ev_when *when,
		   const char *region)
{
	struct snapshot *slot = &st->slots[0];

	for (int i = 0; i < st->n; i++) {
		if (!st->slots[i].used) {
			slot = &st->slots[i];
			break;
		}
		if (st->slots[i].tick < slot->tick)
			slot = &st->slots[i];
	}
	snapshot_free(slot);	/* evicts the oldest when full */
	*slot = *s;
	s->patch = s->overview = NULL;	/* moved */
	slot->used = 1;
	slot->source = source;
	slot->frame_seq = frame_seq;
	slot->x = x;
	slot->y = y;
	slot->when = *when;
	snprintf(slot->region, sizeof(slot->region), "%s", region ? region : "auto");
	slot->tick = ++st->tick;
}

struct snapshot *snapshot_find(struct snapshot_store *st, int source, uint64_t frame_seq,
			       float x, float y)
{
	for (int i = 0; i < st->n; i++) {
		struct snapshot *s = &st->slots[i];

		if (s->used && s->source == source && s->frame_seq == frame_seq &&
		    s->x == x && s->y == y)
			return s;
	}
	return NULL;
}

void snapshot_disown(struct snapshot *s)
{
	s->patch = s->overview = NULL;
	s->used = 0;
}
