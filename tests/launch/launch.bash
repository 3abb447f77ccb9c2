# Shared by tests/launch/*.sh (sourced, not a test itself): the helpers of
# tests/hv/qemu.bash, plus assertions on the launch's console lines and on
# what the role-test guest (guests/roles) reports for each attempt.
. "$(dirname "${BASH_SOURCE[0]}")/../hv/qemu.bash"
LOG=$WORK/console.log

# launch_boot CONFIG [pack options]: pack CONFIG and boot it into $LOG.
launch_boot() {
	pack "$@"
	boot_pack "$LOG"
}

# labels "DOMID NAME LABEL SafeVM|UnsafeVM"...: once the domains are built
# the console names each one's label and class (docs/policy.md).
labels() {
	local l id name label class
	for l; do
		read -r id name label class <<<"$l"
		expect "$LOG" "policy: domain $id $name: label $label, $class"
	done
}

# role DOMAIN OP TARGET RESULT: the role guest in DOMAIN printed this attempt.
role() {
	expect "$LOG" "[$1] roles: $2 $3: $4"
}

# no_role DOMAIN TARGET: a domain without CONTROL, BOOT or RECOVERY is
# denied everything it tries (on TARGET, on itself, on the platform).
no_role() {
	local d=$1 t=$2
	role "$d" lcm-read self denied
	role "$d" module-read 0 denied
	if [ -n "$t" ]; then
		role "$d" info "$t" denied
		role "$d" pause "$t" denied
		role "$d" unpause "$t" denied
		role "$d" configure "$t" denied
	fi
	role "$d" launch-status - denied
	role "$d" create created denied
	role "$d" shutdown - denied
	expect "$LOG" "[$d] roles: finished"
}

# control DOMAIN DESTROY TARGETS...: a control domain may read, pause and
# unpause every target, read the launch report, create, start and destroy
# a domain, destroy DESTROY (- for none), but not act as a Boot Domain.
control() {
	local d=$1 destroy=$2 t
	shift 2
	role "$d" lcm-read self denied
	role "$d" module-read 0 denied
	for t; do
		role "$d" info "$t" ok
		role "$d" pause "$t" ok
		role "$d" unpause "$t" ok
		role "$d" configure "$t" denied
	done
	role "$d" launch-status - ok
	expect "$LOG" "[$d] roles: launch final: no failure"
	expect_re "$LOG" "domain 100 created: 8 MiB, 1 vCPU, kernel copied, built in [0-9]+\.[0-9]{2} ms"
	expect "$LOG" "domain 100 created: created by $d, paused"
	expect "$LOG" "policy: domain 100 created: label domU_t, UnsafeVM"
	role "$d" create created ok
	role "$d" unpause created ok
	expect "$LOG" "[created] probe: ready"
	expect "$LOG" "domain 100 created: destroyed by $d"
	role "$d" destroy created ok
	if [ "$destroy" != - ]; then
		role "$d" destroy "$destroy" ok
	fi
	expect "$LOG" "[$d] roles: finished"
	expect "$LOG" "hyperlaunch: $d asks to power off the platform"
	expect_rc 0
}

# bootdom_started NAMES...: the reference Boot Domain verified the modules,
# started NAMES in this order and said done; it never runs again.
bootdom_started() {
	local n
	expect "$LOG" "launch: prepare: bootdom alone unpaused, 10000 ms to say done"
	expect "$LOG" "console: input to bootdom (Ctrl-A three times to switch)"
	expect "$LOG" "[bootdom] bootdom: no config module: starting every domain in LCM order"
	expect_re "$LOG" "\[bootdom\] bootdom: verified [0-9]+ modules \(SHA-256\)"
	for n; do
		expect "$LOG" "[bootdom] bootdom: start $n: ok"
	done
	local got
	got=$(grep -oE '^\[bootdom\] bootdom: start [^:]+' "$LOG" | sed 's/.* start //' | tr '\n' ' ')
	if [ "$got" != "$* " ]; then
		echo "START ORDER '$got', expected '$* '"
		failures=$((failures + 1))
	fi
	expect "$LOG" "[bootdom] bootdom: done"
	expect "$LOG" "domain 32757 bootdom: done (status 0)"
	expect_re "$LOG" "launch: prepare: bootdom done in [0-9]+\.[0-9] ms"
	expect "$LOG" "launch: reclaim: bootdom's 16 MiB scrubbed and returned"
	# Its vCPU never runs again: nothing of it after it said done.
	if sed -n '/^domain 32757 bootdom: done/,$p' "$LOG" | grep -q '^\[bootdom\]'; then
		echo "UNEXPECTED: bootdom printed after it said done"
		failures=$((failures + 1))
	fi
}

# final N OWNER: the launch's final line.
final() {
	expect_re "$LOG" "launch: final: $1 domains? started, console to $2, in [0-9]+\.[0-9] ms total"
	expect "$LOG" "console: input to $2 (Ctrl-A three times to switch)"
}

# created N F: the creation phase's line.
created() {
	expect_re "$LOG" "launch: create: $1 domains? built, $2 failed, in [0-9]+\.[0-9] ms"
}
