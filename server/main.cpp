// The parix binary: everything it does is a subcommand (server/cli/).
#include <clocale>

#include "server/cli/cli.hpp"

int main(int argc, char** argv) {
  // libarchive converts ZIP entry names to and from the locale's character set: with
  // UTF-8 as that set, Vietnamese file names in evidence archives survive reading.
  std::setlocale(LC_CTYPE, "C.UTF-8");
  return parix::server::cli::run(argc, argv);
}
