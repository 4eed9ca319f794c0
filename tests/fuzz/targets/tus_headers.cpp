// tus requests (creation, status, PATCH, termination, OPTIONS) with hostile headers and
// Upload-Metadata, through the route table and the upload service. Byte 0 picks the
// request; then "Name: value" lines, an empty line, and the body. PATCH, HEAD and DELETE
// go to a fresh upload of 64 bytes each time. A 500 is a finding.
#include <array>
#include <cstdlib>

#include "tests/fuzz/support/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parix::server::http::verb;
  auto& app = parix::fuzz::fuzz_app::instance();
  if (size < 1) return 0;
  auto [head, body] = parix::fuzz::split(parix::fuzz::bytes_of(data + 1, size - 1), "\n\n");
  std::map<std::string, std::string> headers;
  while (!head.empty()) {
    auto [line, rest] = parix::fuzz::split(head, "\n");
    head = rest;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    // Beast refuses to store what no parser would have produced.
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) continue;
    headers[std::string{line.substr(0, colon)}] = std::string{value};
  }
  static constexpr std::array<verb, 5> kinds{verb::post, verb::head, verb::patch, verb::delete_,
                                             verb::options};
  const verb method = kinds[data[0] % kinds.size()];
  std::string target = "/api/v1/uploads";
  if (method == verb::head || method == verb::patch || method == verb::delete_) {
    auto created = app.call(verb::post, "/api/v1/uploads", "stp.canbo",
                            {{"Tus-Resumable", "1.0.0"},
                             {"Upload-Length", "64"},
                             {"Upload-Metadata",
                              "filename YS5wZGY=,sha256 "
                              "ZTNiMGM0NDI5OGZjMWMxNDlhZmJmNGM4OTk2ZmI5MjQyN2FlNDFlNDY0OWI5MzRjYTQ5"
                              "NTk5MWI3ODUyYjg1NQ=="}},
                            "");
    if (created.status != 201) std::abort();  // the harness's own request must work
    auto id = created.body.find("\"id\":\"");
    if (id == std::string::npos) std::abort();
    target += "/" + created.body.substr(id + 6, created.body.find('"', id + 6) - id - 6);
  }
  app.call(method, target, "stp.canbo", headers, std::string{body});
  return 0;
}
