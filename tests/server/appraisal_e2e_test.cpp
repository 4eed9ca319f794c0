// One appraisal from set-up to publication over HTTPS, with the clock moved by the
// test: two unit groups, three units, a missed deadline, an explanation window that
// closes by itself, a council return, survey imports, an adjustment, and totals,
// indices, classes and ranks checked against hand-computed values.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "storage/audit_log.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/time_text.hpp"

namespace parix::testing {
namespace {

using server::http::verb;
using namespace std::chrono_literals;

// Two small sets whose arithmetic a person can check by hand.
const char* set_a =
    "#set-key: e2e-a\n#set-name: Nhóm A\n#total: 10\ncode,title,max,method,bonus\n"
    "1,Lĩnh vực 1,6,,\n1.1,Tiêu chí 1.1,4,,\n1.1.1,TP 1.1.1,1.5,self,\n1.1.2,TP 1.1.2,2.5,self,\n"
    "1.2,Tiêu chí 1.2 (ĐTXHH),2,survey,\n2,Lĩnh vực 2,4,,\n2.1,Tiêu chí 2.1,2,self,\n"
    "2.2,Tiêu chí 2.2,2,self,\n";
const char* set_b =
    "#set-key: e2e-b\n#set-name: Nhóm B\n#total: 10\ncode,title,max,method,bonus\n"
    "1,Lĩnh vực 1,10,,\n1.1,Tiêu chí 1.1,6,self,\n1.2,Tiêu chí 1.2,4,self,\n";

class appraisal : public ::testing::Test {
 protected:
  test_server srv;
  std::map<std::string, https_client> as;    // one signed-in client per user
  std::map<std::string, std::int64_t> file;  // unit code → assessment id

  https_client& user(const std::string& name) {
    auto it = as.find(name);
    if (it == as.end()) {
      it = as.emplace(name, srv.client()).first;
      EXPECT_EQ(it->second.login(name, test_password).status, 200u) << name;
    }
    return it->second;
  }
  std::string iso(std::chrono::system_clock::time_point t) {
    return workflow::format_time(t, "Asia/Ho_Chi_Minh");
  }

