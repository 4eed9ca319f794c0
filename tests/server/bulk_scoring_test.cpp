// Bulk scoring (issue 14): PATCH /api/v1/assessments/{id}/leaves sets many leaves of one
// file at once under one If-Match for the file, all or nothing, every refused leaf listed
// with its code and the single-leaf route's reason; the appraiser's CSV
// (code,score,remark[,needs_explanation]) with a preview that stores nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/campaign_support.hpp"

namespace parix::testing {
namespace {

using server::http::verb;

class bulk_scoring : public ::testing::Test {
 protected:
  void SetUp() override {
    srv.add_unit("U1", "Một");
    srv.add_user("thuky", "secretariat");
    srv.add_user("u1.head", "agency_head", "U1");
    srv.add_user("thamdinh", "appraiser");
    srv.add_user("khac", "appraiser");
    import_set(as("thuky"), small_set);
    auto created = as("thuky").post_json(
        "/api/v1/campaigns",
        campaign_body(
            "Bulk", srv.clock().now(), {"U1"},
            {{"assignments", boost::json::array{{{"username", "thamdinh"}, {"field", "1"}},
                                                {{"username", "thamdinh"}, {"field", "2"}}}}}));
    ASSERT_EQ(created.status, 201u) << created.body;
    file = files_of(created.json()).at("U1");
  }
  std::string path() { return "/api/v1/assessments/" + std::to_string(file); }
  std::string etag() { return as("thuky").get(path()).header("etag"); }
  reply bulk(const std::string& who, boost::json::array leaves, const std::string& if_match) {
    return as(who).send_json(verb::patch, path() + "/leaves", {{"leaves", std::move(leaves)}},
                             {{"If-Match", if_match}});
  }
  reply upload(const std::string& who, const std::string& csv, bool preview,
               const std::string& if_match) {
    return as(who).request(verb::post, path() + "/score-import" + (preview ? "?preview=true" : ""),
                           csv, {{"Content-Type", "text/csv"}, {"If-Match", if_match}});
  }
  boost::json::object leaf(const std::string& code) {
    const auto file_json = as("thuky").get(path()).json();
    for (const auto& l : file_json.at("leaves").as_array())
      if (l.at("code").as_string() == code) return l.as_object();
    return {};
  }
  std::size_t audit_entries(const std::string& code) {
    auto r = as("thuky").get(path() + "/leaves/" + code + "/history");
    EXPECT_EQ(r.status, 200u) << r.body;
    auto j = r.json();
    return j.at("history").as_array().size();
  }
  void to_round1() {
    auto self = bulk("u1.head",
                     {{{"code", "1.1"}, {"self_score", "1"}},
                      {{"code", "2.1"}, {"self_score", "1"}},
                      {{"code", "2.2"}, {"self_score", "0.5"}, {"self_explanation", "Một phần"}}},
                     etag());
    ASSERT_EQ(self.status, 200u) << self.body;
    ASSERT_EQ(as("u1.head").post_json(path() + "/events", {{"event", "submit"}}).status, 200u);
    as("thamdinh");  // signed in now, so that a later sign-in does not change a dump
    as("khac");
  }

