// Everything one running parix holds, built from the configuration: the database,
// the services of each module, the metrics and the frozen route table. No
// globals: tests build as many applications as they like.
#pragma once

#include <memory>

#include "auth/clock.hpp"
#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "auth/units.hpp"
#include "auth/users.hpp"
#include "evidence/evidence_sealer.hpp"
#include "evidence/evidence_service.hpp"
#include "evidence/upload_service.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "storage/blob_store.hpp"
#include "storage/database.hpp"
#include "storage/signing_key.hpp"
#include "workflow/assessment_service.hpp"
#include "workflow/audit_service.hpp"
#include "workflow/campaign_service.hpp"
#include "workflow/criteria_service.hpp"
#include "workflow/desk_service.hpp"
#include "workflow/reports/report_service.hpp"

namespace parix::server {

// The services handlers reach through request_context::app.
struct services {
  const config& cfg;
  const auth::clock& clock;
  storage::database& db;
  auth::password_hasher& hasher;
  auth::session_service& sessions;
  auth::user_service& users;
  auth::unit_service& units;
  workflow::criteria_service& criteria;
  workflow::campaign_service& campaigns;
  workflow::assessment_service& assessments;
  evidence::upload_service& uploads;
  evidence::evidence_service& evidence;
  workflow::desk_service& desk;
  workflow::audit_service& audit;
  const storage::signing_key& key;
  server::metrics& metrics;
  const server::router& routes;
  workflow::report_service& reports;
};

class application {
 public:
  // Opens the database (running migrations) and builds the route table.
  // Throws on any start-up failure.
  application(config cfg, const auth::clock& clock);
  ~application();

  services& app() noexcept { return *services_; }
  const router& routes() const noexcept { return router_; }
  const config& cfg() const noexcept { return cfg_; }
  storage::database& db() noexcept { return *db_; }
  server::metrics& metrics() noexcept { return metrics_; }
  const evidence::evidence_sealer& sealer() const noexcept { return sealer_; }
  // The clock's work: automatic submissions and window closes that are due (sealing
  // their evidence), the daily audit checkpoint, and expired uploads. Returns how many
  // files moved. Thread-safe; blocking.
  int tick();

 private:
  void add_web_ui();
  config cfg_;
  const auth::clock& clock_;
  std::unique_ptr<storage::database> db_;
  std::unique_ptr<storage::blob_store> blobs_;
  storage::signing_key key_;
  evidence::evidence_sealer sealer_;
  auth::password_hasher hasher_;
  auth::session_service sessions_;
  auth::user_service users_;
  auth::unit_service units_;
  workflow::criteria_service criteria_;
  workflow::campaign_service campaigns_;
  workflow::assessment_service assessments_;
  evidence::upload_service uploads_;
  evidence::evidence_service evidence_;
  workflow::desk_service desk_;
  workflow::audit_service audit_;
  workflow::report_service reports_;
  server::metrics metrics_;
  std::unique_ptr<class static_files> web_;  // null when no UI folder is there
  router router_;
  std::unique_ptr<services> services_;
};

// Adds every route of every module to r (server/routes/*.cpp).
void add_health_routes(router& r);
void add_auth_routes(router& r);
void add_user_routes(router& r);
void add_unit_routes(router& r);
void add_criteria_routes(router& r);
void add_campaign_routes(router& r);
void add_assessment_routes(router& r);
void add_audit_routes(router& r);
void add_upload_routes(router& r);
void add_evidence_routes(router& r);
void add_report_routes(router& r);
void add_desk_routes(router& r);

}  // namespace parix::server
