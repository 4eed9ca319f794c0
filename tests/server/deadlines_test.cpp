// Deadlines: a reasoned extension for one unit, the grace period marking late work,
// and the server clock in every response.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "storage/database.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

class deadlines : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_unit("U2", "Hai");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("u2.head", "agency_head", "U2");
    srv.add_user("td.one", "appraiser");
    ASSERT_EQ(
        login("thuky")
            .request(
                verb::post, "/api/v1/criteria-sets",
                "#set-key: d\n#set-name: D\n#total: 1\ncode,title,max,method,bonus\n1,A,1,self,\n",
                {{"Content-Type", "text/csv"}})
            .status,
        201u);
    const auto t0 = srv.clock().now();
    auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
    deadline = t0 + 24h;
    auto r = login("thuky").post_json(
        "/api/v1/campaigns",
        {{"year", 2024},
         {"name", "D"},
         {"schedule",
          {{"self_deadline", iso(deadline)},
           {"round1_end", iso(t0 + 48h)},
           {"round2_end", iso(t0 + 72h)},
           {"council_date", iso(t0 + 96h)},
           {"grace_minutes", 30}}},
         {"groups",
          boost::json::array{
              {{"key", "A"}, {"name", "A"}, {"criteria_set", "d"}, {"units", {"U1", "U2"}}}}},
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
  reply score(const std::string& user, const std::string& unit, const std::string& value,
              const std::string& etag) {
    return login(user).send_json(verb::patch,
                                 "/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/1",
                                 {{"self_score", value}}, {{"If-Match", etag}});
  }
  // Polls until the file is in state (the sweep runs on its own thread); false after a
  // minute.
  static bool wait_for_state(https_client& c, const std::string& path, const std::string& state) {
    for (int i = 0; i < 600; ++i) {
      if (c.get(path).json().at("state").as_string() == state) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  void TearDown() override { sweep.release(); }  // a held sweep would hold the server's stop

  // Holds the server's sweep at its start while held, so that a test sees what requests
  // do on their own (http_server::stage::sweeping).
  struct sweep_gate {
    std::mutex m;
    std::condition_variable cv;
    bool held = false;
    void hold() {
      std::lock_guard lock{m};
      held = true;
    }
    void release() {
      {
        std::lock_guard lock{m};
        held = false;
      }
      cv.notify_all();
    }
    void pass() {
      std::unique_lock lock{m};
      cv.wait(lock, [&] { return !held; });
    }
  };
  sweep_gate sweep;
  test_server srv{{}, [this](server::http_server::stage s, std::string_view) {
                    if (s == server::http_server::stage::sweeping) sweep.pass();
                  }};
  std::map<std::string, std::int64_t> file;
  std::chrono::system_clock::time_point deadline;
};

// Reading a file takes the single writer only when the clock has a move due on it: a
// file read before its deadline costs no write transaction beyond what any signed-in
// read costs (GET /api/v1/me), and the first read after the deadline records the
// auto-submission.
TEST_F(deadlines, a_read_takes_the_writer_only_when_a_move_is_due) {
  auto head = login("u1.head");
  const auto& stats = srv.app().db().stats();
  const auto path = "/api/v1/assessments/" + std::to_string(file["U1"]);
  auto writes_of = [&](const std::string& target) {
    EXPECT_EQ(head.get(target).status, 200u);  // warm: a session's first use may write
    const auto before = stats.transactions.load();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(head.get(target).status, 200u) << target;
    return stats.transactions.load() - before;
  };
  const auto baseline = writes_of("/api/v1/me");
  EXPECT_EQ(writes_of(path), baseline);
  EXPECT_EQ(head.get(path).json().at("state").as_string(), "self_assessment");

  srv.clock().advance(24h + 31min);
  head = login("u1.head");  // the session has expired meanwhile
  const auto before = stats.transactions.load();
  auto read = head.get(path);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json().at("state").as_string(), "round1");
  EXPECT_GE(stats.transactions.load() - before, 1u);
  EXPECT_EQ(writes_of(path), baseline) << "the move is recorded once";
}

// On deadline day every agency user's next request found the unit's file due and built
// its archives on the worker that served it: with sixty files due at once every worker
// was archiving, and every route, uploads included, waited 26-42 s (docs/benchmarks.md).
// A request now builds no archive: a late edit or attachment is refused by the clock, a
// read shows the file as it is, and the sweep (woken by them, on its own thread) submits
// the file and seals its drafts, the archives built before its write transaction.
TEST_F(deadlines, a_late_request_builds_no_archive_and_the_sweep_seals_the_file) {
  const auto& sealer = srv.app().sealer();
  auto attach = [&](https_client& c, const std::string& unit) {
    std::string id;
    auto up = upload_file(c, "bien-ban-" + unit + ".pdf", pdf_bytes(unit), &id);
    EXPECT_EQ(up.status, 204u) << up.body;
    return c.post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/1/evidence",
                       {{"upload_id", id}});
  };
  auto u1 = login("u1.head");
  auto u2 = login("u2.head");
  ASSERT_EQ(attach(u1, "U1").status, 201u);
  ASSERT_EQ(attach(u2, "U2").status, 201u);
  const auto built_before = sealer.archives_built();
  const auto in_transaction_before = sealer.archives_built_in_transaction();

  sweep.hold();
  srv.clock().set(deadline + 31min);
  u1 = login("u1.head");  // the sessions have expired meanwhile
  u2 = login("u2.head");
  auto edit = score("u1.head", "U1", "1", "\"v0\"");
  EXPECT_EQ(edit.status, 409u) << edit.body;
  EXPECT_EQ(edit.json().at("code").as_string(), "deadline_passed");
  auto late_attach = attach(u2, "U2");
  EXPECT_EQ(late_attach.status, 409u) << late_attach.body;
  EXPECT_EQ(late_attach.json().at("code").as_string(), "deadline_passed");
  auto read = u1.get("/api/v1/assessments/" + std::to_string(file["U1"]));
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json().at("state").as_string(), "self_assessment") << "shown as it is";
  EXPECT_EQ(sealer.archives_built(), built_before) << "a request built an archive";

  sweep.release();
  for (const auto* unit : {"U1", "U2"}) {
    const auto base = "/api/v1/assessments/" + std::to_string(file[unit]);
    auto& c = std::string{unit} == "U1" ? u1 : u2;
    EXPECT_TRUE(wait_for_state(c, base, "round1")) << unit;
    auto versions = c.get(base + "/leaves/1/evidence");
    ASSERT_EQ(versions.status, 200u) << versions.body;
    EXPECT_EQ(versions.json().at("versions").as_array().size(), 1u) << unit;
  }
  EXPECT_EQ(sealer.archives_built(), built_before + 2) << "each unit's one leaf, once";
  EXPECT_EQ(sealer.archives_built_in_transaction(), in_transaction_before)
      << "an archive was built while the sweep held the single writer";
}

