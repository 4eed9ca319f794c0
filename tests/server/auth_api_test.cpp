// Sign-in, sessions, cookies, CSRF, lockout and password changes over real HTTPS.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <thread>

#include "auth/throttle.hpp"
#include "storage/audit_log.hpp"
#include "storage/throttle_records.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class auth_api : public ::testing::Test {
 protected:
  explicit auth_api(const std::function<void(server::config&)>& adjust = {}) : srv{adjust} {}

  test_server srv;
  https_client client = srv.client();

  std::string cookie_from(const reply& r) {
    auto set = r.header("set-cookie");
    auto eq = set.find('=');
    auto semi = set.find(';');
    return set.substr(0, semi).substr(0, eq) + "=" + set.substr(eq + 1, semi - eq - 1);
  }

  std::vector<std::string> audit_actions() {
    std::vector<std::string> actions;
    srv.app().db().read([&](storage::connection& c) {
      storage::scan_audit(
          c, 1, [&](const storage::audit_entry& e) { actions.push_back(e.event.action); });
    });
    return actions;
  }
};

TEST_F(auth_api, login_returns_a_token_and_a_host_only_secure_cookie) {
  auto r = client.login("admin", test_password);
  ASSERT_EQ(r.status, 200u) << r.body;
  auto token = r.json().at("token").as_string();
  EXPECT_GE(token.size(), 43u);  // 256 bits in base64url
  auto cookie = r.header("set-cookie");
  EXPECT_EQ(cookie.rfind("__Host-parix_session=" + std::string{token} + ";", 0), 0u) << cookie;
  for (auto attr : {"Path=/", "HttpOnly", "Secure", "SameSite=Strict"})
    EXPECT_NE(cookie.find(attr), std::string::npos) << attr;
  EXPECT_EQ(r.json().at("user").at("username").as_string(), "admin");

  auto me = client.get("/api/v1/me");
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.json().at("role").as_string(), "admin");
  EXPECT_EQ(me.json().at("credential").as_string(), "session");
  EXPECT_EQ(me.header("etag"), "\"v1\"");
}

TEST_F(auth_api, every_login_gets_a_new_session) {
  auto first = client.login("admin", test_password).json().at("token").as_string();
  auto second = client.login("admin", test_password).json().at("token").as_string();
  EXPECT_NE(first, second);
}

TEST_F(auth_api, wrong_password_and_unknown_user_get_the_same_401) {
  auto wrong = client.login("admin", "not-the-password");
  auto unknown = client.login("nobody", "not-the-password");
  for (const auto& r : {wrong, unknown}) {
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.json().at("code").as_string(), "bad_credentials");
    EXPECT_EQ(r.header("set-cookie"), "");
  }
  EXPECT_EQ(wrong.json().at("detail"), unknown.json().at("detail"));
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.failed"), 2);
}

TEST_F(auth_api, repeated_failures_lock_the_account_until_the_lock_expires) {
  const auto& t = srv.cfg().throttle;
  reply last;
  // Move the clock past each growing delay so every attempt is a real failure.
  for (int i = 0; i < t.lock_after; ++i) {
    last = client.login("admin", "wrong-password-" + std::to_string(i));
    ASSERT_NE(last.status, 200u);
    srv.clock().advance(t.max_delay + std::chrono::seconds{1});
  }
  auto locked = client.login("admin", test_password);
  EXPECT_EQ(locked.status, 429u) << locked.body;
  EXPECT_EQ(locked.json().at("code").as_string(), "login_throttled");
  EXPECT_GT(std::stoi(locked.header("retry-after")), 0);
  auto actions = audit_actions();
  EXPECT_NE(std::find(actions.begin(), actions.end(), "login.locked"), actions.end());

  srv.clock().advance(t.lock_for);
  EXPECT_EQ(client.login("admin", test_password).status, 200u);
}

TEST_F(auth_api, quick_retries_after_a_few_failures_are_slowed_down) {
  const auto& t = srv.cfg().throttle;
  for (int i = 0; i < t.slow_after; ++i) client.login("admin", "wrong-password");
  auto r = client.login("admin", test_password);
  EXPECT_EQ(r.status, 429u);
  srv.clock().advance(t.base_delay + std::chrono::seconds{1});
  EXPECT_EQ(client.login("admin", test_password).status, 200u);
}

