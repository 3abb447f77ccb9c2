/*
 * xs-toolstack: the toolstack's part of a launch, run in the Linux
 * XENSTORE domain once Debian's xenstored serves the store
 * (docs/xen-interface.md, "The toolstack's part"). The hypervisor writes
 * the launch's plan into this domain's device tree (/xenstore-plan, read
 * here from /proc/device-tree): every domain the store serves, with its
 * store ring and port, and every split device the LCM declares. For each
 * device it writes the frontend's and the backend's entries in Xen's
 * layout (what Xen's libxl writes for a vbd or a vif); for each domain
 * its home (/local/domain/N: name, domid, owned by N) before the entries
 * of its devices, then XS_INTRODUCE, which lets the hypervisor start it.
 *
 *   xs-toolstack [PLAN]   PLAN: the plan's folder, by default
 *                         /proc/device-tree/xenstore-plan
 *
 * It speaks the store's wire protocol (Xen's public/io/xs_wire.h) over
 * /dev/xen/xenbus, this domain's own connection to the store, which is the
 * privileged one (a connection to xenstored's socket is accounted to
 * domain 0, which does not exist here). Prints one line per home, device
 * and introduced domain; a failure prints one line naming the domain, the
 * path and the error, and the exit status is 1 when anything failed (2
 * when the plan cannot be read or the store cannot be reached).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The store's wire protocol (public/io/xs_wire.h): a header, then the
 * body, strings separated by NULs. */
enum xs_type {
	XS_INTRODUCE = 8,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_SET_PERMS = 14,
	XS_ERROR = 16,
};

struct xsd_sockmsg {
	uint32_t type, req_id, tx_id, len;
};

#define XS_PAYLOAD_MAX 4096 /* XENSTORE_PAYLOAD_MAX */
#define XENBUS         "/dev/xen/xenbus"
#define PLAN           "/proc/device-tree/xenstore-plan"
#define MAX_DOMAINS    256
#define MAX_DEVICES    (MAX_DOMAINS * 8)
#define STR_MAX        160

struct plan_domain {
	unsigned domid;
	char name[STR_MAX];
	unsigned long long gfn;
	unsigned port;
};

struct plan_device {
	char type[4];   /* "vbd" | "vif" */
	unsigned index; /* its unit address: the plan's order */
	unsigned frontend, backend, devid;
	char vdev[STR_MAX], target[STR_MAX], mode[4], mac[STR_MAX];
};

static struct plan_domain domains[MAX_DOMAINS];
static unsigned nr_domains;
static struct plan_device devices[MAX_DEVICES];
static unsigned nr_devices;
static int bus = -1;
static unsigned failures;

/* --- the plan ----------------------------------------------------------------- */

/* Property @prop of node @dir of the plan, @len bytes at most into @buf;
 * its length, or -1 (the line printed). */
static int read_prop(const char *dir, const char *prop, void *buf, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, prop);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("xs-toolstack: plan: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, buf, len);
	int err = errno;
	close(fd);
	if (n < 0) {
		printf("xs-toolstack: plan: %s: %s\n", path, strerror(err));
		return -1;
	}
	return (int)n;
}

/* A device-tree cell (big-endian 32 bits). */
static int read_u32(const char *dir, const char *prop, unsigned *out)
{
	uint8_t b[8];
	if (read_prop(dir, prop, b, sizeof(b)) != 4) {
		printf("xs-toolstack: plan: %s/%s: not one 32-bit cell\n", dir, prop);
		return -1;
	}
	*out = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	return 0;
}

static int read_u64(const char *dir, const char *prop, unsigned long long *out)
{
	uint8_t b[12];
	if (read_prop(dir, prop, b, sizeof(b)) != 8) {
		printf("xs-toolstack: plan: %s/%s: not two 32-bit cells\n", dir, prop);
		return -1;
	}
	*out = 0;
	for (int i = 0; i < 8; i++) {
		*out = *out << 8 | b[i];
	}
	return 0;
}

/* A string of printable characters (it goes into store paths and values). */
static int read_str(const char *dir, const char *prop, char *out, size_t size)
{
	int n = read_prop(dir, prop, out, size);
	if (n < 0) {
		return -1;
	}
	if (n == 0 || (size_t)n == size || out[n - 1] != '\0' || strlen(out) != (size_t)n - 1) {
		printf("xs-toolstack: plan: %s/%s: not one string shorter than %zu bytes\n", dir,
		       prop, size);
		return -1;
	}
	for (int i = 0; i < n - 1; i++) {
		if (out[i] < ' ' || out[i] > '~') {
			printf("xs-toolstack: plan: %s/%s: byte 0x%02x is not printable\n", dir,
			       prop, (unsigned char)out[i]);
			return -1;
		}
	}
	return 0;
}

