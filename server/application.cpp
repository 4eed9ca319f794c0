// Assembly of one running parix.
#include "server/application.hpp"

#include "storage/evidence_records.hpp"
#include "storage/sha256.hpp"
#include "workflow/audit_checkpoint.hpp"

namespace parix::server {
namespace {

storage::database_config db_config(const config& c) {
  storage::database_config d;
  d.file = c.database;
  d.readers = c.database_readers;
  return d;
}

}  // namespace

application::application(config cfg, const auth::clock& clock)
    : cfg_(std::move(cfg)),
      clock_(clock),
      db_(storage::open_sqlite(db_config(cfg_))),
      blobs_(storage::open_filesystem_blob_store(cfg_.evidence.blob_dir)),
      key_(workflow::signing_key::load(cfg_.signing_key)),
      sealer_(*blobs_, key_),
      hasher_(cfg_.passwords),
      sessions_(*db_, hasher_, clock_, cfg_.sessions, cfg_.throttle),
      users_(*db_, hasher_, clock_),
      units_(*db_, clock_),
      criteria_(*db_, clock_),
      campaigns_(*db_, clock_),
      assessments_(*db_, clock_, &key_, &sealer_),
      uploads_(*db_, *blobs_, clock_, cfg_.evidence),
      evidence_(*db_, *blobs_, clock_, assessments_, cfg_.evidence) {
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
  router_.freeze();
  services_.reset(new services{cfg_, clock_, *db_, hasher_, sessions_, users_, units_,
                               criteria_, campaigns_, assessments_, uploads_, evidence_, key_,
                               metrics_, router_});
}

application::~application() = default;

int application::tick() {
  const int moved = assessments_.sweep();
  db_->write([&](storage::connection& c) {
    workflow::checkpoint_if_due(c, key_, storage::to_millis(clock_.now()), std::chrono::hours{24});
  });
  uploads_.expire();
  return moved;
}

}  // namespace parix::server
