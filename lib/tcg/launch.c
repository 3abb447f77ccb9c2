/*
 * What a launch measures (launch.h): the LCM's canonical digest, the order
 * of the module events and the text of every event. The hypervisor and
 * lcm-tool both call these, so a prediction is the launch's own description
 * of itself, with the LCM's digests in place of the measured ones.
 */
#include <libfdt.h>
#include <string.h>

#include <crypto/sha256.h>
#include <fmt/fmt.h>

#include "tcg/launch.h"

static void canon_str(struct sha256 *s, char tag, const char *str)
{
	sha256_update(s, &tag, 1);
	sha256_update(s, str, strlen(str) + 1);
}

static void canon_node(struct sha256 *s, const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int prop;

	canon_str(s, 'N', name != NULL ? name : "");
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *pname;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &pname, &len);
		if (val == NULL || pname == NULL || len < 0) {
			continue;
		}
		uint8_t be[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
				  (uint8_t)len };
		canon_str(s, 'P', pname);
		sha256_update(s, be, sizeof(be));
		sha256_update(s, val, (size_t)len);
	}
}

void tcg_lcm_digest(const void *fdt, int hv_node, uint8_t out[TCG_SHA256_SIZE])
{
	struct sha256 s;
	int node = hv_node, depth = 0;

	sha256_init(&s);
	/* depth is relative to hv_node: the walk ends when it comes back to
	 * 0 (a sibling) or below, or at the end of the tree. */
	for (;;) {
		int at = depth;
		canon_node(&s, fdt, node);
		node = fdt_next_node(fdt, node, &depth);
		int ends = node < 0 || depth <= 0 ? at + 1 : at - depth + 1;
		for (int i = 0; i < ends; i++) {
			sha256_update(&s, "E", 1);
		}
		if (node < 0 || depth <= 0) {
			break;
		}
	}
	sha256_final(&s, out);
}

uint32_t tcg_module_order(const struct lcm_launch *l, uint32_t *order, uint32_t max)
{
	uint32_t n = 0, first = l->first_config_module, end = first + l->nr_config_modules;

	for (int policy = 0; policy <= 1; policy++) {
		for (uint32_t i = first; i < end && n < max; i++) {
			if ((l->modules[i].type == LCM_MOD_XSM_POLICY) == (policy == 1)) {
				order[n++] = i;
			}
		}
	}
	for (uint32_t d = 0; d < l->nr_domains; d++) {
		const struct lcm_domain *ld = &l->domains[d];
		for (uint32_t i = ld->first_module;
		     i < ld->first_module + ld->nr_modules && n < max; i++) {
			order[n++] = i;
		}
	}
	return n;
}

/* The length of what fmt_snprintf wrote, its NUL included. */
static uint32_t with_nul(int n, size_t size)
{
	if (n < 0) {
		return 0;
	}
	return (size_t)n < size ? (uint32_t)n + 1 : (uint32_t)size;
}

uint32_t tcg_module_text(const struct lcm_launch *l, uint32_t i, char *buf, size_t n)
{
	const struct lcm_module *m = &l->modules[i];
	const char *type = lcm_module_type_name(m->type);

	if (m->owner == LCM_OWNER_CONFIG) {
		return with_nul(fmt_snprintf(buf, n, "config: %s", type), n);
	}
	const struct lcm_domain *d = &l->domains[m->owner];
	return with_nul(fmt_snprintf(buf, n, "domain %u %s: %s", d->domid, d->name, type), n);
}

void tcg_params_of(const struct lcm_launch *l, uint32_t index, struct tcg_params *p)
{
	const struct lcm_domain *d = &l->domains[index];
	int32_t k = d->module[LCM_MOD_KERNEL];

	p->domid = d->domid;
	p->name = d->name;
	p->permissions = d->permissions;
	p->functions = d->functions;
	p->label = d->security_id;
	p->memory_kib = d->memory_kib;
	p->vcpus = d->cpus;
	p->xen = d->xen;
	p->nr_channels = 0;
	for (uint32_t i = 0; i < d->nr_channels && i < LCM_MAX_CHANNELS; i++) {
		p->channels[p->nr_channels++] = lcm_channel(d, i);
	}
	/* A split device joins its frontend with its backend as a channel
	 * does (the hypervisor's xen_config()): measured with them, each
	 * backend once, when no channel names it already. */
	for (uint32_t i = 0; i < d->nr_xendevs; i++) {
		struct lcm_xendev x;
		if (!lcm_xendev(l, d, i, &x)) {
			continue;
		}
		uint32_t id = l->domains[x.backend].domid, k = 0;
		while (k < p->nr_channels && p->channels[k] != id) {
			k++;
		}
		if (k == p->nr_channels && k < LCM_MAX_XEN_PEERS) {
			p->channels[p->nr_channels++] = id;
		}
	}
	p->bootargs = k >= 0 ? l->modules[k].bootargs : NULL;
	p->bootargs_len = p->bootargs != NULL ? strlen(p->bootargs) : 0;
}

#define PARAMS_TAG "domain_launch: "

uint32_t tcg_params_text(const struct tcg_params *p, char *buf, size_t n)
{
	int w = fmt_snprintf(buf, n,
			     PARAMS_TAG "domid=%u name=%s permissions=0x%x functions=0x%x "
					"label=%s memory=%lluKiB vcpus=%u",
			     p->domid, p->name, p->permissions, p->functions, p->label,
			     (unsigned long long)p->memory_kib, p->vcpus);
	if (p->xen && w >= 0 && (size_t)w < n) {
		w += fmt_snprintf(buf + w, n - (size_t)w, " xen=1");
	}
	for (uint32_t i = 0; i < p->nr_channels && w >= 0 && (size_t)w < n; i++) {
		w += fmt_snprintf(buf + w, n - (size_t)w, "%s%u", i == 0 ? " channels=" : ",",
				  p->channels[i]);
	}
	if (w >= 0 && (size_t)w < n) {
		w += fmt_snprintf(buf + w, n - (size_t)w, " bootargs=");
	}
	uint32_t len = with_nul(w, n);
	if (len == 0) {
		return 0;
	}
	/* The bootargs replace the NUL, which ends them. */
	size_t room = n - len;
	size_t args = p->bootargs_len < room ? p->bootargs_len : room;

	if (args > 0) {
		memcpy(buf + len - 1, p->bootargs, args);
	}
	buf[len - 1 + args] = '\0';
	return len + (uint32_t)args;
}

void tcg_params_digest(const char *text, uint32_t len, uint8_t out[TCG_SHA256_SIZE])
{
	size_t tag = sizeof(PARAMS_TAG) - 1;

	sha256(text + tag, len > tag ? len - tag - 1 : 0, out);
}
