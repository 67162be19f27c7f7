// SPDX-License-Identifier: MIT
/*
 * imagestore_s3.c - the image store in an S3-compatible object store
 * (imagestore.h, imagestore_ops.h): the scale option, written for Ceph's
 * radosgw (Debian's), which any S3 server that speaks AWS signature v4
 * and ListObjectsV2 also serves.
 *
 * Objects are keyed as the file store's paths, AREA/ab/<sha256>.jpg, in
 * the bucket of s3://BUCKET, so that a day is a prefix and the purge of a
 * day is a listing of it and a deletion of what it lists.
 *
 * Configuration: the file named by $ANPR_S3_CONFIG (default
 * /etc/anpr/ingest/s3.conf), "key = value" lines:
 *   endpoint    http(s)://HOST:PORT of the gateway (required)
 *   access_key  the S3 user's access key (required)
 *   secret_key  its secret key (required)
 *   region      the signature's region (default us-east-1; radosgw
 *               signs with whichever the client names)
 *   ca_file     the CA that signed an https endpoint's certificate
 *   timeout     seconds a request may take (default 30)
 * The file holds a secret, so it is refused when everyone may read it;
 * secrets never go on a command line (ps shows those to every user).
 *
 * Requests are signed with libcurl's CURLOPT_AWS_SIGV4. curl 7.88 (Debian
 * 12) signs the query string as given and hashes no body itself: the
 * query strings here are already in canonical form (names sorted, values
 * percent-encoded), and every request carries x-amz-content-sha256, the
 * SHA-256 of its body. For a PUT that is the image's own name: radosgw
 * hashes what it receives and refuses the PUT (XAmzContentSHA256Mismatch)
 * when the bytes are not those the name says, so a stored object is the
 * right bytes or is not stored at all.
 *
 * Durability: radosgw answers a PUT 200 only once RADOS acknowledged the
 * write of the object, and RADOS acknowledges a write once every OSD of
 * the placement group's acting set has committed it to stable storage
 * (BlueStore's write-ahead log, fsynced). So an image is durable when its
 * put returns 0, and imagestore_sync has nothing to do; IMAGESTORE_DEFER_
 * SYNC is not needed (the sync that it saves the file store is the
 * gateway's). How many copies "every OSD" is is the pool's size: 3 for
 * evidence (docs/scaling.md); the tests' single memstore OSD is no store.
 *
 * A PUT of a key already there replaces the object with the same bytes
 * (its name is its hash, and the gateway checked the hash): harmless,
 * and cheaper than asking first. There are no temporary objects: a PUT
 * that does not finish leaves nothing.
 *
 * The answers' XML (errors, ListObjectsV2, DeleteObjects) is read with
 * libxml2: a well-kept parser, already on every Debian; no entities are
 * expanded and nothing is fetched from the network (XML_PARSE_NONET).
 */
#include "ingest/imagestore.h"
#include "ingest/imagestore_ops.h"
#include "ingest/ingest_hash.h"

#include <curl/curl.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <nettle/base64.h>
#include <nettle/md5.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evidence/evidence.h"

/* the SHA-256 of no bytes: the body of a GET or a DELETE */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* at most this much of an answer that is not an image (an error, a
 * listing of 1000 keys is some 300 kB) */
#define ANSWER_MAX (4u << 20)
#define DELETE_BATCH 1000	/* DeleteObjects' limit */
#define POOL_MAX 64		/* anpr-ingest's --threads at most */

struct imagestore_s3 {
	char bucket[64];
	char endpoint[512];		/* no trailing "/" */
	char region[64];
	char access[256], secret[256];
	char ca_file[1024];
	char sigv4[128];		/* "aws:amz:REGION:s3" */
	long timeout_s;
	/* easy handles not in use, each with its kept-alive connection: a
	 * request takes one (or makes one) and gives it back. Not a share
	 * of one connection cache: libcurl does not support sharing
	 * connections between concurrent threads (CURLSHOPT_SHARE(3)), and
	 * anpr-ingest's workers put at once */
	pthread_mutex_t pool_lock;
	CURL *pool[POOL_MAX];
	int npool;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
}

/* an easy handle of the pool, its options reset (curl_easy_reset keeps
 * its live connection), or a new one; NULL if none can be made */
