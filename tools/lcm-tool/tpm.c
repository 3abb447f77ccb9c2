/*
 * lcm-tool pack --tpm: a software TPM (Debian's swtpm) for QEMU's
 * tpm-tis-device. pack starts one in a temporary folder only while QEMU
 * dumps the machine's device tree (the TPM's node is QEMU's own, on its
 * platform bus), then ends it and removes the folder; run-qemu starts a
 * fresh one for every boot and ends it, and its state, with QEMU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lcm-tool.h"

extern char **environ;

#define SOCK "swtpm.sock"

/* The QEMU options for a TPM whose control socket is @sock. */
static const char *const qemu_tpm[] = {
	"-chardev", NULL,
	"-tpmdev",  "emulator,id=tpm0,chardev=chrtpm",
	"-device",  "tpm-tis-device,tpmdev=tpm0",
};

/* The state folder and what swtpm left in it (files only: it makes no
 * folders). */
static void rm_dir(const char *dir)
{
	char path[4200];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(dir);
}

/* The swtpm running, if any: ended at exit too (lt_fatal_usage exits). */
static struct lt_swtpm *running;

static void stop_running(void)
{
	if (running != NULL) {
		lt_swtpm_stop(running);
	}
}

bool lt_swtpm_start(struct lt_swtpm *t)
{
	char state[4200], ctrl[4200], log[4200];

	snprintf(t->dir, sizeof(t->dir), "%s/lcm-tool-swtpm.XXXXXX",
		 getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(t->dir) == NULL) {
		lt_fatal_usage("cannot make a folder for swtpm in \"%s\": %s", t->dir,
			       strerror(errno));
	}
	snprintf(state, sizeof(state), "dir=%s", t->dir);
	snprintf(ctrl, sizeof(ctrl), "type=unixio,path=%s/" SOCK, t->dir);
	snprintf(log, sizeof(log), "%s/swtpm.log", t->dir);
	snprintf(t->chardev, sizeof(t->chardev), "socket,id=chrtpm,path=%s/" SOCK, t->dir);
	char *args[] = { "swtpm", "socket", "--tpm2", "--tpmstate", state, "--ctrl", ctrl, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	int err = posix_spawnp(&t->pid, "swtpm", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		rm_dir(t->dir);
		lt_fatal_usage("cannot run \"swtpm\" (install swtpm): %s", strerror(err));
	}
	/* Up when its control socket exists: at most 5 s. */
	char sock[4200];
	struct stat st;
	snprintf(sock, sizeof(sock), "%s/" SOCK, t->dir);
	for (int i = 0; i < 500 && stat(sock, &st) != 0; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	running = t;
	static bool registered;
	if (!registered) {
		atexit(stop_running);
		registered = true;
	}
	if (stat(sock, &st) != 0) {
		lt_fatal_usage("swtpm did not start within 5 s");
	}
	return true;
}

void lt_swtpm_stop(struct lt_swtpm *t)
{
	running = NULL;
	kill(t->pid, SIGTERM);
	waitpid(t->pid, NULL, 0);
	rm_dir(t->dir);
}

size_t lt_swtpm_qemu_args(const struct lt_swtpm *t, char **out)
{
	size_t n = sizeof(qemu_tpm) / sizeof(qemu_tpm[0]);

	for (size_t i = 0; i < n; i++) {
		out[i] = (char *)(qemu_tpm[i] != NULL ? qemu_tpm[i] : t->chardev);
	}
	return n;
}

void lt_swtpm_script(FILE *f)
{
	fputs("# The TPM: a fresh swtpm state in a temporary folder for this boot (or\n"
	      "# TPM_STATE=DIR, kept), its swtpm ended with QEMU.\n"
	      "state=${TPM_STATE:-}\n"
	      "tmp=\n"
	      "if [ -z \"$state\" ]; then tmp=$(mktemp -d) && state=$tmp || exit 1; fi\n"
	      "swtpm socket --tpm2 --tpmstate dir=\"$state\" \\\n"
	      "\t--ctrl type=unixio,path=\"$state/" SOCK "\" >\"$state/swtpm.log\" 2>&1 &\n"
	      "swtpm_pid=$!\n"
	      "i=0\n"
	      "while [ ! -S \"$state/" SOCK "\" ]; do\n"
	      "\ti=$((i + 1))\n"
	      "\tif [ $i -gt 100 ] || ! kill -0 $swtpm_pid 2>/dev/null; then\n"
	      "\t\techo \"run-qemu: swtpm did not start (see $state/swtpm.log)\" >&2\n"
	      "\t\texit 1\n"
	      "\tfi\n"
	      "\tsleep 0.05\n"
	      "done\n"
	      "exec 3<&0\n",
	      f);
}

void lt_swtpm_script_qemu_end(FILE *f)
{
	fputs("\t-chardev socket,id=chrtpm,path=\"$state/" SOCK "\" \\\n"
	      "\t-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis-device,tpmdev=tpm0 \\\n"
	      "\t\"$@\" <&3 3<&- &\n"
	      "qemu_pid=$!\n"
	      "trap 'kill $qemu_pid 2>/dev/null' INT TERM HUP\n"
	      "wait $qemu_pid\n"
	      "rc=$?\n"
	      "while kill -0 $qemu_pid 2>/dev/null; do wait $qemu_pid; rc=$?; done\n"
	      "kill $swtpm_pid 2>/dev/null\n"
	      "wait $swtpm_pid 2>/dev/null\n"
	      "[ -z \"$tmp\" ] || rm -rf \"$tmp\"\n"
	      "exit $rc\n",
	      f);
}
