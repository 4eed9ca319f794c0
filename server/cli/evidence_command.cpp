// parix evidence fsck: re-hash every stored evidence file and archive, check every
// signature, report what is missing or changed (bit rot, tampering).
#include <iostream>

#include "evidence/evidence_service.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/blob_store.hpp"
#include "storage/database.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix evidence fsck [--data DIR | --config FILE]\n"
    "  re-hashes every stored evidence file and sealed archive, checks every statement's\n"
    "  signature; exit 0 when all is well, 1 when something is missing or changed";

}  // namespace

int evidence_command(const arguments& args) {
  po::options_description d{"parix evidence"};
  add_location_options(d);
  d.add_options()("action", po::value<std::string>()->required(), "fsck")("help,h", "this text");
  po::positional_options_description p;
  p.add("action", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return 2;
  if (vm["action"].as<std::string>() != "fsck") {
    std::cerr << usage << "\n";
    return 2;
  }
  const config c = locate_config(vm);
  auto db = storage::open_sqlite({c.database, 1});
  auto blobs = storage::open_filesystem_blob_store(c.evidence.blob_dir);
  const auto report = evidence::fsck_evidence(*db, *blobs);
  for (const auto& problem : report.problems)
    std::cout << "FAIL " << problem.problem << " " << problem.what << ": " << problem.detail
              << "\n";
  for (const auto& u : report.unreferenced)
    std::cout << "note unreferenced blob " << u << " (left by an interrupted upload or seal)\n";
  std::cout << (report.problems.empty() ? "ok: " : "problems: ") << report.blobs_checked
            << " blobs (" << report.bytes_hashed << " bytes) re-hashed, " << report.versions_checked
            << " sealed versions checked, " << report.problems.size() << " problems\n";
  return report.problems.empty() ? 0 : 1;
}

}  // namespace parix::server::cli
