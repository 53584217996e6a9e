// weige import / export / template (tools/registers_cli.cc).
#pragma once

namespace weige::tools {

// True for "import", "export" and "template".
bool IsRegistersVerb(const char* verb);
// Runs one of them (argv[1] is the verb); returns the exit status.
int RunRegistersVerb(int argc, char** argv);

}  // namespace weige::tools