static int read_domain(const char *dir)
{
	struct plan_domain *d = &domains[nr_domains];
	if (nr_domains == MAX_DOMAINS) {
		printf("xs-toolstack: plan: more than %d domains\n", MAX_DOMAINS);
		return -1;
	}
	if (read_u32(dir, "domid", &d->domid) || read_str(dir, "name", d->name, sizeof(d->name)) ||
	    read_u64(dir, "store-gfn", &d->gfn) || read_u32(dir, "store-port", &d->port)) {
		return -1;
	}
	nr_domains++;
	return 0;
}

static int read_device(const char *dir, const char *type, unsigned index)
{
	struct plan_device *x = &devices[nr_devices];
	if (nr_devices == MAX_DEVICES) {
		printf("xs-toolstack: plan: more than %d devices\n", MAX_DEVICES);
		return -1;
	}
	memset(x, 0, sizeof(*x));
	snprintf(x->type, sizeof(x->type), "%.3s", type);
	x->index = index;
	if (read_u32(dir, "frontend", &x->frontend) || read_u32(dir, "backend", &x->backend) ||
	    read_u32(dir, "devid", &x->devid)) {
		return -1;
	}
	if (strcmp(type, "vbd") == 0) {
		if (read_str(dir, "vdev", x->vdev, sizeof(x->vdev)) ||
		    read_str(dir, "target", x->target, sizeof(x->target)) ||
		    read_str(dir, "mode", x->mode, sizeof(x->mode))) {
			return -1;
		}
	} else if (read_str(dir, "mac", x->mac, sizeof(x->mac))) {
		return -1;
	}
	nr_devices++;
	return 0;
}

static int by_domid(const void *a, const void *b)
{
	const struct plan_domain *x = a, *y = b;
	return (x->domid > y->domid) - (x->domid < y->domid);
}

static int by_index(const void *a, const void *b)
{
	const struct plan_device *x = a, *y = b;
	int t = strcmp(x->type, y->type);
	return t != 0 ? t : (x->index > y->index) - (x->index < y->index);
}