static CURL *handle_take(struct imagestore_s3 *s)
{
	CURL *c = NULL;

	pthread_mutex_lock(&s->pool_lock);
	if (s->npool > 0)
		c = s->pool[--s->npool];
	pthread_mutex_unlock(&s->pool_lock);
	if (c)
		curl_easy_reset(c);
	else
		c = curl_easy_init();
	return c;
}

static void handle_give(struct imagestore_s3 *s, CURL *c)
{
	pthread_mutex_lock(&s->pool_lock);
	if (s->npool < POOL_MAX) {
		s->pool[s->npool++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&s->pool_lock);
	if (c)
		curl_easy_cleanup(c);
}

/* ------------------------------------------------------------ configuration */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int set_value(struct imagestore_s3 *s, const char *k, const char *v)
{
	char *end;
	struct {
		const char *key;
		char *dst;
		size_t cap;
	} str[] = {
		{ "endpoint", s->endpoint, sizeof s->endpoint },
		{ "region", s->region, sizeof s->region },
		{ "access_key", s->access, sizeof s->access },
		{ "secret_key", s->secret, sizeof s->secret },
		{ "ca_file", s->ca_file, sizeof s->ca_file },
	};

	for (size_t i = 0; i < sizeof str / sizeof str[0]; i++) {
		if (strcmp(k, str[i].key) != 0)
			continue;
		if (strlen(v) >= str[i].cap)
			return -1;
		memcpy(str[i].dst, v, strlen(v) + 1);
		return 0;
	}
	if (strcmp(k, "timeout") == 0) {
		s->timeout_s = strtol(v, &end, 10);
		return *end || s->timeout_s < 1 || s->timeout_s > 3600 ? -1 : 0;
	}
	return -1;
}

static int load_config(struct imagestore_s3 *s, char *err, size_t errlen)
{
	const char *path = getenv("ANPR_S3_CONFIG");
	char line[1200];
	struct stat st;
	int ln = 0;
	FILE *f;

	if (!path || !*path)
		path = "/etc/anpr/ingest/s3.conf";
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "image store s3://%s: its configuration %s: %s "
			 "(ANPR_S3_CONFIG names another)", s->bucket, path, strerror(errno));
		return IMAGESTORE_EINVAL;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH)) {
		snprintf(err, errlen, "image store s3://%s: %s holds the secret key and "
			 "everyone may read it: refused (chmod o-r)", s->bucket, path);
		fclose(f);
		return IMAGESTORE_EINVAL;
	}
	strcpy(s->region, "us-east-1");
	s->timeout_s = 30;
	while (fgets(line, sizeof line, f)) {
		char *k = trim(line), *eq;

		ln++;
		if (!*k || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq)
			*eq = '\0';
		if (!eq || set_value(s, trim(k), trim(eq + 1)) != 0) {
			snprintf(err, errlen, "image store s3://%s: %s line %d: not "
				 "endpoint, region, access_key, secret_key, ca_file or "
				 "timeout = a valid value", s->bucket, path, ln);
			fclose(f);
			return IMAGESTORE_EINVAL;
		}
	}
	fclose(f);
	if (strncmp(s->endpoint, "http://", 7) != 0 && strncmp(s->endpoint, "https://", 8) != 0) {
		snprintf(err, errlen, "image store s3://%s: %s: endpoint = http(s)://HOST:PORT "
			 "is required", s->bucket, path);
		return IMAGESTORE_EINVAL;
	}
	if (!*s->access || !*s->secret) {
		snprintf(err, errlen, "image store s3://%s: %s: access_key and secret_key "
			 "are required", s->bucket, path);
		return IMAGESTORE_EINVAL;
	}
	while (s->endpoint[strlen(s->endpoint) - 1] == '/')
		s->endpoint[strlen(s->endpoint) - 1] = '\0';
	snprintf(s->sigv4, sizeof s->sigv4, "aws:amz:%s:s3", s->region);
	return 0;
}

/* ------------------------------------------------------------------ requests */

struct answer {
	char *p;
	size_t len, cap, max;
	bool over;			/* longer than max: cut short */
};

static size_t on_body(char *data, size_t size, size_t n, void *u)
{
	struct answer *a = u;
	size_t len = size * n;

	if (a->len + len > a->max) {
		a->over = true;
		return 0;		/* ends the transfer (CURLE_WRITE_ERROR) */
	}
	if (a->len + len + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 16384;
		char *p;

		while (cap < a->len + len + 1)
			cap *= 2;
		p = realloc(a->p, cap);
		if (!p)
			return 0;
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, data, len);
	a->len += len;
	a->p[a->len] = '\0';
	return len;
}

