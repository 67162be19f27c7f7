// SPDX-License-Identifier: MIT
/* anprd_log.c - anprd's log lines: structured journal entries or "<N>" lines. */
#include "anprd/anprd_log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

static const struct {
	const char *id, *name;
} events[ANPRD_EV_COUNT] = {
	[ANPRD_EV_NONE] = { "", "" },
	[ANPRD_EV_START] = { "188ec6d7153d4a099c58e277688ca925", "start" },
	[ANPRD_EV_READY] = { "1372f4b3a6d943d489f14d2ab8dc3fb9", "ready" },
	[ANPRD_EV_SOURCE_OPENED] = { "885270aa47094605b1bfae19eaf5ab7f", "source-opened" },
	[ANPRD_EV_SOURCE_LOST] = { "bb4bbfe8f2e14fe0ac8e0171bf30d876", "source-lost" },
	[ANPRD_EV_SOURCE_ENDED] = { "4599cf98c00d48148202db76ec780597", "source-ended" },
	[ANPRD_EV_RELOAD_OK] = { "0148e7fcf4fc4a2a97e8861e3fd3881f", "reload-ok" },
	[ANPRD_EV_RELOAD_REJECTED] = { "9ef6e1ab58c541bd864f85bd0075f83c", "reload-rejected" },
	[ANPRD_EV_INTAKE_STOPPED] = { "2449ebacdd2f4d56acb032b1495f75ec", "intake-stopped" },
	[ANPRD_EV_KEY_PROBLEM] = { "865e1de6935d4e91a70d0f2cc01e8123", "key-problem" },
	[ANPRD_EV_STOPPED] = { "0048796cc9e744acbd5b55a01222dd3f", "stopped" },
};

const char *anprd_event_id(enum anprd_event ev)
{
	return ev > ANPRD_EV_NONE && ev < ANPRD_EV_COUNT ? events[ev].id : "";
}

const char *anprd_event_name(enum anprd_event ev)
{
	return ev > ANPRD_EV_NONE && ev < ANPRD_EV_COUNT ? events[ev].name : "";
}

int anprd_log_journal_sink(void *ctx, const struct iovec *iov, int n)
{
	(void)ctx;
	return sd_journal_sendv(iov, n);
}

int anprd_log_stream_matches(const char *js, unsigned long long dev, unsigned long long ino)
{
	unsigned long long d, i;
	char *end;

	if (!js || !*js)
		return 0;
	d = strtoull(js, &end, 10);
	if (end == js || *end != ':')
		return 0;
	js = end + 1;
	i = strtoull(js, &end, 10);
	if (end == js || *end)
		return 0;
	return d == dev && i == ino;
}

void anprd_log_init(struct anprd_log *l, FILE *out, FILE *err, const char *journal_stream,
		    int fd)
{
	struct stat st;

	memset(l, 0, sizeof(*l));
	l->out = out;
	l->err = err;
	l->prio_prefix = journal_stream != NULL;
	l->structured = journal_stream && fstat(fd, &st) == 0 &&
			anprd_log_stream_matches(journal_stream, (unsigned long long)st.st_dev,
						 (unsigned long long)st.st_ino);
}

/* "KEY=value" into buf as one journal field; its iovec. */
static struct iovec field(char *buf, size_t cap, const char *key, const char *val)
{
	int n = snprintf(buf, cap, "%s=%s", key, val);

	return (struct iovec){ buf, n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1 };
}

/* The entry's fields, to the sink; its result (< 0: not delivered). */
static int send_entry(const struct anprd_log *l, const char *msg, int prio, enum anprd_event ev,
		      const char *source, const char *const *extra)
{
	char f[4][160], pr[16];
	struct iovec iov[24];
	const size_t iov_max = sizeof(iov) / sizeof(iov[0]);
	size_t n = 0;

	iov[n++] = (struct iovec){ (void *)msg, strlen(msg) };
	snprintf(pr, sizeof(pr), "PRIORITY=%d", prio);
	iov[n++] = (struct iovec){ pr, strlen(pr) };
	iov[n++] = (struct iovec){ (void *)"SYSLOG_IDENTIFIER=anprd",
				   sizeof("SYSLOG_IDENTIFIER=anprd") - 1 };
	if (l->camera && l->camera[0])
		iov[n++] = field(f[0], sizeof(f[0]), "ANPR_CAMERA", l->camera);
	if (ev > ANPRD_EV_NONE && ev < ANPRD_EV_COUNT) {
		iov[n++] = field(f[1], sizeof(f[1]), "MESSAGE_ID", events[ev].id);
		iov[n++] = field(f[2], sizeof(f[2]), "ANPR_EVENT", events[ev].name);
	}
	if (source && source[0])
		iov[n++] = field(f[3], sizeof(f[3]), "ANPR_SOURCE", source);
	for (size_t i = 0; extra && extra[i] && n < iov_max; i++)
		iov[n++] = (struct iovec){ (void *)extra[i], strlen(extra[i]) };
	return (l->sink ? l->sink : anprd_log_journal_sink)(l->sink_ctx, iov, (int)n);
}

void anprd_log(const struct anprd_log *l, int prio, enum anprd_event ev, const char *source,
	       const char *const *extra, const char *fmt, ...)
{
	static const char prefix[] = "MESSAGE=";
	char msg[1024 + sizeof(prefix)];
	const char *text = msg + sizeof(prefix) - 1;
	va_list ap;

	memcpy(msg, prefix, sizeof(prefix));
	va_start(ap, fmt);
	vsnprintf(msg + sizeof(prefix) - 1, sizeof(msg) - (sizeof(prefix) - 1), fmt, ap);
	va_end(ap);
	if (prio < 0 || prio > 7)
		prio = 6;
	if (!l->structured || send_entry(l, msg, prio, ev, source, extra) < 0) {
		/* a line; also when the journal's socket refused the entry */
		FILE *to = prio <= 3 && l->err ? l->err : l->out;

		if (to) {
			if (l->prio_prefix)
				fprintf(to, "<%d>%s\n", prio, text);
			else
				fprintf(to, "%s\n", text);
			fflush(to);
		}
	}
}
