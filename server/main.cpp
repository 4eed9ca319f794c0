// The parix binary: everything it does is a subcommand (server/cli/).
#include "server/cli/cli.hpp"

int main(int argc, char** argv) {
  return parix::server::cli::run(argc, argv);
}
