// SPDX-License-Identifier: GPL-2.0
/*
 * anprcap: ANPR IR camera capture driver, in the shape of vivid.
 *
 * A platform driver; the module creates one platform device per simulated
 * sensor (module parameter n_sensors). Each sensor gets three video nodes:
 * capture (cam<N>), metadata capture (cam<N>-meta) and output (cam<N>-out,
 * a loopback injecting frames into the sensor). See docs/kmod.md.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-v4l2.h>

#include "anprcap-core.h"
#include "anprcap-compat.h"

#define ANPRCAP_MAX_SENSORS	8

static unsigned int n_sensors = 1;
module_param(n_sensors, uint, 0444);
MODULE_PARM_DESC(n_sensors, " number of simulated sensors, 1-8 (default 1)");

/*
 * A real sensor's fastest rate depends on its mode; the simulated one's is a
 * parameter. The VM suite lowers it for v4l2-compliance, which streams at
 * the fastest enumerated rate, so that a stall of the TCG guest shorter
 * than a frame time cannot cost a frame under the strict clock.
 */
static unsigned int max_fps = ANPRCAP_MAX_FPS;
module_param(max_fps, uint, 0444);
MODULE_PARM_DESC(max_fps, " highest frame rate of every sensor, 1-60 (default 60)");

/*
 * The error-injection controls (docs/kmod.md) are for tests: off by default
 * so that production use and v4l2-compliance, which sets every control it
 * finds, never meet them (vivid's no_error_inj, the other way round).
 */
static bool error_inj;
module_param(error_inj, bool, 0444);
MODULE_PARM_DESC(error_inj, " create the error-injection controls (default 0)");

/* read without a lock: a level changed while a message is decided is harmless */
int anprcap_debug;
module_param_named(debug, anprcap_debug, int, 0644);
MODULE_PARM_DESC(debug, " debug level: 1 = streaming, injected errors, stalls;\n"
		 "\t\t2 = also every buffer queued and done (default 0)");

static unsigned int allocators[ANPRCAP_MAX_SENSORS];
module_param_array(allocators, uint, NULL, 0444);
MODULE_PARM_DESC(allocators, " per sensor: 0 = vb2-vmalloc (default), 1 = vb2-dma-contig\n"
		 "\t\t(the sensor's platform device gets a 32-bit DMA mask)");

static struct platform_device *anprcap_pdevs[ANPRCAP_MAX_SENSORS];

static const char *const anprcap_allocator_names[] = {
	[ANPRCAP_ALLOC_VMALLOC] = "vb2-vmalloc",
	[ANPRCAP_ALLOC_DMA_CONTIG] = "vb2-dma-contig",
};

const struct v4l2_file_operations anprcap_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.read = vb2_fop_read,
	.write = vb2_fop_write,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/*
 * The allocator comes with the device (platform data, as a board file or
 * device tree would say it): vb2-dma-contig for a device that does DMA,
 * which must then have a DMA mask; vb2-vmalloc otherwise.
 */
static enum anprcap_allocator anprcap_pdev_allocator(struct platform_device *pdev)
{
	const unsigned int *alloc = dev_get_platdata(&pdev->dev);

	if (alloc && *alloc == ANPRCAP_ALLOC_DMA_CONTIG && pdev->dev.dma_mask &&
	    *pdev->dev.dma_mask)
		return ANPRCAP_ALLOC_DMA_CONTIG;
	return ANPRCAP_ALLOC_VMALLOC;
}

/* last reference to the V4L2 device gone: all nodes closed and unregistered */
static void anprcap_dev_release(struct v4l2_device *v4l2_dev)
{
	struct anprcap_dev *dev = container_of(v4l2_dev, struct anprcap_dev, v4l2_dev);

	v4l2_ctrl_handler_free(&dev->ctrls);
	v4l2_device_unregister(&dev->v4l2_dev);
	destroy_workqueue(dev->wq);
	kfree(dev);
}

