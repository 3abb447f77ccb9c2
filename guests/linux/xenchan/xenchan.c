/*
 * xenchan: messages between two Xen-aware Linux domains through Linux's
 * own Xen devices, as an unmodified userspace would use them
 * (tests/hv/xen-linux-pair.sh). No xenstore: the offering domain makes one
 * unbound port and one grant for its peer, and the peer finds them by
 * trying the first ports and grant references (docs/xen-interface.md,
 * "How two domains find each other without a store").
 *
 * PEER is the other domain's id, SELF this one's (without a store Linux
 * does not know it).
 *
 *   xenchan offer PEER SELF
 *                        /dev/xen/gntalloc: a page granted to PEER, written
 *                        "ping from SELF"; /dev/xen/evtchn: an unbound port
 *                        for PEER. Waits for PEER's answer in the page
 *                        (events tell it to look), prints it, writes "ack"
 *                        and sends an event back.
 *   xenchan take PEER SELF
 *                        /dev/xen/evtchn: binds PEER's port (ports 1-63,
 *                        retried until PEER has made it); /dev/xen/gntdev:
 *                        maps PEER's grant (refs 8-63); prints the message,
 *                        writes "pong from SELF" after it, sends an event,
 *                        waits for PEER's "ack".
 *
 *   xenchan domains      every domain XEN_DOMCTL_getdomaininfo reports
 *                        (/dev/xen/privcmd: the XENSTORE domain may ask).
 *   xenchan introduce DOMID GFN PORT
 *                        XS_INTRODUCE to the local xenstored, as a toolstack
 *                        does for each domain.
 *
 * Each step prints one line "xenchan: ..."; an error prints the call and
 * errno's text, and the exit status is 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* /dev/xen/privcmd's one call (the kernel's uapi xen/privcmd.h needs Xen's
 * own headers): a hypercall number and five arguments. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

/* The uapi headers leave these two to their user (Xen's public xen.h and
 * public/grant_table.h define them). */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;

#include <hyperlaunch/xen-abi.h>
#include <xen/evtchn.h>
#include <xen/gntalloc.h>
#include <xen/gntdev.h>

#define PAGE       4096
#define ACK        1024 /* where the offer says it got the answer */
#define ANSWER     2048 /* where the peer's answer goes in the page */
#define FIRST_REF  8    /* refs 0-7 are reserved (GNTTAB_NR_RESERVED_ENTRIES) */
#define LAST_REF   63
#define LAST_PORT  63
#define TIMEOUT_MS 20000

static int fail(const char *what)
{
	printf("xenchan: %s: %s\n", what, strerror(errno));
	return 1;
}

static int open_dev(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("xenchan: open %s: %s\n", path, strerror(errno));
	}
	return fd;
}

/* This domain's id, as the command line gives it: without a store, Linux
 * does not know it. */
static unsigned self_domid;

/* Wait for an event on @evtchn (the file), then unmask it by writing the
 * port back; 0, or -1 on timeout or error. */
static int wait_event(int evtchn)
{
	struct pollfd p = { .fd = evtchn, .events = POLLIN };
	uint32_t port;

	if (poll(&p, 1, TIMEOUT_MS) != 1) {
		errno = errno != 0 ? errno : ETIMEDOUT;
		return -1;
	}
	if (read(evtchn, &port, sizeof(port)) != sizeof(port) ||
	    write(evtchn, &port, sizeof(port)) != sizeof(port)) {
		return -1;
	}
	return 0;
}

/* Wait for events until the text at @at starts with @prefix: an event can
 * come without news (binding a port raises it once, as in Xen). */
static int wait_text(int evtchn, const volatile char *at, const char *prefix)
{
	for (int events = 0; events < 16; events++) {
		if (strncmp((const char *)at, prefix, strlen(prefix)) == 0) {
			return 0;
		}
		if (wait_event(evtchn) != 0) {
			return -1;
		}
	}
	errno = EPROTO;
	return -1;
}

static int notify(int evtchn, unsigned port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	return ioctl(evtchn, IOCTL_EVTCHN_NOTIFY, &n);
}

