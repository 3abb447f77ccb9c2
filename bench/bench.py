#!/usr/bin/env python3
"""Launch benchmark: Hyperlaunch and Xen 4.17 dom0less side by side, in one run.

    make bench                  wall-clock table, RAM, timeline summary, plot
    make bench-icount           the deterministic variant (QEMU -icount)
    bench/bench.py [--icount] [--runs N] [--probes "1 32 128"] [--linux "1 4 8"]

Environment: RUNS (default 3; 2 with --icount), BENCH_ICOUNT=1 (= --icount),
BENCH_PROBES / BENCH_LINUX (the N values, space separated; "" skips a family),
BENCH_X86=0 skips the x86-64 table (bench/x86.sh; with --icount, bench/x86.sh -icount).

Both hypervisors boot on the same qemu-system-aarch64 with the same machine
options, the same CPU count (min(N, 4)), the same -m (what Xen needs; ours
alone would need less, printed), the same guest images (build/guests/probe.img;
Debian's Linux Image + the busybox "ready" initramfs) and the same domains (N,
1 vCPU each, 8 MiB per probe, 128 MiB per Linux). Runs alternate: ours, Xen,
ours, Xen ... (and the bare Linux boot for the 1-Linux row). Xen's device tree
and QEMU command line come from bench/xen/run.sh; ours from lcm-tool pack.

Writes build/bench/results.txt (or results-icount.txt), build/bench/launch.png,
each boot's console log under build/bench/logs/. README.md "Benchmark" explains
how to read the output.
"""
import argparse
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, "build", "bench")
LOGS = os.path.join(OUT, "logs")
QEMU = "qemu-system-aarch64"
MACHINE = "virt,virtualization=on,gic-version=3"
IMAGE = "build/deps/linux/Image"
INITRD = "build/guests/linux/ready.cpio.gz"
PROBE = "build/guests/probe.img"
OURS_BIN = "build/hyperlaunch.bin"
HV_COPY = os.path.join(OUT, "hyperlaunch.bin")   # the image every boot of a run uses
XEN_BIN = "build/deps/xen/xen"
LINUX_ARGS = "console=ttyAMA0 quiet"
ICOUNT = ["-icount", "shift=0,sleep=off"]
DOM_MEM = {"probe": 8 * 1024, "linux": 128 * 1024}     # KiB, as bench/launch.sh and bench/linux.sh

out_lines = []


def say(text=""):
    """A line of the report: stdout now, results file at the end."""
    print(text, flush=True)
    out_lines.append(text)


def note(text):
    """Progress, stderr only."""
    print("bench: " + text, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, text=True, **kw)


