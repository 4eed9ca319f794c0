// Assembly of one running parix.
#include "server/application.hpp"

#include <spdlog/spdlog.h>

#include "server/static_files.hpp"
#include "storage/evidence_records.hpp"
#include "storage/sha256.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::server {
namespace {

storage::database_config db_config(const config& c) {
  storage::database_config d;
  d.file = c.database;
  d.readers = c.database_readers;
  d.sync_log = c.database_sync_log;
  return d;
}

}  // namespace

application::application(config cfg, const auth::clock& clock)
    : cfg_(std::move(cfg)),
      clock_(clock),
      db_(storage::open_sqlite(db_config(cfg_))),
      blobs_(storage::open_filesystem_blob_store(cfg_.evidence.blob_dir)),
      key_(storage::signing_key::load(cfg_.signing_key)),
      sealer_(*blobs_, key_),
      hasher_(cfg_.passwords),
      sessions_(*db_, hasher_, clock_, cfg_.sessions, cfg_.throttle),
      users_(*db_, hasher_, clock_),
      units_(*db_, clock_),
      criteria_(*db_, clock_),
      campaigns_(*db_, clock_),
      assessments_(*db_, clock_, &key_, &sealer_),
      uploads_(*db_, *blobs_, clock_, cfg_.evidence),
      evidence_(*db_, *blobs_, clock_, assessments_, cfg_.evidence),
      desk_(*db_, assessments_),
      audit_(*db_),
      reports_(*db_) {
  // Every key that ever signed stays listed, so statements made before a rotation verify.
  db_->write([&](storage::connection& c) {
    storage::remember_signing_key(
        c, {key_.key_id(), "Ed25519", key_.public_key_pem(),
            storage::to_hex(std::span<const unsigned char>{key_.public_key()}),
            storage::to_millis(clock_.now())});
  });
  add_health_routes(router_);
  add_auth_routes(router_);
  add_user_routes(router_);
  add_unit_routes(router_);
  add_criteria_routes(router_);
  add_campaign_routes(router_);
  add_assessment_routes(router_);
  add_audit_routes(router_);
  add_upload_routes(router_);
  add_evidence_routes(router_);
  add_report_routes(router_);
  add_desk_routes(router_);
  add_web_ui();
  router_.freeze();
  services_.reset(new services{cfg_, clock_, *db_, hasher_, sessions_, users_, units_, criteria_,
                               campaigns_, assessments_, uploads_, evidence_, desk_, audit_, key_,
                               metrics_, router_, reports_});
}

application::~application() = default;

// The UI's files answer every GET no API route takes. A configured folder that is not
// there stops the start; the default one only leaves the server serving the API.
void application::add_web_ui() {
  std::error_code ec;
  if (!cfg_.web.required && !std::filesystem::is_regular_file(cfg_.web.root / "index.html", ec)) {
    spdlog::warn(
        "no web UI at {} (build it with: cd web && npm ci && npm run build); serving the API only",
        cfg_.web.root.string());
    return;
  }
  web_ = std::make_unique<static_files>(cfg_.web.root);
  router_.set_fallback({http::verb::get, "/{web-ui}", auth::permission::public_access,
                        [ui = web_.get()](request_context& ctx) { return ui->serve(ctx); }});
  spdlog::info("serving the web UI from {}", web_->root().string());
}

int application::tick() {
  const int moved = assessments_.sweep();
  db_->write([&](storage::connection& c) {
    workflow::checkpoint_if_due(c, key_, storage::to_millis(clock_.now()), std::chrono::hours{24});
  });
  uploads_.expire();
  return moved;
}

}  // namespace parix::server
