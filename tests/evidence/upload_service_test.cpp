// The upload service without a server: pieces of odd sizes written by the service's
// writer threads arrive in order and whole, a cut part keeps what arrived and resumes
// from there, a wrong part checksum drops the part, and a wrong file digest is refused.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/clock.hpp"
#include "evidence/upload_service.hpp"
#include "storage/blob_store.hpp"
#include "storage/database.hpp"
#include "storage/sha256.hpp"
#include "storage/user_records.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

using namespace std::chrono_literals;

// A PDF by content: the header, then bytes that differ at every position so that a
// piece written out of order or twice changes the digest.
std::string pdf_of(std::size_t size) {
  std::string out = "%PDF-1.7\n";
  for (std::size_t i = 0; out.size() < size; ++i)
    out.push_back(static_cast<char>('a' + i * 7 % 26));
  out.resize(size);
  return out;
}

std::string hex_sha256(std::string_view s) {
  return storage::to_hex(storage::sha256(s));
}

struct upload_fixture {
  temp_dir dir;
  std::unique_ptr<storage::database> db = storage::open_sqlite({dir / "parix.db", 2});
  std::unique_ptr<storage::blob_store> blobs = storage::open_filesystem_blob_store(dir / "blobs");
  auth::manual_clock clock{std::chrono::system_clock::time_point{1'750'000'000s}};
  evidence::upload_service uploads{*db, *blobs, clock, config()};
  auth::actor agency = make_actor();

  evidence::evidence_config config() {
    evidence::evidence_config c;
    c.blob_dir = dir / "blobs";
    c.upload_dir = dir / "uploads";
    return c;
  }
  auth::actor make_actor() {
    storage::user_record u;
    u.username = "agency";
    u.display_name = "Agency";
    u.role = "secretariat";
    u.password_hash = "x";
    auth::actor a;
    a.user_id =
        db->write_result([&](storage::connection& c) { return storage::insert_user(c, u); });
    a.username = u.username;
    return a;
  }
  storage::upload_record create(const std::string& content) {
    auto u = uploads.create(
        agency, {static_cast<std::int64_t>(content.size()), "report.pdf", hex_sha256(content), {}});
    EXPECT_TRUE(u) << u.error().message();
    return *u;
  }
  // Writes content[from, to) as one part in pieces of `piece` bytes.
  evidence::result<storage::upload_record> send(const storage::upload_record& u,
                                                const std::string& content, std::size_t from,
                                                std::size_t to, std::size_t piece,
                                                bool complete = true) {
    auto part = uploads.begin_part(agency, u.id, static_cast<std::int64_t>(from), std::nullopt);
    EXPECT_TRUE(part) << part.error().message();
    for (std::size_t at = from; at < to; at += piece) {
      auto written = (*part)->write({content.data() + at, std::min(piece, to - at)});
      EXPECT_TRUE(written);
    }
    return (*part)->finish(complete, nullptr);
  }
  std::string blob_content(const std::string& sha256) {
    auto reader = blobs->open(sha256);
    if (!reader) return "(no blob)";
    std::string out(reader->size(), '\0');
    std::size_t at = 0;
    while (at < out.size()) {
      const auto n = reader->read(at, {out.data() + at, out.size() - at});
      if (n == 0) break;
      at += n;
    }
    return out;
  }
};

TEST(upload_service, pieces_of_odd_sizes_arrive_whole_and_in_order) {
  upload_fixture f;
  // 4096-aligned and unaligned pieces mixed: the direct and the buffered paths both run,
  // each piece's write on a writer thread while the next one is hashed.
  const auto content = pdf_of(3 * 1024 * 1024 + 777);
  const auto u = f.create(content);
  auto done = f.send(u, content, 0, content.size(), 65'536 + 13);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->state, storage::upload_state::complete);
  ASSERT_TRUE(done->blob_sha256);
  EXPECT_EQ(*done->blob_sha256, hex_sha256(content));
  EXPECT_EQ(f.blob_content(*done->blob_sha256), content);
}

TEST(upload_service, several_uploads_at_once_share_the_writer_threads) {
  upload_fixture f;
  constexpr int uploads = 8;  // twice the writer threads: some pieces wait in the queue
  std::vector<std::string> contents;
  std::vector<storage::upload_record> records;
  for (int i = 0; i < uploads; ++i) {
    contents.push_back(pdf_of(512 * 1024 + static_cast<std::size_t>(i) * 4099));
    records.push_back(f.create(contents.back()));
  }
  std::vector<std::thread> senders;
  std::vector<std::optional<std::string>> digests(uploads);
  for (int i = 0; i < uploads; ++i)
    senders.emplace_back([&, i] {
      auto r = f.send(records[i], contents[i], 0, contents[i].size(), 8192 + 5);
      if (r && r->blob_sha256) digests[i] = *r->blob_sha256;
    });
  for (auto& t : senders) t.join();
  for (int i = 0; i < uploads; ++i) {
    ASSERT_TRUE(digests[i]) << "upload " << i;
    EXPECT_EQ(f.blob_content(*digests[i]), contents[i]) << "upload " << i;
  }
}

TEST(upload_service, a_cut_part_keeps_what_arrived_and_the_next_part_resumes_there) {
  upload_fixture f;
  const auto content = pdf_of(1024 * 1024);
  const auto u = f.create(content);
  auto cut = f.send(u, content, 0, 300'001, 100'000, false);  // the connection broke
  ASSERT_TRUE(cut) << cut.error().message();
  EXPECT_EQ(cut->received, 300'001);
  EXPECT_EQ(cut->state, storage::upload_state::receiving);
  auto wrong = f.uploads.begin_part(f.agency, u.id, 0, std::nullopt);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), evidence::errc::offset_mismatch);
  auto rest = f.send(u, content, 300'001, content.size(), 123'457);
  ASSERT_TRUE(rest) << rest.error().message();
  ASSERT_TRUE(rest->blob_sha256);
  EXPECT_EQ(f.blob_content(*rest->blob_sha256), content);
}

TEST(upload_service, a_part_with_a_wrong_checksum_is_dropped_whole) {
  upload_fixture f;
  const auto content = pdf_of(200'000);
  const auto u = f.create(content);
  auto part = f.uploads.begin_part(f.agency, u.id, 0, hex_sha256("something else"));
  ASSERT_TRUE(part);
  ASSERT_TRUE((*part)->write({content.data(), 100'000}));
  auto r = (*part)->finish(true, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), evidence::errc::checksum_mismatch);
  part = {};
  // The offset did not move, and the running hash went back: the whole file still
  // completes with the right digest.
  auto again = f.send(u, content, 0, content.size(), 70'001);
  ASSERT_TRUE(again) << again.error().message();
  ASSERT_TRUE(again->blob_sha256);
  EXPECT_EQ(*again->blob_sha256, hex_sha256(content));
}

TEST(upload_service, a_file_whose_digest_differs_from_the_declared_one_is_refused) {
  upload_fixture f;
  const auto content = pdf_of(50'000);
  auto u = f.uploads.create(f.agency, {50'000, "report.pdf", hex_sha256("not this"), {}});
  ASSERT_TRUE(u);
  auto r = f.send(*u, content, 0, content.size(), 4096);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), evidence::errc::file_checksum_mismatch);
}

// A staging file that is gone by the time its time is read (an upload that finished
// while the folder was listed; here a link to nothing) is skipped: expiry goes on with
// the rest instead of throwing out of the sweep.
TEST(upload_service, expiry_skips_a_staging_file_that_vanished_while_it_was_listed) {
  upload_fixture f;
  const auto content = pdf_of(4096);
  f.create(content);
  std::filesystem::create_symlink(f.dir / "nowhere", f.dir / "uploads" / "vanished.part");
  f.clock.advance(48h);  // past the expiry of the upload created above
  int expired = -1;
  EXPECT_NO_THROW(expired = f.uploads.expire());
  EXPECT_EQ(expired, 1) << "the live upload past its expiry is still expired";
}

}  // namespace
}  // namespace parix::testing