TEST_F(auth_api, failures_of_one_user_do_not_stop_another_users_correct_password) {
  // Issue 11: three failures from an address throttled every account behind it.
  srv.add_user("thuky", "secretariat");
  const auto& t = srv.cfg().throttle;
  for (int i = 0; i < t.slow_after; ++i)
    ASSERT_EQ(client.login("admin", "wrong-password").status, 401u);
  EXPECT_EQ(client.login("thuky", test_password).status, 200u)
      << "another user's correct password from the same address";
  EXPECT_EQ(client.login("admin", test_password).status, 429u) << "the failing account waits";
}

// Many failures from one address, of many accounts: only then is the address slowed.
class auth_api_address : public ::testing::Test {
 protected:
  test_server srv{[](server::config& c) {
    c.throttle.address_slow_after = 6;
    c.throttle.address_lock_after = 20;
  }};
  https_client client = srv.client();
};

TEST_F(auth_api_address, an_address_is_slowed_only_after_its_own_much_higher_count) {
  srv.add_user("thuky", "secretariat");
  const auto& t = srv.cfg().throttle;
  for (int i = 0; i < t.address_slow_after - 1; ++i)
    ASSERT_EQ(client.login("guess" + std::to_string(i), "wrong-password").status, 401u);
  EXPECT_EQ(client.login("thuky", test_password).status, 200u) << "below the address's count";
  ASSERT_EQ(client.login("guess-last", "wrong-password").status, 401u);
  auto slowed = client.login("thuky", test_password);
  EXPECT_EQ(slowed.status, 429u) << slowed.body;
  srv.clock().advance(t.base_delay + std::chrono::seconds{1});
  EXPECT_EQ(client.login("thuky", test_password).status, 200u);
}

// Parallel sign-ins that wait for a hashing slot as long as they need: these tests count
// what the throttle checks and records, and a slow machine must not turn one of them
// into a 503 "busy" (under ThreadSanitizer each Argon2id hash takes about a second, as
// TSan shadows its 19 MiB, and six of them queued for two slots outlast the default
// 2 s wait).
class auth_api_parallel : public auth_api {
 protected:
  auth_api_parallel()
      : auth_api{[](server::config& c) { c.passwords.queue_timeout = std::chrono::minutes{1}; }} {}
};

TEST_F(auth_api_parallel,
       a_burst_of_parallel_wrong_passwords_gets_only_the_allowed_number_checked) {
  // Issue 11: the check and the count were separate transactions, so bursts of 30 and
  // 60 parallel guesses got 5 and 6 checked where 3 are allowed. The clock stands still
  // here, so no delay ever passes.
  const auto& t = srv.cfg().throttle;
  constexpr int burst = 30;
  std::vector<https_client> clients;
  for (int i = 0; i < burst; ++i) clients.push_back(srv.client());
  for (auto& c : clients) ASSERT_EQ(c.get("/healthz").status, 200u);  // connected
  std::vector<unsigned> statuses(burst);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < burst; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < burst) std::this_thread::yield();
      statuses[i] = clients[i].login("admin", "wrong-password-" + std::to_string(i)).status;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401u), t.slow_after);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429u), burst - t.slow_after);
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.failed"), t.slow_after);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.throttled"), burst - t.slow_after);
}

// Sends one sign-in per client at once (each client connected beforehand) and returns
// the replies; a client whose connection broke gets status 0.
std::vector<reply> sign_in_at_once(std::vector<https_client>& clients, const std::string& user,
                                   const std::function<std::string(int)>& password,
                                   const std::function<std::string(int)>& language = {}) {
  const int n = static_cast<int>(clients.size());
  std::vector<reply> replies(n);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      std::map<std::string, std::string> headers;
      if (language) headers["Accept-Language"] = language(i);
      ++ready;
      while (ready.load() < n) std::this_thread::yield();
      try {
        replies[i] = clients[i].post_json("/api/v1/auth/login",
                                          {{"username", user}, {"password", password(i)}}, headers);
      } catch (const std::exception&) {
        replies[i] = reply{};
      }
    });
  for (auto& th : threads) th.join();
  return replies;
}

std::vector<https_client> connected_clients(test_server& srv, int n) {
  std::vector<https_client> clients;
  for (int i = 0; i < n; ++i) clients.push_back(srv.client());
  for (auto& c : clients) EXPECT_EQ(c.get("/healthz").status, 200u);
  return clients;
}

