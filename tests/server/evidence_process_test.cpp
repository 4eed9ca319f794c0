// Evidence against the parix binary as its own process: memory stays flat while a
// large file streams in, and kill -9 in the middle of sealing leaves either a whole
// signed version or the drafts as they were.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "storage/sha256.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
#ifdef __SANITIZE_ADDRESS__
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif
constexpr const char* demo_password = "ChiSoCCHC-2024";

std::string sql(const std::filesystem::path& db, const std::string& query) {
  auto r = run_command("sqlite3 " + db.string() + " \"" + query + "\"");
  EXPECT_EQ(r.status, 0) << query;
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  return r.output;
}

std::int64_t stp_assessment(const server_process& p) {
  return std::stoll(sql(p.data() / "parix.db",
                        "SELECT a.id FROM assessments a JOIN units u ON u.id = a.unit_id "
                        "WHERE u.code = 'STP'"));
}

// Deterministic content: a PDF header, then a pattern that depends on the offset.
std::string piece(std::size_t offset, std::size_t length) {
  std::string out(length, '\0');
  for (std::size_t i = 0; i < length; ++i)
    out[i] = static_cast<char>(((offset + i) * 2654435761u) >> 24);
  if (offset == 0) {
    const std::string head = pdf_bytes();
    out.replace(0, head.size(), head);
  }
  return out;
}

TEST(evidence_process, a_300_mb_upload_keeps_the_servers_memory_flat) {
  temp_dir dir;
  server_process p{dir.path(), true, "\n[evidence]\nmax_file_size = 524288000\n"};
  https_client c{p.port()};
  ASSERT_EQ(c.login("stp.canbo", demo_password).status, 200u);
  constexpr std::size_t total = 300u << 20, part = 16u << 20;
  storage::sha256_stream h;
  for (std::size_t at = 0; at < total; at += part) {
    auto bytes = piece(at, std::min(part, total - at));
    h.update({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
  }
  const auto sha = storage::to_hex(h.finish());
  auto created = tus_create(c, "Bản quét hồ sơ 2024.pdf", total, sha);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = upload_id_of(created);

  const long before = p.rss_kib();
  std::atomic<bool> done{false};
  std::atomic<long> highest{0};
  std::thread sampler{[&] {
    while (!done) {
      highest = std::max(highest.load(), p.rss_kib());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }};
  reply last;
  for (std::size_t at = 0; at < total; at += part) {
    last = tus_patch(c, id, static_cast<std::int64_t>(at), piece(at, std::min(part, total - at)));
    if (last.status != 204u) break;
  }
  done = true;
  sampler.join();
  ASSERT_EQ(last.status, 204u) << last.body;
  EXPECT_EQ(last.header("Upload-Sha256"), sha);
  std::cout << "[ rss      ] before " << before / 1024 << " MiB, highest while receiving "
            << highest / 1024 << " MiB, peak of the process " << p.peak_rss_kib() / 1024
            << " MiB\n";
  // A sanitized build starts above 100 MiB (shadow memory); there only the growth is
  // meaningful. tests/bench/evidence_bench.sh measures the release build's absolute RSS.
  if (!sanitized) {
    EXPECT_LT(highest.load(), 100 * 1024) << "the server's RSS passed 100 MiB";
  }
  EXPECT_LT(highest.load() - before, 48 * 1024) << "the upload grew the server's RSS";
}

TEST(evidence_process, kill_9_while_sealing_leaves_a_whole_version_or_the_drafts) {
  temp_dir dir;
  auto server = std::make_unique<server_process>(dir.path());
  const auto id = stp_assessment(*server);
  {
    https_client c{server->port()};
    ASSERT_EQ(c.login("stp.canbo", demo_password).status, 200u);
    for (int i = 0; i < 3; ++i) {
      std::string upload;
      auto bytes = piece(0, 40u << 20);
      bytes[100] = static_cast<char>('a' + i);  // three different files
      ASSERT_EQ(upload_file(c, "Tài liệu " + std::to_string(i) + ".pdf", bytes, &upload).status,
                204u);
      auto r = c.post_json("/api/v1/assessments/" + std::to_string(id) + "/leaves/1.1.1/evidence",
                           {{"upload_id", upload}});
      ASSERT_EQ(r.status, 201u) << r.body;
    }
  }
  const auto db = dir.path() / "data" / "parix.db";
  const std::string versions_sql =
      "SELECT COUNT(*) FROM evidence_versions WHERE assessment_id = " + std::to_string(id);
  const std::string drafts_sql =
      "SELECT COUNT(*) FROM evidence_files WHERE assessment_id = " + std::to_string(id) +
      " AND state = 'draft'";
  const std::string sealed_sql =
      "SELECT COUNT(*) FROM evidence_files WHERE assessment_id = " + std::to_string(id) +
      " AND state = 'sealed'";
  bool sealed = false;
  int interrupted = 0;
  for (int delay_ms : {30, 150, 400, 900, 2000, 60000}) {
    https_client head{server->port()};
    ASSERT_EQ(head.login("stp.giamdoc", demo_password).status, 200u);
    std::thread submit{[&] {
      try {
        head.post_json("/api/v1/assessments/" + std::to_string(id) + "/events",
                       {{"event", "submit"}, {"confirm_missing_self_scores", true}});
      } catch (...) {  // the server is killed under it
      }
    }};
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms == 60000 ? 0 : delay_ms));
    if (delay_ms != 60000) server->kill_hard();
    submit.join();
    if (delay_ms == 60000) server->stop();
    // Whatever the moment: all of the version or none of it.
    const auto versions = sql(db, versions_sql);
    const auto drafts = sql(db, drafts_sql);
    const auto sealed_files = sql(db, sealed_sql);
    if (versions == "0") {
      EXPECT_EQ(drafts, "3");
      EXPECT_EQ(sealed_files, "0");
      EXPECT_EQ(sql(db, "SELECT state FROM assessments WHERE id = " + std::to_string(id)),
                "self_assessment");
      ++interrupted;
    } else {
      EXPECT_EQ(versions, "1");
      EXPECT_EQ(drafts, "0");
      EXPECT_EQ(sealed_files, "3");
      EXPECT_EQ(sql(db, "SELECT state FROM assessments WHERE id = " + std::to_string(id)),
                "round1");
      sealed = true;
    }
    auto fsck = run_command(std::string{PARIX_BINARY} + " evidence fsck --data " +
                            (dir.path() / "data").string() + " 2>&1");
    EXPECT_EQ(fsck.status, 0) << fsck.output;
    server = std::make_unique<server_process>(dir.path(), false);
    if (sealed) break;
  }
  EXPECT_TRUE(sealed);
  std::cout << "[ kill -9  ] " << interrupted << " submission(s) killed before their commit\n";
  // After the restart the sealed version verifies.
  https_client c{server->port()};
  ASSERT_EQ(c.login("thamdinh.tp", demo_password).status, 200u);
  auto keys = c.get("/api/v1/keys");
  ASSERT_EQ(keys.status, 200u);
  auto list = c.get("/api/v1/assessments/" + std::to_string(id) + "/leaves/1.1.1/evidence").json();
  EXPECT_EQ(list.at("versions").as_array().at(0).at("signature_status").as_string(), "valid");
}

}  // namespace
}  // namespace parix::testing