struct source {
	const char *p;
	size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *u)
{
	struct source *s = u;
	size_t len = size * n < s->left ? size * n : s->left;

	memcpy(buf, s->p, len);
	s->p += len;
	s->left -= len;
	return len;
}

struct request {
	const char *method;		/* GET PUT POST DELETE */
	const char *key;		/* NULL: the bucket */
	const char *query;		/* canonical (sorted, encoded), or NULL */
	const void *body;
	size_t len;
	const char *sha256;		/* hex of body's SHA-256 */
	const char *content_md5;	/* base64, or NULL */
	const char *content_type;	/* or NULL */
};

/* One request; its answer's status in *status and body in *a. 0, or
 * IMAGESTORE_EIO when there was no answer (err says why). */
static int s3_do(const struct imagestore *is, const struct request *rq, long *status,
		 struct answer *a, char *err, size_t errlen)
{
	struct imagestore_s3 *s = is->s3;
	char url[2048], hdr[3][160], ebuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hl = NULL, *t;
	struct source src = { rq->body, rq->len };
	CURLcode cc;
	CURL *c;
	int nh = 0;

	snprintf(url, sizeof url, "%s/%s%s%s%s%s", s->endpoint, s->bucket,
		 rq->key ? "/" : "", rq->key ? rq->key : "", rq->query ? "?" : "",
		 rq->query ? rq->query : "");
	c = handle_take(s);
	if (!c) {
		snprintf(err, errlen, "image store %s: %s %s: curl_easy_init failed",
			 is->root, rq->method, rq->key ? rq->key : "(bucket)");
		return IMAGESTORE_EIO;
	}
	snprintf(hdr[nh++], sizeof hdr[0], "x-amz-content-sha256: %s", rq->sha256);
	/* no "Expect:" header to turn 100-continue off (for bodies over 1 MB):
	 * curl 7.88 signs the empty header it then does not send, and the
	 * gateway answers SignatureDoesNotMatch; radosgw answers 100 at once */
	if (rq->content_md5)
		snprintf(hdr[nh++], sizeof hdr[0], "Content-MD5: %s", rq->content_md5);
	if (rq->content_type)
		snprintf(hdr[nh++], sizeof hdr[0], "Content-Type: %s", rq->content_type);
	for (int i = 0; i < nh; i++) {
		t = curl_slist_append(hl, hdr[i]);
		if (!t)
			break;
		hl = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(c, CURLOPT_USERNAME, s->access);
	curl_easy_setopt(c, CURLOPT_PASSWORD, s->secret);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);	/* threads: no SIGALRM */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->timeout_s < 10 ? s->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, s->timeout_s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	if (*s->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
	if (strcmp(rq->method, "PUT") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &src);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->len);
	} else if (strcmp(rq->method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
	} else if (strcmp(rq->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	/* a failed transfer's connection is closed by curl: the handle is
	 * still good for the next request */
	handle_give(s, c);
	curl_slist_free_all(hl);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && a->over)) {
		snprintf(err, errlen, "image store %s: %s %s: no answer from %s: %s",
			 is->root, rq->method, rq->key ? rq->key : "(bucket)", s->endpoint,
			 *ebuf ? ebuf : curl_easy_strerror(cc));
		return IMAGESTORE_EIO;
	}
	return 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* the text of element n, into buf */
static const char *text(const xmlNode *n, char *buf, size_t cap)
{
	xmlChar *c = n ? xmlNodeGetContent(n) : NULL;

	snprintf(buf, cap, "%s", c ? (const char *)c : "");
	xmlFree(c);
	return buf;
}

static xmlDoc *parse(const struct answer *a)
{
	if (!a->p || a->len == 0 || a->len > INT32_MAX)
		return NULL;
	return xmlReadMemory(a->p, (int)a->len, "s3-answer.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* An answer that is not the one hoped for, into err: the status and S3's
 * error code (and message), e.g. "HTTP 403 SignatureDoesNotMatch".
 * IMAGESTORE_ENOSPC where the store is full, else IMAGESTORE_EIO. */
static int s3_fail(const struct imagestore *is, const struct request *rq, long status,
		   const struct answer *a, char *err, size_t errlen)
{
	char code[80] = "", msg[200] = "";
	xmlDoc *d = parse(a);
	const xmlNode *r = d ? xmlDocGetRootElement(d) : NULL;

	if (r && strcmp((const char *)r->name, "Error") == 0) {
		text(child(r, "Code"), code, sizeof code);
		text(child(r, "Message"), msg, sizeof msg);
	}
	if (d)
		xmlFreeDoc(d);
	snprintf(err, errlen, "image store %s: %s %s: HTTP %ld %s%s%s", is->root, rq->method,
		 rq->key ? rq->key : "(bucket)", status, *code ? code : "(no S3 error code)",
		 *msg ? ": " : "", msg);
	return strcmp(code, "QuotaExceeded") == 0 || status == 507 ? IMAGESTORE_ENOSPC
								  : IMAGESTORE_EIO;
}

/* ---------------------------------------------------------------- the ops */

static bool is_bucket(const char *b)
{
	size_t n = strlen(b);

	if (n < 3 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') ||
		      b[i] == '-' || b[i] == '.'))
			return false;
	return true;
}

static void s3_close(struct imagestore *is)
{
	struct imagestore_s3 *s = is->s3;

	if (!s)
		return;
	while (s->npool > 0)
		curl_easy_cleanup(s->pool[--s->npool]);
	pthread_mutex_destroy(&s->pool_lock);
	/* the secret does not outlive the store in freed memory */
	explicit_bzero(s, sizeof *s);
	free(s);
	is->s3 = NULL;
}

static int s3_open(struct imagestore *is, const char *spec, char *err, size_t errlen)
{
	struct request rq = { .method = "GET", .query = "list-type=2&max-keys=1",
			      .sha256 = EMPTY_SHA256 };
	struct answer a = { .max = ANSWER_MAX };
	struct imagestore_s3 *s;
	long status = 0;
	int rc;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		snprintf(err, errlen, "image store %s: libcurl: %s", spec,
			 curl_easy_strerror(global_rc));
		return IMAGESTORE_EIO;
	}
	if (!is_bucket(spec + 5)) {
		snprintf(err, errlen, "image store %.80s: not s3://BUCKET (a bucket's name: "
			 "3 to 63 of a-z, 0-9, '-', '.')", spec);
		return IMAGESTORE_EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "image store %s: out of memory", spec);
		return IMAGESTORE_EIO;
	}
	is->s3 = s;
	snprintf(s->bucket, sizeof s->bucket, "%s", spec + 5);
	pthread_mutex_init(&s->pool_lock, NULL);
	rc = load_config(s, err, errlen);
	if (rc)
		goto fail;
	/* the bucket there and the keys good: a listing of one key (what the
	 * purge needs anyway), so that a wrong configuration is named now */
	rc = s3_do(is, &rq, &status, &a, err, errlen);
	if (!rc && status != 200)
		rc = s3_fail(is, &rq, status, &a, err, errlen);
	free(a.p);
	if (!rc)
		return 0;
fail:
	s3_close(is);
	return rc;
}

