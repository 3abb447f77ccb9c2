/*
 * Rewriting one string property of a flattened device tree in place, by
 * hand: used on a domain's device tree after the launch has started, when
 * libfdt (which the compiler may have built with FP/SIMD registers that a
 * guest owns) must not run.
 */
#ifndef HV_DTPATCH_H
#define HV_DTPATCH_H

#include "core/types.h"

/* Set property @prop of the node @node (a child of the root) to the string
 * @val (@len bytes, a NUL added) in the FDT @fdt of @room bytes; the
 * property is added when absent. Returns the new total size, or -1 when the
 * FDT is malformed, the node is missing or @room is too small. */
long dt_set_string(void *fdt, size_t room, const char *node, const char *prop, const char *val,
		   size_t len);

#endif /* HV_DTPATCH_H */