/* Every domain@N, vbd@N and vif@N node of the plan. */
static int read_plan(const char *plan)
{
	DIR *dir = opendir(plan);
	struct dirent *e;
	int bad = 0;

	if (dir == NULL) {
		printf("xs-toolstack: plan: %s: %s\n", plan, strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		char path[512], type[8];
		unsigned index;
		snprintf(path, sizeof(path), "%s/%s", plan, e->d_name);
		if (sscanf(e->d_name, "%7[a-z]@%x", type, &index) != 2) {
			continue;
		}
		if (strcmp(type, "domain") == 0) {
			bad |= read_domain(path);
		} else if (strcmp(type, "vbd") == 0 || strcmp(type, "vif") == 0) {
			bad |= read_device(path, type, index);
		}
	}
	closedir(dir);
	qsort(domains, nr_domains, sizeof(domains[0]), by_domid);
	qsort(devices, nr_devices, sizeof(devices[0]), by_index);
	return bad;
}

/* --- the store ------------------------------------------------------------------ */

/* Request @type with the @n strings of @parts (each with its NUL; a
 * write's value, the last, without); 0 or the error's errno. */
static int xs_request(enum xs_type type, const char *const *parts, int n, bool last_nul)
{
	static char msg[sizeof(struct xsd_sockmsg) + XS_PAYLOAD_MAX];
	struct xsd_sockmsg h = { .type = type, .req_id = 1 };
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		size_t l = strlen(parts[i]) + (i < n - 1 || last_nul);
		if (len + l > XS_PAYLOAD_MAX) {
			return E2BIG;
		}
		memcpy(msg + sizeof(h) + len, parts[i], l);
		len += l;
	}
	h.len = (uint32_t)len;
	memcpy(msg, &h, sizeof(h));
	/* Linux's /dev/xen/xenbus gathers a whole message (header and
	 * body) before it sends it: one write. */
	if (write(bus, msg, sizeof(h) + len) != (ssize_t)(sizeof(h) + len)) {
		return errno != 0 ? errno : EIO;
	}
	if (read(bus, &h, sizeof(h)) != sizeof(h)) {
		return errno != 0 ? errno : EIO;
	}
	static char reply[XS_PAYLOAD_MAX + 1];
	size_t got = 0;
	if (h.len > XS_PAYLOAD_MAX) {
		return EPROTO;
	}
	while (got < h.len) {
		ssize_t r = read(bus, reply + got, h.len - got);
		if (r <= 0) {
			return r < 0 ? errno : EIO;
		}
		got += (size_t)r;
	}
	reply[got] = '\0';
	if (h.type != XS_ERROR) {
		return 0;
	}
	/* The body names the errno ("EACCES"): xsd_errors in public/io/xs_wire.h. */
	static const struct {
		const char *name;
		int err;
	} names[] = {
		{ "EINVAL", EINVAL }, { "EACCES", EACCES },   { "EEXIST", EEXIST },
		{ "EISDIR", EISDIR }, { "ENOENT", ENOENT },   { "ENOMEM", ENOMEM },
		{ "ENOSPC", ENOSPC }, { "EIO", EIO },         { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOSYS", ENOSYS }, { "EROFS", EROFS },     { "EBUSY", EBUSY },
		{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
		{ "EPERM", EPERM },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(reply, names[i].name) == 0) {
			return names[i].err;
		}
	}
	return EIO;
}

/* A failure: one line naming the domain, what and where, and the error. */
static void failed(unsigned domid, const char *what, const char *path, int err)
{
	printf("xs-toolstack: domain %u: %s %s: %s\n", domid, what, path, strerror(err));
	failures++;
}

/* Write @value at @path for domain @domid (for the failure's line). */
static int xs_write(unsigned domid, const char *path, const char *value)
{
	const char *parts[] = { path, value };
	int err = xs_request(XS_WRITE, parts, 2, false);
	if (err != 0) {
		failed(domid, "write", path, err);
	}
	return err;
}

static int xs_writef(unsigned domid, const char *dir, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int xs_writef(unsigned domid, const char *dir, const char *key, const char *fmt, ...)
{
	char path[256], value[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return xs_write(domid, path, value);
}

static int xs_mkdir(unsigned domid, const char *path)
{
	const char *parts[] = { path };
	int err = xs_request(XS_MKDIR, parts, 1, true);
	if (err != 0) {
		failed(domid, "mkdir", path, err);
	}
	return err;
}

/* Owner @owner, no access for others, read for @reader (when not -1):
 * Xen's permission strings "n<owner>" then "r<reader>" (public/io/xs_wire.h, as
 * xenstore-chmod writes them). */
static int xs_perms(unsigned domid, const char *path, unsigned owner, long reader)
{
	char own[16], read[16];
	snprintf(own, sizeof(own), "n%u", owner);
	snprintf(read, sizeof(read), "r%ld", reader);
	const char *parts[] = { path, own, read };
	int err = xs_request(XS_SET_PERMS, parts, reader >= 0 ? 3 : 2, true);
	if (err != 0) {
		failed(domid, "set permissions of", path, err);
	}
	return err;
}

/* --- the toolstack's part ------------------------------------------------------------ */

static const struct plan_domain *domain_of(unsigned domid)
{
	for (unsigned i = 0; i < nr_domains; i++) {
		if (domains[i].domid == domid) {
			return &domains[i];
		}
	}
	return NULL;
}

/* /local/domain/N owned by N (only N and the privileged store domain may
 * read or write it; nodes made under it inherit that), its name and
 * domid. The store makes a node a privileged connection creates inherit
 * its parent's owner: the home's owner is set before anything is
 * written in it. */
static int write_home(const struct plan_domain *d)
{
	char home[64];
	snprintf(home, sizeof(home), "/local/domain/%u", d->domid);
	if (xs_mkdir(d->domid, home) || xs_perms(d->domid, home, d->domid, -1) ||
	    xs_writef(d->domid, home, "name", "%s", d->name) ||
	    xs_writef(d->domid, home, "domid", "%u", d->domid)) {
		return -1;
	}
	printf("xs-toolstack: domain %u %s: home %s\n", d->domid, d->name, home);
	return 0;
}

/* A directory owned by @owner that @reader may read, made before its
 * keys so that they inherit it. */
static int make_dir(unsigned domid, const char *path, unsigned owner, unsigned reader)
{
	return xs_mkdir(domid, path) || xs_perms(domid, path, owner, reader) ? -1 : 0;
}

/* The entries Xen's libxl writes for a vbd or a vif: the frontend's
 * under /local/domain/F/device/TYPE/ID (owned by F, read by B), the
 * backend's under /local/domain/B/backend/TYPE/F/ID (owned by B, read by
 * F), each pointing at the other; both in state 1 (XenbusStateInitialising). */
static int write_device(const struct plan_device *x)
{
	char fe[160], be[160];
	unsigned f = x->frontend, b = x->backend;
	bool vbd = strcmp(x->type, "vbd") == 0;

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/%.3s/%u", f, x->type, x->devid);
	snprintf(be, sizeof(be), "/local/domain/%u/backend/%.3s/%u/%u", b, x->type, f, x->devid);
	if (domain_of(f) == NULL || domain_of(b) == NULL) {
		printf("xs-toolstack: domain %u: %s %u: its %s %u is not in the plan\n", f, x->type,
		       x->devid, domain_of(f) == NULL ? "frontend" : "backend",
		       domain_of(f) == NULL ? f : b);
		failures++;
		return -1;
	}
	if (make_dir(f, fe, f, b) || xs_writef(f, fe, "backend", "%s", be) ||
	    xs_writef(f, fe, "backend-id", "%u", b) || xs_writef(f, fe, "state", "1")) {
		return -1;
	}
	if (vbd ? xs_writef(f, fe, "virtual-device", "%u", x->devid) ||
			    xs_writef(f, fe, "device-type", "disk")
		: xs_writef(f, fe, "handle", "%u", x->devid) ||
			    xs_writef(f, fe, "mac", "%s", x->mac)) {
		return -1;
	}
	if (make_dir(b, be, b, f) || xs_writef(b, be, "frontend", "%s", fe) ||
	    xs_writef(b, be, "frontend-id", "%u", f) || xs_writef(b, be, "online", "1") ||
	    xs_writef(b, be, "state", "1")) {
		return -1;
	}
	if (vbd) {
		if (xs_writef(b, be, "removable", "0") || xs_writef(b, be, "bootable", "1") ||
		    xs_writef(b, be, "dev", "%s", x->vdev) || xs_writef(b, be, "type", "phy") ||
		    xs_writef(b, be, "mode", "%s", x->mode) ||
		    xs_writef(b, be, "device-type", "disk") ||
		    xs_writef(b, be, "params", "%s", x->target)) {
			return -1;
		}
		printf("xs-toolstack: vbd %u: domain %u %s (%s) served by domain %u (%s, %s)\n",
		       x->devid, f, x->vdev, fe, b, x->target, x->mode);
		return 0;
	}
	/* xen-netback's probe refuses a backend directory without "script"
	 * (it hands it to the hotplug uevent); nothing runs it here: the
	 * driver domain sets its vif up itself. */
	if (xs_writef(b, be, "handle", "%u", x->devid) || xs_writef(b, be, "mac", "%s", x->mac) ||
	    xs_writef(b, be, "type", "vif") || xs_writef(b, be, "script", "none")) {
		return -1;
	}
	printf("xs-toolstack: vif %u: domain %u %s (%s) served by domain %u\n", x->devid, f, x->mac,
	       fe, b);
	return 0;
}

/* XS_INTRODUCE N GFN PORT: the store maps N's ring through its grant
 * entry 1 and binds its port; the hypervisor starts N then. */
static void introduce(const struct plan_domain *d)
{
	char id[16], gfn[24], port[16];
	snprintf(id, sizeof(id), "%u", d->domid);
	snprintf(gfn, sizeof(gfn), "%llu", d->gfn);
	snprintf(port, sizeof(port), "%u", d->port);
	const char *parts[] = { id, gfn, port };
	int err = xs_request(XS_INTRODUCE, parts, 3, true);
	if (err != 0) {
		failed(d->domid, "introduce", id, err);
		return;
	}
	printf("xs-toolstack: domain %u %s: introduced (ring 0x%llx, port %u)\n", d->domid, d->name,
	       d->gfn, d->port);
}

int main(int argc, char **argv)
{
	const char *plan = argc > 1 ? argv[1] : PLAN;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2) {
		fprintf(stderr, "usage: xs-toolstack [PLAN-FOLDER]\n");
		return 2;
	}
	if (read_plan(plan) != 0) {
		return 2;
	}
	printf("xs-toolstack: plan: %u domains, %u devices\n", nr_domains, nr_devices);
	bus = open(XENBUS, O_RDWR | O_CLOEXEC);
	if (bus < 0) {
		printf("xs-toolstack: %s: %s\n", XENBUS, strerror(errno));
		return 2;
	}
	/* Every home first (a device's entries are in two homes), then the
	 * devices, then the introductions: a domain finds its devices'
	 * entries from its first look at the store on. */
	bool home_ok[MAX_DOMAINS];
	for (unsigned i = 0; i < nr_domains; i++) {
		home_ok[i] = write_home(&domains[i]) == 0;
	}
	bool dev_ok[MAX_DOMAINS];
	memset(dev_ok, 1, sizeof(dev_ok));
	for (unsigned i = 0; i < nr_devices; i++) {
		if (write_device(&devices[i]) != 0) {
			for (unsigned k = 0; k < nr_domains; k++) {
				if (domains[k].domid == devices[i].frontend) {
					dev_ok[k] = false;
				}
			}
		}
	}
	for (unsigned i = 0; i < nr_domains; i++) {
		if (home_ok[i] && dev_ok[i]) {
			introduce(&domains[i]);
		} else {
			printf("xs-toolstack: domain %u %s: not introduced\n", domains[i].domid,
			       domains[i].name);
			failures++;
		}
	}
	return failures == 0 ? 0 : 1;
}