static int offer(unsigned peer)
{
	int gntalloc = open_dev("/dev/xen/gntalloc");
	int evtchn = open_dev("/dev/xen/evtchn");

	if (gntalloc < 0 || evtchn < 0) {
		return 1;
	}
	struct ioctl_gntalloc_alloc_gref a = { .domid = (uint16_t)peer,
					       .flags = GNTALLOC_FLAG_WRITABLE,
					       .count = 1 };
	if (ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, &a) != 0) {
		return fail("IOCTL_GNTALLOC_ALLOC_GREF");
	}
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gntalloc, (off_t)a.index);
	if (page == MAP_FAILED) {
		return fail("mmap of the granted page");
	}
	snprintf(page, ANSWER, "ping from %u", self_domid);
	struct ioctl_evtchn_bind_unbound_port u = { .remote_domain = peer };
	int port = ioctl(evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
	if (port < 0) {
		return fail("IOCTL_EVTCHN_BIND_UNBOUND_PORT");
	}
	printf("xenchan: offer to domain %u: grant ref %u, port %d\n", peer, a.gref_ids[0], port);
	fflush(stdout);
	if (wait_text(evtchn, page + ANSWER, "pong") != 0) {
		return fail("waiting for the peer's answer");
	}
	printf("xenchan: got \"%.64s\"\n", page + ANSWER);
	snprintf(page + ACK, ANSWER - ACK, "ack");
	if (notify(evtchn, (unsigned)port) != 0) {
		return fail("IOCTL_EVTCHN_NOTIFY");
	}
	printf("xenchan: offer done\n");
	return 0;
}

/* Bind the first unbound port @peer made for this domain. */
static int bind_peer_port(int evtchn, unsigned peer)
{
	for (int tries = 0; tries < TIMEOUT_MS / 100; tries++) {
		for (unsigned p = 1; p <= LAST_PORT; p++) {
			struct ioctl_evtchn_bind_interdomain b = { .remote_domain = peer,
								   .remote_port = p };
			int port = ioctl(evtchn, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
			if (port >= 0) {
				return port;
			}
			if (errno == EPERM) {
				return -1; /* no channel with it: trying again is useless */
			}
		}
		usleep(100000);
	}
	return -1;
}

/* Map the first grant @peer made for this domain, trying @rounds times. */
static char *map_peer_grant(int gntdev, unsigned peer, int rounds)
{
	for (int tries = 0; tries < rounds; tries++) {
		for (unsigned ref = FIRST_REF; ref <= LAST_REF; ref++) {
			struct ioctl_gntdev_map_grant_ref m = { .count = 1 };
			m.refs[0].domid = peer;
			m.refs[0].ref = ref;
			if (ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, &m) != 0) {
				return NULL;
			}
			char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gntdev,
					  (off_t)m.index);
			if (page != MAP_FAILED) {
				printf("xenchan: mapped grant ref %u of domain %u\n", ref, peer);
				return page;
			}
			int err = errno;
			struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index, .count = 1 };
			ioctl(gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
			errno = err;
		}
		usleep(100000);
	}
	return NULL;
}

static int take(unsigned peer)
{
	int evtchn = open_dev("/dev/xen/evtchn");
	int gntdev = open_dev("/dev/xen/gntdev");

	if (evtchn < 0 || gntdev < 0) {
		return 1;
	}
	int port = bind_peer_port(evtchn, peer);
	if (port < 0) {
		fail("binding the peer's port");
		/* Refused: its grants are no more ours to map. */
		if (map_peer_grant(gntdev, peer, 1) == NULL) {
			fail("mapping the peer's grant");
		}
		return 1;
	}
	printf("xenchan: bound port %d to domain %u\n", port, peer);
	char *page = map_peer_grant(gntdev, peer, TIMEOUT_MS / 100);
	if (page == NULL) {
		return fail("mapping the peer's grant");
	}
	printf("xenchan: got \"%.64s\"\n", page);
	snprintf(page + ANSWER, PAGE - ANSWER, "pong from %u", self_domid);
	if (notify(evtchn, (unsigned)port) != 0) {
		return fail("IOCTL_EVTCHN_NOTIFY");
	}
	if (wait_text(evtchn, page + ACK, "ack") != 0) {
		return fail("waiting for the peer's acknowledgement");
	}
	printf("xenchan: take done\n");
	return 0;
}

