// Pure auth rules: throttling, the role table, passwords and usernames.
#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <vector>

#include "auth/login_reservations.hpp"
#include "auth/password.hpp"
#include "auth/role.hpp"
#include "auth/throttle.hpp"
#include "auth/token.hpp"
#include "auth/users.hpp"

namespace parix::auth {
namespace {

using namespace std::chrono_literals;
const time_point t0 = std::chrono::system_clock::time_point{std::chrono::hours{24 * 20000}};

TEST(throttle, delays_double_after_a_few_failures_then_the_account_locks) {
  throttle_config c;
  const auto rule = account_rule(c);
  std::optional<storage::throttle_record> r;
  auto now = t0;
  for (int i = 1; i < c.slow_after; ++i) {
    r = after_failure(r, "user:a", now, c, rule);
    EXPECT_EQ(blocked_until(r, now, c, rule), std::nullopt) << "failure " << i;
  }
  r = after_failure(r, "user:a", now, c, rule);  // failure slow_after
  EXPECT_EQ(blocked_until(r, now, c, rule), now + c.base_delay);
  now += c.base_delay;
  EXPECT_EQ(blocked_until(r, now, c, rule), std::nullopt);
  r = after_failure(r, "user:a", now, c, rule);
  EXPECT_EQ(blocked_until(r, now, c, rule), now + 2 * c.base_delay);
  while (r->failures < c.lock_after) {
    now += c.max_delay;
    r = after_failure(r, "user:a", now, c, rule);
  }
  ASSERT_TRUE(r->locked_until);
  EXPECT_EQ(blocked_until(r, now, c, rule), now + c.lock_for);
  EXPECT_EQ(blocked_until(r, now + c.lock_for, c, rule), std::nullopt);
}

TEST(throttle, delays_never_exceed_the_maximum) {
  throttle_config c;
  c.lock_after = 1000;
  std::optional<storage::throttle_record> r;
  for (int i = 0; i < 40; ++i) r = after_failure(r, "user:a", t0, c, account_rule(c));
  EXPECT_EQ(blocked_until(r, t0, c, account_rule(c)), t0 + c.max_delay);
}

TEST(throttle, quiet_time_forgets_old_failures) {
  throttle_config c;
  std::optional<storage::throttle_record> r;
  for (int i = 0; i < c.slow_after; ++i) r = after_failure(r, "user:a", t0, c, account_rule(c));
  const auto later = t0 + c.forget_after;
  EXPECT_EQ(blocked_until(r, later, c, account_rule(c)), std::nullopt);
  EXPECT_EQ(after_failure(r, "user:a", later, c, account_rule(c)).failures, 1);
}

TEST(throttle, an_address_is_throttled_only_far_above_an_account) {
  throttle_config c;
  EXPECT_GE(c.address_slow_after, 10 * c.slow_after);
  EXPECT_GE(c.address_lock_after, 10 * c.lock_after);
  std::optional<storage::throttle_record> r;
  for (int i = 0; i < c.address_slow_after - 1; ++i)
    r = after_failure(r, "addr:10.0.0.1", t0, c, address_rule(c));
  EXPECT_EQ(blocked_until(r, t0, c, address_rule(c)), std::nullopt);
  r = after_failure(r, "addr:10.0.0.1", t0, c, address_rule(c));
  EXPECT_EQ(blocked_until(r, t0, c, address_rule(c)), t0 + c.base_delay);
}

TEST(throttle, attempts_in_flight_count_as_failures_only_for_letting_more_through) {
  throttle_config c;
  const auto rule = account_rule(c);
  std::optional<storage::throttle_record> r;
  EXPECT_EQ(with_pending(r, "user:a", 0, t0, c, rule), std::nullopt);
  for (int pending = 0; pending < c.slow_after; ++pending)
    EXPECT_EQ(blocked_until(with_pending(r, "user:a", pending, t0, c, rule), t0, c, rule),
              std::nullopt)
        << pending << " in flight";
  EXPECT_EQ(blocked_until(with_pending(r, "user:a", c.slow_after, t0, c, rule), t0, c, rule),
            t0 + c.base_delay)
      << "the rule's allowance is in flight";
  r = after_failure(r, "user:a", t0, c, rule);
  EXPECT_TRUE(blocked_until(with_pending(r, "user:a", c.slow_after - 1, t0, c, rule), t0, c, rule))
      << "stored failures and attempts in flight add up";
  const auto locked = with_pending(r, "user:a", c.lock_after - 1, t0, c, rule);
  ASSERT_TRUE(locked);
  EXPECT_TRUE(locked->locked_until);
}

TEST(login_reservations, a_ticket_counts_under_every_key_until_it_is_given_back) {
  login_reservations table;
  std::uint64_t generation = 0;
  std::vector<int> seen;
  auto admit_all = [&](const std::vector<int>& pending) {
    seen = pending;
    return true;
  };
  auto first = table.try_take({"user:a", "addr:x"}, admit_all, &generation);
  ASSERT_TRUE(first);
  EXPECT_EQ(seen, (std::vector<int>{0, 0}));
  {
    auto second = table.try_take({"user:a", "addr:y"}, admit_all, nullptr);
    ASSERT_TRUE(second);
    EXPECT_EQ(seen, (std::vector<int>{1, 0}));
    EXPECT_EQ(table.pending("user:a"), 2);
  }
  EXPECT_EQ(table.pending("user:a"), 1) << "given back when the ticket ends";
  EXPECT_EQ(table.pending("addr:y"), 0);
  EXPECT_FALSE(table.try_take(
      {"user:a"}, [](const std::vector<int>&) { return false; }, nullptr))
      << "refused: nothing counted";
  EXPECT_EQ(table.pending("user:a"), 1);
  EXPECT_TRUE(table.wait_for_release(generation, std::chrono::steady_clock::now()))
      << "a release after the generation was read is seen";
  std::uint64_t now_generation = 0;
  table.try_take(
      {"user:a"}, [](const std::vector<int>&) { return false; }, &now_generation);
  EXPECT_FALSE(table.wait_for_release(now_generation, std::chrono::steady_clock::now()));
  auto waiter = std::async(std::launch::async, [&] {
    return table.wait_for_release(now_generation,
                                  std::chrono::steady_clock::now() + std::chrono::minutes{5});
  });
  first->release();
  EXPECT_TRUE(waiter.get()) << "a waiter wakes when a reservation is given back";
  EXPECT_EQ(table.pending("user:a"), 0);
  EXPECT_EQ(table.pending("addr:x"), 0);
}

TEST(throttle, account_keys_ignore_case) {
  EXPECT_EQ(account_key("Admin"), account_key("admin"));
}

TEST(roles, each_role_holds_exactly_its_permissions) {
  using enum permission;
  EXPECT_TRUE(has_permission(role::admin, manage_users));
  EXPECT_FALSE(has_permission(role::secretariat, manage_users));
  EXPECT_TRUE(has_permission(role::secretariat, publish));
  EXPECT_TRUE(has_permission(role::agency_head, submit_assessment));
  EXPECT_FALSE(has_permission(role::agency_editor, submit_assessment));
  EXPECT_TRUE(has_permission(role::appraiser, appraise));
  EXPECT_FALSE(has_permission(role::appraiser, vote));
  EXPECT_TRUE(has_permission(role::council_member, vote));
  EXPECT_TRUE(has_permission(role::auditor, read_audit));
  EXPECT_FALSE(has_permission(role::auditor, appraise));
  for (role r : all_roles) {
    EXPECT_TRUE(has_permission(r, public_access));
    EXPECT_TRUE(has_permission(r, authenticated));
    EXPECT_EQ(parse_role(to_string(r)), r);
  }
  EXPECT_EQ(parse_role("emperor"), std::nullopt);
  EXPECT_TRUE(needs_unit(role::agency_editor));
  EXPECT_FALSE(needs_unit(role::appraiser));
}

TEST(passwords, hashes_are_argon2id_phc_strings_that_verify) {
  password_hasher h{password_config{}};
  auto phc = h.hash("mot-mat-khau-dai");
  ASSERT_TRUE(phc);
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *phc;
  EXPECT_NE(*h.hash("mot-mat-khau-dai"), *phc) << "a fresh salt each time";
  EXPECT_TRUE(*h.verify(*phc, "mot-mat-khau-dai"));
  EXPECT_FALSE(*h.verify(*phc, "mot-mat-khau-dai!"));
  EXPECT_FALSE(*h.verify("not a hash", "x"));
}

TEST(passwords, policy_wants_length_and_no_username_inside) {
  password_hasher h{password_config{}};
  EXPECT_TRUE(h.check_policy("thanhtra", "mot-mat-khau-dai"));
  EXPECT_EQ(h.check_policy("thanhtra", "short").error(), errc::weak_password);
  EXPECT_EQ(h.check_policy("thanhtra", "my-THANHTRA-pass").error(), errc::weak_password);
  EXPECT_EQ(h.check_policy("x", std::string(2000, 'a')).error(), errc::weak_password);
}

TEST(passwords, hashing_at_once_is_bounded) {
  password_config c;
  c.max_concurrent = 1;
  c.memory_kib = 256 * 1024;  // slow enough that the second caller must wait
  c.queue_timeout = 1ms;
  password_hasher h{c};
  // Three callers released at once: one takes the only slot for a hash of 256 MiB,
  // the others give up after 1 ms.
  constexpr int callers = 3;
  std::latch start{callers};
  std::vector<std::future<result<std::string>>> hashes;
  for (int i = 0; i < callers; ++i)
    hashes.push_back(std::async(std::launch::async, [&] {
      start.arrive_and_wait();
      return h.hash("mot-mat-khau-dai");
    }));
  int hashed = 0, busy = 0;
  for (auto& f : hashes) {
    auto r = f.get();
    if (r)
      ++hashed;
    else if (r.error() == errc::busy)
      ++busy;
  }
  EXPECT_GE(hashed, 1);
  EXPECT_GE(busy, 1) << "a second hash ran while the only slot was taken";
  EXPECT_EQ(hashed + busy, callers);
}

TEST(tokens, secrets_are_256_bit_base64url_and_distinct) {
  auto a = new_secret(), b = new_secret();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(token_hash(a).size(), 32u);
}

TEST(usernames, only_plain_lower_case_names_are_valid) {
  for (auto ok : {"admin", "stp.canbo", "hoidong.1", "a_b-c"})
    EXPECT_TRUE(valid_username(ok)) << ok;
  const std::string too_long(65, 'a');
  for (std::string_view bad :
       {std::string_view{""}, std::string_view{"ab"}, std::string_view{"Admin"},
        std::string_view{".admin"}, std::string_view{"a b"}, std::string_view{"quản.trị"},
        std::string_view{too_long}})
    EXPECT_FALSE(valid_username(bad)) << bad;
}

}  // namespace
}  // namespace parix::auth
