// The workload and its ledger.
#include "tests/support/workload.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/evidence_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

constexpr const char* set_csv =
    "#set-key: w-set\n#set-name: Bộ tiêu chí thử tải\n#total: 10\ncode,title,max,method,bonus\n"
    "1,Lĩnh vực 1,5,,\n1.1,Tiêu chí 1.1,2,self,\n1.2,Tiêu chí 1.2,3,self,\n"
    "2,Lĩnh vực 2,5,,\n2.1,Tiêu chí 2.1,2.5,self,\n2.2,Tiêu chí 2.2,2.5,self,\n";
const std::vector<std::pair<std::string, int>> leaves{
    {"1.1", 8}, {"1.2", 12}, {"2.1", 10}, {"2.2", 10}};  // code, max in quarters

const std::vector<std::string> stage_order{"self_assessment", "round1",  "explanation_window",
                                           "round2",          "council", "approved",
                                           "published"};
int rank_of(const std::string& s) {
  for (std::size_t i = 0; i < stage_order.size(); ++i)
    if (stage_order[i] == s) return static_cast<int>(i);
  return -1;
}

std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string{v.as_string()} : std::string{};
}

// "<unit>.<role>" in lower case (usernames are lower case).
std::string unit_user(const std::string& unit, const char* suffix) {
  std::string name;
  for (char c : unit)
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return name + "." + suffix;
}

[[noreturn]] void refuse(const std::string& what, const reply& r) {
  throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " + r.body);
}

https_client signed_in(unsigned short port, const std::string& user) {
  https_client c{port};
  auto r = sign_in(c, user);
  if (r.status != 200) refuse("sign in " + user, r);
  return c;
}

// "2025-01-31T17:00:00+07:00"-style time from a view's server_time plus some hours.
std::string later_than(const std::string& server_time, int hours) {
  // server_time is "YYYY-MM-DDTHH:MM:SS[.fff]+07:00"; a day later is far enough and
  // avoids date arithmetic here: bump the year.
  (void)hours;
  std::string out = server_time;
  if (out.size() >= 4) out.replace(0, 4, std::to_string(std::stoi(out.substr(0, 4)) + 1));
  return out;
}

}  // namespace

// Signs c in. A server busy hashing other sign-ins (busy), or one whose attempts in
// flight for the same account are still being checked when this one's wait ends
// (login_in_progress), answers 503 with Retry-After, as it should under load: a client
// tries again, for up to a minute. A 429 is not retried: only wrong passwords cause one,
// and the workload types none (attempts in flight, also those a kill cut short, are no
// longer counted as failures: issue 11).
reply sign_in(https_client& c, const std::string& user, const std::string& password) {
  auto r = c.login(user, password);
  for (int waited = 0; r.status == 503 && waited < 60;) {
    int wait = 1;
    if (const auto h = r.header("retry-after");
        !h.empty() && std::isdigit(static_cast<unsigned char>(h[0])))
      wait = std::clamp(std::stoi(h), 1, 60);
    std::this_thread::sleep_for(std::chrono::seconds{wait});
    waited += wait;
    r = c.login(user, password);
  }
  return r;
}

