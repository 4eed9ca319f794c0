// The JSON bodies of the main write routes, through the route table, authentication,
// the handlers and the services, as the server runs them. Byte 0 picks the route and
// its user, byte 1 a variant (If-Match version, leaf), the rest is the body. A 500 is
// a finding (fuzz_app::call aborts on one).
#include <array>

#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parix::server::http::verb;
  auto& app = parix::fuzz::fuzz_app::instance();
  if (size < 2) return 0;
  struct write_route {
    verb method;
    // "{a}" is STP's file (kept in self-assessment), "{e}" STC's (events move it), "{c}"
    // the campaign, "{u}" the user the fuzzer may change, "{leaf}" a leaf.
    const char* path;
    const char* user;
  };
  static constexpr std::array<write_route, 14> routes{{
      {verb::post, "/api/v1/auth/login", ""},
      {verb::put, "/api/v1/me/password", "khach"},
      {verb::post, "/api/v1/users", "admin"},
      {verb::patch, "/api/v1/users/{u}", "admin"},
      {verb::put, "/api/v1/users/{u}/password", "admin"},
      {verb::post, "/api/v1/users/{u}/tokens", "admin"},
      {verb::post, "/api/v1/campaigns", "thuky"},
      {verb::post, "/api/v1/campaigns/{c}/publish", "thuky"},
      {verb::patch, "/api/v1/assessments/{a}/leaves/{leaf}", "stp.canbo"},
      {verb::patch, "/api/v1/assessments/{a}/leaves/{leaf}", "thamdinh"},
      {verb::post, "/api/v1/assessments/{e}/events", "stc.giamdoc"},
      {verb::post, "/api/v1/assessments/{e}/events", "hoidong"},
      {verb::post, "/api/v1/assessments/{a}/leaves/{leaf}/evidence", "stp.canbo"},
      {verb::post, "/api/v1/assessments/{e}/events", "thuky"},
  }};
  static constexpr std::array<const char*, 4> leaves{"1.1.1", "2.1.1", "1", "9.9.9"};
  const write_route& r = routes[data[0] % routes.size()];
  std::string target = r.path;
  auto fill = [&](std::string_view name, const std::string& value) {
    if (auto at = target.find(name); at != std::string::npos)
      target.replace(at, name.size(), value);
  };
  fill("{a}", std::to_string(app.stp_assessment()));
  fill("{e}", std::to_string(app.stc_assessment()));
  fill("{u}", std::to_string(app.guest_id()));
  fill("{c}", std::to_string(app.campaign_id()));
  fill("{leaf}", leaves[data[1] % leaves.size()]);
  const std::string version = "\"v" + std::to_string((data[1] >> 2) % 4) + "\"";
  app.call(r.method, target, r.user, {{"Content-Type", "application/json"}, {"If-Match", version}},
           std::string{parix::fuzz::bytes_of(data + 2, size - 2)});
  return 0;
}
