// The parix command line: one function per subcommand, each returning the
// process exit code (0 success, 1 failure, 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace parix::server::cli {

using arguments = std::vector<std::string>;

int run(int argc, char** argv);

int version_command(const arguments& args);
int init_command(const arguments& args);
int serve_command(const arguments& args);
int user_command(const arguments& args);
int unit_command(const arguments& args);
int backup_command(const arguments& args);
int restore_command(const arguments& args);
int demo_command(const arguments& args);
int criteria_command(const arguments& args);
int audit_command(const arguments& args);
int evidence_command(const arguments& args);
int verify_command(const arguments& args);
int keys_command(const arguments& args);
int report_command(const arguments& args);

}  // namespace parix::server::cli