TEST_F(auth_api_parallel, parallel_correct_sign_ins_to_one_account_all_succeed) {
  // Issue 11 follow-up: each attempt was counted as a failure until its password was
  // checked, so the fourth of several parallel correct sign-ins to one account (an
  // agency's shared account, several tabs) got 429 "too many wrong passwords".
  constexpr int parallel = 6;
  auto clients = connected_clients(srv, parallel);
  const auto replies =
      sign_in_at_once(clients, "admin", [](int) { return std::string{test_password}; });
  for (int i = 0; i < parallel; ++i)
    EXPECT_EQ(replies[i].status, 200u) << "sign-in " << i << ": " << replies[i].body;
  EXPECT_EQ(client.login("admin", test_password).status, 200u) << "and one more after them";
  auto actions = audit_actions();
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.succeeded"), parallel + 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.failed"), 0);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.throttled"), 0);
  srv.app().db().read([&](storage::connection& c) {
    EXPECT_FALSE(storage::find_throttle(c, "user:admin")) << "no failure recorded";
  });
}

// Slow hashes (about a second each) and a short wait for a hashing slot, so that an
// attempt finds the others still in flight when its wait ends.
class auth_api_slow_hashes : public ::testing::Test {
 protected:
  test_server srv{[](server::config& c) {
    c.passwords.iterations = 60;
    c.passwords.max_concurrent = 8;
    c.passwords.queue_timeout = std::chrono::milliseconds{100};
  }};
};

TEST_F(auth_api_slow_hashes, an_attempt_held_back_only_by_others_in_flight_gets_503_not_429) {
  const auto& t = srv.cfg().throttle;
  constexpr int parallel = 6;
  auto clients = connected_clients(srv, parallel);
  auto language = [](int i) { return std::string{i % 2 ? "en" : "vi"}; };
  const auto replies = sign_in_at_once(
      clients, "admin", [](int) { return std::string{test_password}; }, language);
  int succeeded = 0, deferred = 0;
  for (int i = 0; i < parallel; ++i) {
    const auto& r = replies[i];
    if (r.status == 200) {
      ++succeeded;
      continue;
    }
    ASSERT_EQ(r.status, 503u) << "sign-in " << i << ": " << r.body;
    ++deferred;
    EXPECT_EQ(r.json().at("code").as_string(), "login_in_progress");
    const auto seconds = std::stoi(r.header("retry-after"));
    EXPECT_GT(seconds, 0);
    EXPECT_EQ(r.json().at("retry_after").as_int64(), seconds);
    const std::string detail{r.json().at("detail").as_string()};
    const std::string expected =
        i % 2 ? "Another sign-in to this account is in progress; try again in "
              : "Đang có lần đăng nhập khác cho tài khoản này; hãy thử lại sau ";
    EXPECT_EQ(detail, expected + std::to_string(seconds) + (i % 2 ? " seconds." : " giây."));
  }
  EXPECT_LE(succeeded, t.slow_after) << "no more checked at once than the rule allows";
  EXPECT_GT(deferred, 0) << "hashes of a second outlast a wait of 100 ms";
  std::vector<std::string> actions;
  srv.app().db().read([&](storage::connection& c) {
    storage::scan_audit(c, 1,
                        [&](const storage::audit_entry& e) { actions.push_back(e.event.action); });
    EXPECT_FALSE(storage::find_throttle(c, "user:admin")) << "no failure recorded";
  });
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.deferred"), deferred);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.failed"), 0);
}

TEST(auth_restart, sign_ins_cut_by_a_crash_do_not_hold_the_account_back_after_the_restart) {
  // Issue 11 follow-up: attempts in flight were counted as failures and a killed process
  // never gave them back, so after a quick restart the account waited as if three wrong
  // passwords had been typed. Here the real binary is killed with SIGKILL while three
  // correct sign-ins hash (the admin's password is rehashed with 150 Argon2id passes, so
  // each takes seconds), and a server restarted on the same data folder at that moment
  // lets the account in.
  temp_dir dir;
  const auto data = dir / "data";
  const auto init = run_command("PARIX_ADMIN_PASSWORD='" + std::string{test_password} + "' " +
                                PARIX_BINARY + " init --data " + data.string() + " 2>&1");
  ASSERT_EQ(init.status, 0) << init.output;
  const std::string slow_password = "a-slow-hash-password";
  std::chrono::system_clock::time_point killed_at;
  int slow_after = 0;
  {
    server_process crashed{dir.path(), false,
                           "\n[passwords]\niterations = 150\nmax_concurrent = 8\n"};
    https_client admin{crashed.port()};
    ASSERT_EQ(admin.login("admin", test_password).status, 200u);
    auto changed =
        admin.send_json(verb::put, "/api/v1/me/password",
                        {{"current_password", test_password}, {"new_password", slow_password}});
    ASSERT_EQ(changed.status, 204u) << changed.body;
    slow_after = auth::throttle_config{}.slow_after;
    std::vector<https_client> clients;
    for (int i = 0; i < slow_after; ++i) clients.emplace_back(crashed.port());
    for (auto& c : clients) ASSERT_EQ(c.get("/healthz").status, 200u);
    std::vector<reply> replies;
    std::thread signing_in{
        [&] { replies = sign_in_at_once(clients, "admin", [&](int) { return slow_password; }); }};
    std::this_thread::sleep_for(std::chrono::milliseconds{400});
    killed_at = std::chrono::system_clock::now();
    crashed.kill_hard();
    signing_in.join();
    for (const auto& r : replies)
      ASSERT_EQ(r.status, 0u) << "an attempt ended before the kill, so none was cut: " << r.body;
  }
  test_server restarted{data};
  restarted.clock().set(killed_at);  // restarted at once: no delay has passed
  auto c = restarted.client();
  auto r = c.login("admin", slow_password);
  EXPECT_EQ(r.status, 200u) << r.body;
  std::vector<std::string> actions;
  restarted.app().db().read([&](storage::connection& conn) {
    storage::scan_audit(conn, 1,
                        [&](const storage::audit_entry& e) { actions.push_back(e.event.action); });
  });
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "login.throttled"), 0);
}