  boost::json::value get(const std::string& unit, const std::string& who = "thuky") {
    auto r = user(who).get("/api/v1/assessments/" + std::to_string(file[unit]));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }
  // The leaf's current ETag, read as the given user.
  std::string etag(const std::string& unit, const std::string& code, const std::string& who) {
    const auto view = get(unit, who);
    for (const auto& l : view.at("leaves").as_array())
      if (l.at("code").as_string() == code)
        return "\"v" + std::to_string(l.at("version").as_int64()) + "\"";
    ADD_FAILURE() << "no leaf " << code;
    return "";
  }
  reply edit(const std::string& who, const std::string& unit, const std::string& code,
             boost::json::object body) {
    return user(who).send_json(
        verb::patch, "/api/v1/assessments/" + std::to_string(file[unit]) + "/leaves/" + code, body,
        {{"If-Match", etag(unit, code, "thuky")}});
  }
  void ok_edit(const std::string& who, const std::string& unit, const std::string& code,
               boost::json::object body) {
    auto r = edit(who, unit, code, std::move(body));
    ASSERT_EQ(r.status, 200u) << who << " " << unit << " " << code << ": " << r.body;
  }
  reply fire(const std::string& who, const std::string& unit, boost::json::object body) {
    return user(who).post_json("/api/v1/assessments/" + std::to_string(file[unit]) + "/events",
                               body);
  }
  void ok_fire(const std::string& who, const std::string& unit, boost::json::object body) {
    auto r = fire(who, unit, body);
    ASSERT_EQ(r.status, 200u) << who << " " << unit << " " << boost::json::serialize(body) << ": "
                              << r.body;
  }
  // Moves the clock. Sessions idle out meanwhile, as they would: everyone signs in again.
  void advance(std::chrono::system_clock::duration d) {
    srv.clock().advance(d);
    as.clear();
  }
  std::string code_of(const reply& r) { return std::string{r.json().at("code").as_string()}; }
};

TEST_F(appraisal, a_campaign_runs_from_self_assessment_to_publication) {
  for (auto [code, name] : {std::pair{"U1", "Sở Một"}, {"U2", "Sở Hai"}, {"U3", "Huyện Ba"}})
    srv.add_unit(code, name);
  srv.add_user("thuky", "secretariat");
  srv.add_user("u1.canbo", "agency_editor", "U1");
  srv.add_user("u1.head", "agency_head", "U1");
  srv.add_user("u2.head", "agency_head", "U2");
  srv.add_user("u3.head", "agency_head", "U3");
  srv.add_user("td.field1", "appraiser");
  srv.add_user("td.field2", "appraiser");
  srv.add_user("hd.1", "council_member");
  srv.add_user("hd.2", "council_member");
  srv.add_user("thanhtra", "auditor");

  for (const char* csv : {set_a, set_b})
    ASSERT_EQ(user("thuky")
                  .request(verb::post, "/api/v1/criteria-sets", csv, {{"Content-Type", "text/csv"}})
                  .status,
              201u);
  const auto t0 = srv.clock().now();
  boost::json::object spec{
      {"year", 2024},
      {"name", "Chỉ số CCHC 2024 (thử)"},
      {"schedule",
       {{"self_deadline", iso(t0 + 24h)},
        {"round1_end", iso(t0 + 240h)},
        {"round2_end", iso(t0 + 480h)},
        {"council_date", iso(t0 + 720h)}}},
      {"groups",
       boost::json::array{
           {{"key", "A"}, {"name", "Sở"}, {"criteria_set", "e2e-a"}, {"units", {"U1", "U2"}}},
           {{"key", "B"}, {"name", "Huyện"}, {"criteria_set", "e2e-b"}, {"units", {"U3"}}}}},
      {"not_evaluated",
       boost::json::array{
           {{"unit", "U2"}, {"criterion", "2.2"}, {"reason", "Không có nhiệm vụ này năm 2024"}}}},
      {"assignments", boost::json::array{{{"username", "td.field1"}, {"field", "1"}},
                                         {{"username", "td.field2"}, {"field", "2"}},
                                         {{"username", "td.field2"}, {"unit", "U3"}}}},
      {"council", {"hd.1", "hd.2"}}};
  auto created = user("thuky").post_json("/api/v1/campaigns", spec);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto created_json = created.json();
  const auto campaign = created_json.at("id").as_int64();
  for (const auto& g : created_json.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      file[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  ASSERT_EQ(file.size(), 3u);

  // Self-assessment. Another unit's user is refused; scores are validated.
  EXPECT_EQ(edit("u2.head", "U1", "1.1.1", {{"self_score", "1"}}).status, 403u);
  auto over = edit("u1.canbo", "U1", "1.1.1", {{"self_score", "1.6"}});
  EXPECT_EQ(over.status, 422u);
  EXPECT_EQ(code_of(over), "score_above_max");
  EXPECT_NE(over.json().at("detail").as_string().find("1.5"), std::string::npos) << over.body;
  EXPECT_EQ(code_of(edit("u1.canbo", "U1", "1.1.1", {{"self_score", "0.12345"}})),
            "too_many_decimals");
  EXPECT_EQ(code_of(edit("u1.canbo", "U1", "1.2", {{"self_score", "1"}})), "not_self_scored");
  ok_edit("u1.canbo", "U1", "1.1.1",
          {{"self_score", "1.5"}, {"self_explanation", "Kế hoạch số 12/KH"}});
  ok_edit("u1.canbo", "U1", "1.1.2", {{"self_score", "2"}});
  ok_edit("u1.canbo", "U1", "2.1", {{"self_score", "2"}});
  ok_edit("u1.canbo", "U1", "2.2", {{"self_score", "1.5"}});
  EXPECT_EQ(fire("u1.canbo", "U1", {{"event", "submit"}}).status, 403u) << "editors do not submit";
  ok_fire("u1.head", "U1", {{"event", "submit"}});
  ok_edit("u2.head", "U2", "1.1.1",
          {{"self_score", "1"}});  // typed before the deadline, never submitted
  ok_edit("u3.head", "U3", "1.1", {{"self_score", "5"}});
  ok_edit("u3.head", "U3", "1.2", {{"self_score", "4"}});
  ok_fire("u3.head", "U3", {{"event", "submit"}});

  // U2 misses the deadline: submitted by the clock, late edits refused, its typing kept.
  advance(24h + 1min);
  auto late = edit("u2.head", "U2", "1.1.2", {{"self_score", "2"}});
  EXPECT_EQ(late.status, 409u);
  EXPECT_EQ(code_of(late), "deadline_passed");
  EXPECT_EQ(late.json().at("deadline").as_string(), iso(t0 + 24h));
  auto u2 = get("U2");
  EXPECT_EQ(u2.at("state").as_string(), "round1");
  EXPECT_EQ(u2.at("events").as_array()[0].at("event").as_string(), "auto_submit");
  EXPECT_EQ(u2.at("leaves").as_array()[0].at("self_score").as_string(), "1");

  // Round one, by field: field 1 by one appraiser, field 2 by another.
  auto wrong_field = edit("td.field1", "U1", "2.1", {{"round1_score", "2"}});
  EXPECT_EQ(wrong_field.status, 403u);
  EXPECT_EQ(code_of(wrong_field), "not_assigned");
  ok_edit("td.field1", "U1", "1.1.1", {{"round1_score", "1.5"}});
  ok_edit("td.field1", "U1", "1.1.2",
          {{"round1_score", "2"},
           {"needs_explanation", true},
           {"round1_remark", "Thiếu tài liệu kiểm chứng"}});
  ok_edit("td.field2", "U1", "2.1", {{"round1_score", "2"}});
  ok_edit("td.field2", "U1", "2.2", {{"round1_score", "1"}});
  ok_edit("td.field1", "U2", "1.1.1", {{"round1_score", "1"}});
  auto early = fire("td.field1", "U2", {{"event", "complete_round1"}});
  EXPECT_EQ(code_of(early), "round1_incomplete");
  ok_edit("td.field1", "U2", "1.1.2", {{"round1_score", "2"}});
  ok_edit("td.field2", "U2", "2.1", {{"round1_score", "1.5"}});
  ok_fire("td.field1", "U2",
          {{"event", "complete_round1"}});  // nothing flagged: straight to round two
  ok_edit("td.field2", "U3", "1.1", {{"round1_score", "5"}});
  ok_edit("td.field2", "U3", "1.2", {{"round1_score", "3.5"}});
  ok_fire("td.field2", "U3", {{"event", "complete_round1"}});

  // The explanation window: only the flagged leaf may be answered, until it closes.
  EXPECT_EQ(code_of(fire("td.field1", "U1", {{"event", "complete_round1"}})), "flagged_leaves");
  const auto closes = srv.clock().now() + 2h;
  ok_fire("td.field1", "U1", {{"event", "open_window"}, {"until", iso(closes)}});
  auto u1 = get("U1", "u1.head");
  EXPECT_EQ(u1.at("state").as_string(), "explanation_window");
  EXPECT_EQ(u1.at("open_until").as_string(), iso(closes));
  EXPECT_FALSE(u1.at("server_time").as_string().empty());
  ok_edit("u1.head", "U1", "1.1.2", {{"explanation_response", "Bổ sung Quyết định 45/QĐ"}});
  auto unflagged = edit("u1.head", "U1", "1.1.1", {{"explanation_response", "x"}});
  EXPECT_EQ(code_of(unflagged), "leaf_not_flagged");
  EXPECT_EQ(code_of(edit("u1.head", "U1", "1.1.2", {{"self_score", "2.5"}})), "deadline_passed");
  advance(2h + 1s);
  auto closed = edit("u1.head", "U1", "1.1.2", {{"explanation_response", "quá hạn"}});
  EXPECT_EQ(code_of(closed), "window_closed");
  EXPECT_EQ(closed.json().at("closes_at").as_string(), iso(closes));
  EXPECT_EQ(get("U1").at("state").as_string(), "round2");

  // Round two, survey imports (all or nothing), completion.
  ok_edit("td.field1", "U1", "1.1.2", {{"round2_score", "2.5"}, {"round2_remark", "Đã bổ sung"}});
  const std::string bad_csv = "unit_code,criterion_code,score\nU1,1.2,1.6\nU9,1.2,1\nU2,1.2,3\n";
  auto refused =
      user("thuky").request(verb::post, "/api/v1/campaigns/" + std::to_string(campaign) + "/scores",
                            bad_csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(refused.status, 422u) << refused.body;
  EXPECT_EQ(refused.json().at("problems").as_array().size(), 2u);
  EXPECT_TRUE(get("U1").at("leaves").as_array()[2].at("imported_score").is_null())
      << "nothing imported";
  auto imported =
      user("thuky").request(verb::post, "/api/v1/campaigns/" + std::to_string(campaign) + "/scores",
                            "U1,1.2,1.6\nU2,1.2,2\n", {{"Content-Type", "text/csv"}});
  ASSERT_EQ(imported.status, 200u) << imported.body;
  for (const auto* u : {"U1", "U2"}) ok_fire("td.field1", u, {{"event", "complete_round2"}});
  ok_fire("td.field2", "U3", {{"event", "complete_round2"}});

  // The council returns U1 once, then approves everything.
  EXPECT_EQ(code_of(fire("hd.1", "U1", {{"event", "vote_return"}})), "reason_required");
  ok_fire("hd.1", "U1", {{"event", "vote_return"}, {"reason", "Xem lại tiêu chí 2.2"}});
  EXPECT_EQ(get("U1").at("state").as_string(), "round2");
  ok_fire("td.field1", "U1", {{"event", "complete_round2"}});
  for (const auto* u : {"U1", "U2", "U3"}) {
    ok_fire("hd.1", u, {{"event", "vote_approve"}});
    EXPECT_EQ(get(u).at("state").as_string(), "council") << "one of two members is not unanimity";
    EXPECT_EQ(code_of(fire("hd.1", u, {{"event", "vote_approve"}})), "already_voted");
    ok_fire("hd.2", u, {{"event", "vote_approve"}});
    EXPECT_EQ(get(u).at("state").as_string(), "approved");
  }
  // After approval only a reasoned secretariat adjustment changes anything.
  EXPECT_EQ(code_of(edit("td.field2", "U3", "1.1", {{"round2_score", "6"}})), "wrong_stage");
  EXPECT_EQ(code_of(fire("thuky", "U3", {{"event", "adjust"}, {"points", "-0.5"}})),
            "reason_required");
  ok_fire("thuky", "U3",
          {{"event", "adjust"}, {"points", "-0.5"}, {"reason", "Kết quả đánh giá riêng"}});
  // Publication is all or none: a failure on the last file (a trigger the database
  // raises, standing in for a full disk) leaves the two before it unpublished too.
  const auto publish = [&] {
    return user("thuky").post_json(
        "/api/v1/campaigns/" + std::to_string(campaign) + "/publish",
        {{"decision_number", "123/QĐ-UBND"}, {"decision_date", "2025-04-15"}});
  };
  const auto trigger = [&](const std::string& sql) {
    srv.app().db().write_result([&](storage::connection& c) { c.execute(sql); });
  };
  trigger("CREATE TRIGGER fail_u3 BEFORE INSERT ON publications WHEN NEW.assessment_id = " +
          std::to_string(file.at("U3")) + " BEGIN SELECT RAISE(ABORT, 'injected'); END");
  EXPECT_EQ(publish().status, 500u);
  for (const auto* u : {"U1", "U2", "U3"})
    EXPECT_EQ(get(u).at("state").as_string(), "approved") << u << " published alone";
  trigger("DROP TRIGGER fail_u3");
  auto published = publish();
  ASSERT_EQ(published.status, 200u) << published.body;
  EXPECT_EQ(published.json().at("published").as_int64(), 3);

  // Totals by hand:
  //   U1: 1.5 + 2.5 (round two) + 1.6 (survey) + 2 + 1 = 8.6 of 10 → 86.00 % Tốt
  //   U2: 1 + 2 + 2 (survey) + 1.5, 2.2 not evaluated → 6.5 of 8 → 81.25 % Khá
  //   U3: 5 + 3.5 − 0.5 = 8 of 10 → 80.00 % Khá
  auto ranking = user("thanhtra").get("/api/v1/campaigns/" + std::to_string(campaign) + "/ranking");
  ASSERT_EQ(ranking.status, 200u) << ranking.body;
  const auto ranks = ranking.json();
  const auto& a = ranks.at("groups").at("A").as_array();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].at("unit").as_string(), "U1");
  EXPECT_EQ(a[0].at("rank").as_int64(), 1);
  EXPECT_EQ(a[0].at("score").at("achieved").as_string(), "8.6");
  EXPECT_EQ(a[0].at("score").at("applicable_max").as_string(), "10");
  EXPECT_EQ(a[0].at("score").at("index").as_string(), "86.00");
  EXPECT_EQ(a[0].at("score").at("class").as_string(), "Tốt");
  EXPECT_EQ(a[1].at("unit").as_string(), "U2");
  EXPECT_EQ(a[1].at("rank").as_int64(), 2);
  EXPECT_EQ(a[1].at("score").at("applicable_max").as_string(), "8");
  EXPECT_EQ(a[1].at("score").at("index").as_string(), "81.25");
  EXPECT_EQ(a[1].at("score").at("class").as_string(), "Khá");
  // Field indices across group A: field 1 (5.6 + 5) / (6 + 6) = 88.33 %, field 2 (3 + 1.5) / (4 +
  // 2) = 75.00 %.
  const auto& fields = ranks.at("field_indices").at("A").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].at("units").as_int64(), 2);
  EXPECT_EQ(fields[0].at("index").as_string(), "88.33");
  EXPECT_EQ(fields[1].at("index").as_string(), "75.00");
  const auto& b = ranks.at("groups").at("B").as_array();
  EXPECT_EQ(b[0].at("score").at("achieved").as_string(), "8");
  EXPECT_EQ(b[0].at("score").at("adjustments").as_string(), "-0.5");
  EXPECT_EQ(b[0].at("score").at("index").as_string(), "80.00");
  EXPECT_EQ(b[0].at("state").as_string(), "published");

