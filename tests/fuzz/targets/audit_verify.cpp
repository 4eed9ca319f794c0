// The offline audit verifier: an exported log (audit.jsonl), "\n==\n", and a checkpoint
// note, checked with verify_export against a fixed public key; the note alone with
// verify_note.
#include <unistd.h>

#include "storage/signing_key.hpp"
#include "tests/fuzz/support/fuzz_support.hpp"
#include "workflow/audit_checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parix::workflow;
  static parix::fuzz::input_file log_file, note, pem;
  static const parix::storage::signing_key key = [] {
    auto dir =
        std::filesystem::temp_directory_path() / ("parix-fuzz-key-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    parix::storage::signing_key::create_if_missing(dir / "key.pem");
    auto k = parix::storage::signing_key::load(dir / "key.pem");
    std::filesystem::remove_all(dir);
    pem.write(k.public_key_pem());
    return k;
  }();
  auto [jsonl, text] = parix::fuzz::split(parix::fuzz::bytes_of(data, size), "\n==\n");
  log_file.write(jsonl);
  note.write(text);
  verify_export(log_file.path(), {note.path()}, pem.path());
  verify_note(text, key.public_key());
  return 0;
}
