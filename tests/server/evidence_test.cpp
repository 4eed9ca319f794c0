// Evidence over HTTPS: resumable tus uploads, content checks, drafts on a leaf under
// the workflow's rules, sealing on submission and at the window's close, downloads,
// offline verification and fsck, and who may touch what.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <boost/json.hpp>
#include <csignal>
#include <fstream>
#include <thread>

#include "evidence/evidence_sealer.hpp"
#include "storage/assessment_records.hpp"
#include "storage/audit_log.hpp"
#include "storage/evidence_records.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}
void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out{p, std::ios::binary};
  out << bytes;
}

class evidence : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Sở Một");
    srv.add_unit("U2", "Sở Hai");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.editor", "agency_editor", "U1");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("u2.head", "agency_head", "U2");
    srv.add_user("td.one", "appraiser");
    srv.add_user("thanhtra", "auditor");
    ASSERT_EQ(login("thuky")
                  .request(verb::post, "/api/v1/criteria-sets",
                           "#set-key: e\n#set-name: E\n#total: 2\ncode,title,max,method,bonus\n"
                           "1,Lĩnh vực,2,,\n1.1,Kế hoạch,1,self,\n1.2,Báo cáo,1,self,\n",
                           {{"Content-Type", "text/csv"}})
                  .status,
              201u);
    const auto t0 = srv.clock().now();
    auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
    deadline = t0 + 24h;
    auto r = login("thuky").post_json(
        "/api/v1/campaigns",
        {{"year", 2024},
         {"name", "E"},
         {"schedule",
          {{"self_deadline", iso(deadline)},
           {"round1_end", iso(t0 + 48h)},
           {"round2_end", iso(t0 + 72h)},
           {"council_date", iso(t0 + 96h)}}},
         {"groups",
          boost::json::array{
              {{"key", "A"}, {"name", "A"}, {"criteria_set", "e"}, {"units", {"U1", "U2"}}}}},
         {"assignments", boost::json::array{{{"username", "td.one"}, {"field", "1"}}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
    const auto j = r.json();
    for (const auto& a : j.at("groups").as_array()[0].at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  }
  https_client login(const std::string& name) {
    auto c = srv.client();
    EXPECT_EQ(c.login(name, test_password).status, 200u);
    return c;
  }
  std::string leaf(const std::string& unit, const std::string& code) {
    return "/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/" + code;
  }
  // Uploads bytes as user and attaches them to unit's leaf; returns the attach reply.
  reply attach(https_client& c, const std::string& unit, const std::string& code,
               const std::string& name, const std::string& bytes,
               boost::json::object document = {}) {
    std::string id;
    auto done = upload_file(c, name, bytes, &id);
    EXPECT_EQ(done.status, 204u) << done.body;
    boost::json::object body{{"upload_id", id}};
    if (!document.empty()) body["document"] = document;
    return c.post_json(leaf(unit, code) + "/evidence", body);
  }
  reply fire(const std::string& user, const std::string& unit, boost::json::object event) {
    return login(user).post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/events",
                                 event);
  }
  boost::json::object evidence_of(https_client& c, const std::string& unit,
                                  const std::string& code) {
    auto r = c.get(leaf(unit, code) + "/evidence");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().as_object();
  }
  std::vector<std::string> audit_actions() {
    std::vector<std::string> out;
    srv.app().db().read([&](storage::connection& c) {
      storage::scan_audit(c, 1,
                          [&](const storage::audit_entry& e) { out.push_back(e.event.action); });
    });
    return out;
  }

  // A small per-criterion total, so that the limit is reached with small files.
  test_server srv{[](server::config& c) { c.evidence.max_leaf_total = 8 << 20; }};
  std::map<std::string, std::int64_t> file;
  std::chrono::system_clock::time_point deadline;
};

TEST_F(evidence, options_describe_the_tus_server) {
  auto r = srv.client().request(verb::options, "/api/v1/uploads");
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.header("Tus-Version"), "1.0.0");
  EXPECT_EQ(r.header("Tus-Checksum-Algorithm"), "sha256");
  EXPECT_EQ(r.header("Tus-Max-Size"), std::to_string(200 << 20));
  EXPECT_NE(r.header("Tus-Extension").find("termination"), std::string::npos);
}

TEST_F(evidence, an_upload_resumes_where_a_cut_connection_left_it) {
  auto c = login("u1.editor");
  std::string bytes = pdf_bytes();
  bytes.resize(3 << 20, 'x');
  auto created = tus_create(c, "Kế hoạch CCHC 2024.pdf", bytes.size(), sha256_hex(bytes));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_FALSE(created.header("Upload-Expires").empty());
  const auto id = upload_id_of(created);
  auto first = tus_patch(c, id, 0, bytes.substr(0, 1 << 20));
  ASSERT_EQ(first.status, 204u) << first.body;
  EXPECT_EQ(first.header("Upload-Offset"), std::to_string(1 << 20));
  // The second part announces 2 MiB but the connection dies after 1 MiB.
  tus_patch_cut(srv.port(), *c.token(), id, 1 << 20, bytes.substr(1 << 20, 1 << 20), 2 << 20);
  std::int64_t offset = 0;
  for (int i = 0; i < 50; ++i) {  // the server notices the cut a moment later
    auto head = tus_head(c, id);
    ASSERT_EQ(head.status, 200u);
    offset = std::stoll(head.header("Upload-Offset"));
    if (offset > (1 << 20)) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(offset, 1 << 20) << "the bytes that arrived before the cut are kept";
  EXPECT_LE(offset, 2 << 20);
  auto rest = tus_patch(c, id, offset, bytes.substr(offset));
  ASSERT_EQ(rest.status, 204u) << rest.body;
  EXPECT_EQ(rest.header("Upload-Offset"), std::to_string(bytes.size()));
  EXPECT_EQ(rest.header("Upload-Sha256"), sha256_hex(bytes));
  auto shown = c.get("/api/v1/uploads/" + id).json();
  EXPECT_EQ(shown.at("state").as_string(), "complete");
  EXPECT_EQ(shown.at("kind").as_string(), "pdf");
  EXPECT_EQ(shown.at("file_name").as_string(), "Kế hoạch CCHC 2024.pdf");
}

// A disk that refuses a write in the middle of a part: the file size limit
// (RLIMIT_FSIZE) stands in for a full disk. The server reads the body in 2 MiB pieces
// and writes each while it hashes it and reads the next; the piece 2-4 MiB fails at
// 3 MiB. The client gets 507, the offset covers only the piece known to be on disk,
// and the upload resumes from there to the right whole-file hash.
TEST_F(evidence, a_full_disk_keeps_what_reached_it_and_the_upload_resumes) {
  auto c = login("u1.editor");
  std::string bytes = pdf_bytes("full disk");
  bytes.resize(7 << 20, 'd');
  auto created = tus_create(c, "đĩa đầy.pdf", bytes.size(), sha256_hex(bytes));
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = upload_id_of(created);
  struct rlimit unlimited {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &unlimited), 0);
  struct rlimit small = unlimited;
  small.rlim_cur = 3 << 20;
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto failed = tus_patch(c, id, 0, bytes);
  ::setrlimit(RLIMIT_FSIZE, &unlimited);
  std::signal(SIGXFSZ, previous);
  EXPECT_EQ(failed.status, 507u) << failed.body;
  EXPECT_NE(failed.body.find("storage_full"), std::string::npos) << failed.body;
  auto head = tus_head(c, id);
  ASSERT_EQ(head.status, 200u);
  const auto offset = std::stoll(head.header("Upload-Offset"));
  EXPECT_EQ(offset, 2 << 20) << "only the piece known to be on disk counts";
  auto rest = tus_patch(c, id, offset, bytes.substr(offset));
  ASSERT_EQ(rest.status, 204u) << rest.body;
  EXPECT_EQ(rest.header("Upload-Sha256"), sha256_hex(bytes));
}

// The disk fills while a submission seals (the file size limit stands in for it): the
// submission gets 507 and nothing moves, no version and the draft still a draft; once
// there is room the same submission seals it.
TEST_F(evidence, a_full_disk_while_sealing_refuses_the_submission_and_keeps_the_drafts) {
  auto c = login("u1.editor");
  auto head = login("u1.head");
  std::string bytes = pdf_bytes("sealed on a full disk");
  bytes.resize(4 << 20, 's');
  ASSERT_EQ(attach(c, "U1", "1.2", "hồ sơ lớn.pdf", bytes).status, 201u);
  const std::string events = "/api/v1/assessments/" + std::to_string(file["U1"]) + "/events";
  struct rlimit unlimited {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &unlimited), 0);
  struct rlimit small = unlimited;
  small.rlim_cur = 3 << 20;  // the archive holds the 4 MiB draft
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto refused =
      head.post_json(events, {{"event", "submit"}, {"confirm_missing_self_scores", true}});
  ::setrlimit(RLIMIT_FSIZE, &unlimited);
  std::signal(SIGXFSZ, previous);
  EXPECT_EQ(refused.status, 507u) << refused.body;
  EXPECT_NE(refused.body.find("storage_full"), std::string::npos) << refused.body;
  auto kept = evidence_of(c, "U1", "1.2");
  EXPECT_TRUE(kept.at("versions").as_array().empty());
  EXPECT_EQ(kept.at("drafts").as_array().size(), 1u);
  ASSERT_EQ(
      head.post_json(events, {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  auto sealed = evidence_of(c, "U1", "1.2");
  EXPECT_EQ(sealed.at("versions").as_array().size(), 1u);
  EXPECT_TRUE(sealed.at("drafts").as_array().empty());
}

// Several bodies streaming at once are read in smaller pieces (less memory each); the
// bytes must come out the same.
TEST_F(evidence, uploads_at_the_same_time_each_arrive_whole) {
  constexpr int uploads = 5;
  std::vector<std::string> bytes(uploads);
  std::vector<reply> done(uploads);
  std::vector<std::string> ids(uploads);
  std::vector<std::thread> senders;
  for (int i = 0; i < uploads; ++i) {
    bytes[i] = pdf_bytes("at once " + std::to_string(i));
    // Bytes that differ from place to place: a piece written from a reused buffer
    // would show in the stored file.
    const std::size_t head = bytes[i].size();
    bytes[i].resize((5 << 20) + 4097 * i);
    for (std::size_t j = head; j < bytes[i].size(); ++j)
      bytes[i][j] = static_cast<char>((j * 131 + j / 4093 + i) & 0xff);
    senders.emplace_back([&, i] {
      auto c = login("u1.editor");
      done[i] = upload_file(c, "cùng lúc " + std::to_string(i) + ".pdf", bytes[i], &ids[i]);
    });
  }
  for (auto& t : senders) t.join();
  for (int i = 0; i < uploads; ++i) {
    ASSERT_EQ(done[i].status, 204u) << i << ": " << done[i].body;
    const auto sha = sha256_hex(bytes[i]);
    EXPECT_EQ(done[i].header("Upload-Sha256"), sha) << i;
    std::ifstream stored{srv.dir() / "blobs" / sha.substr(0, 2) / sha.substr(2), std::ios::binary};
    const std::string on_disk{std::istreambuf_iterator<char>{stored}, {}};
    EXPECT_TRUE(on_disk == bytes[i]) << i << ": the stored file differs from what was sent";
  }
}

TEST_F(evidence, a_wrong_part_checksum_is_refused_with_460_and_the_offset_stays) {
  auto c = login("u1.editor");
  const std::string bytes = pdf_bytes("checksum") + std::string(1000, 'a');
  auto created = tus_create(c, "a.pdf", bytes.size(), sha256_hex(bytes));
  const auto id = upload_id_of(created);
  const auto part = bytes.substr(0, 500);
  auto bad = tus_patch(c, id, 0, part, sha256_base64("something else"));
  EXPECT_EQ(bad.status, 460u) << bad.body;
  EXPECT_EQ(bad.json().at("code").as_string(), "checksum_mismatch");
  EXPECT_EQ(tus_head(c, id).header("Upload-Offset"), "0");
  auto good = tus_patch(c, id, 0, part, sha256_base64(part));
  EXPECT_EQ(good.status, 204u);
  EXPECT_EQ(good.header("Upload-Offset"), "500");
  auto wrong_offset = tus_patch(c, id, 10, bytes.substr(10));
  EXPECT_EQ(wrong_offset.status, 409u);
  EXPECT_EQ(wrong_offset.header("Upload-Offset"), "500");
  auto md5 = c.request(verb::patch, "/api/v1/uploads/" + id, "x",
                       {{"Tus-Resumable", "1.0.0"},
                        {"Content-Type", "application/offset+octet-stream"},
                        {"Upload-Offset", "500"},
                        {"Upload-Checksum", "md5 AAAA"}});
  EXPECT_EQ(md5.status, 400u);
  EXPECT_EQ(tus_head(c, id).header("Upload-Offset"), "500");
}

TEST_F(evidence, the_whole_files_sha256_is_checked_when_the_upload_completes) {
  auto c = login("u1.editor");
  const std::string bytes = pdf_bytes("whole");
  auto created = tus_create(c, "a.pdf", bytes.size(), sha256_hex("not these bytes"));
  auto r = tus_patch(c, upload_id_of(created), 0, bytes);
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_EQ(r.json().at("code").as_string(), "file_checksum_mismatch");
  auto missing = c.request(verb::post, "/api/v1/uploads", "",
                           {{"Tus-Resumable", "1.0.0"},
                            {"Upload-Length", "10"},
                            {"Upload-Metadata", "filename " + base64("a.pdf")}});
  EXPECT_EQ(missing.status, 400u);
  EXPECT_NE(missing.body.find("sha256"), std::string::npos);
}

TEST_F(evidence, content_decides_the_type_and_a_wrong_name_is_refused) {
  auto c = login("u1.editor");
  std::string id;
  auto html = upload_file(c, "bao-cao.pdf", "<html><script>alert(1)</script></html>", &id);
  EXPECT_EQ(html.status, 415u) << html.body;
  EXPECT_EQ(html.json().at("code").as_string(), "type_not_allowed");
  auto mismatch = upload_file(c, "bao-cao.docx", pdf_bytes(), &id);
  EXPECT_EQ(mismatch.status, 422u) << mismatch.body;
  EXPECT_EQ(mismatch.json().at("code").as_string(), "extension_mismatch");
  auto english = c.request(verb::get, "/api/v1/uploads/" + id, "", {{"Accept-Language", "en"}});
  EXPECT_EQ(english.json().at("state").as_string(), "refused");
  auto png = upload_file(c, "ảnh.png", png_bytes(), &id);
  EXPECT_EQ(png.status, 204u) << png.body;
  auto too_big = tus_create(c, "huge.pdf", (200 << 20) + 1, sha256_hex("x"));
  EXPECT_EQ(too_big.status, 413u);
  EXPECT_EQ(too_big.json().at("code").as_string(), "file_too_large");
}

TEST_F(evidence, zip_slip_and_zip_bombs_are_refused_and_a_good_zip_is_listed) {
  auto c = login("u1.editor");
  std::string id;
  auto slip = upload_file(c, "slip.zip", make_zip({{"../../etc/passwd", "root"}}), &id);
  EXPECT_EQ(slip.status, 422u) << slip.body;
  auto slip_json = slip.json();
  EXPECT_EQ(slip_json.at("code").as_string(), "unsafe_archive");
  EXPECT_NE(slip_json.at("detail").as_string().find("path_traversal"), std::string::npos);
  auto link = upload_file(c, "link.zip", make_zip({{"x", "/etc/passwd", true}}), &id);
  EXPECT_EQ(link.status, 422u);
  auto bomb =
      upload_file(c, "bomb.zip", make_zip({{"zeros.txt", std::string(300 << 20, '\0')}}), &id);
  EXPECT_EQ(bomb.status, 422u) << bomb.body;
  EXPECT_NE(bomb.json().at("detail").as_string().find("zip_bomb"), std::string::npos);
  auto good =
      upload_file(c, "hồ sơ.zip",
                  make_zip({{"Quyết định/QĐ 12.pdf", pdf_bytes()}, {"ảnh.png", png_bytes()}}), &id);
  ASSERT_EQ(good.status, 204u) << good.body;
  auto shown = c.get("/api/v1/uploads/" + id).json();
  EXPECT_EQ(shown.at("kind").as_string(), "zip");
  const auto listing = shown.at("listing").as_array();
  ASSERT_EQ(listing.size(), 2u);
  EXPECT_EQ(listing[0].at("path").as_string(), "Quyết định/QĐ 12.pdf");
}

TEST_F(evidence, after_the_deadline_attaching_is_refused_and_earlier_drafts_stay) {
  auto c = login("u1.editor");
  auto first = attach(c, "U1", "1.1", "Kế hoạch.pdf", pdf_bytes("plan"),
                      {{"number", "12/KH-UBND"}, {"issue_date", "2024-01-15"}, {"issuer", "UBND"}});
  ASSERT_EQ(first.status, 201u) << first.body;
  srv.clock().set(deadline + 1min);
  c = login("u1.editor");  // a day later: the morning's session has ended
  std::string id;
  ASSERT_EQ(upload_file(c, "Muộn.pdf", pdf_bytes("late"), &id).status, 204u);
  auto late = c.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", id}});
  EXPECT_EQ(late.status, 409u) << late.body;
  EXPECT_EQ(late.json().at("code").as_string(), "deadline_passed");
  // An upload that names its leaf is refused before a byte is sent.
  const auto bytes = pdf_bytes("named");
  auto named = tus_create(c, "x.pdf", bytes.size(), sha256_hex(bytes),
                          {{"assessment", std::to_string(file["U1"])}, {"criterion", "1.1"}});
  EXPECT_EQ(named.status, 409u) << named.body;
  EXPECT_EQ(named.json().at("code").as_string(), "deadline_passed");
  // The file moved on by itself at the deadline, and its drafts became version 1: the
  // sweep does that (woken by the late requests, on its own thread); tick() here waits
  // for it.
  srv.app().tick();
  auto ev = evidence_of(c, "U1", "1.1");
  EXPECT_TRUE(ev.at("drafts").as_array().empty());
  const auto versions = ev.at("versions").as_array();
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].at("stage").as_string(), "self_assessment");
  EXPECT_EQ(versions[0].at("sealed_by").as_string(), "system");
  const auto files = versions[0].at("files").as_array();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].at("file_name").as_string(), "Kế hoạch.pdf");
  EXPECT_EQ(files[0].at("document").at("issue_date").as_string(), "2024-01-15");
}

