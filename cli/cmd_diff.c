/* planex diff — not written yet (placeholder while the command is built). */
#include "cli.h"

int
cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "planex: diff: not available in this build\n");
    return PX_EXIT_SYSTEM;
}