// A submission that its checks refuse builds no archive. The archives of a sealing event
// are built before its transaction; they were built before the event was checked, so
// each refused submission archived the unit's evidence again (seconds per GiB) and left
// the blobs unreferenced.
TEST_F(deadlines, a_refused_submission_builds_no_archive) {
  const auto& sealer = srv.app().sealer();
  auto head = login("u1.head");
  std::string id;
  ASSERT_EQ(upload_file(head, "to-trinh.pdf", pdf_bytes("U1"), &id).status, 204u);
  const auto base = "/api/v1/assessments/" + std::to_string(file["U1"]);
  ASSERT_EQ(head.post_json(base + "/leaves/1/evidence", {{"upload_id", id}}).status, 201u);
  const auto built_before = sealer.archives_built();
  const auto in_transaction_before = sealer.archives_built_in_transaction();
  for (int i = 0; i < 3; ++i) {
    auto refused = head.post_json(base + "/events", {{"event", "submit"}});
    ASSERT_EQ(refused.status, 409u) << refused.body;
    EXPECT_EQ(refused.json().at("code").as_string(), "self_scores_missing");
  }
  EXPECT_EQ(sealer.archives_built(), built_before) << "a refused submission built an archive";

  auto submitted = head.post_json(base + "/events",
                                  {{"event", "submit"}, {"confirm_missing_self_scores", true}});
  ASSERT_EQ(submitted.status, 200u) << submitted.body;
  EXPECT_EQ(sealer.archives_built(), built_before + 1) << "the one leaf with evidence";
  EXPECT_EQ(sealer.archives_built_in_transaction(), in_transaction_before);
  auto versions = head.get(base + "/leaves/1/evidence");
  ASSERT_EQ(versions.status, 200u) << versions.body;
  EXPECT_EQ(versions.json().at("versions").as_array().size(), 1u);
}

