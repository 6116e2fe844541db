/* cmd_pingpong.c: placeholder until the ping-pong harness lands (issue 3). */
#include "cp.h"
#include "opts.h"

int cmd_pingpong(struct opts *o)
{
	(void)o;
	cp_die(CP_ERUN, "pingpong: not built yet");
}