  // Who changed which score, when and why.
  auto history =
      user("thanhtra")
          .get("/api/v1/assessments/" + std::to_string(file["U1"]) + "/leaves/1.1.2/history");
  ASSERT_EQ(history.status, 200u) << history.body;
  std::vector<std::string> trail;
  const auto history_json = history.json();
  for (const auto& e : history_json.at("history").as_array())
    trail.push_back(std::string{e.at("actor").as_string()} + ":" +
                    std::string{e.at("action").as_string()});
  EXPECT_EQ(trail, (std::vector<std::string>{
                       "u1.canbo:leaf.self_score", "td.field1:leaf.round1_score",
                       "td.field1:leaf.round1_remark", "td.field1:leaf.needs_explanation",
                       "u1.head:leaf.explanation_response", "td.field1:leaf.round2_score",
                       "td.field1:leaf.round2_remark"}));

  // The audit log, queried and exported by an auditor.
  auto& auditor = user("thanhtra");
  auto q =
      auditor.get("/api/v1/audit?assessment=" + std::to_string(file["U1"]) + "&criterion=1.1.2");
  ASSERT_EQ(q.status, 200u) << q.body;
  EXPECT_EQ(q.json().at("entries").as_array().size(), 7u);
  auto page = auditor.get("/api/v1/audit?actor=td.field1&limit=2").json();
  EXPECT_EQ(page.at("entries").as_array().size(), 2u);
  const auto next = page.at("next_after_id").as_int64();
  auto page2 =
      auditor.get("/api/v1/audit?actor=td.field1&limit=2&after_id=" + std::to_string(next)).json();
  EXPECT_GT(page2.at("entries").as_array()[0].at("id").as_int64(), next);
  EXPECT_EQ(auditor.get("/api/v1/audit?limit=0").status, 400u);
  EXPECT_EQ(auditor.get("/api/v1/audit?from=yesterday").status, 400u);
  EXPECT_EQ(auditor.get("/api/v1/audit?colour=red").status, 400u);
  auto csv = auditor.get("/api/v1/audit.csv?criterion=1.1.2");
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("id,at,actor,role,", 0), 0u);
  EXPECT_NE(csv.body.find("\"Bổ sung Quyết định 45/QĐ\""), std::string::npos);
  auto cps = auditor.get("/api/v1/audit/checkpoints").json().at("checkpoints").as_array();
  EXPECT_GE(cps.size(), 10u) << "a signed checkpoint at every change of stage";
  EXPECT_EQ(cps[0].at("note").as_string().rfind("parix.audit\n", 0), 0u);
  EXPECT_TRUE(auditor.get("/api/v1/audit/verify").json().at("ok").as_bool());

