/* planex merge — not written yet (placeholder while the command is built). */
#include "cli.h"

int
cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "planex: merge: not available in this build\n");
    return PX_EXIT_SYSTEM;
}
