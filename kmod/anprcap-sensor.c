// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: the simulated IR sensor.
 *
 * An hrtimer is the sensor's frame interrupt. At each frame slot it takes
 * the start-of-exposure timestamp, gives the frame its sequence number,
 * takes one queued buffer from each streaming queue (a missing video buffer
 * is a counted drop) and hands them to an ordered workqueue as a job. The
 * worker fills the buffers (test pattern or injected frame) and completes
 * them. Timestamps are therefore never taken in the dequeue path.
 */
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <media/videobuf2-vmalloc.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"
#include "anprcap-pattern.h"

/*
 * A real sensor keeps exposing while its frame interrupt is held up, so a
 * frame interrupt more than one slot late means lost frames (overruns).
 * strict_clock=0 makes the simulated clock elastic instead: a late interrupt
 * only delays the frame. For VMs whose host stalls the guest for longer than
 * a frame (the VM suite uses it while v4l2-compliance runs).
 */
static bool strict_clock = true;
module_param(strict_clock, bool, 0644);
MODULE_PARM_DESC(strict_clock, " late frame interrupt = lost frames (default 1)");

static struct anprcap_buffer *anprcap_take(struct list_head *queued)
{
	struct anprcap_buffer *buf;

	buf = list_first_entry_or_null(queued, struct anprcap_buffer, list);
	if (buf)
		list_del(&buf->list);
	return buf;
}

static struct list_head *anprcap_queued_list(struct anprcap_dev *dev, struct vb2_queue *q)
{
	if (q == &dev->q_cap)
		return &dev->cap_queued;
	if (q == &dev->q_meta)
		return &dev->meta_queued;
	return &dev->out_queued;
}

/* for debug messages */
static const char *anprcap_queue_name(struct anprcap_dev *dev, struct vb2_queue *q)
{
	if (q == &dev->q_cap)
		return "video";
	if (q == &dev->q_meta)
		return "metadata";
	return "output";
}

static bool *anprcap_streaming_flag(struct anprcap_dev *dev, struct vb2_queue *q)
{
	if (q == &dev->q_cap)
		return &dev->cap_streaming;
	if (q == &dev->q_meta)
		return &dev->meta_streaming;
	return &dev->out_streaming;
}

/* the frame interrupt: hard irq context, holds @slock throughout */
static enum hrtimer_restart anprcap_frame_irq(struct hrtimer *timer)
{
	struct anprcap_dev *dev = container_of(timer, struct anprcap_dev, timer);
	u64 now = ktime_get_ns();
	const struct anprcap_sensor_cfg *cfg = &dev->cfg;
	struct anprcap_job *job;
	enum anprcap_fate fate = ANPRCAP_FATE_DELIVER;
	bool expose, free_run;
	u32 seq = 0, missed;

	spin_lock(&dev->slock);
	if (!dev->running) {
		spin_unlock(&dev->slock);
		return HRTIMER_NORESTART;
	}
	/* a stalled sensor takes no injected frame, so it is no trigger either */
	expose = cfg->trigger == ANPRCAP_TRIGGER_FREE_RUN ||
		 (!dev->errinj.stall && !list_empty(&dev->out_queued));
	free_run = cfg->trigger == ANPRCAP_TRIGGER_FREE_RUN && READ_ONCE(strict_clock);
	missed = anprcap_clock_tick(&dev->clk, now, expose, free_run, &seq);
	if (missed && expose && free_run) {
		u64 due = anprcap_clock_slot_time(&dev->clk, dev->clk.next_slot - 1 - missed);

		dev_info_ratelimited(&dev->pdev->dev,
				     "frame interrupt %llu us late: %u frame slots missed\n",
				     div_u64(now - due, NSEC_PER_USEC), missed);
	}
	if (expose)
		fate = anprcap_errinj_frame(&dev->errinj, dev->cap_streaming &&
					    !list_empty(&dev->cap_queued));
	/*
	 * A stalled sensor exposed this frame but never reads it out: it is
	 * lost like a frame without a buffer, so its sequence number is a gap
	 * and the drop counters say so. Its buffers stay queued.
	 */
	if (expose && fate == ANPRCAP_FATE_STALLED) {
		if (dev->cap_streaming)
			anprcap_clock_drop(&dev->clk);
		expose = false;
	}
	/* each job holds at least one buffer, so the ring cannot fill up */
	if (expose && !WARN_ON_ONCE(dev->job_count >= ANPRCAP_MAX_JOBS)) {
		job = &dev->jobs[(dev->job_head + dev->job_count) % ANPRCAP_MAX_JOBS];
		memset(job, 0, sizeof(*job));
		job->fi.sequence = seq;
		job->fi.soe_ns = now;
		job->fi.eoe_ns = anprcap_eoe_ns(now, cfg->exposure_us, dev->clk.interval_ns);
		job->fi.exposure_us = (u32)div_u64(job->fi.eoe_ns - now, NSEC_PER_USEC);
		job->fi.gain_mdb = cfg->gain_mdb;
		job->fi.strobe_on = cfg->strobe_enable && cfg->strobe_intensity;
		job->fi.strobe_intensity = cfg->strobe_intensity;
		job->fi.trigger = cfg->trigger;
		job->fi.pattern = cfg->pattern;
		if (dev->out_streaming)
			job->out = anprcap_take(&dev->out_queued);
		job->fi.injected = job->out;
		if (dev->cap_streaming) {
			job->cap = anprcap_take(&dev->cap_queued);
			if (!job->cap) {
				anprcap_clock_drop(&dev->clk);
				job->fi.video_dropped = true;
			}
		}
		job->cap_error = fate == ANPRCAP_FATE_BUF_ERROR;
		job->fi.frames_dropped = dev->clk.dropped;
		if (dev->meta_streaming)
			job->meta = anprcap_take(&dev->meta_queued);
		if (job->cap || job->meta || job->out) {
			dev->job_count++;
			/* under @slock: see anprcap_sensor_stop() */
			queue_work(dev->wq, &dev->work);
		}
	}
	atomic64_set(&dev->dropped_total, dev->clk.dropped);
	atomic64_set(&dev->overruns_total, dev->clk.overruns);
	hrtimer_set_expires(timer, ns_to_ktime(anprcap_clock_next_due(&dev->clk)));
	spin_unlock(&dev->slock);
	return HRTIMER_RESTART;
}

