/*
 * Hyperlaunch Launch Control Module: the numbers of the device-tree bindings.
 *
 * These values come from the Hyperlaunch design (docs/designs/launch/
 * hyperlaunch-devicetree.rst, 2021 v4) and must not change: an LCM written for
 * the design works unchanged. Shared by the hypervisor, the guests (the Boot
 * Domain reads the LCM) and lcm-tool. See docs/bindings.md.
 */
#ifndef HYPERLAUNCH_LCM_ABI_H
#define HYPERLAUNCH_LCM_ABI_H

/* Node names and compatible strings. */
#define LCM_HYPERVISOR_PATH   "/chosen/hypervisor"
#define LCM_COMPAT_HYPERVISOR "hypervisor,xen"
#define LCM_COMPAT_CONFIG     "xen,config"
#define LCM_COMPAT_DOMAIN     "xen,domain"
#define LCM_COMPAT_MODULE_PFX "module,"
#define LCM_COMPAT_MULTIBOOT  "multiboot,module"

/* permissions: Discretionary Access Control permissions. */
#define LCM_PERMISSION_NONE     0u
#define LCM_PERMISSION_CONTROL  (1u << 0)
#define LCM_PERMISSION_HARDWARE (1u << 1)
#define LCM_PERMISSION_ALL      (LCM_PERMISSION_CONTROL | LCM_PERMISSION_HARDWARE)

/* functions: system functions a domain fulfils. */
#define LCM_FUNCTION_NONE        0u
#define LCM_FUNCTION_BOOT        (1u << 0)
#define LCM_FUNCTION_CRASH       (1u << 1)
#define LCM_FUNCTION_RECOVERY    LCM_FUNCTION_CRASH
#define LCM_FUNCTION_CONSOLE     (1u << 2)
#define LCM_FUNCTION_XENSTORE    (1u << 30)
#define LCM_FUNCTION_LEGACY_DOM0 (1u << 31)
#define LCM_FUNCTION_ALL                                                                         \
	(LCM_FUNCTION_BOOT | LCM_FUNCTION_CRASH | LCM_FUNCTION_CONSOLE | LCM_FUNCTION_XENSTORE | \
	 LCM_FUNCTION_LEGACY_DOM0)

/* mode: how the domain executes. */
#define LCM_MODE_PARAVIRTUALIZED     (1u << 0) /* PV | PVH/HVM */
#define LCM_MODE_ENABLE_DEVICE_MODEL (1u << 1) /* HVM | PVH */
#define LCM_MODE_LONG                (1u << 2) /* 64 bit | 32 bit */
#define LCM_MODE_ALL                 (LCM_MODE_PARAVIRTUALIZED | LCM_MODE_ENABLE_DEVICE_MODEL | LCM_MODE_LONG)
/* Default when `mode` is absent: a 64-bit domain (the only kind on arm64). */
#define LCM_MODE_DEFAULT LCM_MODE_LONG

/* Domain ids. */
#define LCM_DOMID_AUTO           0u      /* "next free" (or dom0 for LEGACY_DOM0) */
#define LCM_DOMID_FIRST_RESERVED 0x7FF0u /* DOMID_FIRST_RESERVED in Xen */
#define LCM_DOMID_BOOT           0x7FF5u /* the Boot Domain's reserved id */
#define LCM_DOMID_MAX            (LCM_DOMID_FIRST_RESERVED - 1u)

/* Defaults and limits. */
#define LCM_DEFAULT_CPUS        1u
#define LCM_DEFAULT_SECURITY_ID "domU_t"
#define LCM_HYPERVISOR_LABEL    "xen_t" /* no domain's: the policy's name for the hypervisor */
#define LCM_MAX_VCPUS           64u
#define LCM_MIN_MEMORY_KIB      1024u
#define LCM_UUID_SIZE           16u
#define LCM_SHA256_SIZE         32u
#define LCM_SECURITY_ID_MAX     63u /* bytes, without the NUL */
#define LCM_NAME_MAX            31u /* a domain's name, without the NUL */

/* Extension properties of the config node (docs/bindings.md, "Extensions"). */
#define LCM_PROP_BOOT_TIMEOUT       "boot-timeout-ms"
#define LCM_PROP_ON_ALL_OFF         "on-all-off" /* "poweroff" | "reboot" | "stay" */
#define LCM_DEFAULT_BOOT_TIMEOUT_MS 10000u

/* Domain extension (docs/bindings.md): an empty property that makes the
 * domain Xen-aware (docs/xen-interface.md). */
#define LCM_PROP_XEN_INTERFACE "hyperlaunch,xen-interface"
/* Domain extension: the domids a Xen-aware domain may bind event channels
 * and map or copy grants with (u32 cells), at most LCM_MAX_CHANNELS. */
#define LCM_PROP_CHANNELS "hyperlaunch,channels"
#define LCM_MAX_CHANNELS  16u
/* Extensions for seed 004's SafeVM/UnsafeVM classification (docs/policy.md). */
#define LCM_PROP_SAFETY          "hyperlaunch,safety"          /* domain: "safe" | "unsafe" */
#define LCM_PROP_CONTROL_DOMAINS "hyperlaunch,control-domains" /* config: "several" | "one" */
#define LCM_SAFETY_UNSAFE        0u
#define LCM_SAFETY_SAFE          1u
/* Extension property of a domain node (docs/bindings.md, "Extensions"): the
 * domain may ask for TPM quotes of the measured launch (at most one). */
#define LCM_PROP_ATTESTATION_AGENT "hyperlaunch,attestation-agent"
/* Domain extension: the physical CPUs its vCPUs own (vCPU i on the i-th),
 * in increasing order, one per vCPU; no other vCPU runs on them. */
#define LCM_PROP_PINNED_CPUS "hyperlaunch,pinned-cpus"
#define LCM_MAX_PCPUS        64u /* physical CPU numbers 0..63 */

/* Domain extension (docs/bindings.md, "Xen split devices"): child nodes of
 * a Xen-aware frontend domain, each a device whose backend runs in another
 * Xen-aware domain, both joined through the XENSTORE domain's store: a
 * virtual block device (Xen's vbd, blkfront/blkback) or a virtual network
 * interface (vif, netfront/netback). */
#define LCM_COMPAT_XEN_VBD  "hyperlaunch,xen-vbd"
#define LCM_COMPAT_XEN_VIF  "hyperlaunch,xen-vif"
#define LCM_XENDEV_BACKEND  "backend" /* string: the backend domain's name */
#define LCM_XENDEV_TARGET   "target"  /* vbd, string: the backend's device path */
#define LCM_XENDEV_VDEV     "vdev"    /* vbd, string: "xvda", or its number */
#define LCM_XENDEV_MODE     "mode"    /* vbd, string: "r" | "w" (default "w") */
#define LCM_XENDEV_MAC      "mac"     /* vif, string: "00:16:3e:00:00:02" */
#define LCM_MAX_XEN_DEVICES 8u        /* per frontend domain */
#define LCM_XEN_TARGET_MAX  127u      /* bytes of a vbd's target, without the NUL */
/* A domain's Xen peers at most: the channels it declares and the backends
 * of its split devices. */
#define LCM_MAX_XEN_PEERS (LCM_MAX_CHANNELS + LCM_MAX_XEN_DEVICES)

#endif /* HYPERLAUNCH_LCM_ABI_H */
