// SPDX-License-Identifier: MIT
/*
 * libcamera.cc - the libcamera backend: a thin C++ shim behind the C ops
 * table, for cameras only libcamera drives (CSI sensors behind ISPs) and
 * any camera it supports (UVC). URI: libcamera:ID (the camera id as
 * libcamera reports it; anprcap_list() shows them). Compiled only when
 * pkg-config finds libcamera.
 *
 * libcamera allows one CameraManager per process: it is shared by every
 * source, reference counted. Completed requests arrive on libcamera's
 * thread and are handed to anprcap_next_frame() through a locked queue.
 * Buffers come from FrameBufferAllocator and are mmap'ed once: frames are
 * not copied; release re-queues the request.
 */
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <sys/mman.h>

#include <libcamera/libcamera.h>

extern "C" {
#include "backend.h"
}

using namespace libcamera;

namespace {

std::mutex g_lock;
CameraManager *g_cm;
int g_refs;

CameraManager *cm_get(int *err)
{
	std::lock_guard<std::mutex> l(g_lock);

	if (!g_cm) {
		/* libcamera logs INFO and WARN lines to stderr by default; keep
		 * errors only unless the caller chose (LIBCAMERA_LOG_LEVELS). Its
		 * logger reads the variable when first used, which is here. */
		setenv("LIBCAMERA_LOG_LEVELS", "*:ERROR", 0);
		g_cm = new CameraManager();
		*err = g_cm->start();
		if (*err) {
			delete g_cm;
			g_cm = nullptr;
			return nullptr;
		}
	}
	g_refs++;
	return g_cm;
}

void cm_put()
{
	std::lock_guard<std::mutex> l(g_lock);

	if (g_refs > 0 && --g_refs == 0) {
		g_cm->stop();
		delete g_cm;
		g_cm = nullptr;
	}
}

/* anprcap FourCC <-> libcamera (DRM) pixel formats */
struct fmtmap { uint32_t ours; PixelFormat lc; };
const fmtmap kFormats[] = {
	{ ANPRCAP_FMT_GREY, formats::R8 },
	{ ANPRCAP_FMT_YUYV, formats::YUYV },
	{ ANPRCAP_FMT_NV12, formats::NV12 },
	{ ANPRCAP_FMT_MJPEG, formats::MJPEG },
};

PixelFormat to_lc(uint32_t f)
{
	for (const auto &m : kFormats)
		if (m.ours == f)
			return m.lc;
	if (f == ANPRCAP_FMT_Y16)
		return PixelFormat();	/* ours, without an equivalent */
	return PixelFormat(f);		/* a DRM FourCC we reported ourselves */
}

uint32_t from_lc(const PixelFormat &p)
{
	for (const auto &m : kFormats)
		if (m.lc == p)
			return m.ours;
	return p.fourcc();	/* DRM FourCC: the same letters for most formats */
}

struct lcslot {
	struct anprcap_slot s;		/* first: the core casts frames to slots */
	Request *req;
	const uint8_t *data;
	void *map;
	size_t maplen;
};

struct lcsrc {
	std::string id;
	std::string name;		/* "libcamera:ID" for messages */
	CameraManager *cm = nullptr;
	std::shared_ptr<Camera> cam;
	bool acquired = false;
	std::unique_ptr<CameraConfiguration> config;
	std::unique_ptr<FrameBufferAllocator> alloc;
	std::vector<std::unique_ptr<Request>> reqs;
	lcslot slots[ANPRCAP_MAX_BUFFERS] = {};
	unsigned nslots = 0;
	Stream *stream = nullptr;
	std::mutex m;
	std::condition_variable cv;
	std::deque<unsigned> done;
	bool streaming = false;
	bool gone = false;
	bool have_seq = false;
	uint32_t last_seq = 0;

