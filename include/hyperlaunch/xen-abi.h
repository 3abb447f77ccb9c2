/*
 * The part of Xen's public guest interface (arm64 flavour, Xen 4.17) that
 * Hyperlaunch speaks to Xen-aware domains: hypercall numbers, sub-operation
 * numbers and structure layouts, as Xen's public headers define them
 * (xen/include/public/: xen, arch-arm, features, memory, vcpu, sched,
 * event_channel, grant_table, hvm/params, hvm/hvm_op, version, errno). Only numbers
 * and layouts are taken from there; docs/xen-interface.md says what each
 * call does here. Shared by the hypervisor and the test guests.
 *
 * Calling convention (public/arch-arm.h): HVC #0xEA1, the hypercall number in x16,
 * arguments in x0-x4, the result in x0. Pointers in arguments are guest
 * virtual addresses (walked through the caller's stage 1); frame numbers
 * are guest-physical (4 KiB frames).
 */
#ifndef HYPERLAUNCH_XEN_ABI_H
#define HYPERLAUNCH_XEN_ABI_H

#include <stdint.h>

#define XEN_HYPERCALL_TAG 0xEA1u

/* Hypercall numbers (public/xen.h). */
#define XEN_HC_MEMORY_OP        12
#define XEN_HC_XEN_VERSION      17
#define XEN_HC_GRANT_TABLE_OP   20
#define XEN_HC_VCPU_OP          24
#define XEN_HC_SCHED_OP         29
#define XEN_HC_EVENT_CHANNEL_OP 32
#define XEN_HC_HVM_OP           34
#define XEN_HC_DOMCTL           36

/* Errors (public/errno.h): returned negated. */
#define XEN_EPERM  1
#define XEN_ENOENT 2
#define XEN_ESRCH  3
#define XEN_ENOMEM 12
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EBUSY  16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ENOSYS 38

#define XEN_DOMID_SELF 0x7FF0u

/* The guest's view (public/arch-arm.h): the grant-table window and the event
 * channel upcall PPI of a domU. */
#define XEN_GUEST_GNTTAB_BASE 0x38000000ull
#define XEN_GUEST_GNTTAB_SIZE 0x01000000ull
#define XEN_GUEST_EVTCHN_PPI  31u
/* Xen's "magic" pages of a domU (GUEST_MAGIC_BASE): its store ring. */
#define XEN_GUEST_MAGIC_BASE 0x39000000ull

/* The store ring (public/io/xs_wire.h, struct xenstore_domain_interface):
 * 4 KiB, connection state at 2068. Grant entry 1 of every domU grants it
 * to the store (public/grant_table.h, GNTTAB_RESERVED_XENSTORE). */
#define XENSTORE_RING_CONNECTION 2068
#define XENSTORE_CONNECTED       0
#define XENSTORE_RECONNECT       1
#define GNTTAB_RESERVED_XENSTORE 1

/* --- xen_version (public/version.h, public/features.h) -------------------------------------- */
#define XENVER_version      0 /* (major << 16) | minor */
#define XENVER_extraversion 1 /* char[16] */
#define XENVER_get_features 6 /* struct xen_feature_info */
#define XENVER_pagesize     7

#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17

#define XENFEAT_writable_page_tables      0
#define XENFEAT_auto_translated_physmap   2
#define XENFEAT_dom0                      11
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_ARM_SMCCC_supported       14
#define XENFEAT_not_direct_mapped         16
#define XENFEAT_direct_mapped             17

struct xen_feature_info {
	uint32_t submap_idx; /* IN */
	uint32_t submap;     /* OUT */
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "public/features.h");

/* --- memory_op (public/memory.h) ------------------------------------------------------- */
#define XENMEM_decrease_reservation  1
#define XENMEM_populate_physmap      6
#define XENMEM_add_to_physmap        7
#define XENMAPSPACE_shared_info      0
#define XENMAPSPACE_grant_table      1
#define XENMAPIDX_grant_table_status 0x80000000u

struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size; /* XENMAPSPACE_gmfn_range only */
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "public/memory.h");

struct xen_memory_reservation {
	uint64_t extent_start; /* a guest virtual address: an array of frames */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "public/memory.h");

/* --- vcpu_op (public/vcpu.h): vcpu_op(cmd, vcpuid, arg) ------------------------------- */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info            10

struct vcpu_register_vcpu_info {
	uint64_t mfn;    /* gfn of the page holding the vcpu_info */
	uint32_t offset; /* within that page */
	uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "public/vcpu.h");

/* The start of struct vcpu_info (public/xen.h, public/arch-arm.h): 48 bytes in all. */
#define XEN_VCPU_INFO_SIZE      48
#define XEN_VCPU_UPCALL_PENDING 0 /* uint8_t */
#define XEN_VCPU_PENDING_SEL    8 /* uint64_t: a bit per word of evtchn_pending */

/* struct shared_info (public/xen.h, public/arch-arm.h). */
#define XEN_SHINFO_EVTCHN_PENDING 48  /* uint64_t[64] */
#define XEN_SHINFO_EVTCHN_MASK    560 /* uint64_t[64] */

/* --- sched_op (public/sched.h) ---------------------------------------------------------- */
#define SCHEDOP_yield    0
#define SCHEDOP_block    1
#define SCHEDOP_shutdown 2

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_suspend  2
#define SHUTDOWN_crash    3
#define SHUTDOWN_watchdog 4

struct sched_shutdown {
	uint32_t reason;
};

/* --- hvm_op (public/hvm/hvm_op.h, public/hvm/params.h) ------------------------------------------ */
#define HVMOP_set_param 0
#define HVMOP_get_param 1

#define HVM_PARAM_CALLBACK_IRQ   0
#define HVM_PARAM_STORE_PFN      1
#define HVM_PARAM_STORE_EVTCHN   2
#define HVM_PARAM_CONSOLE_PFN    17
#define HVM_PARAM_CONSOLE_EVTCHN 18

struct xen_hvm_param {
	uint16_t domid;
	uint16_t pad;
	uint32_t index;
	uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "public/hvm_op.h");

/* --- event_channel_op (public/event_channel.h): op(cmd, arg) --------------------------- */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_virq        4

#define VIRQ_TIMER   0
#define VIRQ_DEBUG   1
#define VIRQ_CONSOLE 2
#define VIRQ_DOM_EXC 3
#define XEN_NR_VIRQS 24

/* 2-level event channels on a 64-bit guest: 64 x 64 ports. */
#define XEN_EVTCHN_2L_PORTS 4096u

struct evtchn_alloc_unbound {
	uint16_t dom, remote_dom; /* IN */
	uint32_t port;            /* OUT */
};
struct evtchn_bind_interdomain {
	uint16_t remote_dom; /* IN */
	uint16_t pad;
	uint32_t remote_port; /* IN */
	uint32_t local_port;  /* OUT */
};
struct evtchn_bind_virq {
	uint32_t virq, vcpu; /* IN */
	uint32_t port;       /* OUT */
};
struct evtchn_port_arg { /* close, send, unmask */
	uint32_t port;
};
struct evtchn_status {
	uint16_t dom; /* IN */
	uint16_t pad;
	uint32_t port;   /* IN */
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;   /* OUT */
	union {
		struct {
			uint16_t dom;
		} unbound;
		struct {
			uint16_t dom;
			uint16_t pad;
			uint32_t port;
		} interdomain;
		uint32_t virq;
	} u;
};
struct evtchn_bind_vcpu {
	uint32_t port, vcpu;
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "public/event_channel.h");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "public/event_channel.h");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "public/event_channel.h");
_Static_assert(sizeof(struct evtchn_status) == 24, "public/event_channel.h");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "public/event_channel.h");

