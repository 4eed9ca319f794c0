// Deadline day (issue 11; not a test): many agency users, each with its own session,
// save scores and upload evidence in the last minutes before a real self-assessment
// deadline, and keep going while it passes. Run by tests/bench/deadline_bench.sh against
// the parix binary it started, whose data folder holds `units` units named D000, D001, …
//   usage: parix_deadline_bench PORT DATA_DIR USERS UNITS LEAD_SECONDS
// Prints p50/p99/max latency and the errors of each route, then checks the outcome:
//   - every write acknowledged (2xx) was committed before the deadline (its audit entry's
//     time) and is in the database afterwards (the leaf's value; the file, sealed);
//   - every edit or attachment refused after the deadline got 409 deadline_passed with
//     the deadline in its body, and nothing else was refused;
//   - every file was submitted by the clock with all its drafts sealed (nothing half-done).
// Exit 1 when a check fails.
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/support/evidence_support.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/workload.hpp"
#include "workflow/time_text.hpp"

using namespace parix::testing;
using parix::server::http::verb;
using clock_type = std::chrono::system_clock;

namespace {

constexpr const char* password = "ChiSoCCHC-2024";

struct sample {
  std::string route;
  double ms = 0;
  unsigned status = 0;
  std::string code;             // problem code when not 2xx
  bool after_deadline = false;  // answered after the deadline
  double start_s = 0;           // sent at this many seconds from the deadline (< 0: before)
};

struct acked_edit {
  std::int64_t assessment;
  std::string leaf, value;
  std::int64_t version;
};
struct acked_file {
  std::int64_t assessment, id;
};

std::mutex results_mutex;
std::vector<sample> samples;
std::map<std::pair<std::int64_t, std::string>, acked_edit> last_edit;  // per leaf
std::vector<acked_file> files;
std::vector<std::string>
    wrong;  // refusals that are not deadline_passed, bodies missing the deadline

std::string sql(const std::string& db, const std::string& q) {
  auto r = run_command("sqlite3 " + db + " \"" + q + "\"");
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  return r.output;
}

std::string code_of(const reply& r) {
  try {
    return std::string{r.json().at("code").as_string()};
  } catch (...) {
    return "";
  }
}

// One agency user: edits its own leaves and attaches evidence until `until`.
// leaves: code → maximum (a score is 0 or the maximum, both always valid).
void agency_user(unsigned short port, const std::string& name, std::int64_t assessment,
                 std::vector<std::pair<std::string, std::string>> leaves,
                 clock_type::time_point deadline, clock_type::time_point until,
                 std::uint64_t seed) {
  std::mt19937_64 rng{seed};
  https_client c{port};
  auto timed = [&](const std::string& route, auto&& call) {
    const auto t0 = std::chrono::steady_clock::now();
    const double start_s = std::chrono::duration<double>(clock_type::now() - deadline).count();
    reply r = call();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const bool late = clock_type::now() > deadline;
    std::lock_guard lock{results_mutex};
    samples.push_back({route, ms, r.status, r.status >= 300 ? code_of(r) : "", late, start_s});
    return r;
  };
  // Like a client: a 503 with Retry-After is tried again (the time includes the waits).
  auto login = timed("POST /auth/login", [&] { return sign_in(c, name, password); });
  if (login.status != 200) return;
  std::map<std::string, std::int64_t> versions;
  std::uniform_int_distribution<int> think(100, 600);
  while (clock_type::now() < until) {
    const auto& [leaf, max] = leaves[rng() % leaves.size()];
    const bool upload = rng() % 4 == 0;
    if (!upload) {
      const std::string value = rng() % 2 ? max : "0";
      auto r = timed("PATCH /assessments/{id}/leaves/{code}", [&] {
        return c.send_json(
            verb::patch, "/api/v1/assessments/" + std::to_string(assessment) + "/leaves/" + leaf,
            {{"self_score", value}}, {{"If-Match", "\"v" + std::to_string(versions[leaf]) + "\""}});
      });
      std::lock_guard lock{results_mutex};
      if (r.status == 200) {
        const auto j = r.json();
        const auto& l = j.as_object().contains("leaf") ? j.at("leaf") : j;
        versions[leaf] = l.at("version").as_int64();
        last_edit[{assessment, leaf}] = {
            assessment, leaf, std::string{l.at("self_score").as_string()}, versions[leaf]};
      } else if (r.status == 412) {
        // Another session's write won (a previous attempt of ours timed out): read it.
        auto view = c.get("/api/v1/assessments/" + std::to_string(assessment));
        if (view.status == 200) {
          const auto json = view.json();
          for (const auto& l : json.at("leaves").as_array())
            if (l.at("code").as_string() == leaf) versions[leaf] = l.at("version").as_int64();
        }
      } else if (r.status != 409 || code_of(r) != "deadline_passed" ||
                 r.body.find("\"deadline\"") == std::string::npos) {
        wrong.push_back(name + " edit " + leaf + ": " + std::to_string(r.status) + " " + r.body);
      }
    } else {
      std::string bytes = pdf_bytes(name);
      bytes.resize(64 * 1024 + rng() % (448 * 1024), 'x');
      auto created = timed("POST /uploads", [&] {
        return tus_create(c, "Tài liệu " + name + ".pdf", static_cast<std::int64_t>(bytes.size()),
                          sha256_hex(bytes));
      });
      if (created.status != 201) {
        std::lock_guard lock{results_mutex};
        wrong.push_back(name + " upload create: " + std::to_string(created.status) + " " +
                        created.body);
        continue;
      }
      const auto id = upload_id_of(created);
      auto patched = timed("PATCH /uploads/{id}", [&] { return tus_patch(c, id, 0, bytes); });
      if (patched.status != 204) {
        std::lock_guard lock{results_mutex};
        wrong.push_back(name + " upload patch: " + std::to_string(patched.status) + " " +
                        patched.body);
        continue;
      }
      auto attached = timed("POST /assessments/{id}/leaves/{code}/evidence", [&] {
        return c.post_json(
            "/api/v1/assessments/" + std::to_string(assessment) + "/leaves/" + leaf + "/evidence",
            {{"upload_id", id}});
      });
      std::lock_guard lock{results_mutex};
      if (attached.status == 201 || attached.status == 200)
        files.push_back({assessment, attached.json().at("id").as_int64()});
      else if (attached.status != 409 || code_of(attached) != "deadline_passed")
        wrong.push_back(name + " attach: " + std::to_string(attached.status) + " " + attached.body);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(think(rng)));
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: parix_deadline_bench PORT DATA_DIR USERS UNITS LEAD_SECONDS\n";
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  const std::string data = argv[2], db = data + "/parix.db";
  const int users = std::stoi(argv[3]), units = std::stoi(argv[4]);
  const int lead = std::stoi(argv[5]);

  // Set-up: users per unit, a campaign whose deadline is `lead` seconds away.
  https_client admin{port};
  if (admin.login("admin", password).status != 200) return 1;
  std::vector<std::pair<std::string, std::string>> people;  // name, unit
  for (int i = 0; i < users; ++i) {
    char unit[16];
    std::snprintf(unit, sizeof unit, "D%03d", i % units);
    const std::string name = "nv" + std::to_string(i);
    auto r = admin.post_json("/api/v1/users", {{"username", name},
                                               {"display_name", "Cán bộ " + std::to_string(i)},
                                               {"role", "agency_editor"},
                                               {"unit", unit},
                                               {"password", password}});
    if (r.status != 201) {
      std::cerr << "create " << name << ": " << r.status << " " << r.body << "\n";
      return 1;
    }
    people.emplace_back(name, unit);
  }
  https_client thuky{port};
  if (thuky.login("thuky", password).status != 200) return 1;
  boost::json::array codes;
  for (int u = 0; u < units; ++u) {
    char unit[16];
    std::snprintf(unit, sizeof unit, "D%03d", u);
    codes.push_back(boost::json::string(unit));
  }
  const auto start = clock_type::now();
  const auto deadline =
      std::chrono::floor<std::chrono::seconds>(start + std::chrono::seconds{lead});
  auto iso = [](clock_type::time_point t) { return parix::workflow::format_time(t, "UTC"); };
  auto campaign = thuky.post_json(
      "/api/v1/campaigns", {{"year", 2025},
                            {"name", "Ngày hết hạn"},
                            {"schedule",
                             {{"self_deadline", iso(deadline)},
                              {"round1_end", iso(deadline + std::chrono::hours{24 * 30})},
                              {"round2_end", iso(deadline + std::chrono::hours{24 * 60})},
                              {"council_date", iso(deadline + std::chrono::hours{24 * 90})}}},
                            {"groups", boost::json::array{{{"key", "sở"},
                                                           {"name", "Sở, ban, ngành"},
                                                           {"criteria_set", "2024-departments"},
                                                           {"units", codes}}}}});
  if (campaign.status != 201) {
    std::cerr << "campaign: " << campaign.status << " " << campaign.body << "\n";
    return 1;
  }
  const auto created = campaign.json();
  const auto campaign_id = created.at("id").as_int64();
  std::map<std::string, std::int64_t> assessment;
  for (const auto& g : created.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      assessment[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  std::vector<std::pair<std::string, std::string>> leaves;
  {
    auto view = thuky.get("/api/v1/assessments/" + std::to_string(assessment.begin()->second));
    const auto json = view.json();  // the loop below must not range over a temporary's member
    for (const auto& l : json.at("leaves").as_array())
      if (l.at("method").as_string() == "self")
        leaves.emplace_back(std::string{l.at("code").as_string()},
                            std::string{l.at("max").as_string()});
  }
  std::cout
      << "set-up: " << users << " users over " << units << " units, " << leaves.size()
      << " self-scored leaves each; deadline " << iso(deadline) << ", "
      << std::chrono::duration_cast<std::chrono::seconds>(deadline - clock_type::now()).count()
      << " s from now\n"
      << std::flush;

  // The load: each user owns every users_per_unit-th leaf of its unit's file.
  const int per_unit = (users + units - 1) / units;
  const auto until = deadline + std::chrono::seconds{10};
  std::vector<std::thread> threads;
  for (int i = 0; i < users; ++i) {
    const auto& [name, unit] = people[i];
    std::vector<std::pair<std::string, std::string>> mine;
    for (std::size_t k = static_cast<std::size_t>(i / units); k < leaves.size();
         k += static_cast<std::size_t>(per_unit))
      mine.push_back(leaves[k]);
    if (mine.empty()) mine.push_back(leaves.front());
    threads.emplace_back(agency_user, port, name, assessment[unit], mine, deadline, until,
                         static_cast<std::uint64_t>(i) * 7919 + 1);
  }
  for (auto& t : threads) t.join();
  // The sweep submits what the clock passed and seals its evidence (the requests that
  // found a file due leave that to it); wait until no file is left in self-assessment.
  std::string waiting;
  for (int s = 0; s < 900; ++s) {
    waiting = sql(db,
                  "SELECT count(*) FROM assessments WHERE state = 'self_assessment' AND "
                  "campaign_id = " +
                      std::to_string(campaign_id));
    if (waiting == "0") break;
    std::this_thread::sleep_for(std::chrono::seconds{1});
  }
  // The moves carry the deadline as their time, so the wait is what tells when they were done.
  std::cout
      << "sweep: " << waiting << " files left in self-assessment "
      << std::chrono::duration_cast<std::chrono::seconds>(clock_type::now() - deadline).count()
      << " s after the deadline (polled each second)\n"
      << std::flush;

  // Figures per route.
  std::map<std::string, std::vector<const sample*>> by_route;
  for (const auto& s : samples) by_route[s.route].push_back(&s);
  std::printf("%-46s %8s %9s %9s %9s %8s %8s\n", "route", "requests", "p50 ms", "p99 ms", "max ms",
              "refused", "errors");
  for (const auto& [route, list] : by_route) {
    std::vector<double> ms;
    int refused = 0, errors = 0;
    for (const auto* s : list) {
      ms.push_back(s->ms);
      if (s->status == 409 && s->code == "deadline_passed")
        ++refused;
      else if (s->status == 0 || s->status >= 300)  // no answer counts as an error too
        ++errors;
    }
    std::printf("%-46s %8zu %9.1f %9.1f %9.1f %8d %8d\n", route.c_str(), list.size(),
                percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0), refused, errors);
  }
  // When the slow requests were sent, from the deadline (negative: before it), so that a
  // stall can be told apart from steady load and matched with the server's log.
  std::printf("%-46s %12s %10s %10s\n", "route", "max sent at", "> 1 s pre", "> 1 s post");
  for (const auto& [route, list] : by_route) {
    const auto* slowest = *std::max_element(
        list.begin(), list.end(), [](const sample* x, const sample* y) { return x->ms < y->ms; });
    int before = 0, after = 0;
    for (const auto* s : list)
      if (s->ms > 1000) (s->start_s < 0 ? before : after)++;
    std::printf("%-46s %+10.1f s %10d %10d\n", route.c_str(), slowest->start_s, before, after);
  }

  // Checks.
  std::vector<std::string> failures = wrong;
  const auto deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
  // Acknowledged edits: committed before the deadline, and their values kept.
  const auto late_writes = sql(db,
                               "SELECT count(*) FROM audit_entries WHERE action = "
                               "'leaf.self_score' AND at >= " +
                                   std::to_string(deadline_ms));
  if (late_writes != "0")
    failures.push_back(late_writes + " score writes committed after the deadline");
  int kept = 0;
  std::map<std::int64_t, boost::json::value> views;
  for (const auto& [key, e] : last_edit) {
    if (!views.contains(e.assessment))
      views[e.assessment] = thuky.get("/api/v1/assessments/" + std::to_string(e.assessment)).json();
    for (const auto& l : views[e.assessment].at("leaves").as_array())
      if (l.at("code").as_string() == e.leaf) {
        if (l.at("version").as_int64() != e.version || l.at("self_score").as_string() != e.value)
          failures.push_back("assessment " + std::to_string(e.assessment) + " leaf " + e.leaf +
                             ": acknowledged " + e.value + " v" + std::to_string(e.version) +
                             ", found " + boost::json::serialize(l.at("self_score")));
        else
          ++kept;
      }
  }
  // Every file submitted by the clock, every draft sealed, every version whole.
  const auto not_submitted = sql(
      db, "SELECT count(*) FROM assessments WHERE state = 'self_assessment' AND campaign_id = " +
              std::to_string(campaign_id));
  if (not_submitted != "0") failures.push_back(not_submitted + " files still in self-assessment");
  const auto drafts = sql(db, "SELECT count(*) FROM evidence_files WHERE state = 'draft'");
  if (drafts != "0") failures.push_back(drafts + " drafts were not sealed");
  int sealed = 0;
  for (const auto& f : files) {
    const auto state =
        sql(db, "SELECT state FROM evidence_files WHERE id = " + std::to_string(f.id));
    if (state != "sealed")
      failures.push_back("file " + std::to_string(f.id) + " is " + state);
    else
      ++sealed;
  }
  const auto half = sql(db,
                        "SELECT count(*) FROM evidence_versions v WHERE v.file_count <> (SELECT "
                        "count(*) FROM evidence_files f WHERE f.version_id = v.id)");
  if (half != "0") failures.push_back(half + " half-sealed versions");
  const auto late_attach = sql(db, "SELECT count(*) FROM evidence_files WHERE attached_at >= " +
                                       std::to_string(deadline_ms));
  if (late_attach != "0") failures.push_back(late_attach + " files attached after the deadline");

  int before = 0, after = 0, refused = 0;
  for (const auto& s : samples) (s.after_deadline ? after : before)++;
  for (const auto& s : samples) refused += s.status == 409 && s.code == "deadline_passed";
  std::cout << "requests: " << before << " answered before the deadline, " << after << " after; "
            << refused << " refused with deadline_passed\n"
            << "kept: " << kept << " acknowledged leaf values (of " << last_edit.size()
            << " leaves written), " << sealed << " acknowledged files, all sealed\n";
  for (const auto& f : failures) std::cout << "FAIL " << f << "\n";
  std::cout << (failures.empty() ? "ok: every acknowledged write kept, every late one refused\n"
                                 : "FAILED\n");
  return failures.empty() ? 0 : 1;
}
