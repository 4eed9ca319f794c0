// A 2xx means durable (issue 12): score edits free their worker while their commit is
// synced and are answered only after the sync; when the disk fails the sync, the edit
// waiting for it is answered 503 storage_failed, never 2xx, and no later write is taken.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class durable_answers : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    import_set(as("thuky"), small_set);
    auto created = as("thuky").post_json("/api/v1/campaigns",
                                         campaign_body("Durable", srv.clock().now(), {"U1"}));
    ASSERT_EQ(created.status, 201u) << created.body;
    file = files_of(created.json()).at("U1");
    as("u1.head");  // signed in while the disk still works
  }
  std::string path() { return "/api/v1/assessments/" + std::to_string(file); }
  // An untouched leaf is at version 0.
  reply edit(const std::string& code, const std::string& score) {
    return as("u1.head").send_json(verb::patch, path() + "/leaves/" + code, {{"self_score", score}},
                                   {{"If-Match", "\"v0\""}});
  }

  std::atomic<bool> disk_fails{false};
  std::atomic<int> syncs{0};
  test_server srv{[this](server::config& c) {
    c.database_sync_log = [this](int fd) {
      ++syncs;
      if (disk_fails) {
        errno = EIO;
        return -1;
      }
      return ::fdatasync(fd);
    };
  }};
  signed_in as{srv};
  std::int64_t file = 0;
};

TEST_F(durable_answers, an_edit_is_answered_after_its_sync) {
  const int before = syncs;
  auto r = edit("1.1", "1");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_GT(syncs.load(), before) << "the edit's commit was synced before the 200";
}

TEST_F(durable_answers, a_failed_sync_is_a_503_and_no_later_write_is_taken) {
  disk_fails = true;
  auto r = edit("1.1", "1");
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.json().at("code").as_string(), "storage_failed") << r.body;
  auto again = edit("2.1", "1");
  EXPECT_EQ(again.status, 503u) << again.body;
  EXPECT_EQ(again.json().at("code").as_string(), "storage_failed") << again.body;
  EXPECT_EQ(srv.client().get("/readyz").status, 503u) << "the probe reports the failed disk";
}

// Score edits run on the write workers (limits.write_threads), so that a group commit can
// carry as many of them as wait for it: with every worker held by other requests, an
// edit is still taken and answered.
TEST(write_workers, a_score_edit_is_answered_while_every_worker_is_held) {
  std::mutex m;
  std::condition_variable changed;
  bool held = false, release = false;
  test_server srv{[](server::config& c) {
                    c.limits.worker_threads = 1;
                    c.limits.write_threads = 2;
                  },
                  [&](server::http_server::stage s, std::string_view target) {
                    if (s != server::http_server::stage::handling || target != "/api/v1/me") return;
                    std::unique_lock lock{m};
                    held = true;
                    changed.notify_all();
                    changed.wait(lock, [&] { return release; });
                  }};
  srv.add_unit("U1", "Một");
  srv.add_user("thuky", "secretariat");
  srv.add_user("u1.head", "agency_head", "U1");
  signed_in as{srv};
  import_set(as("thuky"), small_set);
  auto created =
      as("thuky").post_json("/api/v1/campaigns", campaign_body("Pool", srv.clock().now(), {"U1"}));
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto file = files_of(created.json()).at("U1");
  auto& editor = as("u1.head");

  auto unblock = [&] {
    {
      std::lock_guard lock{m};
      release = true;
    }
    changed.notify_all();
  };
  std::future<reply> holder, edit;
  // Declared after the futures, so destroyed before them: the held request is let go on
  // every way out of this test (a failed ASSERT included), and the futures' destructors,
  // which wait for their requests, do not wait for ever.
  struct on_exit {
    std::function<void()> run;
    ~on_exit() { run(); }
  } let_go{unblock};

  holder = std::async(std::launch::async, [&] { return as("thuky").get("/api/v1/me"); });
  {
    std::unique_lock lock{m};
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds{30}, [&] { return held; }))
        << "GET /api/v1/me never reached its handler";
  }
  edit = std::async(std::launch::async, [&] {
    return editor.send_json(verb::patch,
                            "/api/v1/assessments/" + std::to_string(file) + "/leaves/1.1",
                            {{"self_score", "1"}}, {{"If-Match", "\"v0\""}});
  });
  const bool answered = edit.wait_for(std::chrono::seconds{30}) == std::future_status::ready;
  unblock();
  EXPECT_TRUE(answered) << "the edit waited for the held worker";
  const auto r = edit.get();
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(holder.get().status, 200u);
}

}  // namespace
}  // namespace parix::testing