/* --- grant_table_op (public/grant_table.h): op(cmd, uop array, count) ------------------- */
#define GNTTABOP_map_grant_ref   0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table     2
#define GNTTABOP_copy            5
#define GNTTABOP_query_size      6
#define GNTTABOP_set_version     8
#define GNTTABOP_get_version     10

#define GNTST_okay              0
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)

/* A v1 grant entry (8 bytes) and its flags. */
struct grant_entry_v1 {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "public/grant_table.h");
#define GTF_invalid       0
#define GTF_permit_access 1
#define GTF_type_mask     3
#define GTF_readonly      (1u << 2)
#define GTF_reading       (1u << 3)
#define GTF_writing       (1u << 4)

#define GNTTAB_NR_RESERVED_ENTRIES 8

#define GNTMAP_device_map      (1u << 0)
#define GNTMAP_host_map        (1u << 1)
#define GNTMAP_readonly        (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte    (1u << 4)

#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref   (1u << 1)

struct gnttab_map_grant_ref {
	uint64_t host_addr; /* IN: the guest-physical page to map it at */
	uint32_t flags;     /* IN: GNTMAP_* */
	uint32_t ref;       /* IN */
	uint16_t dom;       /* IN: the granting domain */
	int16_t status;     /* OUT: GNTST_* */
	uint32_t handle;    /* OUT */
	uint64_t dev_bus_addr;
};
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint64_t dev_bus_addr;
	uint32_t handle;
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "public/grant_table.h");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "public/grant_table.h");

struct gnttab_query_size {
	uint16_t dom; /* IN */
	uint16_t pad;
	uint32_t nr_frames;     /* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;         /* OUT */
	uint16_t pad2;
};
struct gnttab_set_version {
	uint32_t version; /* IN/OUT */
};
struct gnttab_copy_ptr {
	union {
		uint32_t ref;
		uint64_t gmfn;
	} u;
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};
struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "public/grant_table.h");
_Static_assert(sizeof(struct gnttab_copy) == 40, "public/grant_table.h");

/* --- domctl (public/domctl.h), version 0x15 (Xen 4.17) ------------------------------ */
#define XEN_DOMCTL_INTERFACE_VERSION 0x15u
#define XEN_DOMCTL_getdomaininfo     5

#define XEN_DOMINF_dying          (1u << 0)
#define XEN_DOMINF_hvm_guest      (1u << 1)
#define XEN_DOMINF_shutdown       (1u << 2)
#define XEN_DOMINF_paused         (1u << 3)
#define XEN_DOMINF_blocked        (1u << 4)
#define XEN_DOMINF_running        (1u << 5)
#define XEN_DOMINF_xs_domain      (1u << 7)
#define XEN_DOMINF_hap            (1u << 8)
#define XEN_DOMINF_shutdown_shift 16

struct xen_domctl_getdomaininfo {
	uint16_t domain; /* OUT, also echoed in xen_domctl.domain */
	uint16_t pad1;
	uint32_t flags; /* XEN_DOMINF_* */
	uint64_t tot_pages, max_pages, outstanding_pages, shr_pages, paged_pages;
	uint64_t shared_info_frame, cpu_time;
	uint32_t nr_online_vcpus, max_vcpu_id, ssidref;
	uint8_t handle[16];
	uint32_t cpupool;
	uint8_t gpaddr_bits;
	uint8_t pad2[7];
	uint8_t arch_config[16]; /* struct xen_arch_domainconfig, left zero */
};
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 120, "public/domctl.h");

struct xen_domctl {
	uint32_t cmd;
	uint32_t interface_version;
	uint16_t domain;
	uint16_t pad[3];
	union {
		struct xen_domctl_getdomaininfo getdomaininfo;
		uint8_t pad[128];
	} u;
};
_Static_assert(sizeof(struct xen_domctl) == 144, "public/domctl.h");

#endif /* HYPERLAUNCH_XEN_ABI_H */
