/*
 * The virtual GICv3 of a domain and the virtual timer of its vCPUs: shared
 * by vgic.c (interrupt state, list registers, SGIs), vgic_mmio.c (the
 * distributor and redistributor registers), vtimer.c and the vCPU run loop
 * (vcpu.c). arm64 files only.
 *
 * Each domain sees INTIDs 0-127: SGIs 0-15 and PPIs 16-31 per vCPU (in its
 * redistributor), SPIs 32-127 shared (in the distributor, three banks of
 * 32): the emulated PL011's is 33, as on QEMU virt, and passed-through
 * devices keep their host INTIDs (QEMU virt's go up to 79: virtio-mmio).
 */
#ifndef ARM64_VGIC_H
#define ARM64_VGIC_H

#include "core/spinlock.h"
#include "core/types.h"

struct domain;
struct vcpu;

#define VGIC_NR_IRQS     128 /* INTIDs 0-127 */
#define VGIC_SPI_BANKS   ((VGIC_NR_IRQS - 32) / 32)
#define VGIC_READY_WORDS (VGIC_NR_IRQS / 64)
#define VGIC_NR_PRIVATE  32 /* SGIs and PPIs of each vCPU */
#define VGIC_MAX_LRS     16 /* ICH_LR0-15_EL2 */
#define VGIC_MAX_VCPUS   64 /* LCM_MAX_VCPUS: a vCPU set fits a uint64_t */

#define INTID_SGI_LAST  15
#define INTID_MAINT     25 /* GIC maintenance interrupt (PPI 9) */
#define INTID_HYP_TIMER 26 /* the hypervisor's tick (PPI 10) */
#define INTID_VTIMER    27 /* EL1 virtual timer (PPI 11) */
#define INTID_PTIMER    30 /* EL1 physical timer (PPI 14), emulated */
#define INTID_UART      33 /* the emulated PL011 (SPI 1) */

/* The state of 32 interrupts: the SGIs and PPIs of one vCPU, or the SPIs
 * of a domain. One bit per interrupt in the bitmaps, bit n = INTID base + n.
 * Under the domain's vgic lock. */
struct virq_bank {
	uint32_t group;  /* IGROUPR (stored; all are delivered as Group 1) */
	uint32_t grpmod; /* IGRPMODR (stored) */
	uint32_t enable;
	uint32_t pend;  /* pending latch: an edge, ISPENDR, an SGI */
	uint32_t level; /* input line (level-sensitive devices) */
	uint32_t edge;  /* ICFGR: edge-triggered */
	uint32_t inlr;  /* in a list register of some vCPU */
	uint32_t hw;    /* a physical SPI forwarded (passthrough.c) */
	uint8_t prio[32];
	uint64_t route[32]; /* IROUTER (SPIs) */
};

/* A vCPU's part: its redistributor and its virtual CPU interface. */
struct vgic_cpu {
	struct virq_bank priv; /* under the domain's lock */
	bool asleep;           /* GICR_WAKER.ProcessorSleep */
	/* INTIDs ready for this vCPU: enabled, pending, in no list register.
	 * Written under the domain's lock, read without it (atomic). */
	uint64_t ready[VGIC_READY_WORDS];
	/* The CPU interface: the list registers, VMCR and active priorities
	 * of this vCPU, in the hardware while it is loaded, saved here while
	 * not. Only its own CPU touches them. */
	uint64_t lr[VGIC_MAX_LRS];
	uint32_t lr_used; /* LRs that hold an interrupt */
	uint64_t vmcr, ap0r0, ap1r0, hcr;
};

/* A domain's part: its distributor. */
struct vgic_dist {
	/* Lock order: the domain's vgic lock, then nothing; callers that
	 * wake vCPUs do it after releasing it (sched_wake takes run-queue
	 * locks). Taken with interrupts masked. */
	struct spinlock lock;
	uint32_t ctlr;                        /* GICD_CTLR: EnableGrp0/1 */
	struct virq_bank spi[VGIC_SPI_BANKS]; /* INTIDs 32-63, 64-95, 96-127 */
};

/* A vCPU's EL1 timers: the virtual timer's saved state, the emulated
 * physical timer, and a blocked vCPU's wake-up time. */
struct vtimer {
	uint64_t ctl, cval;   /* CNTV_CTL_EL0 (ENABLE, IMASK), CNTV_CVAL_EL0 */
	bool line;            /* its output as last sampled: INTID 27's level */
	uint64_t pctl, pcval; /* CNTP_CTL_EL0 (ENABLE, IMASK), CNTP_CVAL_EL0 */
	bool pline;           /* the physical timer's output: INTID 30's level */
	bool sleeping;        /* on its CPU's sleeper list */
	uint64_t wake_at;     /* physical counter */
	struct vcpu *next_sleeper;
};