static void anprcap_complete(struct anprcap_dev *dev, struct anprcap_buffer *buf,
			     const struct anprcap_frame_info *fi, unsigned long payload,
			     enum vb2_buffer_state state)
{
	anprcap_dbg(2, dev, "%s buffer %u seq %u done: %lu bytes%s\n",
		    anprcap_queue_name(dev, buf->vb.vb2_buf.vb2_queue),
		    buf->vb.vb2_buf.index, fi->sequence, payload,
		    state == VB2_BUF_STATE_ERROR ? ", error" : "");
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, payload);
	buf->vb.sequence = fi->sequence;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = fi->soe_ns;
	vb2_buffer_done(&buf->vb.vb2_buf, state);
}

static void anprcap_run_job(struct anprcap_dev *dev, const struct anprcap_job *job)
{
	const struct anprcap_frame_info *fi = &job->fi;
	u8 *src = job->out ? vb2_plane_vaddr(&job->out->vb.vb2_buf, 0) : NULL;

	if (job->cap && job->cap_error) {
		/* injected: no image, as from a sensor whose readout failed */
		anprcap_dbg(1, dev, "video buffer %u seq %u: injected V4L2_BUF_FLAG_ERROR\n",
			    job->cap->vb.vb2_buf.index, fi->sequence);
		anprcap_complete(dev, job->cap, fi, 0, VB2_BUF_STATE_ERROR);
	} else if (job->cap) {
		u8 *dst = vb2_plane_vaddr(&job->cap->vb.vb2_buf, 0);
		u32 size = dev->pix.sizeimage;

		if (!dst || (job->out && !src)) {
			anprcap_complete(dev, job->cap, fi, 0, VB2_BUF_STATE_ERROR);
		} else {
			if (src)
				memcpy(dst, src, size);
			else
				anprcap_pattern_fill(dst, &dev->pix, fi->pattern, fi->sequence);
			anprcap_complete(dev, job->cap, fi, size, VB2_BUF_STATE_DONE);
		}
	}
	if (job->meta) {
		struct anprcap_meta *meta = vb2_plane_vaddr(&job->meta->vb.vb2_buf, 0);

		if (meta) {
			anprcap_meta_pack(meta, fi);
			anprcap_complete(dev, job->meta, fi, sizeof(*meta), VB2_BUF_STATE_DONE);
		} else {
			anprcap_complete(dev, job->meta, fi, 0, VB2_BUF_STATE_ERROR);
		}
	}
	if (job->out)
		anprcap_complete(dev, job->out, fi,
				 vb2_get_plane_payload(&job->out->vb.vb2_buf, 0),
				 VB2_BUF_STATE_DONE);
}

static void anprcap_work(struct work_struct *work)
{
	struct anprcap_dev *dev = container_of(work, struct anprcap_dev, work);
	struct anprcap_job job;

	for (;;) {
		spin_lock_irq(&dev->slock);
		if (!dev->job_count) {
			spin_unlock_irq(&dev->slock);
			break;
		}
		job = dev->jobs[dev->job_head];
		dev->job_head = (dev->job_head + 1) % ANPRCAP_MAX_JOBS;
		dev->job_count--;
		spin_unlock_irq(&dev->slock);
		anprcap_run_job(dev, &job);
	}
}

