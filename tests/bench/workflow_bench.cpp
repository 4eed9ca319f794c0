// Workflow benchmark (not a test): durable, audited score writes per second over
// HTTPS on loopback, the ranking of a large campaign read from the database, and every
// report of that campaign as JSON and XLSX.
// Run by tests/bench/workflow_bench.sh, which prints the sqlite3 reference beside it.
#include <sys/resource.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "storage/assessment_records.hpp"
#include "storage/campaign_records.hpp"
#include "storage/signing_key.hpp"
#include "storage/unit_records.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/reports/report_formats.hpp"
#include "workflow/shipped_criteria.hpp"
#include "workflow/time_text.hpp"

using namespace parix;
using namespace std::chrono_literals;
using server::http::verb;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// User and system CPU time of the whole process so far.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// A campaign over `units` units of the departments set; returns the assessment ids.
std::vector<std::int64_t> make_campaign(testing::test_server& srv, testing::https_client& thuky,
                                        int units, const std::string& prefix) {
  boost::json::array codes;
  for (int i = 0; i < units; ++i) {
    const auto code = prefix + std::to_string(i);
    srv.add_unit(code, "Đơn vị " + code);
    codes.push_back(boost::json::value(code));
  }
  const auto now = srv.clock().now();
  auto iso = [](auto t) { return workflow::format_time(t, "UTC"); };
  auto r = thuky.post_json(
      "/api/v1/campaigns",
      {{"year", 2024},
       {"name", "bench " + prefix},
       {"schedule",
        {{"self_deadline", iso(now + 240h)},
         {"round1_end", iso(now + 480h)},
         {"round2_end", iso(now + 720h)},
         {"council_date", iso(now + 960h)}}},
       {"groups",
        boost::json::array{
            {{"key", "A"}, {"name", "A"}, {"criteria_set", "2024-districts"}, {"units", codes}}}}});
  if (r.status != 201) throw std::runtime_error("campaign: " + r.body);
  std::vector<std::int64_t> ids;
  auto j = r.json();
  for (const auto& a : j.at("groups").as_array()[0].at("assessments").as_array())
    ids.push_back(a.at("assessment").as_int64());
  return ids;
}

// Every report of the campaign, read and written in-process as JSON and as XLSX, best
// of 3; beside the reference: the sqlite3 tool writing the leaf values those reports
// read as CSV to /dev/null (the bare cost of the data). Year over year reads two
// campaigns of 12,000 files; here the campaign is named its own predecessor (possible
// only through storage: the API wants an earlier year), so that every unit is matched
// and every change computed.
void time_reports(server::application& app, std::int64_t campaign_id) {
  const auto db_file = app.cfg().database.string();
  const std::string reference_sql =
      "SELECT l.assessment_id, l.code, l.self_score, l.round1_score, l.round2_score, "
      "l.imported_score, l.round1_remark, l.round2_remark FROM leaf_values l JOIN assessments a "
      "ON a.id = l.assessment_id WHERE a.campaign_id = " +
      std::to_string(campaign_id);
  double reference = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto t = std::chrono::steady_clock::now();
    if (std::system(
            ("sqlite3 -csv " + db_file + " \"" + reference_sql + "\" > /dev/null").c_str()) != 0)
      throw std::runtime_error("sqlite3 failed");
    reference = std::min(reference, seconds_since(t));
  }
  const auto values = app.db().read_result([&](storage::connection& c) {
    std::int64_t n = 0;
    c.query(
        "SELECT count(*) FROM leaf_values l JOIN assessments a ON a.id = l.assessment_id "
        "WHERE a.campaign_id = ?",
        {campaign_id}, [&](const storage::row& r) { n = r.integer(0); });
    return n;
  });
  std::cout << "reference: sqlite3 -csv of the campaign's " << values << " leaf values: best of 3 "
            << reference << " s\n";
  auth::actor auditor;
  auditor.username = "bench";
  auditor.role = auth::role::auditor;
  auto& reports = app.app().reports;
  // PARIX_BENCH_REPORTS="below-maximum:json ranking": only these reports (and formats).
  const std::string only =
      std::getenv("PARIX_BENCH_REPORTS") ? std::getenv("PARIX_BENCH_REPORTS") : "";
  auto time_report = [&](const std::string& name, auto make) {
    for (auto format : {workflow::report_format::json, workflow::report_format::xlsx}) {
      const auto with_format = name + ":" + std::string{workflow::to_string(format)};
      const auto listed = " " + only + " ";
      if (!only.empty() && listed.find(" " + name + " ") == std::string::npos &&
          listed.find(" " + with_format + " ") == std::string::npos)
        continue;
      double fastest = 1e9;
      std::size_t bytes = 0;
      for (int run = 0; run < 3; ++run) {
        const auto t = std::chrono::steady_clock::now();
        auto r = make();
        if (!r) throw std::runtime_error(name + ": " + r.error().message());
        bytes = workflow::render_report(*r, format).bytes.size();
        fastest = std::min(fastest, seconds_since(t));
      }
      std::cout << "report " << name << " as " << workflow::to_string(format) << " ("
                << bytes / 1024 << " KiB): best of 3 " << fastest << " s, " << fastest / reference
                << " x the reference\n";
    }
  };
  time_report("ranking", [&] { return reports.ranking(&auditor, campaign_id); });
  time_report("components", [&] { return reports.components(&auditor, campaign_id); });
  time_report("below-maximum", [&] { return reports.below_maximum(auditor, campaign_id); });
  time_report("unit", [&] { return reports.unit(auditor, campaign_id, "R0"); });
  app.db().write([&](storage::connection& c) {
    storage::set_campaign_predecessor(c, campaign_id, campaign_id);
  });
  time_report("year-over-year", [&] { return reports.year_over_year(auditor, campaign_id); });
}