static int s3_put(const struct imagestore *is, const char *area, const char *rel,
		  const void *data, size_t len, const uint8_t h[32], unsigned flags,
		  int *damaged, char *err, size_t errlen)
{
	char hex[EV_HASH_HEX + 1];
	struct request rq = { .method = "PUT", .key = rel, .body = data, .len = len,
			      .sha256 = hex, .content_type = "image/jpeg" };
	struct answer a = { .max = ANSWER_MAX };
	long status = 0;
	int rc;

	(void)area; (void)flags;
	*damaged = 0;
	ev_hex(h, EV_HASH_LEN, hex);
	rc = s3_do(is, &rq, &status, &a, err, errlen);
	if (!rc && status != 200)
		rc = s3_fail(is, &rq, status, &a, err, errlen);
	free(a.p);
	return rc;
}

static int s3_sync(const struct imagestore *is, char *err, size_t errlen)
{
	(void)is; (void)err; (void)errlen;
	return 0;	/* a PUT answered 200 is durable (at the top) */
}

static int s3_sweep_temp(struct imagestore *is, time_t older_than, size_t *removed,
			 char *err, size_t errlen)
{
	(void)is; (void)older_than; (void)err; (void)errlen;
	*removed = 0;	/* an unfinished PUT leaves no object */
	return 0;
}

