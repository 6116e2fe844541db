/* sweep_check.c: a plan is checked in full when it loads.  Each cell's own
 * command checks its values (every name, every CPU list, against this
 * machine or the --topology-xml the plan is for), run as a child with
 * CACHEPONG_VALIDATE set: the command stops with exit 0 where it would
 * start measuring (result_open), so there is one check per option, the
 * command's, and --dry-run finds every error a run would. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "result.h"

/* Run one cell's command in validation mode; its exit status, and its
 * first line of stderr into msg. */
static int check_one(const struct sweep_cell *c, const char *topology_xml, char *msg, size_t len)
{
	char **argv = cp_xcalloc((size_t)c->argc + 4, sizeof(char *));
	int pfd[2], n = 0, status = 0;
	ssize_t got, off = 0;
	pid_t pid;

	argv[n++] = "cachepong";
	for (int k = 0; k < c->argc; k++)
		argv[n++] = c->argv[k];
	if (topology_xml && (c->options & O(topology_xml)) && !sweep_cell_opt(c, "topology-xml")) {
		argv[n++] = "--topology-xml";
		argv[n++] = (char *)topology_xml;
	}
	msg[0] = 0;
	if (pipe2(pfd, O_CLOEXEC)) {
		free(argv);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setenv(CP_VALIDATE_ENV, topology_xml ? topology_xml : "1", 1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(pfd[1], 2);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && (got = read(pfd[0], msg + off, len - 1 - (size_t)off)) > 0 && (size_t)(off += got) < len - 1)
		;
	msg[off] = 0;
	msg[strcspn(msg, "\n")] = 0;
	close(pfd[0]);
	free(argv);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int sweep_plan_check(const struct sweep_plan *p, const char *name, const char *topology_xml, struct cp_err *e)
{
	for (int i = 0; i < p->n; i++) {
		const struct sweep_cell *c = &p->cell[i];
		char msg[1024];
		const char *m = msg;
		int rc;

		if (c->unavail || c->invalid)
			continue;
		rc = check_one(c, topology_xml, msg, sizeof(msg));
		if (rc < 0)
			return cp_errf(e, CP_ERUN, "%s: checking the cells: %s", name, strerror(errno));
		/* unavailable here (exit 3) is a cell the sweep records as skipped */
		if (rc == CP_OK || rc == CP_EUNAVAIL)
			continue;
		if (!strncmp(m, "cachepong: ", 11))
			m += 11;
		return cp_errf(e, CP_EUSAGE, "%s:%d: %s: %s", name, c->src_line, c->argv[0],
			       m[0] ? m : "the command refused the cell");
	}
	return 0;
}
