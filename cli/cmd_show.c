/* planex show — not written yet (placeholder while the command is built). */
#include "cli.h"

int
cmd_show(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "planex: show: not available in this build\n");
    return PX_EXIT_SYSTEM;
}