static int s3_get(const struct imagestore *is, const char *rel, size_t max, void **data,
		  size_t *len, char *err, size_t errlen)
{
	struct request rq = { .method = "GET", .key = rel, .sha256 = EMPTY_SHA256 };
	struct answer a = { .max = max };
	long status = 0;
	int rc;

	rc = s3_do(is, &rq, &status, &a, err, errlen);
	if (!rc && a.over) {
		snprintf(err, errlen, "image store %s: GET %s: more than %zu bytes",
			 is->root, rel, max);
		rc = IMAGESTORE_EIO;
	} else if (!rc && status != 200) {
		rc = s3_fail(is, &rq, status, &a, err, errlen);
		if (status == 404)
			rc = IMAGESTORE_ENOENT;
	}
	if (rc) {
		free(a.p);
		return rc;
	}
	*data = a.p ? a.p : calloc(1, 1);
	*len = a.len;
	return *data ? 0 : IMAGESTORE_EIO;
}

/* s, escaped for XML text, appended to b (cap bytes, at *off) */
static int xml_append(char *b, size_t cap, size_t *off, const char *s)
{
	for (; *s; s++) {
		const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
		size_t n = r ? strlen(r) : 1;

		if (*off + n + 1 > cap)
			return -1;
		memcpy(b + *off, r ? r : s, n);
		*off += n;
	}
	b[*off] = '\0';
	return 0;
}

/* DeleteObjects of keys[0..n): one request for up to 1000 keys (a day of
 * a busy force is millions of images: one DELETE each would be days) */
static int delete_batch(const struct imagestore *is, char **keys, size_t n, char *err,
			size_t errlen)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete "
		"xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
	size_t cap = sizeof head + 64, off;
	uint8_t md5[MD5_DIGEST_SIZE], sha[32];
	char md5b64[BASE64_ENCODE_RAW_LENGTH(MD5_DIGEST_SIZE) + 1], shahex[EV_HASH_HEX + 1];
	struct request rq = { .method = "POST", .query = "delete=", .sha256 = shahex,
			      .content_md5 = md5b64, .content_type = "application/xml" };
	struct answer a = { .max = ANSWER_MAX };
	struct md5_ctx mc;
	long status = 0;
	char *body;
	int rc;

	/* room for every key escaped at its longest ("&amp;" for each byte) */
	for (size_t i = 0; i < n; i++)
		cap += 5 * strlen(keys[i]) + 32;
	body = malloc(cap);
	if (!body) {
		snprintf(err, errlen, "image store %s: out of memory", is->root);
		return IMAGESTORE_EIO;
	}
	off = strlen(head);
	memcpy(body, head, off + 1);
	for (size_t i = 0; i < n; i++) {
		off += (size_t)snprintf(body + off, cap - off, "<Object><Key>");
		(void)xml_append(body, cap, &off, keys[i]);	/* fits: cap */
		off += (size_t)snprintf(body + off, cap - off, "</Key></Object>");
	}
	off += (size_t)snprintf(body + off, cap - off, "</Delete>");
	md5_init(&mc);
	md5_update(&mc, off, (const uint8_t *)body);
	md5_digest(&mc, sizeof md5, md5);
	base64_encode_raw(md5b64, sizeof md5, md5);
	md5b64[sizeof md5b64 - 1] = '\0';
	ingest_sha256(body, off, sha);
	ev_hex(sha, sizeof sha, shahex);
	rq.body = body;
	rq.len = off;
	rc = s3_do(is, &rq, &status, &a, err, errlen);
	if (!rc && status != 200) {
		rc = s3_fail(is, &rq, status, &a, err, errlen);
	} else if (!rc) {
		/* quiet: the answer lists only the keys not deleted */
		xmlDoc *d = parse(&a);
		const xmlNode *r = d ? xmlDocGetRootElement(d) : NULL, *e = child(r, "Error");

		if (!r) {
			snprintf(err, errlen, "image store %s: DeleteObjects: an answer "
				 "that is not XML", is->root);
			rc = IMAGESTORE_EIO;
		} else if (e) {
			char key[300], code[80];

			snprintf(err, errlen, "image store %s: DELETE %s: %s", is->root,
				 text(child(e, "Key"), key, sizeof key),
				 text(child(e, "Code"), code, sizeof code));
			rc = IMAGESTORE_EIO;
		}
		if (d)
			xmlFreeDoc(d);
	}
	free(a.p);
	free(body);
	return rc;
}

/* percent-encoding as signature v4 wants it (curl_easy_escape keeps only
 * A-Z a-z 0-9 - . _ ~ and writes %XX in capitals: the same) */