void anprcap_sensor_init(struct anprcap_dev *dev)
{
	spin_lock_init(&dev->slock);
	INIT_LIST_HEAD(&dev->cap_queued);
	INIT_LIST_HEAD(&dev->meta_queued);
	INIT_LIST_HEAD(&dev->out_queued);
	INIT_WORK(&dev->work, anprcap_work);
	anprcap_hrtimer_setup(&dev->timer, anprcap_frame_irq);
}

void anprcap_sensor_queue(struct anprcap_dev *dev, struct anprcap_buffer *buf)
{
	struct vb2_queue *q = buf->vb.vb2_buf.vb2_queue;
	unsigned long flags;

	spin_lock_irqsave(&dev->slock, flags);
	list_add_tail(&buf->list, anprcap_queued_list(dev, q));
	spin_unlock_irqrestore(&dev->slock, flags);
	anprcap_dbg(2, dev, "%s buffer %u queued\n", anprcap_queue_name(dev, q),
		    buf->vb.vb2_buf.index);
}

/*
 * A failed start_streaming must give vb2 back the buffers it was handed, in
 * the QUEUED state (vb2 warns otherwise): they stay queued for the next
 * STREAMON. @q is not streaming, so the frame interrupt takes none of them.
 */
static void anprcap_return_queued(struct anprcap_dev *dev, struct vb2_queue *q)
{
	struct anprcap_buffer *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(left);

	spin_lock_irqsave(&dev->slock, flags);
	list_splice_init(anprcap_queued_list(dev, q), &left);
	spin_unlock_irqrestore(&dev->slock, flags);
	list_for_each_entry_safe(buf, tmp, &left, list) {
		list_del(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_QUEUED);
	}
}

/* called by vb2 start_streaming with @lock held */
int anprcap_sensor_start(struct anprcap_dev *dev, struct vb2_queue *q)
{
	unsigned long flags;
	bool start = false;
	u64 due = 0;
	int ret;

	ret = anprcap_ctrls_injected_error(dev, dev->ctrl_streamon_error, "start_streaming");
	if (ret) {
		anprcap_return_queued(dev, q);
		return ret;
	}
	anprcap_dbg(1, dev, "%s queue starts streaming\n", anprcap_queue_name(dev, q));
	spin_lock_irqsave(&dev->slock, flags);
	*anprcap_streaming_flag(dev, q) = true;
	if (!dev->running) {
		dev->running = true;
		anprcap_clock_start(&dev->clk, ktime_get_ns(), anprcap_fps_to_ns(dev->fps));
		atomic64_set(&dev->dropped_total, 0);
		atomic64_set(&dev->overruns_total, 0);
		due = anprcap_clock_next_due(&dev->clk);
		start = true;
	}
	spin_unlock_irqrestore(&dev->slock, flags);
	if (start)
		hrtimer_start(&dev->timer, ns_to_ktime(due), HRTIMER_MODE_ABS);
	return 0;
}

/*
 * Called by vb2 stop_streaming (and on start failure) with @lock held.
 * After it returns, the driver holds no buffer of @q: the frame interrupt
 * takes no more (flag cleared under @slock), every job it made before holds
 * a queued work item (queued under @slock), and the flush runs those jobs.
 */
void anprcap_sensor_stop(struct anprcap_dev *dev, struct vb2_queue *q)
{
	struct anprcap_buffer *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(left);
	bool stop;

	anprcap_dbg(1, dev, "%s queue stops streaming\n", anprcap_queue_name(dev, q));
	spin_lock_irqsave(&dev->slock, flags);
	*anprcap_streaming_flag(dev, q) = false;
	list_splice_init(anprcap_queued_list(dev, q), &left);
	stop = !dev->cap_streaming && !dev->meta_streaming && !dev->out_streaming;
	if (stop)
		dev->running = false;
	spin_unlock_irqrestore(&dev->slock, flags);

	if (stop)
		hrtimer_cancel(&dev->timer);
	flush_workqueue(dev->wq);
	list_for_each_entry_safe(buf, tmp, &left, list) {
		list_del(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_ERROR);
	}
}

void anprcap_sensor_set_fps(struct anprcap_dev *dev, unsigned int fps)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->slock, flags);
	dev->fps = fps;
	if (dev->running)
		anprcap_clock_set_interval(&dev->clk, anprcap_fps_to_ns(fps));
	spin_unlock_irqrestore(&dev->slock, flags);
}

void anprcap_sensor_set_cfg(struct anprcap_dev *dev, const struct anprcap_sensor_cfg *cfg)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->slock, flags);
	dev->cfg = *cfg;
	spin_unlock_irqrestore(&dev->slock, flags);
}
