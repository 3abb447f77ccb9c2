/*
 * The TIS FIFO interface of a TPM over MMIO (TCG PC Client Platform TPM
 * Profile, PTP, 6.5.2): one 4 KiB page of registers per locality; the
 * hypervisor uses locality 0. A command is written to the data FIFO while
 * the TPM is ready, started with tpmGo, and its response read back once
 * dataAvail is set; the burst count says how many bytes the FIFO takes or
 * gives at a time (real TPMs have small FIFOs; QEMU's takes everything).
 * Timeouts are the PTP's defaults (Table 17: A and B), and a generous one
 * for a command to complete.
 */
#include <fmt/fmt.h>

#include "core/arch.h"
#include "drivers/tpm_tis.h"

#define TIS_ACCESS    0x000
#define TIS_STS       0x018
#define TIS_DATA_FIFO 0x024
#define TIS_DID_VID   0xF00

#define ACCESS_REQUEST_USE 0x02u
#define ACCESS_ACTIVE      0x20u
#define ACCESS_VALID       0x80u

#define STS_EXPECT        0x08u
#define STS_DATA_AVAIL    0x10u
#define STS_GO            0x20u
#define STS_COMMAND_READY 0x40u
#define STS_VALID         0x80u
#define STS_BURST(s)      (((s) >> 8) & 0xffffu)

#define TIMEOUT_A_NS   (750ull * 1000 * 1000)  /* locality, status */
#define TIMEOUT_B_NS   (2000ull * 1000 * 1000) /* ready for a command */
#define TIMEOUT_CMD_NS (5000ull * 1000 * 1000)

#define TPM_HEADER_SIZE 10

static paddr_t tis;

static uint8_t rd8(unsigned off)
{
	return *(volatile uint8_t *)pa_ptr(pa_add(tis, off));
}

static uint32_t rd32(unsigned off)
{
	return *(volatile uint32_t *)pa_ptr(pa_add(tis, off));
}

static void wr8(unsigned off, uint8_t v)
{
	*(volatile uint8_t *)pa_ptr(pa_add(tis, off)) = v;
}

static void wr32(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)pa_ptr(pa_add(tis, off)) = v;
}

/* Wait until (STS & mask) == want; false at the deadline. */
static bool wait_sts(uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
	uint64_t end = arch_time_ns() + timeout_ns;

	while ((rd32(TIS_STS) & mask) != want) {
		if (arch_time_ns() > end) {
			return false;
		}
		arch_cpu_relax();
	}
	return true;
}

/* The burst count, waiting for it to be non-zero. */
static unsigned burst(void)
{
	uint64_t end = arch_time_ns() + TIMEOUT_A_NS;
	unsigned n;

	while ((n = STS_BURST(rd32(TIS_STS))) == 0) {
		if (arch_time_ns() > end) {
			return 0;
		}
		arch_cpu_relax();
	}
	return n;
}

int tpm_tis_init(paddr_t base, uint32_t *vid_did)
{
	tis = base;
	uint8_t access = rd8(TIS_ACCESS);
	if (!(access & ACCESS_VALID) || access == 0xff) {
		return TPM_ENODEV;
	}
	*vid_did = rd32(TIS_DID_VID);
	wr8(TIS_ACCESS, ACCESS_REQUEST_USE);
	uint64_t end = arch_time_ns() + TIMEOUT_A_NS;
	while ((rd8(TIS_ACCESS) & (ACCESS_VALID | ACCESS_ACTIVE)) !=
	       (ACCESS_VALID | ACCESS_ACTIVE)) {
		if (arch_time_ns() > end) {
			return TPM_ELOCALITY;
		}
		arch_cpu_relax();
	}
	return 0;
}

static int send(const uint8_t *cmd, size_t len)
{
	wr32(TIS_STS, STS_COMMAND_READY);
	if (!wait_sts(STS_COMMAND_READY, STS_COMMAND_READY, TIMEOUT_B_NS)) {
		return TPM_EREADY;
	}
	for (size_t at = 0; at < len;) {
		unsigned n = burst();
		if (n == 0) {
			return TPM_EEXPECT;
		}
		for (; n > 0 && at < len; n--) {
			wr8(TIS_DATA_FIFO, cmd[at++]);
		}
	}
	/* All of it: the TPM expects no more (PTP 6.5.2.7, Expect). */
	if (!wait_sts(STS_VALID, STS_VALID, TIMEOUT_A_NS) || (rd32(TIS_STS) & STS_EXPECT)) {
		return TPM_EEXPECT;
	}
	wr32(TIS_STS, STS_GO);
	return 0;
}

static int receive(uint8_t *rsp, size_t size, size_t *len)
{
	size_t want = TPM_HEADER_SIZE;

	if (!wait_sts(STS_VALID | STS_DATA_AVAIL, STS_VALID | STS_DATA_AVAIL, TIMEOUT_CMD_NS)) {
		return TPM_ETIMEOUT;
	}
	for (size_t at = 0; at < want;) {
		unsigned n = burst();
		if (n == 0) {
			return TPM_EPROTO;
		}
		for (; n > 0 && at < want; n--) {
			rsp[at++] = rd8(TIS_DATA_FIFO);
		}
		if (at == TPM_HEADER_SIZE && want == TPM_HEADER_SIZE) {
			want = (size_t)rsp[2] << 24 | (size_t)rsp[3] << 16 | (size_t)rsp[4] << 8 |
			       rsp[5];
			if (want < TPM_HEADER_SIZE || want > size) {
				return TPM_EPROTO;
			}
		}
	}
	*len = want;
	return 0;
}

/* One command, its response in @rsp (@size bytes at most): 0 or TPM_E*. */
int tpm_tis_transmit(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t size, size_t *rlen)
{
	int r = send(cmd, len);

	if (r == 0) {
		r = receive(rsp, size, rlen);
	}
	/* Back to idle, whatever happened (PTP 6.5.2.2: commandReady aborts). */
	wr32(TIS_STS, STS_COMMAND_READY);
	return r;
}