/* Every domain the hypervisor reports with XEN_DOMCTL_getdomaininfo
 * (through /dev/xen/privcmd, its argument in a /dev/xen/hypercall page),
 * as xenstored asks: each call names the lowest domid at or above the one
 * asked. */
static int domains(void)
{
	int privcmd = open_dev("/dev/xen/privcmd");
	int hypercall = open_dev("/dev/xen/hypercall");

	if (privcmd < 0 || hypercall < 0) {
		return 1;
	}
	struct xen_domctl *c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, hypercall, 0);
	if (c == MAP_FAILED) {
		return fail("mmap of /dev/xen/hypercall");
	}
	for (unsigned next = 0;;) {
		memset(c, 0, sizeof(*c));
		c->cmd = XEN_DOMCTL_getdomaininfo;
		c->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
		c->domain = (uint16_t)next;
		struct privcmd_hypercall h = { .op = XEN_HC_DOMCTL, .arg = { (uintptr_t)c } };
		if (ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0) {
			printf("xenchan: domains from %u: %s\n", next, strerror(errno));
			return errno == ESRCH ? 0 : 1;
		}
		const struct xen_domctl_getdomaininfo *g = &c->u.getdomaininfo;
		printf("xenchan: domain %u: flags 0x%x, %llu pages, %u vcpus\n", g->domain,
		       g->flags, (unsigned long long)g->tot_pages, g->nr_online_vcpus);
		next = g->domain + 1u;
	}
}

/* xenstored's socket and wire format (public/io/xs_wire.h). */
#define XENSTORED_SOCKET "/var/run/xenstored/socket"
#define XS_INTRODUCE     8
#define XS_ERROR         16

struct xsd_sockmsg {
	uint32_t type, req_id, tx_id, len;
};

/* XS_INTRODUCE DOMID GFN PORT to xenstored (what Xen's toolstack does for
 * each domain): it maps the domain's ring through grant 1 and binds its
 * port. Prints xenstored's answer. */
static int introduce(const char *domid, const char *gfn, const char *port)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = XENSTORED_SOCKET };
	char body[64], reply[64];
	int len = snprintf(body, sizeof(body), "%s%c%s%c%s", domid, 0, gfn, 0, port) + 1;
	struct xsd_sockmsg m = { .type = XS_INTRODUCE, .len = (uint32_t)len };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		return fail("connecting to " XENSTORED_SOCKET);
	}
	if (write(s, &m, sizeof(m)) != sizeof(m) || write(s, body, (size_t)len) != len ||
	    read(s, &m, sizeof(m)) != sizeof(m) || m.len >= sizeof(reply) ||
	    read(s, reply, m.len) != (ssize_t)m.len) {
		return fail("XS_INTRODUCE");
	}
	reply[m.len] = '\0';
	printf("xenchan: introduce domain %s: %s\n", domid, reply);
	return m.type == XS_ERROR;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "domains") == 0) {
		return domains();
	}
	if (argc == 5 && strcmp(argv[1], "introduce") == 0) {
		return introduce(argv[2], argv[3], argv[4]);
	}
	if (argc != 4) {
		fprintf(stderr, "usage: xenchan offer|take PEER-DOMID OWN-DOMID | domains |"
				" introduce DOMID GFN PORT\n");
		return 2;
	}
	self_domid = (unsigned)strtoul(argv[3], NULL, 0);
	if (strcmp(argv[1], "offer") == 0) {
		return offer((unsigned)strtoul(argv[2], NULL, 0));
	}
	if (strcmp(argv[1], "take") == 0) {
		return take((unsigned)strtoul(argv[2], NULL, 0));
	}
	fprintf(stderr, "xenchan: %s: neither offer nor take\n", argv[1]);
	return 2;
}
