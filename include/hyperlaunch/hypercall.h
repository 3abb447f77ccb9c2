/*
 * The Hyperlaunch hypercall ABI, shared by the hypervisor and the guests.
 *
 * Calls follow the Arm SMC Calling Convention (SMCCC 1.1, DEN0028) in the
 * "Vendor Specific Hypervisor Service" range (owning entity 6): HVC #0 with
 * the function id in w0 and arguments in x1..x5; results come back in
 * x0..x3, x0 being HL_OK or a negative HL_E* code. Fast calls, SMC64
 * convention. Guest addresses are IPAs. docs/hypercalls.md lists who may
 * make each call.
 */
#ifndef HYPERLAUNCH_HYPERCALL_H
#define HYPERLAUNCH_HYPERCALL_H

/* SMCCC function id fields. */
#define HL_SMCCC_FAST        0x80000000u
#define HL_SMCCC_64          0x40000000u
#define HL_SMCCC_OEN_HYP     (6u << 24)
#define HL_CALL(n)           (HL_SMCCC_FAST | HL_SMCCC_64 | HL_SMCCC_OEN_HYP | (n))
/* SMCCC's general queries of the range (SMC32 ids, as the convention fixes). */
#define HL_CALL_UID          0x8600FF01u   /* x0..x3: HL_UID_0..3 */
#define HL_CALL_REVISION     0x8600FF03u   /* x0: major, x1: minor */

/* The UID (a UUID split in four 32-bit words) guests use to know they run on
 * Hyperlaunch before making any other call: 6c61756e-6368-4879-7065-726c61756e63. */
#define HL_UID_0             0x6e75616cu
#define HL_UID_1             0x79486863u
#define HL_UID_2             0x6c726570u
#define HL_UID_3             0x636e7561u
#define HL_REVISION_MAJOR    0u
#define HL_REVISION_MINOR    1u

/* --- every domain ------------------------------------------------------------ */

/* Write x2 bytes at IPA x1 to the console (at most HL_CONSOLE_WRITE_MAX).
 * x0: bytes written, or an error. */
#define HL_CONSOLE_WRITE     HL_CALL(0x00)
#define HL_CONSOLE_WRITE_MAX 1024u

/* Who am I: x0 HL_OK, x1 domid, x2 this vCPU's index, x3 the domain's vCPUs. */
#define HL_WHOAMI            HL_CALL(0x01)

/* --- results -------------------------------------------------------------------- */

#define HL_OK                0
#define HL_ENOSYS            (-1)   /* = SMCCC NOT_SUPPORTED: no such call */
#define HL_EPERM             (-2)   /* the policy check denied it */
#define HL_EINVAL            (-3)   /* a bad argument */
#define HL_EFAULT            (-4)   /* an address outside the caller's RAM */
#define HL_ENOENT            (-5)   /* no such domain or object */
#define HL_EBUSY             (-6)   /* not in this state */
#define HL_ENOMEM            (-7)   /* out of memory */

#endif /* HYPERLAUNCH_HYPERCALL_H */