def median(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


def other_qemus():
    """QEMU processes on the host that are not ours (none of ours runs when asked)."""
    n = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    n += f.read().startswith("qemu-system")
            except OSError:
                pass
    return n


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- preparation -------------------------------------------------------------------------

def prepare():
    note("preparing: scripts/setup.sh, make, scripts/fetch-real-parts.sh, the initramfs, gnuplot")
    for cmd in (["scripts/setup.sh"], ["make", "-s", "all"],
                ["scripts/fetch-real-parts.sh", "linux", "busybox", "xen"],
                ["guests/linux/mkinitramfs.sh", INITRD, "--init", "guests/linux/init-ready"]):
        r = run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{r.stdout}")
        for line in r.stdout.splitlines():
            if line.startswith(("linux:", "xen:", "busybox:")):
                note(line)
    if shutil.which("gnuplot") is None:
        note("installing gnuplot-nox (apt-get)")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        inst = sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "gnuplot-nox"]
        if run(inst, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            run(sudo + ["apt-get", "update", "-qq"], env=env)
            run(inst, env=env, stdout=subprocess.DEVNULL)
    for tool in ("fdtput", "dtc", QEMU):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (scripts/setup.sh installs it)")


# --- one boot ----------------------------------------------------------------------------

OURS_READY = re.compile(r"^\[(?P<dom>[^\]]+)\] (?P<what>probe|linux): ready(?: \(uptime (?P<up>[0-9.]+) s\))?")
XEN_READY = re.compile(r"(?:DOM(?P<dom>\d+):|\(d(?P<dom2>\d+)\)) (?P<what>probe|linux): ready(?: \(uptime (?P<up>[0-9.]+) s\))?")
BARE_READY = re.compile(r"^(?P<what>linux): ready(?: \(uptime (?P<up>[0-9.]+) s\))?")
XEN_STAMP = re.compile(r"^\(XEN\) \[\s*([0-9]+\.[0-9]+)\]")
OURS_BAD = re.compile(r"not started:|stopped:|panic:|launch: FAILED|lcm: error")


class Boot:
    """One QEMU boot, timed from the host: start to the Nth ready line."""

    def __init__(self, who, cmd, n, timeout, log, xen_heap=False):
        self.who, self.cmd, self.n, self.log = who, cmd, n, log
        self.ok = False
        self.ms = None                  # host wall clock, QEMU start to the Nth ready line
        self.reason = ""
        self.lines = []                 # (ms since start, text)
        self.ready = []                 # (ms, domain, uptime or None, Xen stamp or None)
        self.heap_kib = None            # Xen: "Dom heap: N kB free" after the launch
        self.shared = other_qemus()
        self._go(timeout, xen_heap)
        self.shared += other_qemus()

    def _go(self, timeout, xen_heap):
        pattern = {"ours": OURS_READY, "xen": XEN_READY, "bare": BARE_READY}[self.who]
        seen = set()
        t0 = time.monotonic()
        p = subprocess.Popen(self.cmd, cwd=TOP, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        fd = p.stdout.fileno()
        buf = b""
        deadline = t0 + timeout
        done_at = None                  # after the last ready line: a little more console
        switching = False
        eof = False
        try:
            while True:
                now = time.monotonic()
                limit = done_at if done_at is not None else deadline
                if now >= limit:
                    if done_at is None:
                        self.reason = f"timeout after {timeout} s ({len(seen)}/{self.n} ready)"
                    break
                r, _, _ = select.select([fd], [], [], min(0.5, limit - now))
                if not r:
                    continue
                data = os.read(fd, 65536)
                t = (time.monotonic() - t0) * 1000
                if not data:
                    eof = True
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    self.lines.append((t, line))
                    if self.who == "ours" and not self.reason and OURS_BAD.search(line):
                        self.reason = line.strip()
                    m = pattern.search(line)
                    if m and done_at is None:
                        dom = m.groupdict().get("dom") or m.groupdict().get("dom2") or "bare"
                        if dom not in seen:
                            seen.add(dom)
                            up = m.group("up")
                            st = XEN_STAMP.search(line)
                            self.ready.append((t, dom, float(up) if up else None,
                                               float(st.group(1)) if st else None))
                            if len(seen) == self.n:
                                self.ok = True
                                self.ms = t
                                # ours and bare power off by themselves (ours then
                                # prints its last timeline line); Xen stays up.
                                done_at = time.monotonic() + (15 if self.who != "xen" else 0)
                                if self.who == "xen" and xen_heap:
                                    done_at = time.monotonic() + 20
                                    switching = True
                                    self._send(p, b"\x01" * 6)     # Ctrl-A x3 (doubled: QEMU's escape)
                    if switching:
                        if "Serial input to" in line:
                            self._send(p, b"m" if "to Xen" in line else b"\x01" * 6)
                        hm = re.search(r"Dom heap: (\d+)kB free", line)
                        if hm:
                            self.heap_kib = int(hm.group(1))
                            done_at = time.monotonic()
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            p.stdout.close()
            try:
                p.stdin.close()
            except OSError:
                pass
        if not self.ok and not self.reason:
            self.reason = f"QEMU exited (status {p.returncode}) with {len(seen)}/{self.n} ready" if eof \
                else f"{len(seen)}/{self.n} ready"
        os.makedirs(os.path.dirname(self.log), exist_ok=True)
        with open(self.log, "w") as f:
            f.write(f"# {' '.join(self.cmd)}\n")
            for t, line in self.lines:
                f.write(f"{t:10.1f} {line}\n")

    @staticmethod
    def _send(p, data):
        try:
            p.stdin.write(data)
            p.stdin.flush()
        except OSError:
            pass

    def grep(self, regex):
        rx = re.compile(regex)
        return [m for _, line in self.lines for m in [rx.search(line)] if m]


# --- the workloads -------------------------------------------------------------------------

class Row:
    def __init__(self, kind, n, icount):
        self.kind, self.n = kind, n
        self.name = f"{kind}-{n}" + ("-icount" if icount else "")
        self.label = f"{kind} x{n}"
        # -icount: 1 CPU on both sides. Xen 4.17 on QEMU 7.2 with -icount and
        # more than one CPU stops at its first cross-CPU call (CPU1 never
        # leaves WFI; README.md "Benchmark").
        self.cpus = 1 if icount else min(n, 4)
        self.ours, self.xen, self.bare = [], [], []
        self.unsupported = None         # ours: why not (Linux before the vGIC landed)
        self.timeline = None            # ours: the Boot with the timeline property
        self.tpm = None                 # ours with a TPM (pack --tpm: swtpm, a fresh state)

    def guest_args(self):
        return [] if self.kind == "probe" else ["--guest", IMAGE, "--ramdisk", INITRD]

    def prepare(self):
        # Xen: run.sh writes the DTB and prints the QEMU command; the boot it
        # starts is cut after 1 s (our own runs are the measured ones).
        self.xen_dir = os.path.join(OUT, "xen", self.name)
        self.xen_cmd = xen_command(self.n, self.cpus, None, self.guest_args(), self.xen_dir)
        self.mem = self.xen_cmd[self.xen_cmd.index("-m") + 1]
        # Ours: lcm-tool pack, same CPUs and -m; and once without --memory for
        # the RAM lcm-tool would choose for us alone.
        cfg = os.path.join(OUT, "ours", self.name + ".json")
        os.makedirs(os.path.dirname(cfg), exist_ok=True)
        doms = []
        for i in range(1, self.n + 1):
            if self.kind == "probe":
                doms.append(f'  {{"name": "p{i}", "memory": "8M", "kernel": "{os.path.join(TOP, PROBE)}"}}')
            else:
                doms.append(f'  {{"name": "l{i}", "memory": "128M", "kernel": {{"file": "{os.path.join(TOP, IMAGE)}", '
                            f'"bootargs": "{LINUX_ARGS}"}}, "ramdisk": "{os.path.join(TOP, INITRD)}"}}')
        with open(cfg, "w") as f:
            f.write('{ "domains": [\n' + ",\n".join(doms) + "\n] }\n")
        self.ours_dir = os.path.join(OUT, "ours", self.name)
        self.tl_dir = self.ours_dir + "-timeline"
        own = pack(cfg, self.ours_dir + "-own", ["--cpus", str(self.cpus), "--hypervisor", HV_COPY])
        self.ours_own_mem = re.search(r"(\d+) MiB RAM", own).group(1) + "M"
        pack(cfg, self.ours_dir, ["--cpus", str(self.cpus), "--memory", self.mem, "--hypervisor", HV_COPY])
        pack(cfg, self.tl_dir, ["--cpus", str(self.cpus), "--memory", self.mem, "--hypervisor", HV_COPY])
        self.tpm_dir = self.ours_dir + "-tpm"
        pack(cfg, self.tpm_dir, ["--cpus", str(self.cpus), "--memory", self.mem, "--hypervisor", HV_COPY, "--tpm"])
        r = run(["fdtput", "-t", "s", os.path.join(self.tl_dir, "host.dtb"), "/chosen",
                 "hyperlaunch,timeline", ""], stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.exit(f"bench: fdtput failed: {r.stderr}")
        self.timeout = (60 + 2 * self.n) if self.kind == "probe" else (120 + 40 * self.n)

    def ours_cmd(self, timeline, extra):
        d = self.tl_dir if timeline else self.ours_dir
        return [os.path.join(d, "run-qemu")] + extra

    def bare_cmd(self, extra):
        return [QEMU, "-machine", "virt,gic-version=3", "-cpu", "cortex-a57", "-smp", "1", "-m", "128M",
                "-nographic", "-nic", "none", "-kernel", IMAGE, "-initrd", INITRD,
                "-append", LINUX_ARGS] + extra


def pack(cfg, out, opts):
    r = run([os.path.join(TOP, "build", "lcm-tool"), "pack"] + opts + [cfg, "-o", out],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ, QEMU=QEMU))
    if r.returncode != 0:
        sys.exit(f"bench: lcm-tool pack {cfg} failed:\n{r.stdout}")
    return r.stdout


def xen_command(n, cpus, mem, guest_args, out):
    """bench/xen/run.sh's device tree and QEMU command line for N domUs."""
    cmd = ["bench/xen/run.sh", str(n), "--smp", str(cpus), "--out", out, "-q", "--timeout", "1"] + guest_args
    if mem:
        cmd += ["--mem", mem]
    r = run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ, QEMU_EXTRA=""))
    m = re.search(r"^qemu: (.*)$", r.stdout, re.M)
    if not m or not os.path.exists(os.path.join(out, "host.dtb")):
        sys.exit(f"bench: bench/xen/run.sh gave no QEMU command:\n{r.stdout}")
    return shlex.split(m.group(1))