	void completed(Request *r)
	{
		if (r->status() == Request::RequestCancelled)
			return;
		std::lock_guard<std::mutex> l(m);
		done.push_back((unsigned)r->cookie());
		cv.notify_one();
	}
	void disconnected()
	{
		std::lock_guard<std::mutex> l(m);
		gone = true;
		cv.notify_one();
	}
};

lcsrc *priv(struct anprcap_source *src)
{
	return static_cast<lcsrc *>(src->priv);
}

int lc_list(struct anprcap_listbuf *lb)
{
	int err = 0, rc = 0;
	CameraManager *cm = cm_get(&err);

	if (!cm)
		return 0;	/* no libcamera here: nothing to list */
	for (const auto &c : cm->cameras()) {
		std::string uri = "libcamera:" + c->id();
		std::string name = c->id();
		const auto &model = c->properties().get(properties::Model);

		if (model)
			name = *model;
		rc = anprcap__list_add(lb, uri.c_str(), name.c_str(), "libcamera");
		if (rc < 0)
			break;
	}
	cm_put();
	return rc;
}

void free_buffers(lcsrc *p)
{
	for (unsigned i = 0; i < p->nslots; i++) {
		if (p->slots[i].map)
			munmap(p->slots[i].map, p->slots[i].maplen);
		p->slots[i] = lcslot();
	}
	p->nslots = 0;
	p->reqs.clear();
	if (p->alloc && p->stream)
		p->alloc->free(p->stream);
	p->alloc.reset();
	p->done.clear();
}

void lc_close(struct anprcap_source *src)
{
	lcsrc *p = priv(src);

	if (!p)
		return;
	free_buffers(p);
	if (p->cam) {
		p->cam->requestCompleted.disconnect(p);
		p->cam->disconnected.disconnect(p);
		if (p->acquired)
			p->cam->release();
		p->cam.reset();
	}
	if (p->cm)
		cm_put();
	delete p;
	src->priv = nullptr;
}

int lc_open(struct anprcap_source *src, const char *rest)
{
	lcsrc *p = new (std::nothrow) lcsrc();
	int err = 0;

	if (!p)
		return anprcap__err(ANPRCAP_E_NOMEM, "libcamera:%s: out of memory", rest);
	src->priv = p;
	p->id = rest;
	p->name = std::string("libcamera:") + rest;
	p->cm = cm_get(&err);
	if (!p->cm) {
		int rc = anprcap__err(ANPRCAP_E_IO, "%s: libcamera CameraManager::start: %s",
				      p->name.c_str(), strerror(-err));

		lc_close(src);
		return rc;
	}
	p->cam = p->cm->get(p->id);
	if (!p->cam) {
		size_t n = p->cm->cameras().size();
		int rc = anprcap__err(ANPRCAP_E_NOENT,
				      "%s: no such camera (libcamera sees %zu; a camera another process is using is not listed)",
				      p->name.c_str(), n);

		lc_close(src);
		return rc;
	}
	err = p->cam->acquire();
	if (err) {
		int rc = anprcap__err(err == -EBUSY ? ANPRCAP_E_BUSY : anprcap__errno_code(-err),
				      "%s: cannot acquire the camera: %s", p->name.c_str(), strerror(-err));

		lc_close(src);
		return rc;
	}
	p->acquired = true;
	p->cam->requestCompleted.connect(p, &lcsrc::completed);
	p->cam->disconnected.connect(p, &lcsrc::disconnected);
	p->config = p->cam->generateConfiguration({ StreamRole::VideoRecording });
	if (!p->config || p->config->size() < 1) {
		int rc = anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: no video configuration offered",
				      p->name.c_str());

		lc_close(src);
		return rc;
	}
	const StreamConfiguration &sc = p->config->at(0);
	src->cfg.format = from_lc(sc.pixelFormat);
	src->cfg.width = sc.size.width;
	src->cfg.height = sc.size.height;
	return 0;
}