// Readers of a due file do not wait for its archives either: six at once are answered
// with the file as it is, and the sweep builds the archives once.
TEST_F(deadlines, parallel_reads_of_a_due_file_build_nothing_and_the_sweep_builds_once) {
  const auto& sealer = srv.app().sealer();
  auto head = login("u1.head");
  std::string id;
  ASSERT_EQ(upload_file(head, "ho-so.pdf", pdf_bytes(std::string(8 << 20, 'x')), &id).status, 204u);
  const auto base = "/api/v1/assessments/" + std::to_string(file["U1"]);
  ASSERT_EQ(head.post_json(base + "/leaves/1/evidence", {{"upload_id", id}}).status, 201u);
  const auto built_before = sealer.archives_built();

  sweep.hold();
  srv.clock().set(deadline + 31min);
  constexpr int readers = 6;
  std::vector<https_client> clients;
  for (int i = 0; i < readers; ++i) clients.push_back(login("u1.head"));
  std::vector<unsigned> status(readers);
  std::latch start{readers};
  std::vector<std::thread> threads;
  for (int i = 0; i < readers; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      status[i] = clients[i].get(base).status;
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < readers; ++i) EXPECT_EQ(status[i], 200u) << "reader " << i;
  EXPECT_EQ(sealer.archives_built(), built_before) << "a read built an archive";

  sweep.release();
  EXPECT_TRUE(wait_for_state(clients[0], base, "round1"));
  EXPECT_EQ(sealer.archives_built(), built_before + 1) << "the one leaf with evidence, once";
  auto versions = clients[0].get(base + "/leaves/1/evidence");
  ASSERT_EQ(versions.status, 200u) << versions.body;
  EXPECT_EQ(versions.json().at("versions").as_array().size(), 1u);
}

// One file whose sealing fails (a draft's blob is gone) does not keep the sweep from the
// others; it stays where it was, drafts intact, and the sweep says why.
TEST_F(deadlines, a_file_the_sweep_cannot_seal_does_not_stop_the_others) {
  std::map<std::string, std::string> bytes;
  for (const auto* unit : {"U1", "U2"}) {
    auto c = login(std::string{unit} == "U1" ? "u1.head" : "u2.head");
    bytes[unit] = pdf_bytes(std::string{"ho so "} + unit);
    std::string id;
    ASSERT_EQ(upload_file(c, "ho-so.pdf", bytes[unit], &id).status, 204u);
    ASSERT_EQ(
        c.post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/1/evidence",
                    {{"upload_id", id}})
            .status,
        201u);
  }
  for (const auto& [unit, b] : bytes) {
    if (unit == "U2") continue;  // U1's only blob goes missing
    const auto hash = sha256_hex(b);
    std::filesystem::remove(srv.cfg().evidence.blob_dir / hash.substr(0, 2) / hash.substr(2));
  }
  sweep.hold();  // the test's own sweep below, not the timer's
  srv.clock().set(deadline + 31min);
  EXPECT_THROW(srv.app().tick(), std::exception) << "the failure is reported";
  auto state = [&](const std::string& unit) {
    return login("thuky")
        .get("/api/v1/assessments/" + std::to_string(file[unit]))
        .json()
        .at("state")
        .as_string();
  };
  EXPECT_EQ(state("U2"), "round1") << "the other file was submitted and sealed";
  EXPECT_EQ(state("U1"), "self_assessment");
}

TEST_F(deadlines, work_in_the_grace_period_is_accepted_and_marked_late) {
  srv.clock().set(deadline + 10min);
  auto r = score("u1.head", "U1", "0.5", "\"v0\"");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json().at("late").as_bool());
  srv.clock().set(deadline + 31min);
  auto after = score("u1.head", "U1", "1", "\"v1\"");
  EXPECT_EQ(after.status, 409u);
  EXPECT_EQ(after.json().at("code").as_string(), "deadline_passed");
}

