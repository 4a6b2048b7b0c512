/* planex report — not written yet (placeholder while the command is built). */
#include "cli.h"

int
cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "planex: report: not available in this build\n");
    return PX_EXIT_SYSTEM;
}