  // Export, then check it offline against a checkpoint the council was handed.
  srv.stop();
  const std::string parix = PARIX_BINARY, data = " --data " + srv.dir().path().string();
  temp_dir out;
  ASSERT_EQ(run_command(parix + " audit export " + (out / "before").string() + data).status, 0);
  std::filesystem::path note;
  for (const auto& e : std::filesystem::directory_iterator(out / "before" / "checkpoints"))
    if (note.empty() || e.path() > note) note = e.path();
  auto ok = run_command(parix + " audit verify --export " + (out / "before").string() +
                        " --checkpoint " + note.string());
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_EQ(run_command(parix + " audit verify" + data).status, 0);

  // A shortened export is refused against the checkpoint.
  ASSERT_EQ(run_command("mkdir -p " + (out / "short").string() + " && head -n 5 " +
                        (out / "before/audit.jsonl").string() + " > " +
                        (out / "short/audit.jsonl").string())
                .status,
            0);
  auto shorter =
      run_command(parix + " audit verify --export " + (out / "short").string() + " --checkpoint " +
                  note.string() + " --pubkey " + (out / "before/pubkey.pem").string());
  EXPECT_EQ(shorter.status, 1);
  EXPECT_NE(shorter.output.find("fewer than the checkpoint"), std::string::npos) << shorter.output;