TEST_F(deadlines, an_extension_for_one_unit_is_an_event_with_a_reason) {
  auto thuky = login("thuky");
  const auto path = "/api/v1/assessments/" + std::to_string(file["U1"]) + "/events";
  const auto later = workflow::format_time(deadline + 72h, "Asia/Ho_Chi_Minh");
  auto no_reason = thuky.post_json(path, {{"event", "extend_deadline"}, {"until", later}});
  EXPECT_EQ(no_reason.json().at("code").as_string(), "reason_required");
  auto earlier = thuky.post_json(path, {{"event", "extend_deadline"},
                                        {"until", workflow::format_time(deadline - 1h, "UTC")},
                                        {"reason", "x"}});
  EXPECT_EQ(earlier.json().at("code").as_string(), "invalid_time");
  auto ok = thuky.post_json(
      path, {{"event", "extend_deadline"}, {"until", later}, {"reason", "Mất điện kéo dài"}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json().at("deadline").as_string(), later);
  EXPECT_EQ(ok.json().at("events").as_array()[0].at("reason").as_string(), "Mất điện kéo dài");
  EXPECT_EQ(login("u1.head")
                .post_json(path, {{"event", "extend_deadline"}, {"until", later}, {"reason", "x"}})
                .status,
            403u);

  srv.clock().set(deadline + 2h);
  EXPECT_EQ(score("u1.head", "U1", "1", "\"v0\"").status, 200u) << "U1's deadline was extended";
  EXPECT_EQ(score("u2.head", "U2", "1", "\"v0\"").json().at("code").as_string(), "deadline_passed");
  auto view = login("u1.head").get("/api/v1/assessments/" + std::to_string(file["U1"])).json();
  EXPECT_EQ(view.at("state").as_string(), "self_assessment");
  EXPECT_EQ(view.at("open_until").as_string(), later);
  EXPECT_EQ(view.at("server_time").as_string(),
            workflow::format_time(deadline + 2h, "Asia/Ho_Chi_Minh"));
}

TEST_F(deadlines, a_stale_if_match_on_a_leaf_gets_412_with_the_current_value) {
  ASSERT_EQ(score("u1.head", "U1", "0.5", "\"v0\"").status, 200u);
  auto stale = score("u1.head", "U1", "0.7", "\"v0\"");
  EXPECT_EQ(stale.status, 412u);
  EXPECT_EQ(stale.json().at("current").at("self_score").as_string(), "0.5");
}

TEST_F(deadlines, a_window_is_extended_with_a_reason_and_closed_by_hand) {
  const auto path = "/api/v1/assessments/" + std::to_string(file["U1"]);
  auto head = login("u1.head");
  ASSERT_EQ(head.send_json(verb::patch, path + "/leaves/1", {{"self_score", "1"}},
                           {{"If-Match", "\"v0\""}})
                .status,
            200u);
  ASSERT_EQ(head.post_json(path + "/events", {{"event", "submit"}}).status, 200u);
  auto td = login("td.one");
  ASSERT_EQ(
      td.send_json(verb::patch, path + "/leaves/1",
                   {{"round1_score", "0.5"}, {"needs_explanation", true}}, {{"If-Match", "\"v1\""}})
          .status,
      200u);
  const auto now = srv.clock().now();
  auto iso = [](auto t) { return workflow::format_time(t, "Asia/Ho_Chi_Minh"); };
  ASSERT_EQ(
      td.post_json(path + "/events", {{"event", "open_window"}, {"until", iso(now + 2h)}}).status,
      200u);
  auto thuky = login("thuky");
  EXPECT_EQ(
      thuky.post_json(path + "/events", {{"event", "extend_window"}, {"until", iso(now + 5h)}})
          .json()
          .at("code")
          .as_string(),
      "reason_required");
  EXPECT_EQ(thuky
                .post_json(path + "/events",
                           {{"event", "extend_window"}, {"until", iso(now + 1h)}, {"reason", "x"}})
                .json()
                .at("code")
                .as_string(),
            "invalid_time");
  EXPECT_EQ(td.post_json(path + "/events",
                         {{"event", "extend_window"}, {"until", iso(now + 5h)}, {"reason", "x"}})
                .status,
            403u)
      << "only the secretariat extends";
  auto extended = thuky.post_json(path + "/events", {{"event", "extend_window"},
                                                     {"until", iso(now + 5h)},
                                                     {"reason", "Đơn vị đề nghị thêm thời gian"}});
  ASSERT_EQ(extended.status, 200u) << extended.body;
  EXPECT_EQ(extended.json().at("open_until").as_string(), iso(now + 5h));
  srv.clock().advance(3h);  // past the first close time, before the extended one
  ASSERT_EQ(head.send_json(verb::patch, path + "/leaves/1", {{"explanation_response", "Bổ sung"}},
                           {{"If-Match", "\"v2\""}})
                .status,
            401u)
      << "the session idled out";
  head = login("u1.head");
  ASSERT_EQ(head.send_json(verb::patch, path + "/leaves/1", {{"explanation_response", "Bổ sung"}},
                           {{"If-Match", "\"v2\""}})
                .status,
            200u);
  auto closed = login("td.one").post_json(path + "/events", {{"event", "close_window"}});
  ASSERT_EQ(closed.status, 200u) << closed.body;
  EXPECT_EQ(closed.json().at("state").as_string(), "round2");
  auto late = head.send_json(verb::patch, path + "/leaves/1", {{"explanation_response", "nữa"}},
                             {{"If-Match", "\"v3\""}});
  EXPECT_EQ(late.json().at("code").as_string(), "window_closed");
}

}  // namespace
}  // namespace parix::testing
