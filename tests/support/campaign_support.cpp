// Campaign test helpers.
#include "tests/support/campaign_support.hpp"

#include <gtest/gtest.h>

#include "workflow/time_text.hpp"

namespace parix::testing {

using server::http::verb;

std::string iso(std::chrono::system_clock::time_point t) {
  return workflow::format_time(t, "Asia/Ho_Chi_Minh");
}

https_client& signed_in::operator()(const std::string& username) {
  auto it = clients_.find(username);
  if (it == clients_.end()) {
    it = clients_.emplace(username, srv_.client()).first;
    EXPECT_EQ(it->second.login(username, test_password).status, 200u) << username;
  }
  return it->second;
}

const char* small_set =
    "#set-key: small\n#set-name: Nhỏ\n#total: 4\ncode,title,max,method,bonus\n"
    "1,Lĩnh vực 1,2,,\n1.1,Tự chấm,1,self,\n1.2,Khảo sát,1,survey,\n"
    "2,Lĩnh vực 2,2,,\n2.1,Tự chấm A,1,self,\n2.2,Tự chấm B,1,self,\n";

void import_set(https_client& by, const std::string& csv) {
  auto r = by.request(verb::post, "/api/v1/criteria-sets", csv, {{"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 201u) << r.body;
}

boost::json::object campaign_body(const std::string& name,
                                  std::chrono::system_clock::time_point start,
                                  const std::vector<std::string>& units,
                                  const boost::json::object& extras) {
  using namespace std::chrono_literals;
  boost::json::array codes;
  for (const auto& u : units) codes.push_back(boost::json::string{u});
  boost::json::object body{
      {"year", 2024},
      {"name", name},
      {"schedule",
       {{"self_deadline", iso(start + 24h)},
        {"round1_end", iso(start + 48h)},
        {"round2_end", iso(start + 72h)},
        {"council_date", iso(start + 96h)}}},
      {"groups",
       boost::json::array{
           {{"key", "A"}, {"name", "Nhóm A"}, {"criteria_set", "small"}, {"units", codes}}}}};
  for (const auto& [k, v] : extras) body[k] = v;
  return body;
}

std::map<std::string, std::int64_t> files_of(const boost::json::value& campaign) {
  std::map<std::string, std::int64_t> out;
  for (const auto& g : campaign.at("groups").as_array())
    for (const auto& a : g.at("assessments").as_array())
      out[std::string{a.at("unit").as_string()}] = a.at("assessment").as_int64();
  return out;
}

std::string database_dump(test_server& srv) {
  return srv.app().db().read_result([](storage::connection& c) {
    std::string out;
    std::vector<std::string> tables;
    c.query("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name", {},
            [&](const storage::row& r) {
              out += r.text(0) + " " + r.text(1) + ": " + r.text(2) + "\n";
              if (r.text(0) == "table") tables.push_back(r.text(1));
            });
    for (const auto& t : tables) {
      std::string select;
      c.query("SELECT name FROM pragma_table_info(?)", {std::string_view{t}},
              [&](const storage::row& r) {
                select += (select.empty() ? "" : " || '|' || ") + std::string{"quote(\""} +
                          r.text(0) + "\")";
              });
      if (select.empty()) continue;
      out += "-- " + t + "\n";
      c.query("SELECT " + select + " FROM \"" + t + "\" ORDER BY rowid", {},
              [&](const storage::row& r) { out += r.text(0) + "\n"; });
    }
    return out;
  });
}

}  // namespace parix::testing
