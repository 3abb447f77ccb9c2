/*
 * libFuzzer target: arbitrary bytes as the Xen dom0less device tree that
 * `lcm-tool import` reads (tools/lcm-tool/import-dtb.c), or, without the
 * FDT magic, as an ImageBuilder configuration (import-ib.c), as import
 * decides; then the JSON it would write. A device tree to import comes from anywhere, so no input may
 * crash the reader, read outside the blob, or make a JSON that breaks the
 * reader's promises: every domain has a valid name, a kernel, vCPUs from 1
 * to 64; a broken promise aborts, which libFuzzer reports.
 *
 * Built by tests/build.mk as build/fuzz/fuzz-import; tests/fuzz/smoke.sh
 * runs it briefly on tests/fuzz/corpus-import (with -close_fd_mask=2: the
 * reader's diagnostics go to stderr).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libfdt.h>

#include "import.h"

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libfdt reads the header's fields in place: give it aligned memory. */
	void *fdt = malloc(size > 0 ? size : 1);
	struct imp im = { .input = "fuzz.dtb" };

	check(fdt != NULL);
	memcpy(fdt, data, size);
	lt_nr_errors = 0;
	bool is_dtb = size >= 4 && fdt_magic(fdt) == FDT_MAGIC;
	bool ok = is_dtb ? imp_read_dtb(&im, fdt, size) : imp_read_imagebuilder(&im, fdt, size);
	check(ok == (lt_nr_errors == 0));
	if (ok) {
		for (size_t i = 0; i < im.nr_domains; i++) {
			const struct imp_domain *d = &im.domains[i];
			check(lcm_valid_name(d->name));
			check(d->mod[LCM_MOD_KERNEL].present);
			check(d->cpus >= 1 && d->cpus <= LCM_MAX_VCPUS);
			check(d->memory_kib >= LCM_MIN_MEMORY_KIB);
			for (unsigned t = 0; t < LCM_MOD_NR_TYPES; t++) {
				const struct imp_module *m = &d->mod[t];
				if (m->present && m->file == NULL) {
					/* import.c names such modules by address. */
					check(m->has_reg);
					im.domains[i].mod[t].file = strdup("module.bin");
				}
			}
		}
		json_t *j = imp_to_json(&im);
		char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		check(text != NULL);
		free(text);
		json_decref(j);
	}
	imp_free(&im);
	free(fdt);
	return 0;
}