int lc_configure(struct anprcap_source *src, struct anprcap_config *cfg)
{
	lcsrc *p = priv(src);
	StreamConfiguration &sc = p->config->at(0);
	PixelFormat want = to_lc(cfg->format);
	char a[5], b[5];

	if (cfg->format && !want.isValid())
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: format %s has no libcamera equivalent",
				    p->name.c_str(), anprcap_fourcc_str(cfg->format, a));
	if (want.isValid())
		sc.pixelFormat = want;
	sc.size = Size(cfg->width, cfg->height);
	if (p->config->validate() == CameraConfiguration::Invalid)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: configuration %s %ux%u invalid",
				    p->name.c_str(), anprcap_fourcc_str(cfg->format, a), cfg->width,
				    cfg->height);
	if (want.isValid() && sc.pixelFormat != want)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: format %s not offered (camera chose %s)",
				    p->name.c_str(), anprcap_fourcc_str(cfg->format, a),
				    anprcap_fourcc_str(from_lc(sc.pixelFormat), b));
	cfg->format = from_lc(sc.pixelFormat);
	cfg->width = sc.size.width;
	cfg->height = sc.size.height;
	return 0;	/* the frame rate is left to the camera */
}

int lc_stop(struct anprcap_source *src)
{
	lcsrc *p = priv(src);

	if (p->streaming && !p->gone)
		p->cam->stop();	/* completes pending requests as cancelled */
	p->streaming = false;
	free_buffers(p);
	return 0;
}

int lc_start(struct anprcap_source *src)
{
	lcsrc *p = priv(src);
	StreamConfiguration &sc = p->config->at(0);
	int err, rc;

	if (p->gone)
		return anprcap__err(ANPRCAP_E_NODEV, "%s: camera gone; re-open it", p->name.c_str());
	sc.bufferCount = (unsigned)src->opt.buffers;
	if (p->config->validate() == CameraConfiguration::Invalid)
		return anprcap__err(ANPRCAP_E_UNSUPPORTED, "%s: configuration invalid", p->name.c_str());
	err = p->cam->configure(p->config.get());
	if (err)
		return anprcap__err(anprcap__errno_code(-err), "%s: Camera::configure: %s",
				    p->name.c_str(), strerror(-err));
	p->stream = sc.stream();
	p->alloc = std::make_unique<FrameBufferAllocator>(p->cam);
	err = p->alloc->allocate(p->stream);
	if (err < 0) {
		rc = anprcap__err(anprcap__errno_code(-err), "%s: allocating buffers: %s",
				  p->name.c_str(), strerror(-err));
		goto fail;
	}
	for (const auto &fb : p->alloc->buffers(p->stream)) {
		unsigned i = p->nslots;
		const FrameBuffer::Plane &pl = fb->planes()[0];
		size_t off = pl.offset == FrameBuffer::Plane::kInvalidOffset ? 0 : pl.offset;
		std::unique_ptr<Request> r;

		if (i >= ANPRCAP_MAX_BUFFERS)
			break;
		p->slots[i].maplen = off + pl.length;
		p->slots[i].map = mmap(nullptr, p->slots[i].maplen, PROT_READ, MAP_SHARED,
				       pl.fd.get(), 0);
		if (p->slots[i].map == MAP_FAILED) {
			p->slots[i].map = nullptr;
			rc = anprcap__err(ANPRCAP_E_NOMEM, "%s: mmap of buffer %u: %s",
					  p->name.c_str(), i, strerror(errno));
			goto fail;
		}
		p->slots[i].data = static_cast<const uint8_t *>(p->slots[i].map) + off;
		p->slots[i].s.index = (int)i;
		r = p->cam->createRequest(i);
		if (!r || r->addBuffer(p->stream, fb.get()) < 0) {
			rc = anprcap__err(ANPRCAP_E_IO, "%s: cannot build request %u", p->name.c_str(), i);
			goto fail;
		}
		p->slots[i].req = r.get();
		p->reqs.push_back(std::move(r));
		p->nslots++;
	}
	err = p->cam->start();
	if (err) {
		rc = anprcap__err(anprcap__errno_code(-err), "%s: Camera::start: %s", p->name.c_str(),
				  strerror(-err));
		goto fail;
	}
	p->streaming = true;
	p->have_seq = false;
	for (unsigned i = 0; i < p->nslots; i++) {
		err = p->cam->queueRequest(p->slots[i].req);
		if (err) {
			rc = anprcap__err(anprcap__errno_code(-err), "%s: queueRequest: %s",
					  p->name.c_str(), strerror(-err));
			lc_stop(src);
			return rc;
		}
	}
	return 0;
fail:
	free_buffers(p);
	return rc;
}

