// Signed notes, checkpoints and the offline check of an exported audit log.
#include "workflow/audit_checkpoint.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "storage/audit_log.hpp"
#include "storage/base64.hpp"
#include "storage/evidence_records.hpp"
#include "storage/hex.hpp"
#include "storage/sha256.hpp"
#include "workflow/time_text.hpp"

namespace parix::workflow {
namespace {

std::string key_name_of(std::string_view origin, std::string_view key_id) {
  return std::string{origin} + "/" + std::string{key_id};
}

std::array<unsigned char, 4> key_hash(std::string_view name, std::span<const unsigned char> pub) {
  std::string material{name};
  material.push_back('\n');
  material.push_back('\x01');  // signature type: Ed25519
  material.append(reinterpret_cast<const char*>(pub.data()), pub.size());
  auto d = storage::sha256(material);
  return {d[0], d[1], d[2], d[3]};
}

std::string key_id_of(std::span<const unsigned char> pub) {
  auto d = storage::sha256(pub);
  return storage::to_hex(std::span{d.data(), 8});
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string checkpoint_body(std::string_view origin, std::int64_t size, std::string_view head_hex) {
  auto raw = storage::from_hex(head_hex).value_or(std::vector<unsigned char>{});
  return std::string{origin} + "\n" + std::to_string(size) + "\n" + storage::to_base64(raw) + "\n";
}

std::string sign_note(std::string_view body, const storage::signing_key& key) {
  const auto pub = key.public_key();
  const auto name = key_name_of(checkpoint_origin, key.key_id());
  const auto hash = key_hash(name, pub);
  auto sig = key.sign(std::span{reinterpret_cast<const unsigned char*>(body.data()), body.size()});
  std::vector<unsigned char> blob(hash.begin(), hash.end());
  blob.insert(blob.end(), sig.begin(), sig.end());
  return std::string{body} + "\n\u2014 " + name + " " + storage::to_base64(blob) + "\n";
}

std::optional<checkpoint> verify_note(std::string_view note, std::span<const unsigned char> pub) {
  const auto split = note.find("\n\n");
  if (split == std::string_view::npos) return std::nullopt;
  const std::string_view body = note.substr(0, split + 1);
  // Body lines: origin, size, base64 head hash.
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto nl = body.find('\n', pos);
    lines.emplace_back(body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() < 3) return std::nullopt;
  checkpoint cp;
  cp.origin = lines[0];
  try {
    cp.size = std::stoll(lines[1]);
  } catch (...) {
    return std::nullopt;
  }
  auto head = storage::from_base64(lines[2]);
  if (!head || head->size() != 32) return std::nullopt;
  cp.head_hash = storage::to_hex(*head);
  cp.note = std::string{note};
  const std::string expected_name = key_name_of(cp.origin, key_id_of(pub));
  const auto expected_hash = key_hash(expected_name, pub);
  std::string_view sigs = note.substr(split + 2);
  static const std::string dash = "\u2014 ";
  while (!sigs.empty()) {
    auto nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs = nl == std::string_view::npos ? std::string_view{} : sigs.substr(nl + 1);
    if (!line.starts_with(dash)) continue;
    line.remove_prefix(dash.size());
    auto space = line.rfind(' ');
    if (space == std::string_view::npos || line.substr(0, space) != expected_name) continue;
    auto blob = storage::from_base64(line.substr(space + 1));
    if (!blob || blob->size() != 68 ||
        !std::equal(expected_hash.begin(), expected_hash.end(), blob->begin()))
      continue;
    if (storage::verify_signature(
            pub, std::span{reinterpret_cast<const unsigned char*>(body.data()), body.size()},
            std::span{blob->data() + 4, 64}))
      return cp;
  }
  return std::nullopt;
}

checkpoint make_checkpoint(storage::connection& c, const storage::signing_key& key,
                           storage::millis at) {
  const auto [size, head] = storage::audit_head(c);
  checkpoint cp{std::string{checkpoint_origin}, size, head, ""};
  cp.note = sign_note(checkpoint_body(checkpoint_origin, size, head), key);
  storage::insert_checkpoint(c, {0, at, size, head, key.key_id(), cp.note});
  return cp;
}

std::optional<checkpoint> checkpoint_if_due(storage::connection& c, const storage::signing_key& key,
                                            storage::millis now, std::chrono::seconds interval) {
  const auto last = storage::latest_checkpoint(c);
  const auto [size, head] = storage::audit_head(c);
  if (last && (last->size == size || now - last->at < interval.count() * 1000)) return std::nullopt;
  if (!last && size == 0) return std::nullopt;
  return make_checkpoint(c, key, now);
}

std::int64_t export_audit(storage::connection& c, const storage::signing_key& key,
                          const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "checkpoints");
  std::ofstream log{dir / "audit.jsonl", std::ios::binary};
  std::int64_t n = 0;
  storage::scan_audit(c, 1, [&](const storage::audit_entry& e) {
    log << e.hash << ' ' << storage::canonical_form(e) << '\n';
    ++n;
  });
  for (const auto& cp : storage::list_checkpoints(c)) {
    char name[32];
    std::snprintf(name, sizeof name, "%06lld.note", static_cast<long long>(cp.id));
    std::ofstream{dir / "checkpoints" / name, std::ios::binary} << cp.note;
  }
  std::ofstream{dir / "pubkey.pem"} << key.public_key_pem();
  return n;
}

stored_checkpoint_check verify_stored_checkpoints(storage::connection& c) {
  stored_checkpoint_check out;
  std::map<std::string, std::vector<unsigned char>> keys;
  for (const auto& k : storage::signing_keys(c))
    if (auto raw = storage::from_hex(k.public_key_hex); raw && raw->size() == 32)
      keys[k.key_id] = *raw;
  auto checkpoints = storage::list_checkpoints(c);
  std::reverse(checkpoints.begin(), checkpoints.end());  // oldest first
  const auto entries = storage::audit_head(c).first;
  for (const auto& cp : checkpoints) {
    ++out.checked;
    const std::string name = "checkpoint " + std::to_string(cp.id) + " (" +
                             format_time(storage::from_millis(cp.at), "UTC") + ", " +
                             std::to_string(cp.size) + " entries)";
    auto key = keys.find(cp.key_id);
    if (key == keys.end()) {
      out.failures.push_back(name + ": signed with key " + cp.key_id +
                             ", which signing_keys does not list");
      continue;
    }
    auto note = verify_note(cp.note, key->second);
    if (!note) {
      out.failures.push_back(name + ": its signature does not verify with key " + cp.key_id);
      continue;
    }
    if (note->size != cp.size || note->head_hash != cp.head_hash) {
      out.failures.push_back(name + ": the signed note says " + std::to_string(note->size) +
                             " entries and head " + note->head_hash +
                             ", not what is recorded beside it");
      continue;
    }
    if (cp.size > entries) {
      out.failures.push_back(name + ": the log has only " + std::to_string(entries) +
                             " entries: it was cut below the checkpoint");
      continue;
    }
    const auto at = cp.size == 0 ? std::optional<std::string>{storage::genesis_hash}
                                 : storage::audit_hash_at(c, cp.size);
    if (!at || *at != cp.head_hash)
      out.failures.push_back(name + ": entry " + std::to_string(cp.size) +
                             " differs from the signed head hash: the history before it was "
                             "rewritten");
  }
  return out;
}

audit_report verify_audit(storage::connection& c) {
  audit_report r;
  r.first_broken = storage::verify_audit_chain(c);
  std::tie(r.entries, r.head) = storage::audit_head(c);
  r.checkpoints = verify_stored_checkpoints(c);
  return r;
}

export_check verify_export(const std::filesystem::path& jsonl,
                           const std::vector<std::filesystem::path>& checkpoints,
                           const std::filesystem::path& public_key_pem) {
  export_check r;
  std::ifstream in{jsonl, std::ios::binary};
  if (!in) return {false, 0, "cannot read " + jsonl.string()};
  std::vector<std::string> hashes;
  std::string line, prev = storage::genesis_hash;
  while (std::getline(in, line)) {
    const auto n = static_cast<std::int64_t>(hashes.size()) + 1;
    auto space = line.find(' ');
    if (space != 64)
      return {false, n - 1, "entry " + std::to_string(n) + ": not \"<hash> <entry>\""};
    const std::string hash = line.substr(0, 64), canonical = line.substr(65);
    boost::system::error_code ec;
    auto v = boost::json::parse(canonical, ec);
    if (ec || !v.is_array() || v.as_array().size() < 15)
      return {false, n - 1, "entry " + std::to_string(n) + ": not a canonical entry"};
    const auto& a = v.as_array();
    if (!a[0].is_int64() || a[0].as_int64() != n)
      return {false, n - 1, "entry " + std::to_string(n) + ": out of sequence"};
    if (!a[14].is_string() || a[14].as_string() != prev)
      return {false, n - 1, "entry " + std::to_string(n) + ": does not link to the previous entry"};
    if (storage::to_hex(storage::sha256(canonical)) != hash)
      return {false, n - 1, "entry " + std::to_string(n) + ": its hash does not match its content"};
    hashes.push_back(hash);
    prev = hash;
  }
  r.entries = static_cast<std::int64_t>(hashes.size());
  if (checkpoints.empty()) {
    r.ok = true;
    return r;
  }
  FILE* f = std::fopen(public_key_pem.c_str(), "r");
  if (!f) return {false, r.entries, "cannot read the public key " + public_key_pem.string()};
  EVP_PKEY* pkey = PEM_read_PUBKEY(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  std::vector<unsigned char> pub(32);
  std::size_t len = pub.size();
  const bool raw_ok = pkey && EVP_PKEY_get_raw_public_key(pkey, pub.data(), &len) == 1;
  EVP_PKEY_free(pkey);
  if (!raw_ok) return {false, r.entries, "the public key is not an Ed25519 key"};
  for (const auto& path : checkpoints) {
    auto cp = verify_note(read_file(path), pub);
    if (!cp) return {false, r.entries, path.string() + ": the signature does not verify"};
    if (cp->size > r.entries)
      return {false, r.entries,
              path.string() + ": the log has " + std::to_string(r.entries) +
                  " entries, fewer than the checkpoint's " + std::to_string(cp->size)};
    const std::string at =
        cp->size == 0 ? storage::genesis_hash : hashes[static_cast<std::size_t>(cp->size - 1)];
    if (at != cp->head_hash)
      return {false, r.entries,
              path.string() + ": entry " + std::to_string(cp->size) +
                  " differs from the checkpoint: the history before it was rewritten"};
  }
  r.ok = true;
  return r;
}

}  // namespace parix::workflow