TEST_F(evidence, an_upload_naming_a_leaf_it_may_not_touch_is_refused_at_creation) {
  const auto bytes = pdf_bytes("named");
  auto own = login("u1.editor");
  auto ok = tus_create(own, "x.pdf", bytes.size(), sha256_hex(bytes),
                       {{"assessment", std::to_string(file["U1"])}, {"criterion", "1.1"}});
  EXPECT_EQ(ok.status, 201u) << ok.body;
  auto other = login("u2.head");
  auto foreign = tus_create(other, "x.pdf", bytes.size(), sha256_hex(bytes),
                            {{"assessment", std::to_string(file["U1"])}, {"criterion", "1.1"}});
  EXPECT_EQ(foreign.status, 403u) << foreign.body;
  auto no_leaf = tus_create(own, "x.pdf", bytes.size(), sha256_hex(bytes),
                            {{"assessment", std::to_string(file["U1"])}, {"criterion", "9.9"}});
  EXPECT_EQ(no_leaf.status, 404u) << no_leaf.body;
}

// Every malformed tus or attach request is refused with a problem naming what is wrong,
// and the upload it was about keeps what it had.
TEST_F(evidence, malformed_requests_are_refused_and_the_upload_keeps_its_bytes) {
  auto c = login("u1.editor");
  const std::string bytes = pdf_bytes("malformed") + std::string(500, 'm');
  auto created = tus_create(c, "a.pdf", bytes.size(), sha256_hex(bytes));
  const auto id = upload_id_of(created);
  ASSERT_EQ(tus_patch(c, id, 0, bytes.substr(0, 100)).status, 204u);
  auto problem = [](const reply& r) { return std::string{r.json().at("code").as_string()}; };
  auto no_version =
      c.request(verb::post, "/api/v1/uploads", "",
                {{"Upload-Length", "10"}, {"Upload-Metadata", "filename " + base64("a.pdf")}});
  EXPECT_EQ(no_version.status, 412u);
  EXPECT_EQ(no_version.header("Tus-Version"), "1.0.0");
  auto bad_length = c.request(verb::post, "/api/v1/uploads", "",
                              {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", "ten"}});
  EXPECT_EQ(bad_length.status, 400u);
  EXPECT_EQ(problem(bad_length), "invalid_field");
  auto bad_meta = c.request(verb::post, "/api/v1/uploads", "",
                            {{"Tus-Resumable", "1.0.0"},
                             {"Upload-Length", "10"},
                             {"Upload-Metadata", "filename not*base64"}});
  EXPECT_EQ(bad_meta.status, 400u);
  auto bad_name = tus_create(c, "\x01\x02", 10, sha256_hex("x"));
  EXPECT_EQ(bad_name.status, 422u);
  EXPECT_EQ(problem(bad_name), "invalid_file_name");
  auto wrong_type = c.request(
      verb::patch, "/api/v1/uploads/" + id, "x",
      {{"Tus-Resumable", "1.0.0"}, {"Content-Type", "application/json"}, {"Upload-Offset", "100"}});
  EXPECT_EQ(wrong_type.status, 415u);
  auto no_offset =
      c.request(verb::patch, "/api/v1/uploads/" + id, "x",
                {{"Tus-Resumable", "1.0.0"}, {"Content-Type", "application/offset+octet-stream"}});
  EXPECT_EQ(no_offset.status, 400u);
  auto too_much = tus_patch(c, id, 100, bytes.substr(100) + "extra");
  EXPECT_EQ(too_much.status, 400u) << too_much.body;
  EXPECT_EQ(tus_head(c, id).header("Upload-Offset"), "100") << "nothing was lost or added";
  // The upload still completes, then bad attach requests are refused.
  ASSERT_EQ(tus_patch(c, id, 100, bytes.substr(100)).status, 204u);
  auto bad_date = c.post_json(leaf("U1", "1.1") + "/evidence",
                              {{"upload_id", id}, {"document", {{"issue_date", "15/01/2024"}}}});
  EXPECT_EQ(bad_date.status, 422u);
  EXPECT_EQ(problem(bad_date), "invalid_document_date");
  auto unknown_key = c.post_json(leaf("U1", "1.1") + "/evidence",
                                 {{"upload_id", id}, {"document", {{"date", "2024-01-15"}}}});
  EXPECT_EQ(unknown_key.status, 400u);
  auto not_leaf = c.post_json(leaf("U1", "1") + "/evidence", {{"upload_id", id}});
  EXPECT_EQ(not_leaf.status, 422u);
  EXPECT_EQ(problem(not_leaf), "not_a_leaf");
  auto unknown = c.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", "nope"}});
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(problem(unknown), "upload_not_found");
  auto english = c.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", "nope"}},
                             {{"Accept-Language", "en"}});
  EXPECT_EQ(english.json().at("title").as_string(), "Upload not found");
  auto attached = c.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", id}});
  ASSERT_EQ(attached.status, 201u) << attached.body;
  auto twice = c.post_json(leaf("U1", "1.2") + "/evidence", {{"upload_id", id}});
  EXPECT_EQ(twice.status, 409u);
  EXPECT_EQ(problem(twice), "upload_attached");
  EXPECT_EQ(
      c.request(verb::delete_, "/api/v1/uploads/" + id, "", {{"Tus-Resumable", "1.0.0"}}).status,
      409u)
      << "an attached upload is not terminated";
}

TEST_F(evidence, a_criterion_refuses_evidence_beyond_its_total) {
  auto c = login("u1.editor");
  const auto three_mib = [](char fill) { return pdf_bytes() + std::string(3 << 20, fill); };
  ASSERT_EQ(attach(c, "U1", "1.1", "a.pdf", three_mib('a')).status, 201u);
  ASSERT_EQ(attach(c, "U1", "1.1", "b.pdf", three_mib('b')).status, 201u);
  auto third = attach(c, "U1", "1.1", "c.pdf", three_mib('c'));
  EXPECT_EQ(third.status, 413u) << third.body;
  EXPECT_EQ(third.json().at("code").as_string(), "leaf_evidence_limit");
  EXPECT_EQ(evidence_of(c, "U1", "1.1").at("drafts").as_array().size(), 2u);
  EXPECT_EQ(attach(c, "U1", "1.2", "c.pdf", three_mib('c')).status, 201u) << "another leaf";
}

TEST_F(evidence, drafts_are_removed_until_sealed_and_never_after) {
  auto c = login("u1.editor");
  auto a = attach(c, "U1", "1.1", "a.pdf", pdf_bytes("a"));
  auto b = attach(c, "U1", "1.1", "b.pdf", pdf_bytes("b"));
  ASSERT_EQ(b.status, 201u);
  const auto a_id = a.json().at("id").as_int64();
  auto removed = c.request(verb::delete_, leaf("U1", "1.1") + "/evidence/" + std::to_string(a_id));
  ASSERT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(removed.json().at("state").as_string(), "removed");
  auto ev = evidence_of(c, "U1", "1.1");
  EXPECT_EQ(ev.at("drafts").as_array().size(), 1u);
  EXPECT_EQ(ev.at("removed").as_array().size(), 1u);
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  const auto b_id = b.json().at("id").as_int64();
  auto sealed = c.request(verb::delete_, leaf("U1", "1.1") + "/evidence/" + std::to_string(b_id));
  EXPECT_EQ(sealed.status, 409u) << sealed.body;
  auto ev2 = evidence_of(c, "U1", "1.1");
  ASSERT_EQ(ev2.at("versions").as_array().size(), 1u);
  EXPECT_EQ(ev2.at("versions").as_array()[0].at("files").as_array().size(), 1u);
}

TEST_F(evidence, a_sealed_version_verifies_offline_and_tampering_is_found) {
  auto c = login("u1.editor");
  ASSERT_EQ(attach(c, "U1", "1.1", "Báo cáo CCHC năm 2024.pdf", pdf_bytes("report")).status, 201u);
  ASSERT_EQ(attach(c, "U1", "1.1", "ảnh hội nghị.png", png_bytes()).status, 201u);
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  auto appraiser = login("td.one");
  auto ev = evidence_of(appraiser, "U1", "1.1");
  const auto v = ev.at("versions").as_array().at(0).as_object();
  EXPECT_EQ(v.at("signature_status").as_string(), "valid");
  EXPECT_EQ(v.at("file_count").as_int64(), 2);
  EXPECT_EQ(v.at("sealed_by").as_string(), "u1.head");
  const std::string sha{v.at("archive_sha256").as_string()};

  auto zip = appraiser.get(std::string{v.at("archive").as_string()});
  ASSERT_EQ(zip.status, 200u);
  EXPECT_EQ(zip.header("ETag"), "\"" + sha + "\"");
  EXPECT_EQ(sha256_hex(zip.body), sha);
  EXPECT_EQ(zip.header("Content-Type"), "application/zip");
  auto statement = appraiser.get(std::string{v.at("statement").as_string()});
  ASSERT_EQ(statement.status, 200u);
  auto keys = srv.client().get("/api/v1/keys").json();
  temp_dir t;
  write_file(t / "a.zip", zip.body);
  write_file(t / "a.statement.json", statement.body);
  write_file(t / "key.pem",
             std::string{keys.at("keys").as_array()[0].at("public_key_pem").as_string()});
  const std::string verify = std::string{PARIX_BINARY} + " verify " + (t / "a.zip").string() + " " +
                             (t / "a.statement.json").string() + " --pubkey " +
                             (t / "key.pem").string() + " 2>&1";
  auto ok = run_command(verify);
  EXPECT_EQ(ok.status, 0) << ok.output;

  // One byte changed in the stored archive: fsck finds it, and so does verify.
  const auto stored = srv.dir() / "blobs" / sha.substr(0, 2) / sha.substr(2);
  ASSERT_TRUE(std::filesystem::exists(stored));
  std::string bytes = read_file(stored);
  bytes[bytes.size() / 2] ^= 1;
  std::filesystem::permissions(stored, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  write_file(stored, bytes);
  write_file(t / "a.zip", bytes);
  auto bad = run_command(verify);
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("FAIL"), std::string::npos) << bad.output;
  auto fsck = run_command(std::string{PARIX_BINARY} + " evidence fsck --data " +
                          srv.dir().path().string() + " 2>&1");
  EXPECT_EQ(fsck.status, 1) << fsck.output;
  EXPECT_NE(fsck.output.find("changed"), std::string::npos) << fsck.output;
  EXPECT_NE(fsck.output.find(sha), std::string::npos) << fsck.output;
}

TEST_F(evidence, the_same_drafts_seal_to_the_same_manifest) {
  auto one = login("u1.editor");
  auto two = login("u2.head");
  for (auto* c : {&one, &two}) {
    const std::string unit = c == &one ? "U1" : "U2";
    ASSERT_EQ(attach(*c, unit, "1.2", "Báo cáo.pdf", pdf_bytes("same")).status, 201u);
    ASSERT_EQ(attach(*c, unit, "1.2", "Phụ lục.png", png_bytes()).status, 201u);
  }
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  srv.clock().advance(5min);
  ASSERT_EQ(
      fire("u2.head", "U2", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  auto thuky = login("thuky");
  auto v1 = evidence_of(thuky, "U1", "1.2").at("versions").as_array().at(0).as_object();
  auto v2 = evidence_of(thuky, "U2", "1.2").at("versions").as_array().at(0).as_object();
  EXPECT_EQ(v1.at("manifest_sha256"), v2.at("manifest_sha256"));
  EXPECT_NE(v1.at("archive_sha256"), v2.at("archive_sha256"))
      << "bag-info.txt names the unit and the time, so the archives differ";
}

TEST_F(evidence, in_the_window_only_flagged_leaves_take_evidence_and_closing_seals_them) {
  auto c = login("u1.editor");
  ASSERT_EQ(attach(c, "U1", "1.1", "v1.pdf", pdf_bytes("v1")).status, 201u);
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  auto td = login("td.one");
  for (const std::string code : {"1.1", "1.2"}) {
    auto r = td.send_json(verb::patch, leaf("U1", code),
                          {{"round1_score", "0.5"}, {"needs_explanation", code == "1.1"}},
                          {{"If-Match", "\"v0\""}});
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  ASSERT_EQ(fire("td.one", "U1", {{"event", "open_window"}}).status, 200u);
  auto unflagged = attach(c, "U1", "1.2", "x.pdf", pdf_bytes("x"));
  EXPECT_EQ(unflagged.status, 409u) << unflagged.body;
  EXPECT_EQ(unflagged.json().at("code").as_string(), "leaf_not_flagged");
  ASSERT_EQ(attach(c, "U1", "1.1", "bổ sung.pdf", pdf_bytes("more")).status, 201u);
  ASSERT_EQ(fire("td.one", "U1", {{"event", "close_window"}}).status, 200u);
  auto versions = evidence_of(td, "U1", "1.1").at("versions").as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].at("version").as_int64(), 2);
  EXPECT_EQ(versions[1].at("stage").as_string(), "explanation_window");
  EXPECT_EQ(versions[1].at("files").as_array()[0].at("file_name").as_string(), "bổ sung.pdf");
  auto closed = attach(c, "U1", "1.1", "too late.pdf", pdf_bytes("late"));
  EXPECT_EQ(closed.status, 409u);
  EXPECT_EQ(closed.json().at("code").as_string(), "window_closed");
}

TEST_F(evidence, downloads_answer_ranges_and_keep_vietnamese_names) {
  auto c = login("u1.editor");
  std::string bytes = pdf_bytes("range");
  bytes.resize(5000, 'r');
  auto f = attach(c, "U1", "1.1", "Quyết định số 12.pdf", bytes);
  ASSERT_EQ(f.status, 201u);
  const std::string url{f.json().at("download").as_string()};
  auto whole = c.get(url);
  ASSERT_EQ(whole.status, 200u);
  EXPECT_EQ(whole.body, bytes);
  EXPECT_EQ(whole.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(whole.header("Content-Type"), "application/pdf");
  EXPECT_EQ(whole.header("ETag"), "\"" + sha256_hex(bytes) + "\"");
  EXPECT_NE(whole.header("Content-Security-Policy").find("sandbox"), std::string::npos);
  EXPECT_EQ(whole.header("Content-Disposition"),
            "attachment; filename=\"Quy_t __nh s_ 12.pdf\"; "
            "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2012.pdf");
  auto part = c.get(url, {{"Range", "bytes=100-199"}});
  EXPECT_EQ(part.status, 206u);
  EXPECT_EQ(part.body, bytes.substr(100, 100));
  EXPECT_EQ(part.header("Content-Range"), "bytes 100-199/5000");
  auto tail = c.get(url, {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.body, bytes.substr(4990));
  auto beyond = c.get(url, {{"Range", "bytes=6000-"}});
  EXPECT_EQ(beyond.status, 416u);
  EXPECT_EQ(beyond.header("Content-Range"), "bytes */5000");
  auto cached = c.get(url, {{"If-None-Match", whole.header("ETag")}});
  EXPECT_EQ(cached.status, 304u);
}

TEST_F(evidence, another_units_user_gets_403_or_404_on_every_evidence_route) {
  auto owner = login("u1.editor");
  std::string upload;
  ASSERT_EQ(upload_file(owner, "u1.pdf", pdf_bytes("mine"), &upload).status, 204u);
  auto f = attach(owner, "U1", "1.1", "u1-attached.pdf", pdf_bytes("attached"));
  ASSERT_EQ(f.status, 201u);
  const auto file_id = std::to_string(f.json().at("id").as_int64());
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  const auto version_id = std::to_string(
      evidence_of(owner, "U1", "1.1").at("versions").as_array()[0].at("id").as_int64());

  auto other = login("u2.head");
  auto refused = [](const reply& r) { return r.status == 403u || r.status == 404u; };
  EXPECT_TRUE(refused(other.get(leaf("U1", "1.1") + "/evidence")));
  EXPECT_TRUE(refused(other.post_json(leaf("U1", "1.1") + "/evidence", {{"upload_id", upload}})));
  EXPECT_TRUE(refused(other.request(verb::delete_, leaf("U1", "1.1") + "/evidence/" + file_id)));
  EXPECT_TRUE(refused(other.get("/api/v1/evidence/files/" + file_id + "/content")));
  EXPECT_TRUE(refused(other.get("/api/v1/evidence/versions/" + version_id + "/archive")));
  EXPECT_TRUE(refused(other.get("/api/v1/evidence/versions/" + version_id + "/statement")));
  EXPECT_TRUE(refused(other.get("/api/v1/uploads/" + upload)));
  EXPECT_TRUE(refused(tus_head(other, upload)));
  EXPECT_TRUE(refused(tus_patch(other, upload, 0, "x")));
  EXPECT_TRUE(refused(
      other.request(verb::delete_, "/api/v1/uploads/" + upload, "", {{"Tus-Resumable", "1.0.0"}})));
  // Their own unit's draft cannot be attached to with another's upload either.
  auto theirs = other.post_json(leaf("U2", "1.1") + "/evidence", {{"upload_id", upload}});
  EXPECT_EQ(theirs.status, 404u);
  // Appraisers and auditors read but never upload.
  EXPECT_EQ(login("td.one").request(verb::post, "/api/v1/uploads").status, 403u);
  EXPECT_EQ(login("thanhtra").get("/api/v1/evidence/files/" + file_id + "/content").status, 200u);
  // The owner's upload is untouched by all of that.
  EXPECT_EQ(owner.get("/api/v1/uploads/" + upload).json().at("state").as_string(), "complete");
}

TEST_F(evidence, a_head_answer_has_no_body_even_when_it_is_a_refusal) {
  auto c = login("u1.editor");
  const std::string auth = "Authorization: Bearer " + *c.token() + "\r\n";
  const auto out = raw_exchange(
      srv.port(),
      "HEAD /api/v1/uploads/nope HTTP/1.1\r\nHost: localhost\r\nTus-Resumable: 1.0.0\r\n" + auth +
          "\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 404", 0), 0u) << out;
  EXPECT_EQ(out.find("urn:parix:problem"), std::string::npos) << "a body followed the HEAD answer";
  EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
  EXPECT_NE(out.find("\"ok\""), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << "Connection: close is answered";
}

TEST_F(evidence, terminated_and_expired_uploads_are_gone) {
  auto c = login("u1.editor");
  const std::string bytes = pdf_bytes("gone");
  auto one = upload_id_of(tus_create(c, "a.pdf", bytes.size(), sha256_hex(bytes)));
  auto del = c.request(verb::delete_, "/api/v1/uploads/" + one, "", {{"Tus-Resumable", "1.0.0"}});
  EXPECT_EQ(del.status, 204u);
  EXPECT_EQ(tus_patch(c, one, 0, bytes).status, 410u);
  auto two = upload_id_of(tus_create(c, "b.pdf", bytes.size(), sha256_hex(bytes)));
  srv.clock().advance(25h);
  srv.app().tick();
  c = login("u1.editor");
  EXPECT_EQ(tus_head(c, two).status, 410u);
  EXPECT_FALSE(std::filesystem::exists(srv.dir() / "uploads" / (two + ".part")));
}

TEST_F(evidence, every_upload_attach_removal_seal_and_download_is_audited) {
  auto c = login("u1.editor");
  auto f = attach(c, "U1", "1.1", "a.pdf", pdf_bytes("audit"));
  auto g = attach(c, "U1", "1.1", "b.pdf", pdf_bytes("audit-b"));
  c.request(verb::delete_,
            leaf("U1", "1.1") + "/evidence/" + std::to_string(g.json().at("id").as_int64()));
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  ASSERT_EQ(c.get(std::string{f.json().at("download").as_string()}).status, 200u);
  const auto actions = audit_actions();
  for (const char* a : {"evidence.upload.create", "evidence.upload.complete", "evidence.attach",
                        "evidence.remove", "evidence.seal", "evidence.download"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
  auto verify = login("thanhtra").get("/api/v1/audit/verify").json();
  EXPECT_TRUE(verify.at("ok").as_bool());
}

// Archives are built before the sealing transaction; the transaction must use one only
// if the drafts it was built from are still the drafts.
TEST_F(evidence, a_prepared_archive_is_used_only_while_its_drafts_are_unchanged) {
  auto c = login("u1.editor");
  auto a = attach(c, "U1", "1.1", "a.pdf", pdf_bytes("prep-a"));
  ASSERT_EQ(attach(c, "U1", "1.1", "b.pdf", pdf_bytes("prep-b")).status, 201u);
  ASSERT_EQ(attach(c, "U1", "1.2", "c.pdf", pdf_bytes("prep-c")).status, 201u);
  auto& db = srv.app().db();
  auto blobs = storage::open_filesystem_blob_store(srv.cfg().evidence.blob_dir);
  auto key = storage::signing_key::load(srv.cfg().signing_key);
  parix::evidence::evidence_sealer sealer{*blobs, key};
  const auto record = db.read_result(
      [&](storage::connection& conn) { return *storage::find_assessment(conn, file["U1"]); });
  workflow::seal_request req;
  req.assessment_id = record.id;
  req.campaign_id = record.campaign_id;
  req.unit_id = record.unit_id;
  req.campaign = "E";
  req.unit_code = "U1";
  req.unit_name = "Sở Một";
  req.at = srv.clock().now();
  req.by = "u1.head";
  req.by_role = "agency_head";
  const auto prepared = sealer.prepare(db, req);
  ASSERT_EQ(prepared.size(), 2u);
  // 1.1 changes after the preparation; 1.2 does not.
  ASSERT_EQ(c.request(verb::delete_, leaf("U1", "1.1") + "/evidence/" +
                                         std::to_string(a.json().at("id").as_int64()))
                .status,
            200u);
  req.prepared = &prepared;
  const int made =
      db.write_result([&](storage::connection& conn) { return sealer.seal(conn, req); });
  EXPECT_EQ(made, 2);
  auto versions = db.read_result([&](storage::connection& conn) {
    return std::pair{storage::leaf_evidence_versions(conn, record.id, "1.1"),
                     storage::leaf_evidence_versions(conn, record.id, "1.2")};
  });
  ASSERT_EQ(versions.first.size(), 1u);
  ASSERT_EQ(versions.second.size(), 1u);
  EXPECT_EQ(versions.first[0].file_count, 1) << "the stale archive held the removed draft";
  EXPECT_NE(versions.first[0].archive_sha256, prepared.at("1.1").archive_sha256);
  EXPECT_EQ(versions.second[0].archive_sha256, prepared.at("1.2").archive_sha256);
  auto fsck = parix::evidence::fsck_evidence(db, *blobs);
  EXPECT_TRUE(fsck.problems.empty());
  EXPECT_EQ(fsck.unreferenced.size(), 1u) << "the unused preparation is left for fsck to name";
}

TEST_F(evidence, statements_signed_before_a_key_rotation_still_verify) {
  auto c = login("u1.editor");
  ASSERT_EQ(attach(c, "U1", "1.1", "a.pdf", pdf_bytes("rotate")).status, 201u);
  ASSERT_EQ(
      fire("u1.head", "U1", {{"event", "submit"}, {"confirm_missing_self_scores", true}}).status,
      200u);
  auto rotate = run_command(std::string{PARIX_BINARY} + " keys rotate --data " +
                            srv.dir().path().string() + " 2>&1");
  ASSERT_EQ(rotate.status, 0) << rotate.output;
  auto keys = srv.client().get("/api/v1/keys").json().at("keys").as_array();
  EXPECT_EQ(keys.size(), 2u);
  auto v = evidence_of(c, "U1", "1.1").at("versions").as_array().at(0);
  EXPECT_EQ(v.at("signature_status").as_string(), "valid");
}

}  // namespace
}  // namespace parix::testing
