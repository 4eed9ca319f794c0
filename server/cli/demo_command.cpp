// parix demo: loads demonstration units and a user of every role. Idempotent.
// Every demo password is $PARIX_DEMO_PASSWORD (README gives the default).
#include <cstdlib>
#include <iostream>

#include "auth/units.hpp"
#include "auth/users.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "storage/database.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/shipped_criteria.hpp"

namespace parix::server::cli {
namespace {

constexpr const char* default_demo_password = "ChiSoCCHC-2024";

struct demo_unit {
  const char* code;
  const char* name;
  const char* parent;  // nullptr: none
  const char* kind;
};
// The province first: it is the parent of the others.
constexpr demo_unit demo_units[] = {
    {"DBN", "UBND tỉnh Điện Biên", nullptr, "province"},
    {"SNV", "Sở Nội vụ", "DBN", "department"},
    {"STP", "Sở Tư pháp", "DBN", "department"},
    {"STC", "Sở Tài chính", "DBN", "department"},
    {"STTTT", "Sở Thông tin và Truyền thông", "DBN", "department"},
    {"TPDBP", "UBND thành phố Điện Biên Phủ", "DBN", "district"},
    {"HTG", "UBND huyện Tuần Giáo", "DBN", "district"},
    {"HMN", "UBND huyện Mường Nhé", "DBN", "district"},
};

struct demo_user {
  const char* username;
  const char* display_name;
  const char* role;
  const char* unit;  // nullptr: none
};
constexpr demo_user demo_users[] = {
    {"admin", "Quản trị hệ thống", "admin", nullptr},
    {"thuky", "Nguyễn Thị Thu (Sở Nội vụ, thư ký)", "secretariat", nullptr},
    {"stp.canbo", "Lò Văn Hùng (Sở Tư pháp, cán bộ)", "agency_editor", "STP"},
    {"stp.giamdoc", "Quàng Thị Lan (Giám đốc Sở Tư pháp)", "agency_head", "STP"},
    {"htg.canbo", "Vì Văn Minh (UBND huyện Tuần Giáo, cán bộ)", "agency_editor", "HTG"},
    {"htg.chutich", "Lường Văn Thắng (Chủ tịch UBND huyện Tuần Giáo)", "agency_head", "HTG"},
    {"thamdinh.tp", "Trần Văn An (thẩm định lĩnh vực 2)", "appraiser", nullptr},
    {"thamdinh.snv", "Hoàng Thị Mai (Tổ giúp việc, Sở Nội vụ)", "appraiser", nullptr},
    {"hoidong.1", "Phạm Thị Hoa (Hội đồng thẩm định)", "council_member", nullptr},
    {"thanhtra", "Đỗ Văn Bình (Thanh tra tỉnh)", "auditor", nullptr},
};

}  // namespace

int demo_command(const arguments& args) {
  po::options_description d{"parix demo"};
  add_location_options(d);
  d.add_options()("help,h", "this text");
  po::variables_map vm;
  if (!parse(args, d, {}, vm, "usage: parix demo [--config FILE | --data DIR]")) return 2;
  config c = locate_config(vm);
  const char* env = std::getenv("PARIX_DEMO_PASSWORD");
  const std::string password = env && *env ? env : default_demo_password;

  auto db = storage::open_sqlite({c.database, 1});
  auth::unit_service units{*db, auth::default_clock()};
  for (const auto& u : demo_units) {
    if (units.get(u.code)) continue;
    std::optional<std::string> parent;
    if (u.parent) parent = u.parent;
    auto r = units.create(cli_actor(), {u.code, u.name, parent, std::string{u.kind}, {}});
    if (!r) {
      std::cerr << "parix demo: cannot create unit " << u.code << ": " << r.error().message()
                << "\n";
      return 1;
    }
  }
  auth::password_hasher hasher{c.passwords};
  auth::user_service users{*db, hasher, auth::default_clock()};
  std::cout << "demo accounts (password from $PARIX_DEMO_PASSWORD"
            << (env && *env ? "" : std::string{", default "} + default_demo_password) << "):\n";
  for (const auto& u : demo_users) {
    if (!users.get_by_name(u.username)) {
      std::optional<std::string> unit;
      if (u.unit) unit = u.unit;
      auto r = users.create(cli_actor(), {u.username, u.display_name, u.role, unit, password});
      if (!r) {
        std::cerr << "parix demo: cannot create " << u.username << ": " << r.error().message()
                  << "\n";
        return 1;
      }
    }
    std::cout << "  " << u.username << "\t" << u.role << (u.unit ? std::string{"@"} + u.unit : "")
              << "\n";
  }
  workflow::criteria_service criteria{*db, auth::default_clock()};
  for (const auto& s : workflow::shipped_criteria_sets()) {
    auto r = criteria.import(cli_actor(), s.csv);
    if (!r && r.error() != workflow::errc::criteria_set_exists) {
      std::cerr << "parix demo: cannot import " << s.file << ": " << r.error().message() << "\n";
      return 1;
    }
  }
  std::cout << "criteria sets: the 2024 Điện Biên sets for departments and districts\n";

  // The 2024 campaign, with a schedule that starts now so that the demo is live.
  workflow::campaign_service campaigns{*db, auth::default_clock()};
  if (campaigns.list().empty()) {
    using namespace std::chrono_literals;
    const auto start = std::chrono::system_clock::now();
    workflow::campaign_spec spec;
    spec.year = 2024;
    spec.name = "Chỉ số CCHC năm 2024 — tỉnh Điện Biên";
    spec.self_deadline = start + 24h * 30;
    spec.round1_end = start + 24h * 60;
    spec.round2_end = start + 24h * 75;
    spec.council_date = start + 24h * 90;
    spec.window_length = 48h;
    spec.groups = {
        {"departments",
         "Cơ quan chuyên môn thuộc UBND tỉnh",
         "2024-departments",
         {"SNV", "STP", "STC", "STTTT"}},
        {"districts", "UBND huyện, thị xã, thành phố", "2024-districts", {"TPDBP", "HTG", "HMN"}}};
    // The usual way: the Department of Justice appraises field 2 for everyone.
    spec.assignments = {{"thamdinh.tp", std::string{"2"}, std::nullopt}};
    // The Home Affairs team appraises every field of every unit, so that round one of a
    // demo file can be completed (the web UI's browser tests walk it end to end).
    for (const auto& u : demo_units)
      if (u.parent) spec.assignments.push_back({"thamdinh.snv", std::nullopt, std::string{u.code}});
    spec.council = {"hoidong.1"};
    spec.not_evaluated_leaves = {
        {"STTTT", "2.1.1", "Năm 2024 không được giao xây dựng văn bản QPPL"}};
    // A department without legal-document duties may claim 2.1.2 for itself; the
    // appraiser of field 2 confirms or rejects the claim in round one.
    spec.claimable_leaves = {{std::nullopt, std::string{"departments"}, "2.1.2"}};
    workflow::spec_problem problem;
    auto r = campaigns.create(cli_actor(), spec, &problem);
    if (!r) {
      std::cerr << "parix demo: cannot create the campaign: " << r.error().message() << " at "
                << problem.field << " (" << problem.value << ")\n";
      return 1;
    }
    for (const auto& w : r->warnings) std::cout << "  note: " << w << "\n";
    std::cout << "campaign: " << spec.name << " (id " << r->campaign.id
              << "), 7 units in 2 groups\n";
  }
  db->close();
  return 0;
}

}  // namespace parix::server::cli
