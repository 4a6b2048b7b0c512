/* planex eval — not written yet (placeholder while the command is built). */
#include "cli.h"

int
cmd_eval(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "planex: eval: not available in this build\n");
    return PX_EXIT_SYSTEM;
}