workload_campaign prepare_workload(unsigned short port, std::int64_t year) {
  auto admin = signed_in(port, "admin");
  const std::vector<std::string> units{"SNV", "STP", "STC", "STTTT", "TPDBP", "HTG", "HMN"};
  auto add_user = [&](const std::string& name, const std::string& role,
                      std::optional<std::string> unit) {
    boost::json::object body{{"username", name},
                             {"display_name", name},
                             {"role", role},
                             {"password", workload_password}};
    if (unit) body["unit"] = *unit;
    auto r = admin.post_json("/api/v1/users", body);
    if (r.status != 201 && r.status != 409) refuse("create user " + name, r);
  };
  for (const auto& u : units) {
    add_user(unit_user(u, "w"), "agency_editor", u);
    add_user(unit_user(u, "h"), "agency_head", u);
  }
  add_user("w.appraiser", "appraiser", std::nullopt);
  add_user("w.council", "council_member", std::nullopt);
  auto thuky = signed_in(port, "thuky");
  auto set =
      thuky.request(verb::post, "/api/v1/criteria-sets", set_csv, {{"Content-Type", "text/csv"}});
  if (set.status != 201 && set.status != 409) refuse("import w-set", set);

  boost::json::array assignments, unit_list;
  for (const auto& u : units) {
    assignments.push_back({{"username", "w.appraiser"}, {"unit", u}});
    unit_list.push_back(boost::json::string(u));
  }
  const std::string y = std::to_string(year);
  boost::json::object spec{
      {"year", year},
      {"name", "Thử tải " + y},
      {"schedule",
       {{"self_deadline", y + "-12-31T17:00:00+07:00"},
        {"round1_end", std::to_string(year + 1) + "-01-31T17:00:00+07:00"},
        {"round2_end", std::to_string(year + 1) + "-02-28T17:00:00+07:00"},
        {"council_date", std::to_string(year + 1) + "-03-31T17:00:00+07:00"}}},
      {"groups",
       boost::json::array{
           {{"key", "all"}, {"name", "Tất cả"}, {"criteria_set", "w-set"}, {"units", unit_list}}}},
      {"assignments", assignments},
      {"council", {"w.council"}}};
  auto created = thuky.post_json("/api/v1/campaigns", spec);
  if (created.status != 201) refuse("create campaign " + y, created);
  workload_campaign out;
  const auto json = created.json();
  out.id = json.at("id").as_int64();
  for (const auto& g : json.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      out.assessment[str(a.at("unit"))] = a.at("assessment").as_int64();
  out.units = units;
  return out;
}

// ---- sessions ----

https_client session_cache::client(unsigned short port, const std::string& user) {
  https_client c{port};
  {
    std::lock_guard lock{m_};
    if (auto it = tokens_.find(user); it != tokens_.end()) {
      c.set_token(it->second);
      return c;
    }
  }
  auto r = sign_in(c, user);
  if (r.status != 200) refuse("sign in " + user, r);
  std::lock_guard lock{m_};
  tokens_[user] = *c.token();
  return c;
}

void session_cache::clear() {
  std::lock_guard lock{m_};
  tokens_.clear();
}

// ---- ledger ----

ledger::ledger(const ledger& o) {
  std::lock_guard lock{o.m_};
  leaves_ = o.leaves_;
  uploads_ = o.uploads_;
  files_ = o.files_;
  stages_ = o.stages_;
  sealed_ = o.sealed_;
}

ledger ledger::copy() const {
  return ledger{*this};
}

std::size_t ledger::completed_uploads() const {
  std::lock_guard lock{m_};
  return static_cast<std::size_t>(std::count_if(uploads_.begin(), uploads_.end(),
                                                [](const auto& u) { return u.second.complete; }));
}

std::size_t ledger::size() const {
  std::lock_guard lock{m_};
  std::size_t files = 0;
  for (const auto& [a, by_leaf] : files_)
    for (const auto& [c, ids] : by_leaf) files += ids.size();
  return leaves_.size() + uploads_.size() + files + stages_.size() + sealed_.size();
}

void ledger::leaf(std::int64_t assessment, const std::string& code, std::int64_t version,
                  const std::string& field, const std::string& value) {
  std::lock_guard lock{m_};
  auto& w = leaves_[{assessment, code}];
  if (version >= w.version) w = {version, field, value};
}

void ledger::upload_offset(const std::string& id, const std::string& owner, std::int64_t offset,
                           std::int64_t length) {
  std::lock_guard lock{m_};
  auto& u = uploads_[id];
  u.owner = owner;
  u.length = length;
  u.offset = std::max(u.offset, offset);
  u.complete = u.offset == length;
}

void ledger::attached(std::int64_t assessment, const std::string& code, std::int64_t file_id) {
  std::lock_guard lock{m_};
  files_[assessment][code].insert(file_id);
}

void ledger::stage(std::int64_t assessment, const std::string& s) {
  std::lock_guard lock{m_};
  auto& known = stages_[assessment];
  if (rank_of(s) > rank_of(known)) known = s;
}

void ledger::sealed(std::int64_t assessment, const std::string& code) {
  std::lock_guard lock{m_};
  sealed_.insert({assessment, code});
}

std::vector<std::string> ledger::missing_from(unsigned short port, session_cache& sessions) const {
  std::lock_guard lock{m_};
  std::vector<std::string> out;
  auto thuky = sessions.client(port, "thuky");
  std::map<std::int64_t, boost::json::value> views;
  auto view = [&](std::int64_t id) -> const boost::json::value& {
    auto it = views.find(id);
    if (it == views.end()) {
      auto r = thuky.get("/api/v1/assessments/" + std::to_string(id));
      if (r.status != 200) refuse("read assessment " + std::to_string(id), r);
      it = views.emplace(id, r.json()).first;
    }
    return it->second;
  };
  for (const auto& [key, w] : leaves_) {
    const auto& [assessment, code] = key;
    bool found = false;
    for (const auto& l : view(assessment).at("leaves").as_array()) {
      if (str(l.at("code")) != code) continue;
      found = true;
      const auto version = l.at("version").as_int64();
      const std::string where = "assessment " + std::to_string(assessment) + " leaf " + code + ": ";
      if (version < w.version)
        out.push_back(where + "version " + std::to_string(version) + ", acknowledged " +
                      std::to_string(w.version));
      else if (version == w.version && boost::json::serialize(l.at(w.field)) != w.value)
        out.push_back(where + w.field + " is " + boost::json::serialize(l.at(w.field)) +
                      ", acknowledged " + w.value);
    }
    if (!found) out.push_back("assessment " + std::to_string(assessment) + ": no leaf " + code);
  }
  for (const auto& [assessment, s] : stages_) {
    const std::string now = str(view(assessment).at("state"));
    if (rank_of(now) < rank_of(s))
      out.push_back("assessment " + std::to_string(assessment) + " is " + now + ", acknowledged " +
                    s);
  }
  std::map<std::pair<std::int64_t, std::string>, boost::json::value> lists;
  auto list = [&](std::int64_t a, const std::string& code) -> const boost::json::value& {
    auto it = lists.find({a, code});
    if (it == lists.end()) {
      auto r =
          thuky.get("/api/v1/assessments/" + std::to_string(a) + "/leaves/" + code + "/evidence");
      if (r.status != 200) refuse("list evidence", r);
      it = lists.emplace(std::pair{a, code}, r.json()).first;
    }
    return it->second;
  };
  for (const auto& [assessment, by_leaf] : files_)
    for (const auto& [code, ids] : by_leaf) {
      std::set<std::int64_t> seen;
      const auto& l = list(assessment, code);
      for (const auto& d : l.at("drafts").as_array()) seen.insert(d.at("id").as_int64());
      for (const auto& v : l.at("versions").as_array())
        for (const auto& f : v.at("files").as_array()) seen.insert(f.at("id").as_int64());
      for (auto id : ids)
        if (!seen.contains(id))
          out.push_back("assessment " + std::to_string(assessment) + " leaf " + code + ": file " +
                        std::to_string(id) + " is gone");
    }
  for (const auto& [assessment, code] : sealed_)
    if (list(assessment, code).at("versions").as_array().empty())
      out.push_back("assessment " + std::to_string(assessment) + " leaf " + code +
                    ": its sealed version is gone");
  std::map<std::string, https_client> owners;
  for (const auto& [id, u] : uploads_) {
    if (u.complete) continue;  // finished uploads are checked through their attachments
    auto it = owners.find(u.owner);
    if (it == owners.end()) it = owners.emplace(u.owner, sessions.client(port, u.owner)).first;
    auto head = tus_head(it->second, id);
    if (head.status == 200) {
      const auto offset = std::stoll(head.header("upload-offset"));
      if (offset < u.offset)
        out.push_back("upload " + id + " resumes at " + std::to_string(offset) + ", acknowledged " +
                      std::to_string(u.offset));
    } else if (head.status != 404 && head.status != 410) {
      out.push_back("upload " + id + ": HEAD answered " + std::to_string(head.status));
    } else {
      out.push_back("upload " + id + " is gone (HEAD " + std::to_string(head.status) + ")");
    }
  }
  return out;
}

// ---- the driver ----

namespace {

// Deterministic content per upload: a PDF header, then pseudo-random bytes.
std::string upload_bytes(std::mt19937_64& rng, std::size_t size) {
  std::string out = pdf_bytes("workload");
  out.reserve(size);
  while (out.size() < size) {
    const auto v = rng();
    out.append(reinterpret_cast<const char*>(&v), std::min<std::size_t>(8, size - out.size()));
  }
  out.resize(size);
  return out;
}

class unit_driver {
 public:
  unit_driver(unsigned short port, const workload_campaign& campaign, const std::string& unit,
              ledger& acknowledged, session_cache& sessions, std::uint64_t seed,
              unit_driver_stats& stats)
      : port_(port),
        unit_(unit),
        id_(campaign.assessment.at(unit)),
        campaign_(campaign.id),
        ledger_(acknowledged),
        sessions_(sessions),
        rng_(seed),
        stats_(stats) {}

  // One step; false when the server is gone.
  bool step() {
    auto v = client(head_name()).get(path());
    if (!count(v, "read")) return false;
    const auto view = v.json();
    const std::string state = str(view.at("state"));
    ledger_.stage(id_, state);
    if (state == "self_assessment") return self_step(view);
    if (state == "round1") return round1_step(view);
    if (state == "explanation_window") return window_step(view);
    if (state == "round2") return round2_step(view);
    if (state == "council") return fire("w.council", {{"event", "vote_approve"}}, "approved");
    if (state == "approved") {
      auto r = client("thuky").post_json(
          "/api/v1/campaigns/" + std::to_string(campaign_) + "/publish",
          {{"decision_number", "12/QĐ-UBND"}, {"decision_date", "2025-04-15"}});
      if (!count(r, "publish")) return false;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // published: nothing to do
    return true;
  }

 private:
  std::string head_name() const { return unit_user(unit_, "h"); }
  std::string editor_name() const { return unit_user(unit_, "w"); }
  std::string path() const { return "/api/v1/assessments/" + std::to_string(id_); }

  https_client& client(const std::string& user) {
    auto it = clients_.find(user);
    if (it == clients_.end()) it = clients_.emplace(user, sessions_.client(port_, user)).first;
    return it->second;
  }

  // True when the request was answered (any status); a 5xx or a status outside
  // `expected` is a failure. False (and nothing recorded) when the connection died.
  bool count(const reply& r, const std::string& what,
             std::initializer_list<unsigned> expected = {}) {
    ++stats_.requests;
    if (r.status == 0) return false;
    bool ok = r.status < 500;
    if (ok && expected.size() > 0)
      ok = std::find(expected.begin(), expected.end(), r.status) != expected.end();
    else if (ok && r.status >= 400)
      ok = r.status == 409 || r.status == 412 || r.status == 422;  // races and rules
    if (!ok) {
      ++stats_.failures;
      std::lock_guard lock{stats_.m};
      stats_.last_failure = unit_ + " " + what + ": " + std::to_string(r.status) + " " + r.body;
    }
    return true;
  }

  const boost::json::value* leaf_of(const boost::json::value& view, const std::string& code) {
    for (const auto& l : view.at("leaves").as_array())
      if (str(l.at("code")) == code) return &l;
    return nullptr;
  }

  bool edit(const std::string& who, const boost::json::value& view, const std::string& code,
            const std::string& field, boost::json::value value) {
    const auto* l = leaf_of(view, code);
    if (!l) return true;
    const std::string etag = "\"v" + std::to_string(l->at("version").as_int64()) + "\"";
    auto r = client(who).send_json(verb::patch, path() + "/leaves/" + code, {{field, value}},
                                   {{"If-Match", etag}});
    if (!count(r, "edit " + code + " " + field)) return false;
    if (r.status == 200) {
      const auto j = r.json();
      const auto& leaf = j.is_object() && j.as_object().contains("leaf") ? j.at("leaf") : j;
      // What the server says it stored (it normalises: "0.50" is kept as "0.5").
      ledger_.leaf(id_, code, leaf.at("version").as_int64(), field,
                   boost::json::serialize(leaf.at(field)));
    }
    return true;
  }

  bool fire(const std::string& who, boost::json::object body, const std::string& reaches) {
    auto r = client(who).post_json(path() + "/events", body);
    if (!count(r, "event " + str(body["event"]))) return false;
    if (r.status == 200) ledger_.stage(id_, reaches);
    return true;
  }

  // Creates an upload and sends it in pieces; attaches it to code when it is whole.
  bool upload_and_attach(const std::string& who, const std::string& code) {
    std::uniform_int_distribution<std::size_t> size_of(16 << 10, 1536 << 10);
    const std::string bytes = upload_bytes(rng_, size_of(rng_));
    auto created = tus_create(client(who), "Tài liệu " + unit_ + ".pdf",
                              static_cast<std::int64_t>(bytes.size()), sha256_hex(bytes));
    if (!count(created, "upload create", {201})) return false;
    if (created.status != 201) return true;
    const std::string id = upload_id_of(created);
    ledger_.upload_offset(id, who, 0, static_cast<std::int64_t>(bytes.size()));
    std::size_t at = 0;
    // Sometimes stop half way, as a client that will resume later.
    const bool finish = rng_() % 4 != 0;
    while (at < bytes.size()) {
      const std::size_t n = std::min<std::size_t>(bytes.size() - at, 256 << 10);
      auto r = tus_patch(client(who), id, static_cast<std::int64_t>(at), bytes.substr(at, n));
      if (!count(r, "upload patch", {204})) return false;
      if (r.status != 204) return true;
      at += n;
      ledger_.upload_offset(id, who, static_cast<std::int64_t>(at),
                            static_cast<std::int64_t>(bytes.size()));
      if (!finish && at * 2 >= bytes.size()) return true;
    }
    auto attached =
        client(who).post_json(path() + "/leaves/" + code + "/evidence", {{"upload_id", id}});
    if (!count(attached, "attach")) return false;
    if (attached.status == 201 || attached.status == 200)
      ledger_.attached(id_, code, attached.json().at("id").as_int64());
    return true;
  }

  bool self_step(const boost::json::value& view) {
    const auto& [code, quarters] = leaves[rng_() % leaves.size()];
    const int pick = static_cast<int>(rng_() % 10);
    if (pick < 4) {
      const auto q = rng_() % static_cast<std::uint64_t>(quarters + 1);
      return edit(editor_name(), view, code, "self_score",
                  boost::json::string(std::to_string(q / 4) +
                                      (q % 4 ? "." + std::to_string(q % 4 * 25) : "")));
    }
    if (pick < 7) return upload_and_attach(editor_name(), code);
    if (++self_steps_ < 6) return true;
    auto r = client(head_name())
                 .post_json(path() + "/events",
                            {{"event", "submit"}, {"confirm_missing_self_scores", true}});
    if (!count(r, "submit")) return false;
    if (r.status == 200) {
      ledger_.stage(id_, "round1");
      for (const auto& [c, q] : leaves) {
        auto l = client(head_name()).get(path() + "/leaves/" + c + "/evidence");
        if (!count(l, "list")) return false;
        if (l.status == 200 && !l.json().at("versions").as_array().empty()) ledger_.sealed(id_, c);
      }
    }
    return true;
  }

  bool round1_step(const boost::json::value& view) {
    for (const auto& [code, quarters] : leaves) {
      const auto* l = leaf_of(view, code);
      if (l && l->at("round1_score").is_null())
        return edit("w.appraiser", view, code, "round1_score",
                    boost::json::string(
                        std::to_string(rng_() % static_cast<std::uint64_t>(quarters / 4 + 1))));
    }
    if (!flagged_once_ && rng_() % 2 == 0) {
      flagged_once_ = true;
      return edit("w.appraiser", view, "1.2", "needs_explanation", true);
    }
    const bool flagged = view.at("flagged").as_int64() > 0;  // a count of flagged leaves
    if (flagged)
      return fire(
          "w.appraiser",
          {{"event", "open_window"}, {"until", later_than(str(view.at("server_time")), 24)}},
          "explanation_window");
    return fire("w.appraiser", {{"event", "complete_round1"}}, "round2");
  }

  bool window_step(const boost::json::value& view) {
    const int pick = static_cast<int>(rng_() % 3);
    if (pick == 0)
      return edit(head_name(), view, "1.2", "explanation_response",
                  boost::json::string("Bổ sung lần " + std::to_string(rng_() % 100)));
    if (pick == 1) return upload_and_attach(head_name(), "1.2");
    auto r = client("w.appraiser").post_json(path() + "/events", {{"event", "close_window"}});
    if (!count(r, "close_window")) return false;
    if (r.status == 200) {
      ledger_.stage(id_, "round2");
      auto l = client(head_name()).get(path() + "/leaves/1.2/evidence");
      if (!count(l, "list")) return false;
      if (l.status == 200 && !l.json().at("versions").as_array().empty())
        ledger_.sealed(id_, "1.2");
    }
    return true;
  }

  bool round2_step(const boost::json::value& view) {
    for (const auto& l : view.at("leaves").as_array())
      if (l.at("needs_explanation").as_bool() && l.at("round2_score").is_null())
        return edit("w.appraiser", view, str(l.at("code")), "round2_score", "1");
    return fire("w.appraiser", {{"event", "complete_round2"}}, "council");
  }

  unsigned short port_;
  std::string unit_;
  std::int64_t id_, campaign_;
  ledger& ledger_;
  session_cache& sessions_;
  std::mt19937_64 rng_;
  unit_driver_stats& stats_;
  std::map<std::string, https_client> clients_;
  int self_steps_ = 0;
  bool flagged_once_ = false;
};

}  // namespace

void drive_unit(unsigned short port, const workload_campaign& campaign, const std::string& unit,
                ledger& acknowledged, session_cache& sessions, std::atomic<bool>& stop,
                std::uint64_t seed, unit_driver_stats& stats) {
  try {
    unit_driver d{port, campaign, unit, acknowledged, sessions, seed, stats};
    while (!stop)
      if (!d.step()) break;
    if (stop || stats.server_down) return;
    // A connection lost while the server is up.
    ++stats.failures;
    std::lock_guard lock{stats.m};
    stats.last_failure = unit + ": the connection was lost while the server was up";
  } catch (const std::exception& e) {
    // A server killed on purpose makes logins and JSON parsing fail too: not a finding.
    // Anything else (an answer the driver does not understand) is: the driver would stop
    // and the rounds after it would drive nothing.
    if (stats.server_down) return;
    ++stats.failures;
    std::lock_guard lock{stats.m};
    stats.last_failure = unit + ": " + e.what();
  }
}

}  // namespace parix::testing
