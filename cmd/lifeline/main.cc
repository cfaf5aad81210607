// lifeline: the command-line entry point. Everything lives in src/cli.
#include "cli/cli.h"

int main(int argc, char** argv) { return lifeline::cli::Run(argc, argv); }
