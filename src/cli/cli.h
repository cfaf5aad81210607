// The `lifeline` command line. Run() parses arguments, runs one command and
// returns the process exit code (docs/cli.md lists them; ExitCodeFor in
// base/status.cc maps errors to them in one place).
#ifndef LIFELINE_CLI_CLI_H_
#define LIFELINE_CLI_CLI_H_

namespace lifeline::cli {

int Run(int argc, char** argv);

}  // namespace lifeline::cli

#endif  // LIFELINE_CLI_CLI_H_
