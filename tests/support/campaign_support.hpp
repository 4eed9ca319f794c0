// Helpers for tests that run campaigns over HTTPS: one signed-in client per user, a
// small criteria set, a campaign body, the files of a created campaign, and a dump of the
// whole database to compare before and after a refused request.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>

#include "tests/support/test_server.hpp"

namespace parix::testing {

// "2025-01-31T17:00:00+07:00": times as requests carry them.
std::string iso(std::chrono::system_clock::time_point t);

// One signed-in client per username, signed in again after the clock moved (sessions
// idle out as they would).
class signed_in {
 public:
  explicit signed_in(test_server& srv) : srv_(srv) {}
  https_client& operator()(const std::string& username);
  void forget() { clients_.clear(); }

 private:
  test_server& srv_;
  std::map<std::string, https_client> clients_;
};

// A set a person can add up: field 1 (1.1 self 1, 1.2 survey 1), field 2 (2.1 self 1,
// 2.2 self 1); 4 points (the file says "#total: 4").
extern const char* small_set;
// Imports a criteria set as `by`; fails the test unless it is stored.
void import_set(https_client& by, const std::string& csv);

// A campaign body for the small set's key "small" with one group "A" of the given
// units, a schedule from `start` on (deadline start + 24 h), and the given extras merged
// in (assignments, council, not_evaluated, …).
boost::json::object campaign_body(const std::string& name,
                                  std::chrono::system_clock::time_point start,
                                  const std::vector<std::string>& units,
                                  const boost::json::object& extras = {});
// unit code → assessment id, from a campaign's JSON.
std::map<std::string, std::int64_t> files_of(const boost::json::value& campaign);

// Every row of every table (and the schema), in a fixed order: equal dumps mean an
// unchanged database.
std::string database_dump(test_server& srv);

}  // namespace parix::testing
