// The fuzz targets' shared environment.
#include "tests/fuzz/support/fuzz_support.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "server/cli/common.hpp"
#include "server/dispatch.hpp"
#include "storage/signing_key.hpp"
#include "storage/unit_records.hpp"
#include "workflow/shipped_criteria.hpp"

namespace parix::fuzz {

[[noreturn]] void harness_failure(const std::string& what) {
  std::fprintf(stderr, "fuzz harness: %s\n", what.c_str());
  std::abort();
}

input_file::input_file() {
  fd_ = ::memfd_create("parix-fuzz-input", MFD_CLOEXEC);
  if (fd_ < 0) harness_failure("memfd_create failed");
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

input_file::~input_file() {
  if (fd_ >= 0) ::close(fd_);
}

const std::filesystem::path& input_file::write(std::string_view content) {
  if (::ftruncate(fd_, 0) != 0) harness_failure("ftruncate failed");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n =
        ::pwrite(fd_, content.data() + done, content.size() - done, static_cast<off_t>(done));
    if (n <= 0) harness_failure("pwrite failed");
    done += static_cast<std::size_t>(n);
  }
  return path_;
}

std::pair<std::string_view, std::string_view> split(std::string_view input,
                                                    std::string_view separator) {
  auto at = input.find(separator);
  if (at == std::string_view::npos) return {input, {}};
  return {input.substr(0, at), input.substr(at + separator.size())};
}

namespace {

constexpr const char* password = "fuzz-password-2024";

struct fuzz_user {
  const char* name;
  const char* role;
  const char* unit;
};
constexpr fuzz_user users[] = {
    {"admin", "admin", nullptr},
    {"thuky", "secretariat", nullptr},
    {"stp.canbo", "agency_editor", "STP"},
    {"stp.giamdoc", "agency_head", "STP"},
    {"stc.giamdoc", "agency_head", "STC"},
    {"thamdinh", "appraiser", nullptr},
    {"hoidong", "council_member", nullptr},
    // The user whose account and password the fuzzer may change: nobody else's sessions end.
    {"khach", "auditor", nullptr},
};

}  // namespace

fuzz_app& fuzz_app::instance() {
  static fuzz_app app;
  return app;
}

fuzz_app::fuzz_app() : clock_(std::chrono::system_clock::now()) {
  char pattern[] = "/tmp/parix-fuzz-XXXXXX";
  if (!::mkdtemp(pattern)) harness_failure("mkdtemp failed");
  dir_ = pattern;
  server::config cfg = server::default_config(dir_);
  cfg.log.level = "critical";  // findings are crashes, not log lines
  cfg.log.file = dir_ / "parix.log";
  cfg.log.access_file = dir_ / "access.log";
  cfg.throttle.address_slow_after = 1'000'000;  // login attempts stay judged, not throttled
  cfg.throttle.address_lock_after = 2'000'000;
  cfg.throttle.slow_after = 1'000'000;
  cfg.throttle.lock_after = 2'000'000;
  server::resolve_defaults(cfg);
  storage::signing_key::create_if_missing(cfg.signing_key);
  server::cli::setup_logging(cfg.log);
  app_ = std::make_unique<server::application>(cfg, clock_);
  auto& s = app_->app();

  auth::actor setup;
  setup.username = "fuzz-setup";
  setup.role = auth::role::admin;
  const auto now = storage::to_millis(clock_.now());
  s.db.write([&](storage::connection& c) {
    storage::insert_unit(c, {0, "STP", "Sở Tư pháp", now});
    storage::insert_unit(c, {0, "STC", "Sở Tài chính", now});
  });
  for (const auto& u : users) {
    std::optional<std::string> unit;
    if (u.unit) unit = u.unit;
    if (!s.users.create(setup, {u.name, u.name, u.role, unit, password}))
      harness_failure(std::string{"cannot create user "} + u.name);
  }
  for (const auto& set : workflow::shipped_criteria_sets())
    if (!s.criteria.import(setup, set.csv))
      harness_failure("cannot import " + std::string{set.file});

  using namespace std::chrono_literals;
  workflow::campaign_spec spec;
  spec.year = 2024;
  spec.name = "Fuzz 2024";
  spec.self_deadline = clock_.now() + 24h * 30;
  spec.round1_end = clock_.now() + 24h * 60;
  spec.round2_end = clock_.now() + 24h * 75;
  spec.council_date = clock_.now() + 24h * 90;
  spec.groups = {{"departments", "Sở", "2024-departments", {"STP", "STC"}}};
  spec.assignments = {{"thamdinh", std::nullopt, std::string{"STP"}},
                      {"thamdinh", std::nullopt, std::string{"STC"}}};
  spec.council = {"hoidong"};
  auto campaign = s.campaigns.create(setup, spec);
  if (!campaign) harness_failure("cannot create the campaign");
  campaign_id_ = campaign->campaign.id;
  s.db.read([&](storage::connection& c) {
    c.query("SELECT u.code, a.id FROM assessments a JOIN units u ON u.id = a.unit_id", {},
            [&](const storage::row& r) {
              (r.text(0) == "STP" ? stp_assessment_ : stc_assessment_) = r.integer(1);
            });
    c.query("SELECT id FROM users WHERE username = 'khach'", {},
            [&](const storage::row& r) { guest_id_ = r.integer(0); });
  });
  for (const auto& u : users) {
    auto login = s.sessions.login(u.name, password, "127.0.0.1");
    if (!login) harness_failure(std::string{"cannot sign in "} + u.name);
    tokens_[u.name] = login->token;
  }
}

fuzz_app::~fuzz_app() {
  app_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

fuzz_app::result fuzz_app::call(server::http::verb method, const std::string& target,
                                const std::string& user,
                                const std::map<std::string, std::string>& headers,
                                std::string body) {
  using namespace server;
  request req{method, target, 11};
  req.set(http::field::host, "localhost");
  if (!user.empty()) req.set(http::field::authorization, "Bearer " + tokens_.at(user));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();

  routed route = route_request(app_->routes(), method, req.target());
  response res;
  std::string who;
  if (route.error) {
    res = to_problem(*route.error, language::en, 11, true, std::string{req.target()}, "fuzz");
  } else if (route.match.found->stream) {
    std::optional<response> refusal;
    auto sink =
        begin_stream(app_->app(), req, route, "127.0.0.1", "fuzz", language::en, who, refusal);
    if (!sink) {
      res = std::move(*refusal);
    } else {
      const request_info info{language::en, 11, false, std::string{req.target()}, "fuzz"};
      std::optional<response> early;
      res = guarded(info, [&] {
        early = sink->write({req.body().data(), req.body().size()});
        return early ? std::move(*early) : sink->finish(true);
      });
    }
  } else {
    res = handle_request(app_->app(), req, route, "127.0.0.1", "fuzz", language::en, who);
  }
  // PARIX_FUZZ_VERBOSE=1 shows what each input got, to see that the seeds reach handlers.
  static const bool verbose = std::getenv("PARIX_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s %s -> %u %.300s\n", std::string{to_string(method)}.c_str(),
                 target.c_str(), res.result_int(), res.body().c_str());
  if (res.result_int() == 500)
    harness_failure("500 for " + std::string{to_string(method)} + " " + target + ": " + res.body());
  return {res.result_int(), res.body()};
}

}  // namespace parix::fuzz