int lc_next(struct anprcap_source *src, int timeout_ms, struct anprcap_slot **out)
{
	lcsrc *p = priv(src);
	const StreamConfiguration &sc = p->config->at(0);
	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 0);
	uint32_t lost = 0;

	for (;;) {
		unsigned i;
		{
			std::unique_lock<std::mutex> l(p->m);

			if (p->gone)
				return anprcap__err(ANPRCAP_E_NODEV, "%s: camera gone (unplugged?); re-open it",
						    p->name.c_str());
			if (p->done.empty()) {
				bool held = true;

				for (unsigned k = 0; k < p->nslots; k++)
					held = held && p->slots[k].s.held;
				if (held)
					return anprcap__err(ANPRCAP_E_BUSY,
							    "%s: all %u buffers are held by the caller; release a frame",
							    p->name.c_str(), p->nslots);
				if (timeout_ms == 0)
					return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame ready", p->name.c_str());
				if (timeout_ms < 0)
					p->cv.wait(l, [p] { return !p->done.empty() || p->gone; });
				else if (!p->cv.wait_until(l, deadline, [p] { return !p->done.empty() || p->gone; }))
					return anprcap__err(ANPRCAP_E_TIMEOUT, "%s: no frame within %d ms",
							    p->name.c_str(), timeout_ms);
				if (p->gone)
					continue;
			}
			i = p->done.front();
			p->done.pop_front();
		}
		lcslot &s = p->slots[i];
		const FrameBuffer *fb = s.req->buffers().begin()->second;
		const FrameMetadata &md = fb->metadata();

		if (md.status != FrameMetadata::FrameSuccess) {
			lost++;
			s.req->reuse(Request::ReuseBuffers);
			p->cam->queueRequest(s.req);
			continue;
		}
		struct anprcap_frame *f = &s.s.pub;

		f->data = s.data;
		f->bytes = md.planes().size() ? md.planes()[0].bytesused : sc.frameSize;
		f->stride = sc.stride;
		f->format = from_lc(sc.pixelFormat);
		f->width = sc.size.width;
		f->height = sc.size.height;
		f->sequence = md.sequence;
		f->timestamp_ns = md.timestamp;
		f->ts_source = md.timestamp ? ANPRCAP_TS_SOE : ANPRCAP_TS_HOST;
		if (!md.timestamp)
			f->timestamp_ns = anprcap__mono_ns();
		f->drops = lost;
		if (p->have_seq && md.sequence > p->last_seq + 1)
			f->drops = md.sequence - p->last_seq - 1;
		p->last_seq = md.sequence;
		p->have_seq = true;
		f->meta = nullptr;
		f->meta_bytes = 0;
		f->meta_format = ANPRCAP_META_NONE;
		f->dmabuf_fd = fb->planes()[0].fd.get();
		*out = &s.s;
		return 0;
	}
}

void lc_release(struct anprcap_source *src, struct anprcap_slot *slot)
{
	lcsrc *p = priv(src);
	lcslot &s = p->slots[slot->index];

	if (!p->streaming || p->gone || !s.req)
		return;
	s.req->reuse(Request::ReuseBuffers);
	p->cam->queueRequest(s.req);	/* a failure shows as a timeout */
}

} /* namespace */

extern "C" const struct anprcap_backend_ops anprcap__libcamera_ops = {
	"libcamera", lc_list, lc_open, lc_close, lc_configure, lc_start, lc_stop,
	lc_next, lc_release, nullptr,
};