// Behind a reverse proxy the configuration names, the client is the one the proxy names.
class auth_api_proxy : public ::testing::Test {
 protected:
  test_server srv{[](server::config& c) {
    c.listen.trusted_proxies = {"127.0.0.1"};
    c.throttle.address_slow_after = 3;
    c.throttle.address_lock_after = 20;
  }};
  https_client client = srv.client();

  unsigned login_from(const std::string& forwarded, const std::string& user,
                      const std::string& password) {
    return client
        .post_json("/api/v1/auth/login", {{"username", user}, {"password", password}},
                   {{"X-Forwarded-For", forwarded}})
        .status;
  }
  std::vector<std::string> addresses_of(const std::string& action) {
    std::vector<std::string> out;
    srv.app().db().read([&](storage::connection& c) {
      storage::scan_audit(c, 1, [&](const storage::audit_entry& e) {
        if (e.event.action == action) out.push_back(e.event.client_address);
      });
    });
    return out;
  }
};

TEST_F(auth_api_proxy, the_address_a_trusted_proxy_forwards_is_throttled_and_audited) {
  srv.add_user("thuky", "secretariat");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(login_from("198.51.100.9, 203.0.113.7", "guess" + std::to_string(i), "wrong"), 401u);
  EXPECT_EQ(addresses_of("login.failed"), std::vector<std::string>(3, "203.0.113.7"));
  EXPECT_EQ(login_from("203.0.113.7", "thuky", test_password), 429u) << "that address is slowed";
  EXPECT_EQ(login_from("203.0.113.8", "thuky", test_password), 200u) << "another is not";
  EXPECT_EQ(addresses_of("login.succeeded"), std::vector<std::string>{"203.0.113.8"});
}