// The reports of the campaign "bench R" kept in a database file by an earlier run,
// without a server.
int time_reports_of_kept(const std::filesystem::path& db_file) {
  testing::temp_dir dir;
  auto cfg = testing::test_config(dir.path());
  cfg.log.level = "warn";
  cfg.database = db_file;
  server::resolve_defaults(cfg);
  storage::signing_key::create_if_missing(cfg.signing_key);
  auth::manual_clock clock{std::chrono::system_clock::now()};
  server::application app{cfg, clock};
  std::optional<std::int64_t> campaign_id;
  app.db().read([&](storage::connection& c) {
    for (const auto& campaign : storage::list_campaigns(c))
      if (campaign.name == "bench R") campaign_id = campaign.id;
  });
  if (!campaign_id) throw std::runtime_error("no campaign \"bench R\" in " + db_file.string());
  std::cout << "reports of the campaign kept in " << db_file.string() << "\n";
  time_reports(app, *campaign_id);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // --reports-only: skip the score writes and the ranking timings, time the reports only.
  std::vector<std::string> args{argv + 1, argv + argc};
  const bool reports_only = std::erase(args, "--reports-only") > 0;
  const int units = !args.empty() ? std::atoi(args[0].c_str()) : 30;
  const int ranking_files = args.size() > 1 ? std::atoi(args[1].c_str()) : 12000;
  // PARIX_BENCH_DB: a database file to keep the 12,000-file campaign in; made by the first
  // run, reused (reports only, no server) by the next ones.
  const char* kept = std::getenv("PARIX_BENCH_DB");
  const char* port = std::getenv("PARIX_BENCH_PORT");
  if (kept && std::filesystem::exists(kept)) return time_reports_of_kept(kept);
  testing::test_server srv{[&](server::config& c) {
    c.log.level = "warn";
    c.limits.network_threads = 0;
    c.limits.worker_threads = 0;
    // PARIX_BENCH_WRITE_THREADS: limits.write_threads (default 0: four per core, at least 16).
    if (const char* n = std::getenv("PARIX_BENCH_WRITE_THREADS"))
      c.limits.write_threads = std::atoi(n);
    if (kept) c.database = kept;
    if (port) c.listen.port = static_cast<unsigned short>(std::atoi(port));
    server::resolve_defaults(c);
  }};
  srv.add_user("thuky", "secretariat");
  auto thuky = srv.client();
  thuky.login("thuky", testing::test_password);
  for (const auto& s : workflow::shipped_criteria_sets())
    thuky.request(verb::post, "/api/v1/criteria-sets", std::string{s.csv},
                  {{"Content-Type", "text/csv"}});

  // 1. Score writes: one agency editor per unit, all units at once, every self leaf.
  std::atomic<int> ok{0}, failed{0};
  if (!reports_only) {
    auto ids = make_campaign(srv, thuky, units, "W");
    std::vector<std::string> leaves;
    {
      auto view = thuky.get("/api/v1/assessments/" + std::to_string(ids[0])).json();
      for (const auto& l : view.at("leaves").as_array())
        if (l.at("method").as_string() == "self") leaves.emplace_back(l.at("code").as_string());
    }
    for (int i = 0; i < units; ++i)
      srv.add_user("writer." + std::to_string(i), "agency_editor", "W" + std::to_string(i));
    // Every writer signs in before the clock starts: 30 Argon2id sign-ins take about a
    // second of both cores, which is not what this figure is about.
    std::vector<testing::https_client> clients;
    for (int i = 0; i < units; ++i) {
      clients.push_back(srv.client());
      clients.back().login("writer." + std::to_string(i), testing::test_password);
    }
    // PARIX_BENCH_PASSES: each writer edits every leaf this many times (the explanation
    // changes each pass, so every write is a real, audited change), for a run long enough
    // to measure.
    const int passes =
        std::getenv("PARIX_BENCH_PASSES") ? std::atoi(std::getenv("PARIX_BENCH_PASSES")) : 8;
    const auto& stats = srv.app().db().stats();
    const auto commits_before = stats.commits.load(),
               transactions_before = stats.transactions.load(), syncs_before = stats.syncs.load();
    const double cpu_before = process_cpu_seconds();
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> writers;
    for (int i = 0; i < units; ++i)
      writers.emplace_back([&, i] {
        auto& client = clients[static_cast<std::size_t>(i)];
        for (int pass = 0; pass < passes; ++pass)
          for (const auto& code : leaves) {
            auto r = client.send_json(
                verb::patch, "/api/v1/assessments/" + std::to_string(ids[i]) + "/leaves/" + code,
                {{"self_score", "0"},
                 {"self_explanation", "tự đánh giá lần " + std::to_string(pass)}},
                {{"If-Match", "\"v" + std::to_string(pass) + "\""}});
            (r.status == 200 ? ok : failed) += 1;
          }
      });
    for (auto& t : writers) t.join();
    const double write_seconds = seconds_since(started);
    const double cpu = process_cpu_seconds() - cpu_before;
    // The clients run in this process too: the CPU share is theirs and the server's.
    std::cout << "score writes over HTTPS: " << units << " units x " << leaves.size()
              << " self leaves x " << passes << " passes = " << ok.load()
              << " durable audited writes (" << failed.load() << " failed) in " << write_seconds
              << " s: " << static_cast<long>(ok / write_seconds) << " writes/s; "
              << stats.commits.load() - commits_before << " commits for "
              << stats.transactions.load() - transactions_before << " transactions, "
              << stats.syncs.load() - syncs_before << " log syncs; process CPU "
              << static_cast<int>(100 * cpu / write_seconds)
              << " % of one core (clients and server), "
              << static_cast<int>(1e6 * cpu / std::max(1, ok.load())) << " µs per write\n";
  }

  // 2. Ranking of a large campaign: files and leaf values written straight to the database.
  auto big = make_campaign(srv, thuky, ranking_files, "R");
  std::vector<std::string> all_leaves;
  {
    auto view = thuky.get("/api/v1/assessments/" + std::to_string(big[0])).json();
    for (const auto& l : view.at("leaves").as_array())
      all_leaves.emplace_back(l.at("code").as_string());
  }
  srv.app().db().write([&](storage::connection& c) {
    std::int64_t n = 0;
    for (auto id : big)
      for (const auto& code : all_leaves) {
        storage::leaf_value_record v;
        v.assessment_id = id;
        v.code = code;
        v.round1_score = (id * 7 + static_cast<std::int64_t>(code.size()) * 13 + n++) % 2500;
        v.updated_at = 0;
        storage::save_leaf_value(c, v);
      }
  });
  const auto campaign_id = srv.app().db().read_result(
      [&](storage::connection& c) { return storage::find_assessment(c, big[0])->campaign_id; });
  if (!reports_only) {
    double best = 1e9;
    auth::actor secretariat;
    secretariat.role = auth::role::secretariat;
    for (int run = 0; run < 3; ++run) {
      const auto t = std::chrono::steady_clock::now();
      auto r = srv.app().app().assessments.ranking(secretariat, campaign_id);
      const double s = seconds_since(t);
      if (!r || r->at("A").rows.size() != big.size()) throw std::runtime_error("ranking failed");
      best = std::min(best, s);
    }
    std::cout << "ranking from the database: " << big.size() << " files x " << all_leaves.size()
              << " leaves: best of 3 " << best << " s\n";
    auto http = std::chrono::steady_clock::now();
    auto reply = thuky.get("/api/v1/campaigns/" + std::to_string(campaign_id) + "/ranking");
    std::cout << "the same over HTTPS (GET /ranking, " << reply.body.size() / 1024
              << " KiB): " << seconds_since(http) << " s\n";
  }

  // 3. Every report of the same campaign (issue 14).
  time_reports(srv.app(), campaign_id);
  for (const auto* report : {"ranking", "below-maximum"}) {
    const auto t = std::chrono::steady_clock::now();
    auto r = thuky.get("/api/v1/campaigns/" + std::to_string(campaign_id) + "/reports/" + report +
                       "?format=xlsx");
    std::cout << "GET …/reports/" << report << "?format=xlsx over HTTPS (" << r.body.size() / 1024
              << " KiB, status " << r.status << "): " << seconds_since(t) << " s\n";
  }
  return failed == 0 ? 0 : 1;
}
