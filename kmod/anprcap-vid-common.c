// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: what the driver's three nodes have in common (the counterpart of
 * vivid-vid-common.c): the vb2 queue set-up with the sensor's allocator.
 */
#include <linux/gfp.h>
#include <media/videobuf2-dma-contig.h>
#include <media/videobuf2-vmalloc.h>

#include "anprcap.h"
#include "anprcap-compat.h"
#include "anprcap-vid-common.h"

/**
 * anprcap_queue_init() - set up and initialise one node's vb2 queue
 * @dev:	the sensor
 * @q:		the queue
 * @type:	its buffer type
 * @ops:	its vb2 operations
 *
 * The sensor's allocator decides the memory: vb2-vmalloc, or vb2-dma-contig
 * on the platform device (which then has a DMA mask). dma-contig cannot take
 * user pointers (user memory is not physically contiguous), so USERPTR is
 * offered with vmalloc only, as vivid does. A dma-contig buffer larger than
 * the page allocator's largest block fails with ENOMEM, without a warning.
 *
 * Return: 0 or the error of vb2_queue_init().
 */
int anprcap_queue_init(struct anprcap_dev *dev, struct vb2_queue *q,
		       enum v4l2_buf_type type, const struct vb2_ops *ops)
{
	bool out = V4L2_TYPE_IS_OUTPUT(type);

	q->type = type;
	q->io_modes = VB2_MMAP | VB2_DMABUF | (out ? VB2_WRITE : VB2_READ);
	if (dev->allocator == ANPRCAP_ALLOC_DMA_CONTIG) {
		q->mem_ops = &vb2_dma_contig_memops;
		q->gfp_flags = __GFP_NOWARN;
	} else {
		q->io_modes |= VB2_USERPTR;
		q->mem_ops = &vb2_vmalloc_memops;
	}
	q->drv_priv = dev;
	q->buf_struct_size = sizeof(struct anprcap_buffer);
	q->ops = ops;
	/* output buffers carry no exposure: their time is when they were queued */
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     (out ? 0 : V4L2_BUF_FLAG_TSTAMP_SRC_SOE);
	q->lock = &dev->lock;
	q->dev = &dev->pdev->dev;
	anprcap_vb2_set_min_queued(q, 0);
	return vb2_queue_init(q);
}
