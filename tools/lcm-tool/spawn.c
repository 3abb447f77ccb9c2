/*
 * Running the Debian tools pack relies on (QEMU for the machine's DTB;
 * mkimage, sfdisk, mkfs.vfat and mtools for a U-Boot disk): one way to run a
 * program, its chatter kept in a log that is shown only when it fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lcm-tool.h"

extern char **environ;

void lt_run(char *const argv[], const char *package, const char *dir, const char *input)
{
	char log[PATH_MAX];
	posix_spawn_file_actions_t fa;
	int status, err;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/.run.log", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, input != NULL ? input : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		unlink(log);
		lt_fatal_usage("cannot run \"%s\" (install %s): %s", argv[0], package,
			       strerror(err));
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		size_t n;
		char *text = lt_read_file(log, &n);
		if (text != NULL) {
			fwrite(text, 1, n, stderr);
			free(text);
		}
		char cmd[1024];
		size_t len = 0;
		for (size_t i = 0; argv[i] != NULL && len < sizeof(cmd); i++) {
			len += (size_t)snprintf(cmd + len, sizeof(cmd) - len, "%s%s",
						i > 0 ? " " : "", argv[i]);
		}
		lt_fatal_usage("\"%s\" failed", cmd);
	}
	unlink(log);
}