  test_server srv;
  signed_in as{srv};
  std::int64_t file = 0;
};

TEST_F(bulk_scoring, one_request_sets_many_leaves_or_none_and_lists_every_refusal) {
  to_round1();
  EXPECT_EQ(leaf("2.2").at("self_score").as_string(), "0.5") << "the agency's bulk self scores";
  const auto before = database_dump(srv);
  const auto tag = etag();
  // Three problems: above the maximum, a survey leaf, an unknown code; 1.1 is fine but
  // nothing is stored.
  auto refused = bulk("thamdinh",
                      {{{"code", "1.1"}, {"round1_score", "1"}},
                       {{"code", "2.1"}, {"round1_score", "1.5"}},
                       {{"code", "1.2"}, {"round1_score", "1"}},
                       {{"code", "9.9"}, {"round1_score", "1"}}},
                      tag);
  ASSERT_EQ(refused.status, 422u) << refused.body;
  ASSERT_TRUE(refused.json().as_object().contains("problems")) << refused.body;
  const auto j = refused.json();
  EXPECT_EQ(j.at("code").as_string(), "invalid_bulk_edit");
  const auto& problems = j.at("problems").as_array();
  ASSERT_EQ(problems.size(), 3u) << refused.body;
  EXPECT_EQ(problems[0].at("code").as_string(), "2.1");
  EXPECT_EQ(problems[0].at("index").as_int64(), 1);
  EXPECT_EQ(problems[0].at("problem").as_string(), "score_above_max");
  EXPECT_NE(problems[0].at("detail").as_string().find("1.5"), std::string::npos);
  EXPECT_EQ(problems[1].at("problem").as_string(), "not_self_scored");
  EXPECT_EQ(problems[2].at("problem").as_string(), "unknown_criterion");
  EXPECT_EQ(database_dump(srv), before) << "all or nothing: 1.1 is not stored either";

  // A duplicated code, and a file changed since it was read (a single-leaf edit bumps
  // the file's ETag).
  auto twice = bulk(
      "thamdinh",
      {{{"code", "1.1"}, {"round1_score", "1"}}, {{"code", "1.1"}, {"round1_score", "0"}}}, tag);
  ASSERT_EQ(twice.status, 422u) << twice.body;
  EXPECT_EQ(twice.json().at("problems").as_array()[0].at("problem").as_string(), "duplicate_entry");
  auto single =
      as("thamdinh")
          .send_json(
              verb::patch, path() + "/leaves/2.2", {{"round1_remark", "Thiếu văn bản"}},
              {{"If-Match", "\"v" + std::to_string(leaf("2.2").at("version").as_int64()) + "\""}});
  ASSERT_EQ(single.status, 200u) << single.body;
  auto stale = bulk("thamdinh", {{{"code", "1.1"}, {"round1_score", "1"}}}, tag);
  EXPECT_EQ(stale.status, 412u) << stale.body;
  EXPECT_EQ(stale.json().at("code").as_string(), "stale_version");
  EXPECT_EQ(stale.header("etag"), etag());

  // An appraiser not assigned to the unit does not reach its file, as with one leaf.
  auto other = bulk("khac", {{{"code", "1.1"}, {"round1_score", "1"}}}, etag());
  EXPECT_EQ(other.status, 403u) << other.body;
  EXPECT_EQ(other.json().at("code").as_string(), "not_assigned_to_unit");

  // Accepted: every leaf stored, one audit entry per changed value.
  const auto history_before = audit_entries("2.1");
  auto ok = bulk("thamdinh",
                 {{{"code", "1.1"}, {"round1_score", "1"}},
                  {{"code", "2.1"}, {"round1_score", "0.75"}, {"round1_remark", "Chậm"}},
                  {{"code", "2.2"}, {"round1_score", "0.5"}, {"needs_explanation", true}}},
                 etag());
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.header("etag"), etag());
  EXPECT_EQ(ok.json().at("leaves").as_array().size(), 3u);
  EXPECT_EQ(leaf("2.1").at("round1_score").as_string(), "0.75");
  EXPECT_EQ(leaf("2.2").at("needs_explanation").as_bool(), true);
  EXPECT_EQ(audit_entries("2.1"), history_before + 2) << "score and remark";
}

TEST_F(bulk_scoring, an_appraisers_csv_is_previewed_then_stored_only_when_every_row_is_valid) {
  to_round1();
  const auto before = database_dump(srv);
  // Excel on a Vietnamese Windows: BOM, ';' and decimal commas.
  const std::string csv =
      "\xEF\xBB\xBF"
      "code;score;remark;needs_explanation\r\n"
      "1.1;1;;\r\n"
      "2.1;0,5;\"Thiếu báo cáo; chưa đủ\";có\r\n"
      "2.2;;Đạt một phần;không\r\n";
  auto preview = upload("thamdinh", csv, true, etag());
  ASSERT_EQ(preview.status, 200u) << preview.body;
  const auto p = preview.json();
  EXPECT_TRUE(p.at("preview").as_bool());
  const auto& leaves = p.at("leaves").as_array();
  ASSERT_EQ(leaves.size(), 3u);
  const auto& changes = leaves[1].at("changes");
  EXPECT_TRUE(changes.at("round1_score").at("before").is_null());
  EXPECT_EQ(changes.at("round1_score").at("after").as_string(), "0.5");
  EXPECT_EQ(changes.at("round1_remark").at("after").as_string(), "Thiếu báo cáo; chưa đủ");
  EXPECT_EQ(changes.at("needs_explanation").at("after").as_bool(), true);
  EXPECT_FALSE(leaves[2].at("changes").as_object().contains("round1_score"))
      << "an empty score leaves it as it is";
  EXPECT_EQ(database_dump(srv), before) << "a preview stores nothing";

  // One bad row (a score above the maximum) and one unreadable flag: nothing stored.
  auto bad_flag =
      upload("thamdinh", "code,score,remark,needs_explanation\n1.1,1,,maybe\n", false, etag());
  EXPECT_EQ(bad_flag.status, 422u) << bad_flag.body;
  EXPECT_EQ(bad_flag.json().at("problems").as_array()[0].at("line").as_int64(), 2);
  auto bad_score = upload("thamdinh", "code,score,remark\n1.1,1,\n2.1,2,quá\n", false, etag());
  ASSERT_EQ(bad_score.status, 422u) << bad_score.body;
  const auto bad_json = bad_score.json();
  const auto& bp = bad_json.at("problems").as_array();
  ASSERT_EQ(bp.size(), 1u);
  EXPECT_EQ(bp[0].at("line").as_int64(), 3);
  EXPECT_EQ(bp[0].at("problem").as_string(), "score_above_max");
  EXPECT_EQ(database_dump(srv), before);

  auto stored = upload("thamdinh", csv, false, etag());
  ASSERT_EQ(stored.status, 200u) << stored.body;
  EXPECT_FALSE(stored.json().at("preview").as_bool());
  EXPECT_EQ(leaf("2.1").at("round1_score").as_string(), "0.5");
  EXPECT_EQ(leaf("2.1").at("round1_remark").as_string(), "Thiếu báo cáo; chưa đủ");
  EXPECT_EQ(leaf("1.1").at("round1_score").as_string(), "1");
}

}  // namespace
}  // namespace parix::testing