static int anprcap_register_nodes(struct anprcap_dev *dev)
{
	int ret;

	ret = video_register_device(&dev->vdev_cap, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;
	ret = video_register_device(&dev->vdev_meta, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;
	ret = video_register_device(&dev->vdev_out, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;
	v4l2_info(&dev->v4l2_dev, "sensor %u: %s capture, %s metadata, %s output, %s\n",
		  dev->index, video_device_node_name(&dev->vdev_cap),
		  video_device_node_name(&dev->vdev_meta),
		  video_device_node_name(&dev->vdev_out),
		  anprcap_allocator_names[dev->allocator]);
	return 0;
}

static void anprcap_unregister_nodes(struct anprcap_dev *dev)
{
	vb2_video_unregister_device(&dev->vdev_out);
	vb2_video_unregister_device(&dev->vdev_meta);
	vb2_video_unregister_device(&dev->vdev_cap);
}

static int anprcap_probe(struct platform_device *pdev)
{
	struct anprcap_dev *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->pdev = pdev;
	dev->index = pdev->id < 0 ? 0 : pdev->id;
	dev->allocator = anprcap_pdev_allocator(pdev);
	mutex_init(&dev->lock);
	anprcap_sensor_init(dev);
	dev->wq = alloc_ordered_workqueue("anprcap%u", WQ_HIGHPRI, dev->index);
	if (!dev->wq) {
		kfree(dev);
		return -ENOMEM;
	}
	dev->max_fps = max_fps;
	dev->error_inj = error_inj;
	dev->fps = min_t(unsigned int, ANPRCAP_DEF_FPS, max_fps);
	dev->pix.pixelformat = V4L2_PIX_FMT_GREY;
	dev->pix.width = ANPRCAP_DEF_WIDTH;
	dev->pix.height = ANPRCAP_DEF_HEIGHT;
	anprcap_fmt_try(&dev->pix);

	ret = v4l2_device_register(&pdev->dev, &dev->v4l2_dev);
	if (ret) {
		destroy_workqueue(dev->wq);
		kfree(dev);
		return ret;
	}
	/* from here on, v4l2_device_put() frees everything */
	dev->v4l2_dev.release = anprcap_dev_release;
	ret = anprcap_ctrls_init(dev);
	if (ret)
		goto err_put;
	dev->v4l2_dev.ctrl_handler = &dev->ctrls;
	ret = anprcap_vid_cap_init(dev);
	if (!ret)
		ret = anprcap_meta_cap_init(dev);
	if (!ret)
		ret = anprcap_vid_out_init(dev);
	if (ret)
		goto err_put;
	platform_set_drvdata(pdev, dev);
	ret = anprcap_register_nodes(dev);
	if (ret)
		goto err_unreg;
	return 0;

err_unreg:
	anprcap_unregister_nodes(dev);
err_put:
	v4l2_device_put(&dev->v4l2_dev);
	return ret;
}

static ANPRCAP_REMOVE_RET anprcap_remove(struct platform_device *pdev)
{
	struct anprcap_dev *dev = platform_get_drvdata(pdev);

	v4l2_info(&dev->v4l2_dev, "removing sensor %u\n", dev->index);
	anprcap_unregister_nodes(dev);
	v4l2_device_disconnect(&dev->v4l2_dev);
	v4l2_device_put(&dev->v4l2_dev);
	return ANPRCAP_REMOVE_OK;
}

static struct platform_driver anprcap_pdrv = {
	.probe = anprcap_probe,
	.remove = anprcap_remove,
	.driver = {
		.name = ANPRCAP_DRIVER_NAME,
	},
};

static void anprcap_release_pdevs(void)
{
	int i;

	for (i = ANPRCAP_MAX_SENSORS - 1; i >= 0; i--) {
		if (anprcap_pdevs[i])
			platform_device_unregister(anprcap_pdevs[i]);
		anprcap_pdevs[i] = NULL;
	}
}

/* sensor @i's platform device; a dma-contig sensor's can do DMA */
static struct platform_device *anprcap_new_pdev(unsigned int i)
{
	struct platform_device_info info = {
		.name = ANPRCAP_DRIVER_NAME,
		.id = i,
		.data = &allocators[i],
		.size_data = sizeof(allocators[i]),
	};

	if (allocators[i] == ANPRCAP_ALLOC_DMA_CONTIG)
		info.dma_mask = DMA_BIT_MASK(32);
	return platform_device_register_full(&info);
}

static int __init anprcap_init(void)
{
	unsigned int i;
	int ret;

	if (n_sensors < 1 || n_sensors > ANPRCAP_MAX_SENSORS) {
		pr_err("anprcap: n_sensors=%u out of range 1-%u\n",
		       n_sensors, ANPRCAP_MAX_SENSORS);
		return -EINVAL;
	}
	if (max_fps < ANPRCAP_MIN_FPS || max_fps > ANPRCAP_MAX_FPS) {
		pr_err("anprcap: max_fps=%u out of range %u-%u\n",
		       max_fps, ANPRCAP_MIN_FPS, ANPRCAP_MAX_FPS);
		return -EINVAL;
	}
	for (i = 0; i < ANPRCAP_MAX_SENSORS; i++) {
		if (allocators[i] > ANPRCAP_ALLOC_DMA_CONTIG) {
			pr_err("anprcap: allocators: sensor %u: %u is no allocator (0 = vb2-vmalloc, 1 = vb2-dma-contig)\n",
			       i, allocators[i]);
			return -EINVAL;
		}
	}
	ret = platform_driver_register(&anprcap_pdrv);
	if (ret)
		return ret;
	for (i = 0; i < n_sensors; i++) {
		anprcap_pdevs[i] = anprcap_new_pdev(i);
		if (IS_ERR(anprcap_pdevs[i])) {
			ret = PTR_ERR(anprcap_pdevs[i]);
			anprcap_pdevs[i] = NULL;
			anprcap_release_pdevs();
			platform_driver_unregister(&anprcap_pdrv);
			return ret;
		}
	}
	return 0;
}

static void __exit anprcap_exit(void)
{
	anprcap_release_pdevs();
	platform_driver_unregister(&anprcap_pdrv);
}

module_init(anprcap_init);
module_exit(anprcap_exit);

MODULE_DESCRIPTION("ANPR IR camera capture driver (simulated sensor)");
MODULE_AUTHOR("anpr project");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
