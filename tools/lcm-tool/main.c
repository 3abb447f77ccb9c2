/*
 * lcm-tool: the host side of a Hyperlaunch launch. JSON configuration in,
 * Launch Control Module out (build); validation (check); a readable view
 * (show); and everything QEMU needs to boot it (pack); what its measured
 * launch must produce (predict). docs/lcm-tool.md.
 */
#include <stdio.h>
#include <string.h>

#include "build-id.h"
#include "lcm-tool.h"

static const char usage[] =
	"usage: lcm-tool COMMAND [OPTIONS] FILE\n"
	"\n"
	"Commands:\n"
	"  build CONFIG.json -o LCM.dtb   make a Launch Control Module from JSON\n"
	"  check FILE                     validate a JSON configuration or an LCM/host DTB\n"
	"  show FILE                      print domains, roles and modules (--format dot|svg|json)\n"
	"  pack CONFIG.json -o DIR        host.dtb + run-qemu for QEMU's arm64 virt machine\n"
	"  import FILE [-o OUT.json]      JSON from a Xen dom0less DTB or an ImageBuilder config\n"
	"  policy POLICY -o POLICY.bin    compile an access-control policy (docs/policy.md)\n"
	"  predict FILE                   the measured launch's event log and PCRs\n"
	"\n"
	"`lcm-tool COMMAND --help` describes each command; `lcm-tool --version` the\n"
	"release. Exit status: 0 success, 1 invalid input (every problem is listed),\n"
	"2 usage error.\n";

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		/* The release (VERSION) and, built from a clone, the commit. */
		printf("lcm-tool (Hyperlaunch) %s%s%s%s\n", HL_VERSION, HL_BUILD[0] ? " (git " : "",
		       HL_BUILD, HL_BUILD[0] ? ")" : "");
		return 0;
	}
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{ "build", lt_cmd_build },     { "check", lt_cmd_check },
		{ "show", lt_cmd_show },       { "pack", lt_cmd_pack },
		{ "import", lt_cmd_import },   { "policy", lt_cmd_policy },
		{ "predict", lt_cmd_predict },
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmd, cmds[i].name) == 0) {
			return cmds[i].run(argc - 1, argv + 1);
		}
	}
	static const char *const names[] = { "build",  "check",  "show",    "pack",
					     "import", "policy", "predict", NULL };
	const char *hint = lt_suggest(cmd, names);
	if (hint != NULL) {
		fprintf(stderr, "lcm-tool: unknown command \"%s\" (did you mean \"%s\"?)\n", cmd,
			hint);
	} else {
		fprintf(stderr, "lcm-tool: unknown command \"%s\"\n\n%s", cmd, usage);
	}
	return 2;
}