TEST_F(auth_api, without_a_trusted_proxy_x_forwarded_for_is_ignored) {
  auto r = client.post_json("/api/v1/auth/login",
                            {{"username", "admin"}, {"password", "wrong-password"}},
                            {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_EQ(r.status, 401u);
  std::string address;
  srv.app().db().read([&](storage::connection& c) {
    storage::scan_audit(c, 1, [&](const storage::audit_entry& e) {
      if (e.event.action == "login.failed") address = e.event.client_address;
    });
  });
  EXPECT_EQ(address, "127.0.0.1");
}

TEST_F(auth_api, an_idle_session_expires_and_an_active_one_does_not) {
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  const auto idle = srv.cfg().sessions.idle_timeout;
  for (int i = 0; i < 3; ++i) {
    srv.clock().advance(idle - std::chrono::seconds{60});
    EXPECT_EQ(client.get("/api/v1/me").status, 200u) << "round " << i;
  }
  srv.clock().advance(idle);
  auto r = client.get("/api/v1/me");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"parix\"");
}

TEST_F(auth_api, a_session_ends_after_its_absolute_lifetime_even_when_active) {
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  const auto step = srv.cfg().sessions.idle_timeout / 2;
  auto lived = std::chrono::seconds{0};
  while (lived + step < srv.cfg().sessions.absolute_timeout) {
    srv.clock().advance(step);
    lived += step;
    ASSERT_EQ(client.get("/api/v1/me").status, 200u);
  }
  srv.clock().advance(step);
  EXPECT_EQ(client.get("/api/v1/me").status, 401u);
}

TEST_F(auth_api, logout_ends_the_session_and_clears_the_cookie) {
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  auto out = client.request(verb::post, "/api/v1/auth/logout");
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(client.get("/api/v1/me").status, 401u);
}

TEST_F(auth_api, the_session_cookie_authenticates_reads) {
  auto login = client.login("admin", test_password);
  const auto cookie = cookie_from(login);
  client.set_token(std::nullopt);
  auto me = client.get("/api/v1/me", {{"Cookie", "theme=dark; " + cookie}});
  EXPECT_EQ(me.status, 200u) << me.body;
}

TEST_F(auth_api, cookie_authenticated_writes_need_our_origin) {
  auto login = client.login("admin", test_password);
  const auto cookie = cookie_from(login);
  client.set_token(std::nullopt);
  const boost::json::value body = {{"current_password", test_password},
                                   {"new_password", "another-long-secret"}};
  auto none = client.send_json(verb::put, "/api/v1/me/password", body, {{"Cookie", cookie}});
  EXPECT_EQ(none.status, 403u);
  EXPECT_EQ(none.json().at("code").as_string(), "csrf_rejected");
  auto foreign = client.send_json(verb::put, "/api/v1/me/password", body,
                                  {{"Cookie", cookie}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403u);
  const std::string own = "https://127.0.0.1:" + std::to_string(srv.port());
  auto same = client.send_json(verb::put, "/api/v1/me/password", body,
                               {{"Cookie", cookie}, {"Origin", own}});
  EXPECT_EQ(same.status, 204u) << same.body;
}

TEST_F(auth_api, a_password_change_ends_every_session_of_the_user) {
  auto other = srv.client();
  ASSERT_EQ(other.login("admin", test_password).status, 200u);
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  auto weak = client.send_json(verb::put, "/api/v1/me/password",
                               {{"current_password", test_password}, {"new_password", "short"}});
  EXPECT_EQ(weak.status, 422u);
  EXPECT_EQ(weak.json().at("code").as_string(), "weak_password");
  auto wrong = client.send_json(
      verb::put, "/api/v1/me/password",
      {{"current_password", "nope-nope-nope"}, {"new_password", "another-long-secret"}});
  EXPECT_EQ(wrong.status, 403u);
  auto ok = client.send_json(
      verb::put, "/api/v1/me/password",
      {{"current_password", test_password}, {"new_password", "another-long-secret"}});
  ASSERT_EQ(ok.status, 204u) << ok.body;
  EXPECT_EQ(other.get("/api/v1/me").status, 401u);
  EXPECT_EQ(client.get("/api/v1/me").status, 401u);
  EXPECT_EQ(client.login("admin", "another-long-secret").status, 200u);
}

TEST_F(auth_api, api_tokens_authenticate_until_revoked) {
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  auto created = client.post_json("/api/v1/users/1/tokens", {{"name", "import script"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string token{created.json().at("token").as_string()};
  EXPECT_EQ(token.rfind("pxt_", 0), 0u);
  const auto id = created.json().at("id").as_int64();

  auto script = srv.client();
  script.set_token(token);
  auto me = script.get("/api/v1/me");
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.json().at("credential").as_string(), "api_token");

  auto listed = client.get("/api/v1/users/1/tokens");
  EXPECT_EQ(listed.json().at("tokens").as_array().size(), 1u);
  EXPECT_FALSE(listed.body.find(token) != std::string::npos) << "a token is shown only once";

  EXPECT_EQ(client.request(verb::delete_, "/api/v1/users/1/tokens/" + std::to_string(id)).status,
            204u);
  EXPECT_EQ(script.get("/api/v1/me").status, 401u);
}

TEST_F(auth_api, a_disabled_user_cannot_sign_in_or_use_an_open_session) {
  srv.add_user("thanhtra", "auditor");
  auto auditor = srv.client();
  ASSERT_EQ(auditor.login("thanhtra", test_password).status, 200u);
  ASSERT_EQ(client.login("admin", test_password).status, 200u);
  auto user = client.get("/api/v1/users/2");
  ASSERT_EQ(user.status, 200u);
  auto disabled = client.send_json(verb::patch, "/api/v1/users/2", {{"disabled", true}},
                                   {{"If-Match", user.header("etag")}});
  ASSERT_EQ(disabled.status, 200u) << disabled.body;
  EXPECT_EQ(auditor.get("/api/v1/me").status, 401u);
  EXPECT_EQ(auditor.login("thanhtra", test_password).status, 401u);
}

}  // namespace
}  // namespace parix::testing