static int enc(char *dst, size_t cap, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	int rc = e && strlen(e) < cap ? 0 : -1;

	if (!rc)
		memcpy(dst, e, strlen(e) + 1);
	curl_free(e);
	return rc;
}

/* "DAY/": list the prefix (ListObjectsV2, a page of up to 1000 keys at a
 * time) and delete each page's keys */
static int remove_day(const struct imagestore *is, const char *prefix, char *err,
		      size_t errlen)
{
	char token[1024] = "", etoken[3200], eprefix[64], query[3400];
	char **keys = calloc(DELETE_BATCH, sizeof *keys);
	size_t nk = 0;
	bool more = true;
	int rc = 0;

	if (!keys || enc(eprefix, sizeof eprefix, prefix) != 0) {
		free(keys);
		snprintf(err, errlen, "image store %s: out of memory", is->root);
		return IMAGESTORE_EIO;
	}
	while (more && !rc) {
		struct request rq = { .method = "GET", .query = query, .sha256 = EMPTY_SHA256 };
		struct answer a = { .max = ANSWER_MAX };
		const xmlNode *r, *n;
		xmlDoc *d;
		long status = 0;
		char tmp[16];

		if (*token && enc(etoken, sizeof etoken, token) != 0) {
			snprintf(err, errlen, "image store %s: a continuation token too long",
				 is->root);
			rc = IMAGESTORE_EIO;
			break;
		}
		/* the names in order: curl 7.88 signs the query as it is */
		snprintf(query, sizeof query, "%s%s%slist-type=2&max-keys=%d&prefix=%s",
			 *token ? "continuation-token=" : "", *token ? etoken : "",
			 *token ? "&" : "", DELETE_BATCH, eprefix);
		rc = s3_do(is, &rq, &status, &a, err, errlen);
		if (!rc && status != 200)
			rc = s3_fail(is, &rq, status, &a, err, errlen);
		d = rc ? NULL : parse(&a);
		r = d ? xmlDocGetRootElement(d) : NULL;
		if (!rc && !r) {
			snprintf(err, errlen, "image store %s: listing %s: an answer that is "
				 "not XML", is->root, prefix);
			rc = IMAGESTORE_EIO;
		}
		for (n = r ? r->children : NULL; n && !rc; n = n->next) {
			char key[1024];

			if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "Contents") != 0)
				continue;
			text(child(n, "Key"), key, sizeof key);
			/* only what the listing was asked for, whatever it says */
			if (strncmp(key, prefix, strlen(prefix)) != 0 || nk >= DELETE_BATCH)
				continue;
			keys[nk] = strdup(key);
			if (keys[nk])
				nk++;
			else
				rc = IMAGESTORE_EIO;
		}
		more = r && strcmp(text(child(r, "IsTruncated"), tmp, sizeof tmp), "true") == 0;
		text(child(r, "NextContinuationToken"), token, sizeof token);
		if (more && !*token) {
			snprintf(err, errlen, "image store %s: listing %s: truncated without "
				 "a continuation token", is->root, prefix);
			rc = IMAGESTORE_EIO;
		}
		if (d)
			xmlFreeDoc(d);
		free(a.p);
		if (!rc && nk)
			rc = delete_batch(is, keys, nk, err, errlen);
		while (nk)
			free(keys[--nk]);
	}
	free(keys);
	return rc;
}

static int s3_remove(const struct imagestore *is, const char *rel, char *err, size_t errlen)
{
	struct request rq = { .method = "DELETE", .key = rel, .sha256 = EMPTY_SHA256 };
	struct answer a = { .max = ANSWER_MAX };
	long status = 0;
	int rc;

	if (rel[strlen(rel) - 1] == '/')
		return remove_day(is, rel, err, errlen);
	rc = s3_do(is, &rq, &status, &a, err, errlen);
	/* 204 whether or not it was there: gone either way */
	if (!rc && status != 204 && status != 200 && status != 404)
		rc = s3_fail(is, &rq, status, &a, err, errlen);
	free(a.p);
	return rc;
}

const struct imagestore_ops imagestore_s3_ops = {
	.name = "s3",
	.open = s3_open,
	.close = s3_close,
	.put = s3_put,
	.sync = s3_sync,
	.sweep_temp = s3_sweep_temp,
	.get = s3_get,
	.remove = s3_remove,
};
