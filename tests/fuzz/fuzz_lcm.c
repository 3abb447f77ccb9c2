/*
 * libFuzzer target: arbitrary bytes as an LCM. The hypervisor runs
 * lcm_parse() on whatever the boot loader hands it, so no input may crash
 * it, read outside the blob, or write outside the caller's arrays; the
 * arrays here are small on purpose so that the "too many" paths run too.
 * Each input is parsed for all three architectures, every diagnostic is
 * formatted (whole and truncated), and the result is checked against the
 * promises of lcm.h; a broken promise aborts, which libFuzzer reports.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-lcm; tests/fuzz/smoke.sh runs
 * it briefly on tests/fuzz/corpus and explains longer sessions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "lcm/lcm.h"

#define MAX_DOMAINS 8
#define MAX_MODULES 16
#define MAX_DIAGS   4

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_launch(const struct lcm_launch *l, int rc)
{
	char buf[512], small[16];

	check(rc == LCM_OK || rc == LCM_ENOLCM || rc == LCM_EINVAL);
	check(l->nr_domains <= MAX_DOMAINS && l->nr_modules <= MAX_MODULES);
	check(l->nr_diags <= MAX_DIAGS);
	check(l->nr_diags == (l->nr_errors + l->nr_warnings < MAX_DIAGS
				      ? l->nr_errors + l->nr_warnings
				      : MAX_DIAGS));
	check((rc == LCM_EINVAL) == (l->nr_errors != 0));
	if (rc == LCM_ENOLCM) {
		check(l->nr_diags == 0 && l->nr_domains == 0 && l->hv_node < 0);
	}

	for (uint32_t i = 0; i < l->nr_diags; i++) {
		const struct lcm_diag *d = &l->diags[i];
		check(d->severity == LCM_ERROR || d->severity == LCM_WARNING);
		check(terminated(d->path, sizeof(d->path)));
		check(terminated(d->prop, sizeof(d->prop)));
		check(terminated(d->msg, sizeof(d->msg)));
		int n = lcm_diag_format(d, buf, sizeof(buf));
		check(n >= 0 && (size_t)n < sizeof(buf) && strlen(buf) == (size_t)n);
		check(lcm_diag_format(d, small, sizeof(small)) == n);
		check(strncmp(small, buf, sizeof(small) - 1) == 0);
		/* Printed on consoles and terminals: printable ASCII only. */
		for (int k = 0; k < n; k++) {
			check(buf[k] >= 0x20 && buf[k] <= 0x7e);
		}
	}

	check(l->first_config_module + l->nr_config_modules <= l->nr_modules);
	for (uint32_t i = 0; i < l->nr_modules; i++) {
		const struct lcm_module *m = &l->modules[i];
		check(m->type < LCM_MOD_NR_TYPES);
		check(m->owner == LCM_OWNER_CONFIG || m->owner < l->nr_domains);
		check(strcmp(lcm_module_type_name(m->type), "?") != 0);
		if (m->flags & LCM_MODF_ADDR) {
			check(m->size != 0 && m->addr + m->size > m->addr);
		}
	}
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		check(d->name != NULL && d->security_id != NULL);
		check(lcm_valid_name(d->name) || strcmp(d->name, LCM_INVALID_NAME) == 0);
		check(rc != LCM_OK || lcm_valid_name(d->name));
		check(d->first_module + d->nr_modules <= l->nr_modules);
		for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
			int32_t k = d->module[t];
			check(k == -1 || ((uint32_t)k >= d->first_module &&
					  (uint32_t)k < d->first_module + d->nr_modules &&
					  l->modules[k].type == t && l->modules[k].owner == i));
		}
		int n = lcm_permissions_str(d->permissions, buf, sizeof(buf));
		check(n > 0 && strlen(buf) == (size_t)n);
		n = lcm_functions_str(d->functions, buf, sizeof(buf));
		check(n > 0 && strlen(buf) == (size_t)n);
		check(lcm_functions_str(d->functions, small, sizeof(small)) == n);
		check(lcm_find_domid(l, d->domid) != NULL);
		/* Its split devices read back, whatever the verdict. */
		for (uint32_t k = 0; k < d->nr_xendevs + 1; k++) {
			struct lcm_xendev x;
			bool ok = lcm_xendev(l, d, k, &x);
			check(k < d->nr_xendevs || !ok);
			check(rc != LCM_OK || k == d->nr_xendevs || ok);
			if (!ok) {
				continue;
			}
			/* A valid device: what the plan writer relies on. */
			uint32_t n;
			check(x.frontend == (int32_t)i && x.backend >= 0 &&
			      (uint32_t)x.backend < l->nr_domains);
			check(x.type == LCM_XENDEV_VBD || x.type == LCM_XENDEV_VIF);
			if (x.type == LCM_XENDEV_VBD) {
				check(x.vdev != NULL && lcm_vdev_number(x.vdev, &n) &&
				      n == x.devid);
				check(x.target != NULL && x.target[0] == '/' &&
				      strlen(x.target) <= LCM_XEN_TARGET_MAX);
			} else {
				check(x.mac != NULL && strlen(x.mac) == 17 && x.devid < k + 1);
			}
			if (rc == LCM_OK) {
				const struct lcm_domain *b = &l->domains[x.backend];
				check(b != d && b->xen && d->xen && l->xenstore >= 0 &&
				      l->domains[l->xenstore].xen);
			}
		}
	}

	if (rc != LCM_OK) {
		return;
	}
	/* A valid LCM: what the hypervisor relies on without checking again. */
	check(l->nr_domains > 0);
	for (uint32_t i = 0; i < l->nr_domains; i++) {
		const struct lcm_domain *d = &l->domains[i];
		check(d->module[LCM_MOD_KERNEL] >= 0);
		check(d->module[LCM_MOD_MICROCODE] == -1 && d->module[LCM_MOD_XSM_POLICY] == -1);
		check(d->cpus >= 1 && d->cpus <= LCM_MAX_VCPUS);
		check(d->memory_kib >= LCM_MIN_MEMORY_KIB && d->memory_kib % 4 == 0);
		check(strlen(d->security_id) <= LCM_SECURITY_ID_MAX);
		check(lcm_find_domid(l, d->domid) == d);
		if (d->functions & LCM_FUNCTION_BOOT) {
			check(d->domid == LCM_DOMID_BOOT && d->permissions == 0 &&
			      d->functions == LCM_FUNCTION_BOOT && l->boot == (int32_t)i);
		} else {
			check(d->domid < LCM_DOMID_FIRST_RESERVED);
		}
		if (d->domid == 0) {
			check(l->legacy_dom0 == (int32_t)i);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lcm_domain domains[MAX_DOMAINS];
	static struct lcm_module modules[MAX_MODULES];
	static struct lcm_diag diags[MAX_DIAGS];
	static const enum lcm_arch arches[] = { LCM_ARCH_ANY, LCM_ARCH_ARM64, LCM_ARCH_X86 };

	/* A boot loader hands over an aligned blob; libFuzzer's data is not. */
	void *fdt = malloc(size > 0 ? size : 1);
	if (fdt == NULL) {
		return 0;
	}
	memcpy(fdt, data, size);
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		struct lcm_launch l = {
			.domains = domains,
			.max_domains = MAX_DOMAINS,
			.modules = modules,
			.max_modules = MAX_MODULES,
			.diags = diags,
			.max_diags = MAX_DIAGS,
		};
		int rc = lcm_parse(&l, fdt, size, arches[a]);
		check_launch(&l, rc);
	}
	free(fdt);
	return 0;
}
