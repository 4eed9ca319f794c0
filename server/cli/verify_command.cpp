// parix verify ARCHIVE.zip STATEMENT.json --pubkey KEY.pem | parix verify --bag DIR|ZIP:
// offline checks of sealed evidence, with no database and no configuration.
#include <fstream>
#include <iostream>

#include "evidence/formats/bagit.hpp"
#include "evidence/formats/evidence_verify.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* usage =
    "usage: parix verify ARCHIVE.zip STATEMENT.json --pubkey KEY.pem\n"
    "                        check a sealed evidence archive against its signed statement\n"
    "       parix verify --bag DIR|ZIP\n"
    "                        check that a folder or ZIP is a valid BagIt 1.0 bag\n"
    "Exit status: 0 when everything verifies, 1 when a check fails, 2 on usage errors.";

// A statement is a few hundred bytes; the limit only keeps a wrong file from being read
// whole into memory.
constexpr std::streamsize max_statement_size = 1024 * 1024;

void print_issues(const evidence::bagit::report& r) {
  for (const auto& p : r.problems)
    std::cout << "       - " << evidence::bagit::to_string(p) << "\n";
  for (const auto& w : r.warnings)
    std::cout << "       warning: " << evidence::bagit::to_string(w) << "\n";
}

int verify_bag(const std::filesystem::path& path) {
  namespace bagit = evidence::bagit;
  bagit::bag_listing listing;
  if (!std::filesystem::exists(path)) {
    std::cout << "FAIL bag: " << path.string() << " does not exist\n";
    return 1;
  }
  try {
    listing =
        std::filesystem::is_directory(path) ? bagit::read_directory(path) : bagit::read_zip(path);
  } catch (const std::exception& e) {
    std::cout << "FAIL bag: " << e.what() << "\n";
    return 1;
  }
  const auto r = bagit::validate(listing);
  if (r.valid())
    std::cout << "ok   bag: " << path.string() << " is a valid BagIt bag (" << listing.files.size()
              << " files)\n";
  else
    std::cout << "FAIL bag: " << path.string() << " has " << r.problems.size() << " problem(s)\n";
  print_issues(r);
  return r.valid() ? 0 : 1;
}

}  // namespace

int verify_command(const arguments& args) {
  po::options_description d{"parix verify"};
  d.add_options()("archive", po::value<std::string>(), "the sealed evidence archive (ZIP)")(
      "statement", po::value<std::string>(), "its statement document (JSON)")(
      "pubkey", po::value<std::string>(), "the Ed25519 public key that signed it (PEM)")(
      "bag", po::value<std::string>(), "a bag folder or ZIP to validate alone")("help,h",
                                                                                "this text");
  po::positional_options_description p;
  p.add("archive", 1).add("statement", 1);
  po::variables_map vm;
  if (!parse(args, d, p, vm, usage)) return vm.count("help") ? 0 : 2;

  if (vm.count("bag")) {
    if (vm.count("archive") || vm.count("statement") || vm.count("pubkey")) {
      std::cerr << "parix verify: --bag takes no archive, statement or key\n" << usage << "\n";
      return 2;
    }
    return verify_bag(vm["bag"].as<std::string>());
  }
  if (!vm.count("archive") || !vm.count("statement") || !vm.count("pubkey")) {
    std::cerr << "parix verify: an archive, a statement and --pubkey are needed\n" << usage << "\n";
    return 2;
  }

  const std::filesystem::path statement_path = vm["statement"].as<std::string>();
  std::ifstream in{statement_path, std::ios::binary};
  std::string document(static_cast<std::size_t>(max_statement_size) + 1, '\0');
  in.read(document.data(), max_statement_size + 1);
  if (!in && !in.eof()) {
    std::cerr << "parix verify: cannot read the statement " << statement_path.string() << "\n";
    return 1;
  }
  document.resize(static_cast<std::size_t>(in.gcount()));
  if (document.size() > static_cast<std::size_t>(max_statement_size)) {
    std::cerr << "parix verify: " << statement_path.string() << " is too large for a statement\n";
    return 1;
  }

  std::vector<unsigned char> key;
  try {
    key = evidence::load_public_key_pem(vm["pubkey"].as<std::string>());
  } catch (const std::exception& e) {
    std::cerr << "parix verify: " << e.what() << "\n";
    return 1;
  }

  const auto v = evidence::verify_archive(vm["archive"].as<std::string>(), document, key);
  for (const auto& c : v.checks) {
    std::cout << (c.ok ? "ok   " : "FAIL ") << c.name << ": " << c.detail << "\n";
    if (c.name == "bag") print_issues(v.bag);
  }
  std::cout << (v.ok() ? "verified: the archive is the one the statement seals\n"
                       : "NOT VERIFIED\n");
  return v.ok() ? 0 : 1;
}

}  // namespace parix::server::cli
