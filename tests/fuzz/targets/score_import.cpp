// Survey and external score imports (CSV: unit_code,criterion_code,score) through
// POST /api/v1/campaigns/{id}/scores and assessment_service::import_scores. A 500 is a
// finding.
#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& app = parix::fuzz::fuzz_app::instance();
  app.call(parix::server::http::verb::post,
           "/api/v1/campaigns/" + std::to_string(app.campaign_id()) + "/scores", "thuky",
           {{"Content-Type", "text/csv"}}, std::string{parix::fuzz::bytes_of(data, size)});
  return 0;
}