  // Someone holding the file drops the trigger and changes a score in the log.
  const auto db = srv.cfg().database.string();
  auto target =
      run_command("sqlite3 " + db +
                  " \"SELECT id FROM audit_entries WHERE action = 'leaf.round2_score' LIMIT 1\"");
  const auto id = std::stoll(target.output);
  ASSERT_EQ(run_command("sqlite3 " + db +
                        " \"DROP TRIGGER audit_entries_refuse_update; UPDATE audit_entries SET "
                        "new_value = '0.5' WHERE id = " +
                        std::to_string(id) + "\"")
                .status,
            0);
  auto broken = run_command(parix + " audit verify" + data);
  EXPECT_EQ(broken.status, 1);
  EXPECT_NE(broken.output.find("entry " + std::to_string(id) + " "), std::string::npos)
      << broken.output;
  // An export of the rewritten log is refused against the earlier checkpoint.
  ASSERT_EQ(run_command(parix + " audit export " + (out / "after").string() + data).status, 0);
  auto refused_export =
      run_command(parix + " audit verify --export " + (out / "after").string() + " --checkpoint " +
                  note.string() + " --pubkey " + (out / "before/pubkey.pem").string());
  EXPECT_EQ(refused_export.status, 1) << refused_export.output;
  EXPECT_NE(refused_export.output.find("REFUSED: entry " + std::to_string(id)), std::string::npos)
      << refused_export.output;
}

}  // namespace
}  // namespace parix::testing