/* The console lines about faults delivered to a domain's guest
 * (inject.c): how many in the current second, how many left out. */
struct fault_log {
	struct spinlock lock; /* a leaf; taken with interrupts masked */
	uint64_t window;      /* arch_time_ns() when the second began */
	unsigned shown, left_out;
};

struct arch_domain {
	struct vgic_dist vgic;
	uint64_t cntvoff; /* CNTVOFF_EL2: the counter at creation */
	struct fault_log faults;
};

/* vcpu.c: the parts of a vCPU's arch state the vGIC and vtimer use. */
struct vgic_cpu *vgic_cpu_of(const struct vcpu *v);
struct vtimer *vtimer_of(const struct vcpu *v);
/* The vCPU loaded on this CPU, or NULL (between vCPUs, idle). */
struct vcpu *vcpu_loaded(void);

/* vgic.c */
void vgic_dist_init(struct vgic_dist *g);
void vgic_vcpu_init(struct vcpu *v);  /* at creation */
void vgic_vcpu_reset(struct vcpu *v); /* PSCI CPU_ON: a fresh CPU interface */
void vgic_cpu_setup(void);            /* this CPU: how many LRs */
void vgic_load(struct vcpu *v);
void vgic_save(struct vcpu *v);
void vgic_flush(struct vcpu *v);                                   /* before entering the guest */
void vgic_sync(struct vcpu *v);                                    /* after it exits */
bool vgic_has_interrupt(struct vcpu *v);                           /* loaded @v: one to take */
bool vgic_enabled(struct vcpu *v);                                 /* loaded @v: Group 1 on */
void vgic_set_level(struct domain *d, unsigned intid, bool level); /* an SPI's line */
void vgic_set_line(struct vcpu *v, unsigned intid, bool level);    /* @v's own PPI's line */
void vgic_sgi(struct vcpu *v, uint64_t sgi1r);                     /* ICC_SGI1R_EL1 write */
/* Forwarded SPI @intid of @d: on (@hw) or off; and its physical
 * interrupt arrived (it stays active until the guest ends it). */
void vgic_set_hw(struct domain *d, unsigned intid, bool hw);
void vgic_hw_arrived(struct domain *d, unsigned intid);
/* With the domain's lock: route forwarded SPI @intid to its target's CPU. */
void vgic_hw_follow(struct domain *d, unsigned intid);

/* With the domain's lock held: the bank and bit of @intid (NULL: none),
 * and the re-evaluation of @intid after its state changed; vCPUs to wake
 * are added to *@wake (bit = vCPU index). */
struct virq_bank *vgic_bank(struct domain *d, struct vcpu *owner, unsigned intid);
void vgic_update(struct domain *d, struct vcpu *owner, unsigned intid, uint64_t *wake);
void vgic_wake(struct domain *d, uint64_t wake); /* after unlocking */
unsigned long vgic_lock(struct domain *d);
void vgic_unlock(struct domain *d, unsigned long flags);

/* vgic_mmio.c: put the distributor and the redistributors in @d's MMIO
 * registry (core/mmio.h); -1 when they do not fit. */
int vgic_mmio_register(struct domain *d);

/* vtimer.c */
void vtimer_load(struct vcpu *v);
void vtimer_save(struct vcpu *v);
void vtimer_reset(struct vcpu *v);
void vtimer_sync(struct vcpu *v);  /* loaded @v: its output to the vGIC */
void vtimer_interrupt(void);       /* physical INTID 27 */
void vtimer_sleep(struct vcpu *v); /* @v blocked: wake it at its deadline */
uint64_t vtimer_next_wakeup(void); /* this CPU's first deadline, or ~0 */
void vtimer_expire(uint64_t now);  /* wake those whose deadline passed */

/* ptimer.c: the emulated EL1 physical timer of each vCPU. */
void ptimer_reset(struct vcpu *v);
/* A trapped CNTP_* access by loaded @v: true when @enc (traps.c's
 * encoding) is one of its registers. */
bool ptimer_access(struct vcpu *v, uint32_t enc, bool read, uint64_t *val);
void ptimer_sync(struct vcpu *v);               /* loaded @v: its output to the vGIC */
uint64_t ptimer_deadline(const struct vcpu *v); /* physical counter, ~0 for none */
void ptimer_expire(void);                       /* hypervisor timer: the loaded vCPU's */

#endif /* ARM64_VGIC_H */