# --- what the consoles say --------------------------------------------------------------------

def ours_ram(b):
    """Ours, from its console: (hypervisor's own KiB, hypervisor data per domain KiB, detail)."""
    total = b.grep(r"^platform: .*\((\d+) MiB\)")
    after = b.grep(r"^mm: \d+ MiB free after the launch \((\d+) KiB; (\d+) domains: guest RAM (\d+) KiB "
                   r"allocated \+ (\d+) KiB mapped in place, hypervisor data (\d+) KiB\)")
    if not total or not after:
        return None
    total_kib = int(total[0].group(1)) * 1024
    free, ndom, fresh, mapped, data = (int(x) for x in after[0].groups())
    reserved = 0
    for m in b.grep(r"^mm: reserved 0x([0-9a-f]+)-0x([0-9a-f]+) for"):
        lo, hi = int(m.group(1), 16), int(m.group(2), 16)
        reserved += ((hi + 4095) // 4096 - lo // 4096) * 4
    reclaimed = sum(int(m.group(1)) for m in b.grep(r"^launch: reclaim: (\d+) KiB of boot modules"))
    held = max(reserved - reclaimed, 0)
    own = total_kib - free - fresh - data - held
    return {"own": own, "per_dom": data / max(ndom, 1), "total": total_kib, "free": free,
            "fresh": fresh, "mapped": mapped, "data": data, "held": held}


def ours_timeline(b):
    """Ours' timeline lines: per domain {step: us}, totals, phases, the last two stamps."""
    doms = []
    for m in b.grep(r"^timeline: domain \d+ (\S+): (.*), total (\d+) us"):
        steps = {k: int(v) for k, v in re.findall(r"(\w+) (\d+) us", m.group(2))}
        steps["total"] = int(m.group(3))
        doms.append((m.group(1), steps))
    tot = b.grep(r"^timeline: build steps of (\d+) domains: (.*)$")
    ph = b.grep(r"^timeline: phases: (.*); final at (\d+) us")
    off = b.grep(r"^timeline: all domains off at (\d+) us")
    return {
        "domains": doms,
        "totals": {k.strip(): int(v) for k, v in re.findall(r"([\w ]+?) (\d+) us", tot[0].group(2))} if tot else {},
        "phases": {k.strip(): int(v) for k, v in re.findall(r"([\w ]+?) (\d+) us", ph[0].group(1))} if ph else {},
        "final_us": int(ph[0].group(2)) if ph else None,
        "off_us": int(off[0].group(1)) if off else None,
    }


def xen_stamps(b):
    """Xen's clock (console_timestamps=boot, s): first domU build, unpause."""
    build = unpause = None
    for _, line in b.lines:
        st = XEN_STAMP.search(line)
        if st:
            if build is None and "LOADING DOMU" in line:
                build = float(st.group(1))
            if unpause is None and "*** Serial input to" in line:
                unpause = float(st.group(1))
    return build, unpause


# --- formatting ----------------------------------------------------------------------------------

def fms(x):
    return "-" if x is None else f"{x:.0f}"


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def fr(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def kib(x):
    if x is None:
        return "-"
    return f"{x / 1024:.1f} MiB" if abs(x) >= 10240 else f"{x:.0f} KiB"


def table(rows, header, left_last=False):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    last = len(header) - 1
    fmt_row = lambda r: "  ".join(str(c).ljust(w) if i == 0 or (left_last and i == last) else str(c).rjust(w)
                                  for i, (c, w) in enumerate(zip(r, widths))).rstrip()
    say(fmt_row(header))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(fmt_row(r))


# --- the benchmark -------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icount", action="store_true", default=os.environ.get("BENCH_ICOUNT", "0") not in ("", "0"))
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--probes", default=os.environ.get("BENCH_PROBES", "1 32 128"))
    ap.add_argument("--linux", default=os.environ.get("BENCH_LINUX", "1 4 8"))
    ap.add_argument("--no-prepare", action="store_true", help="skip setup, make and the fetches")
    ap.add_argument("--plot-only", action="store_true", help="redraw launch.png from build/bench/launch-*.dat")
    args = ap.parse_args()
    if args.plot_only:
        err = draw()
        sys.exit(f"bench: plot failed: {err}" if err else 0)
    icount = args.icount
    runs = args.runs or int(os.environ.get("RUNS") or (2 if icount else 3))
    if icount and runs < 2:
        runs = 2                        # the point is to compare two runs
    extra = ICOUNT if icount else []
    os.chdir(TOP)
    os.makedirs(LOGS, exist_ok=True)
    if not args.no_prepare:
        prepare()
    # One copy of the hypervisor for every row (others may rebuild build/ meanwhile).
    shutil.copyfile(os.environ.get("HYPERLAUNCH") or os.path.join(TOP, OURS_BIN), HV_COPY)
    rows = [Row("probe", int(n), icount) for n in args.probes.split()] + \
        [Row("linux", int(n), icount) for n in args.linux.split()]
    started = time.monotonic()
    load0 = loadavg()
    for row in rows:
        note(f"preparing {row.label}: Xen's DTB (bench/xen/run.sh), ours (lcm-tool pack)")
        row.prepare()

    # The measured boots, alternated. With -icount ours boots with its
    # timeline on (its stamps are the guest-visible counter), else plain.
    for row in rows:
        for r in range(runs):
            if row.unsupported is None:
                note(f"{row.label}: run {r + 1}/{runs}: ours")
                b = Boot("ours", row.ours_cmd(icount, extra), row.n, row.timeout,
                         os.path.join(LOGS, f"{row.name}-ours-{r + 1}.log"))
                row.ours.append(b)
                if not b.ok and row.kind == "linux" and r == 0:
                    row.unsupported = b.reason
            note(f"{row.label}: run {r + 1}/{runs}: xen")
            row.xen.append(Boot("xen", row.xen_cmd + extra, row.n, row.timeout,
                                os.path.join(LOGS, f"{row.name}-xen-{r + 1}.log"), xen_heap=(r == 0 and not icount)))
            if row.kind == "linux" and row.n == 1:
                note(f"{row.label}: run {r + 1}/{runs}: bare QEMU")
                row.bare.append(Boot("bare", row.bare_cmd(extra), 1, row.timeout,
                                     os.path.join(LOGS, f"{row.name}-bare-{r + 1}.log")))

    # Xen's RAM per domain by difference: 1 domU at the -m and CPUs of the
    # family's largest N (what a domain adds does not depend on -m); when
    # that N is 1, 1 and 2 domUs at what 2 need.
    xen_slope = {}
    for kind in ("probe", "linux") if not icount else ():
        fam = [r for r in rows if r.kind == kind]
        if not fam:
            continue
        big = max(fam, key=lambda r: r.n)
        heaps = [b.heap_kib for b in big.xen if b.heap_kib is not None]
        if not heaps and not (big.n == 1 and (big.xen and big.xen[0].ok)):
            continue
        if big.n >= 2:
            n_hi, heap_hi, mem, cpus = big.n, heaps[0], big.mem, big.cpus
        else:
            cpus = 2
            cmd = xen_command(2, cpus, None, big.guest_args(), os.path.join(OUT, "xen", f"{kind}-2-ref"))
            mem = cmd[cmd.index("-m") + 1]
            note(f"Xen RAM reference: 2 {kind} domUs at -m {mem}, {cpus} CPUs")
            hi = Boot("xen", cmd, 2, big.timeout + 60, os.path.join(LOGS, f"{kind}-2-ref-xen.log"), xen_heap=True)
            n_hi, heap_hi = 2, hi.heap_kib
        note(f"Xen RAM reference: 1 {kind} domU at -m {mem}, {cpus} CPUs")
        cmd = xen_command(1, cpus, mem, big.guest_args(), os.path.join(OUT, "xen", f"{kind}-1-ref"))
        ref = Boot("xen", cmd, 1, big.timeout, os.path.join(LOGS, f"{kind}-1-ref-xen.log"), xen_heap=True)
        if ref.heap_kib is not None and heap_hi is not None:
            xen_slope[kind] = (ref.heap_kib - heap_hi) / (n_hi - 1)

    # The timeline (wall-clock mode: one more boot of ours per row).
    if not icount:
        for row in rows:
            if row.unsupported is None:
                note(f"{row.label}: ours with the timeline")
                row.timeline = Boot("ours", row.ours_cmd(True, []), row.n, row.timeout,
                                    os.path.join(LOGS, f"{row.name}-ours-timeline.log"))
                note(f"{row.label}: ours with a TPM (swtpm)")
                row.tpm = Boot("ours", [os.path.join(row.tpm_dir, "run-qemu")], row.n, row.timeout,
                               os.path.join(LOGS, f"{row.name}-ours-tpm.log"))
    else:
        for row in rows:
            if row.ours and row.ours[0].ok:
                row.timeline = row.ours[0]
    load1 = loadavg()

    report(rows, runs, icount, load0, load1, xen_slope, time.monotonic() - started)
    if os.environ.get("BENCH_X86", "1") != "0":
        report_x86(runs, icount)
    name = "results-icount.txt" if icount else "results.txt"
    with open(os.path.join(OUT, name), "w") as f:
        f.write("\n".join(out_lines) + "\n")
    print(f"\n(written to build/bench/{name}" + ("" if icount else " and build/bench/launch.png") + ")")


def report_x86(runs, icount):
    """The x86-64 row (bench/x86.sh, -icount for the deterministic table):
    probes and one Linux domain against the same kernel on bare
    qemu-system-x86_64; Xen 4.17 has no x86 dom0less to compare with."""
    cmd = ["bench/x86.sh"] + (["-icount"] if icount else [])
    note("x86-64: " + " ".join(cmd))
    r = run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=dict(os.environ, RUNS=str(runs)))
    say()
    for line in r.stdout.splitlines():
        say(line)
    if r.returncode != 0:
        say(f"(bench/x86.sh failed with exit status {r.returncode})")


def report(rows, runs, icount, load0, load1, xen_slope, took):
    xen_ver = open(os.path.join(TOP, "build/deps/xen/.done")).read().split()
    qemu_ver = run([QEMU, "--version"], stdout=subprocess.PIPE).stdout.splitlines()[0]
    ours_size = os.path.getsize(HV_COPY)
    xen_size = os.path.getsize(os.path.join(TOP, XEN_BIN))
    boots = [b for r in rows for b in r.ours + r.xen + r.bare]
    shared = sum(1 for b in boots if b.shared)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    say(f"Hyperlaunch launch benchmark{' (deterministic: -icount shift=0,sleep=off)' if icount else ''}, {now}")
    say(f"host: {os.cpu_count()} CPUs; load average (1, 5, 15 min) {load0} at the start, {load1} at the end; "
        f"{shared} of {len(boots)} boots shared the host with other QEMU processes; {took:.0f} s in all")
    say(f"QEMU: {qemu_ver}; -machine {MACHINE} -cpu cortex-a57 -nographic -nic none"
        + (f" {' '.join(ICOUNT)} (single-threaded TCG), 1 CPU for both (Xen 4.17 stalls with more under -icount)"
           if icount else " (TCG, a thread per vCPU), CPUs = min(N, 4) for both"))
    say(f"ours: {os.environ.get('HYPERLAUNCH') or OURS_BIN} ({ours_size} bytes, copied to build/bench/ for the run); Xen: {xen_ver[0]} {xen_ver[1]}, {XEN_BIN} ({xen_size} bytes), "
        "dom0less, no dom0, \"console=dtuart console_timestamps=boot bootscrub=0 sched=credit\"")
    say("guests: probe = build/guests/probe.img (8 MiB, 1 vCPU); linux = Debian's Image + the busybox "
        f"\"ready\" initramfs (128 MiB, 1 vCPU, \"{LINUX_ARGS}\"); the same files on both sides")
    say(f"runs: {runs} per hypervisor and row, alternated ours, Xen, ours, Xen ...; every console log in build/bench/logs/")
    say()
    if icount:
        report_icount(rows, runs)
    else:
        report_wall(rows, runs, ours_size, xen_size, xen_slope)
    report_timeline(rows, icount)
    report_measure(rows)
    say("The same launch is asked of both, not the same work done:")
    say("  - ours checks every module's SHA-256 before use ('digests'; a module shared by N domains is hashed")
    say("    once); Xen dom0less checks none;")
    say("  - ours zeroes (and cleans to the point of coherency) every 2 MiB window of a domain's RAM before the")
    say("    domain or the builder first touches it, so no domain ever reads what was there before (the copies")
    say("    and the device tree touch theirs during the build: 'copy', 'dt'); Xen, booted with bootscrub=0 as")
    say("    bench/xen/run.sh does, hands out RAM it never scrubbed (QEMU's RAM starts zeroed);")
    say("  - ours scrubs the boot modules it gives back after the launch; Xen frees them as they are;")
    say("  - ours counts from QEMU's start; Xen's stamps count from its own timer init, after its early boot.")


def report_wall(rows, runs, ours_size, xen_size, xen_slope):
    say(f"Launch time: QEMU start to the last domain's ready line, host wall clock, median of {runs} (ms).")
    say("CPUs and -m are the same for both (-m is what Xen needs; the last column is what lcm-tool pack gives ours alone).")
    say("hv RAM: what the hypervisor keeps after the launch, for itself + its data for the N domains (guest RAM excluded).")
    tab = []
    goal_ok = True
    ram_rows = []
    for row in rows:
        ours = median([b.ms for b in row.ours if b.ok])
        xen = median([b.ms for b in row.xen if b.ok])
        o_ram = next((x for x in (ours_ram(b) for b in row.ours if b.ok) if x), None)
        x_heap = next((b.heap_kib for b in row.xen if b.heap_kib is not None), None)
        slope = xen_slope.get(row.kind)
        x_total_kib = int(row.mem[:-1]) * 1024
        x_used = None if x_heap is None else x_total_kib - x_heap
        x_per = None if slope is None else slope - DOM_MEM[row.kind]
        x_own = None if x_used is None or slope is None else x_used - row.n * slope
        o_hv = None if o_ram is None else o_ram["own"] + o_ram["data"]
        x_hv = None if x_own is None else x_own + row.n * x_per
        row.time_ratio = ratio(ours, xen)
        row.ours_ms, row.xen_ms = ours, xen
        if row.unsupported:
            t_ours, t_ratio, goal = "not supported yet", "-", "-"
        else:
            t_ours, t_ratio = fms(ours), fr(row.time_ratio)
            goal = "-" if row.time_ratio is None else ("met" if row.time_ratio <= 0.5 else "NOT met")
            if row.time_ratio is None or row.time_ratio > 0.5:
                goal_ok = False
        if row.unsupported:
            goal_ok = False
        tab.append([row.label, row.cpus, row.mem, t_ours, fms(xen), t_ratio, goal,
                    fr(ours_size / xen_size), kib(o_hv), kib(x_hv), fr(ratio(o_hv, x_hv), 3), row.ours_own_mem])
        ram_rows.append([row.label, kib(o_ram and o_ram["own"]), kib(x_own), fr(ratio(o_ram and o_ram["own"], x_own), 3),
                         kib(o_ram and o_ram["per_dom"]), kib(x_per), fr(ratio(o_ram and o_ram["per_dom"], x_per), 3),
                         kib(o_ram and o_ram["free"]), kib(x_heap)])
    table(tab, ["workload", "CPUs", "-m", "ours ms", "Xen ms", "ours/Xen", "<=0.5?", "image o/X",
                "hv RAM ours", "hv RAM Xen", "RAM o/X", "ours alone -m"])
    for row in rows:
        if row.unsupported:
            say(f"  {row.label}: ours: not supported yet ({row.unsupported})")
    say()
    say(f"Image size: ours {ours_size} bytes, Xen {xen_size} bytes: ours/Xen {ours_size / xen_size:.3f}.")
    say()
    say("RAM after the launch. ours: from its console (platform RAM - 'mm: ... free after the launch' - guest RAM -")
    say("  its data for the domains - boot modules still reserved = its own; data / N = per domain).")
    say("Xen: from its boot log: after the last ready line the bench switches the serial input to Xen (Ctrl-A x3)")
    say("  and presses 'm' (memory info): used = -m - 'Dom heap: N kB free'. Per domain by difference: one more")
    say("  boot with 1 domU at the -m and CPUs of the family's largest N, (free(1) - free(N)) / (N - 1), minus")
    say("  the domain's own RAM (8 or 128 MiB) = P2M pool and bookkeeping; own = used - N x (RAM + per domain).")
    say("  Xen gives its boot modules back after building the domUs (checked: 1 Linux uses 120 MiB + P2M more")
    say("  than 1 probe, not + the 33 MiB of modules), ours reclaims those no domain maps in place.")
    table(ram_rows, ["workload", "own ours", "own Xen", "o/X", "per dom ours", "per dom Xen", "o/X",
                     "free ours", "free Xen"])
    say()
    # Bare Linux and the runs.
    l1 = next((r for r in rows if r.kind == "linux" and r.n == 1), None)
    if l1 and l1.bare:
        bare = median([b.ms for b in l1.bare if b.ok])
        up = lambda bs: median([b.ready[-1][2] for b in bs if b.ok and b.ready and b.ready[-1][2] is not None])
        r = ratio(l1.ours_ms, bare)
        say(f"Bare QEMU (no hypervisor: -machine virt,gic-version=3 -smp 1 -m 128M, the same kernel, initramfs and"
            f" bootargs): {fms(bare)} ms, uptime at ready {fr(up(l1.bare))} s.")
        say(f"  1 Linux domain: ours {fms(l1.ours_ms)} ms (uptime {fr(up(l1.ours))} s) = {fr(r)} x bare; "
            f"Xen {fms(l1.xen_ms)} ms (uptime {fr(up(l1.xen))} s) = {fr(ratio(l1.xen_ms, bare))} x bare. "
            f"Goal (ours within 10 % of bare): {'-' if r is None else 'met' if r <= 1.10 else 'NOT met'}.")
        l1.bare_ratio = r
        say()
    say("Goals: ours/Xen <= 0.5 at every N: " +
        ("met" if all(r.time_ratio is not None and r.time_ratio <= 0.5 and not r.unsupported for r in rows) else
         "NOT met (" + ", ".join(f"{r.label} {fr(r.time_ratio)}" for r in rows
                                 if r.unsupported or r.time_ratio is None or r.time_ratio > 0.5) + ")") +
        (f"; 1 Linux within 10 % of bare: {'met' if l1.bare_ratio <= 1.10 else 'NOT met'} ({fr(l1.bare_ratio)})"
         if l1 and l1.bare and getattr(l1, "bare_ratio", None) is not None else ""))
    say()
    say("Every run (ms, in order; '*' = another QEMU was running on the host, 'x' = failed):")
    for row in rows:
        cell = lambda b: ("x" if not b.ok else fms(b.ms)) + ("*" if b.shared else "")
        parts = [f"ours {' '.join(cell(b) for b in row.ours) or '-'}", f"Xen {' '.join(cell(b) for b in row.xen)}"]
        if row.bare:
            parts.append(f"bare {' '.join(cell(b) for b in row.bare)}")
        xs = [xen_stamps(b) + (b.ready[-1][3] if b.ready else None,) for b in row.xen if b.ok]
        if xs:
            parts.append("Xen clock: build at {}, unpause {}, last ready {} s".format(
                *(fr(median([x[i] for x in xs if x[i] is not None]), 3) for i in range(3))))
        say(f"  {row.label:10} " + "; ".join(parts))
        for b in row.ours + row.xen + row.bare:
            if not b.ok and not row.unsupported:
                say(f"    {b.who} failed: {b.reason} ({os.path.relpath(b.log, TOP)})")
    say()
    plot(rows)


def report_icount(rows, runs):
    say("Guest-visible counter (QEMU -icount shift=0: 1 instruction = 1 ns of virtual time; sleep=off: idle time")
    say("is skipped to the next timer deadline), in ms since QEMU's start unless said otherwise:")
    say("  ours 'final': the hypervisor's counter when the launch is final (every domain started);")
    say("  ours 'all off': when the last domain is off (a probe powers off right after its ready line, so this")
    say("    is the last ready line + its power-off; ours prints no stamp on the ready line itself);")
    say("  Xen 'first/last ready': Xen's console_timestamps=boot stamp on the ready lines (Xen's clock starts")
    say("    at its timer init, a little after QEMU's start); 'unpause': its '*** Serial input' line;")
    say("  uptime: the Linux guest's own /proc/uptime on its last ready line (s).")
    tab = []
    repeat = []
    for row in rows:
        def vals(b, who):
            if not b.ok:
                return None
            if who == "ours":
                tl = ours_timeline(b)
                v = [tl["final_us"] and tl["final_us"] / 1000, tl["off_us"] and tl["off_us"] / 1000]
            else:
                build, unpause = xen_stamps(b)
                v = [unpause and unpause * 1000, b.ready[0][3] * 1000, b.ready[-1][3] * 1000]
            ups = sorted(x[2] for x in b.ready if x[2] is not None)
            return v + [ups[-1] if ups else None]
        ov = [vals(b, "ours") for b in row.ours]
        xv = [vals(b, "xen") for b in row.xen]
        same_o = bool(row.unsupported) or (len(ov) >= 2 and all(v is not None for v in ov) and
                                          all(v == ov[0] for v in ov))
        same_x = len(xv) >= 2 and all(v is not None for v in xv) and all(v == xv[0] for v in xv)
        repeat.append((row.label, same_o, same_x, ov, xv))
        o, x = ov[0] if ov else None, xv[0] if xv else None
        if row.unsupported:
            ocells = ["not supported yet", "-", "-"]
        else:
            ocells = [fr(o and o[0], 3), fr(o and o[1], 3), fr(o and o[2])]
        last_ours = o and o[1]
        last_xen = x and x[2]
        tab.append([row.label, row.cpus, row.mem] + ocells +
                   [fr(x and x[0], 3), fr(x and x[1], 3), fr(last_xen, 3), fr(x and x[3]),
                    fr(ratio(last_ours, last_xen)),
                    ("-" if row.unsupported else "same" if same_o else "DIFFER") + "/" +
                    ("same" if same_x else "DIFFER")])
    table(tab, ["workload", "CPUs", "-m", "ours final", "ours all off", "uptime", "Xen unpause",
                "Xen 1st ready", "Xen last ready", "uptime", "o/X", f"{runs} runs ours/Xen"])
    say("  o/X: ours 'all off' / Xen 'last ready' (ours' figure includes the last domain's power-off).")
    l1 = next((r for r in rows if r.kind == "linux" and r.n == 1), None)
    if l1 and l1.bare:
        ups = [b.ready[-1][2] for b in l1.bare if b.ok and b.ready]
        say(f"  bare QEMU, 1 Linux (-smp 1 -m 128M): uptime at ready {' / '.join(fr(u) for u in ups)} s "
            f"({'same' if len(set(ups)) == 1 and len(ups) >= 2 else 'DIFFER'} over {len(ups)} runs)")
    say()
    ok = all(o and x for _, o, x, _, _ in repeat)
    say(f"Repeatability: {runs} runs of each, every figure above compared exactly: "
        + ("all identical." if ok else "NOT all identical:"))
    for label, so, sx, ov, xv in repeat:
        if not (so and sx):
            say(f"  {label}: ours {ov} / Xen {xv}")
    say()


def report_timeline(rows, icount):
    """Where ours spends the launch: the 128-probe timeline in detail, the others in one line."""
    say("Where the time goes (ours, hyperlaunch,timeline in /chosen; "
        + ("the first -icount run: virtual time, repeatable" if icount else "one more boot per row, wall clock") + "):")
    steps = ["create", "digests", "memory", "copy", "dt", "vcpus"]
    explain = {"create": "domain + vGIC", "digests": "digest check (the measurement's SHA-256s), Image check",
               "memory": "RAM allocation, stage 2 of in-place modules", "copy": "kernel/ramdisk copies, their windows scrubbed",
               "dt": "device tree (sizing, writing, copy, its window scrubbed)", "vcpus": "vCPU creation",
               "console and other": "build lines on the UART, loop"}
    for row in rows:
        if row.timeline is None or not row.timeline.ok:
            continue
        tl = ours_timeline(row.timeline)
        if not tl["totals"] or not tl["phases"]:
            say(f"  {row.label}: no timeline lines in {os.path.relpath(row.timeline.log, TOP)}")
            continue
        ph = tl["phases"]
        tot = tl["totals"]
        build = ph.get("build", 0)
        top = sorted(tot.items(), key=lambda kv: -kv[1])[:3]
        say(f"  {row.label}: boot {ph.get('boot', 0) / 1000:.1f} ms, to first build {ph.get('to first build', 0) / 1000:.1f} ms, "
            f"build {build / 1000:.1f} ms, to final {ph.get('to launch final', 0) / 1000:.1f} ms, final at "
            f"{(tl['final_us'] or 0) / 1000:.1f} ms, all off at {(tl['off_us'] or 0) / 1000:.1f} ms; top 3 of the build: "
            + ", ".join(f"{k} {v / 1000:.1f} ms ({100 * v / build:.0f} %)" for k, v in top if build))
    big = max((r for r in rows if r.kind == "probe" and r.timeline and r.timeline.ok), key=lambda r: r.n, default=None)
    if big:
        tl = ours_timeline(big.timeline)
        if tl["domains"]:
            say()
            say(f"  {big.label} in detail (us; per domain: median / min / max over {len(tl['domains'])} domains; "
                "total over all):")
            tab = []
            build = tl["phases"].get("build", 0)
            for s in steps + ["total"]:
                v = [d[s] for _, d in tl["domains"] if s in d]
                t = tl["totals"].get(s, sum(v)) if s != "total" else sum(v)
                tab.append([s, f"{median(v):.0f}", min(v), max(v), t, f"{100 * t / build:.1f} %" if build else "-",
                            explain.get(s, "the whole build of a domain")])
            t = tl["totals"].get("console and other", 0)
            tab.append(["console and other", "-", "-", "-", t, f"{100 * t / build:.1f} %" if build else "-",
                        explain["console and other"]])
            table([[("  " + str(r[0]))] + r[1:] for r in tab],
                  ["  step", "median", "min", "max", "all domains", "of build", "what"], left_last=True)
            ph = tl["phases"]
            say(f"  Phases (ms since QEMU's start): boot to the LCM probe {ph.get('boot', 0) / 1000:.1f}; "
                f"LCM parse, module reservation, SMP, timer check, measuring the launch (the modules' SHA-256s) {ph.get('to first build', 0) / 1000:.1f}; "
                f"build {build / 1000:.1f}; module reclaim and starts {ph.get('to launch final', 0) / 1000:.1f}; "
                f"launch final at {(tl['final_us'] or 0) / 1000:.1f}.")
            costs = dict(tl["totals"])
            costs["console and other"] = costs.get("console and other", 0)
            costs.update({"boot to the LCM probe": ph.get("boot", 0),
                          "LCM parse + SMP + timer check + measuring": ph.get("to first build", 0),
                          "module reclaim + starts": ph.get("to launch final", 0)})
            end = tl["final_us"] or 1
            if tl["off_us"] and tl["final_us"]:
                costs["domains running until the last is off"] = tl["off_us"] - tl["final_us"]
                end = tl["off_us"]
            top = sorted(costs.items(), key=lambda kv: -kv[1])[:3]
            say(f"  Top 3 costs of the {big.label} launch, QEMU start to the last domain off "
                f"({end / 1000:.1f} ms; a probe is off right after its ready line): " +
                "; ".join(f"{i + 1}. {k} {v / 1000:.1f} ms ({100 * v / end:.0f} %)" for i, (k, v) in enumerate(top)) + ".")
    say()


def report_measure(rows):
    """What the measured launch costs ours (docs/measured-launch.md), from its console lines."""
    def first(b, regex):
        m = b.grep(regex) if b is not None and b.ok else []
        return m[0] if m else None

    say("The measured launch (ours): the LCM and every module measured before the first build (their hashes")
    say("are the digest check's, paid here once), the event log, and with a TPM (one more boot per row: lcm-tool")
    say("pack --tpm, swtpm with a fresh state) one PCR_Extend per event, and the launch time against the median")
    say("without (wall clock, ms):")
    tab = []
    for row in rows:
        b = next((x for x in row.ours if x.ok), None)
        pre = first(b, r"^measure: the LCM and (\d+) modules measured in ([\d.]+) ms")
        log = first(b, r"^measure: (\d+) events in (\d+) bytes of event log")
        ext = first(row.tpm, r"^measure: (\d+) events in \d+ bytes of event log, (\d+) extended in ([\d.]+) ms")
        if pre is None or log is None:
            continue
        with_tpm = row.tpm.ms if row.tpm is not None and row.tpm.ok else None
        tab.append([row.label, log.group(1), log.group(2), f"{float(pre.group(2)):.1f}",
                    f"{ext.group(2)} in {float(ext.group(3)):.1f}" if ext else "-",
                    fms(with_tpm), fms(getattr(row, "ours_ms", None)),
                    f"{with_tpm - row.ours_ms:+.0f}" if with_tpm is not None and getattr(row, "ours_ms", None)
                    else "-"])
    if tab:
        table(tab, ["  row", "events", "log bytes", "measure (ms)", "TPM extends (ms)", "with TPM",
                    "without", "difference"])
    else:
        say("  (no measurement lines in ours' console logs)")
    say()


def plot(rows):
    """build/bench/launch.png: launch time against N, both hypervisors, probes and Linux.
    The data go to build/bench/launch-*.dat first; draw() plots whatever is there."""
    for kind, what in (("probe", "probes"), ("linux", "Linux")):
        fam = [r for r in rows if r.kind == kind]
        dat = os.path.join(OUT, f"launch-{kind}.dat")
        if not fam:
            if os.path.exists(dat):
                os.remove(dat)
            continue
        with open(dat, "w") as f:
            f.write(f"# {what}: N, ours (s), Xen (s); median wall clock, QEMU start to the last ready line\n")
            for r in fam:
                o = "NaN" if r.unsupported or r.ours_ms is None else f"{r.ours_ms / 1000:.3f}"
                x = "NaN" if r.xen_ms is None else f"{r.xen_ms / 1000:.3f}"
                f.write(f"{r.n} {o} {x}\n")
    l1 = next((r for r in rows if r.kind == "linux" and r.n == 1 and r.bare), None)
    bare = median([b.ms for b in l1.bare if b.ok]) if l1 else None
    dat = os.path.join(OUT, "launch-bare.dat")
    if bare:
        with open(dat, "w") as f:
            f.write("# bare QEMU, 1 Linux, no hypervisor: N, s\n" f"1 {bare / 1000:.3f}\n")
    elif os.path.exists(dat):
        os.remove(dat)
    err = draw()
    say(f"(plot failed: {err})" if err else "Plot: build/bench/launch.png (data: build/bench/launch-*.dat)")


def draw():
    """Plot build/bench/launch-*.dat into build/bench/launch.png; an error text or None."""
    clauses = []
    for kind, dash, what in (("probe", "", "probes"), ("linux", " dt 2", "Linux")):
        dat = os.path.join(OUT, f"launch-{kind}.dat")
        if os.path.exists(dat):
            clauses.append(f"'{dat}' using 1:2 with linespoints lw 2{dash} pt 7 lc rgb '#1f77b4' title 'ours, {what}'")
            clauses.append(f"'{dat}' using 1:3 with linespoints lw 2{dash} pt 5 lc rgb '#d62728' "
                           f"title 'Xen 4.17, {what}'")
    dat = os.path.join(OUT, "launch-bare.dat")
    if os.path.exists(dat):
        clauses.append(f"'{dat}' using 1:2 with points pt 9 ps 2.5 lc rgb '#444444' "
                       "title 'bare QEMU, 1 Linux, no hypervisor'")
    if not clauses:
        return "no data"
    gp = f"""set terminal pngcairo size 1100,650 font ',11'
set output '{os.path.join(OUT, "launch.png")}'
set title 'Launch time, QEMU start to the last ready line (median of the runs, host wall clock, {os.cpu_count()} host CPUs)'
set xlabel 'domains (N)'
set ylabel 'seconds (log scale)'
set logscale xy
set xrange [0.8:170]
set yrange [0.05:50]
set xtics (1, 2, 4, 8, 16, 32, 64, 128)
set ytics (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)
set grid
set key bottom right box opaque
plot {", ".join(clauses)}
"""
    r = run(["gnuplot"], input=gp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.stdout.strip() or "gnuplot failed" if r.returncode != 0 else None


if __name__ == "__main__":
    main()
