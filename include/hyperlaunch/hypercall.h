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
#define HL_SMCCC_FAST    0x80000000u
#define HL_SMCCC_64      0x40000000u
#define HL_SMCCC_OEN_HYP (6u << 24)
#define HL_CALL(n)       (HL_SMCCC_FAST | HL_SMCCC_64 | HL_SMCCC_OEN_HYP | (n))
/* SMCCC's general queries of the range (SMC32 ids, as the convention fixes). */
#define HL_CALL_UID      0x8600FF01u /* x0..x3: HL_UID_0..3 */
#define HL_CALL_REVISION 0x8600FF03u /* x0: major, x1: minor */

/* The UID (a UUID split in four 32-bit words) guests use to know they run on
 * Hyperlaunch before making any other call: 6c61756e-6368-4879-7065-726c61756e63. */
#define HL_UID_0          0x6e75616cu
#define HL_UID_1          0x79486863u
#define HL_UID_2          0x6c726570u
#define HL_UID_3          0x636e7561u
#define HL_REVISION_MAJOR 0u
#define HL_REVISION_MINOR 1u

/* --- every domain ------------------------------------------------------------ */

/* Write x2 bytes at IPA x1 to the console (at most HL_CONSOLE_WRITE_MAX).
 * x0: bytes written, or an error. */
#define HL_CONSOLE_WRITE     HL_CALL(0x00)
#define HL_CONSOLE_WRITE_MAX 1024u

/* Who am I: x0 HL_OK, x1 domid, x2 this vCPU's index, x3 the domain's vCPUs. */
#define HL_WHOAMI HL_CALL(0x01)

/* Domain state: x1 domid. x0 HL_OK, x1 HL_STATE_* | HL_INFO_* flags, x2 the
 * domain's functions, x3 its permissions. Any domain for itself; BOOT,
 * CONTROL and RECOVERY for any domain. */
#define HL_DOMAIN_INFO     HL_CALL(0x02)
#define HL_STATE_NONE      0u /* no such domain, or not built */
#define HL_STATE_PAUSED    1u
#define HL_STATE_RUNNING   2u
#define HL_STATE_OFF       3u /* powered itself off */
#define HL_STATE_STOPPED   4u /* stopped by a fault */
#define HL_STATE_DESTROYED 5u
#define HL_STATE_MASK      0xffu
#define HL_INFO_HAS_RUN    (1u << 8) /* was ever unpaused */
#define HL_INFO_READY      (1u << 9) /* reported ready (HL_READY) */

/* The caller reports that it is ready (what a Boot Domain may wait for). */
#define HL_READY HL_CALL(0x03)

/* --- the Boot Domain, before it says done (docs/boot-flow.md) ------------------ */

/* Copy x3 bytes of the LCM from offset x2 to IPA x1. x0: bytes copied, x1:
 * the LCM's whole size. */
#define HL_BOOT_LCM_READ HL_CALL(0x10)
/* Copy x4 bytes of boot module x1 (its index in lcm_parse() order) from
 * offset x2 to IPA x3. x0: bytes copied, x1: the module's size. */
#define HL_BOOT_MODULE_READ HL_CALL(0x11)
/* Extended configuration of domain x1, which must never have run: key x2. */
#define HL_BOOT_CONFIGURE HL_CALL(0x12)
#define HL_CFG_BOOTARGS   1u /* x3 IPA of the string, x4 its length */
#define HL_CFG_AFFINITY   2u /* x3 vCPU index, x4 physical CPU */
/* Done, with status x1 (0: success; anything else fails the launch). Does
 * not return: the Boot Domain is gone. */
#define HL_BOOT_DONE HL_CALL(0x13)

/* --- domain control ------------------------------------------------------------ */

#define HL_DOMAIN_UNPAUSE HL_CALL(0x20) /* x1 domid */
#define HL_DOMAIN_PAUSE   HL_CALL(0x21) /* x1 domid */
#define HL_DOMAIN_DESTROY HL_CALL(0x22) /* x1 domid */
/* x1 IPA, x2 size of a one-domain LCM fragment whose module-addr values are
 * IPAs in the caller's RAM. x1: the new domain's id (created paused). */
#define HL_DOMAIN_CREATE     HL_CALL(0x23)
#define HL_PLATFORM_SHUTDOWN HL_CALL(0x24) /* x1 0: power off, 1: reboot */

/* --- the launch ---------------------------------------------------------------- */

/* x1 IPA, x2 length of a buffer for the failure report (text, may be 0).
 * x0 HL_OK, x1 HL_LAUNCH_*, x2 the domid the failure is about (or
 * HL_NO_DOMID), x3 the report's full length. */
#define HL_LAUNCH_STATUS      HL_CALL(0x30)
#define HL_LAUNCH_IN_PROGRESS 0u
#define HL_LAUNCH_FINAL       1u
#define HL_LAUNCH_FAILED      2u
#define HL_NO_DOMID           0xFFFFFFFFu

/* The measured launch's TCG event log (docs/measured-launch.md): copy x3
 * bytes from offset x2 to IPA x1. x0: bytes copied, x1: the log's whole
 * size (it grows while domains start). BOOT, CONTROL and RECOVERY. */
#define HL_EVENT_LOG_READ HL_CALL(0x31)

/* A TPM2_Quote of PCRs 8 and 9 (SHA-256) with the attestation key at
 * persistent handle x1, qualifying data (a nonce) of x3 bytes at IPA x2
 * (at most HL_QUOTE_NONCE_MAX), the TPM's answer to IPA x4 (x5 bytes of
 * room): TPM2B_ATTEST then TPMT_SIGNATURE, as the TPM marshals them. x0:
 * bytes written, x1: the answer's size. The LCM's attestation agent only;
 * HL_EBUSY until the launch's measurements are complete. */
#define HL_TPM_QUOTE       HL_CALL(0x32)
#define HL_QUOTE_NONCE_MAX 64u

/* --- results -------------------------------------------------------------------- */

#define HL_OK     0
#define HL_ENOSYS (-1) /* = SMCCC NOT_SUPPORTED: no such call */
#define HL_EPERM  (-2) /* the policy check denied it */
#define HL_EINVAL (-3) /* a bad argument */
#define HL_EFAULT (-4) /* an address outside the caller's RAM */
#define HL_ENOENT (-5) /* no such domain or object */
#define HL_EBUSY  (-6) /* not in this state */
#define HL_ENOMEM (-7) /* out of memory */
#define HL_EIO    (-8) /* the device failed (the console says how) */

#endif /* HYPERLAUNCH_HYPERCALL_H */
