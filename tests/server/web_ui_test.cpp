// The web UI's files served by parix (server/static_files.cpp) over HTTPS: caching,
// precompressed bodies, the SPA fallback, the Content-Security-Policy, and that
// nothing outside the configured folder is ever served (dot segments, %2e%2e, NUL,
// encoded slashes, symlinks out of the root).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "server/static_files.hpp"
#include "tests/support/evidence_support.hpp"
#include "tests/support/test_server.hpp"

namespace parix::testing {
namespace {

namespace fs = std::filesystem;
using server::http::verb;

const std::string secret = "SECRET-OUTSIDE-THE-ROOT";

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream{p, std::ios::binary} << bytes;
}

// A built UI in dir/dist, a secret next to it, and symlinks that lead out.
fs::path make_site(const fs::path& dir) {
  const fs::path root = dir / "dist";
  write(
      root / "index.html",
      "<!doctype html><title>parix</title><script type=module src=/assets/app-1a2b3c.js></script>");
  write(root / "index.html.gz", "GZ-INDEX");
  write(root / "assets" / "app-1a2b3c.js", "console.log('plain')");
  write(root / "assets" / "app-1a2b3c.js.br", "BR-BYTES");
  write(root / "assets" / "app-1a2b3c.js.gz", "GZ-BYTES");
  write(root / "assets" / "style-9f8e7d.css", "body{}");
  write(root / "assets" / "noto-sans-vietnamese-400.woff2", "wOF2");
  write(root / "robots.txt", "User-agent: *\n");
  write(root / ".hidden", "hidden");
  write(dir / "secret.txt", secret);
  fs::create_symlink(dir / "secret.txt", root / "assets" / "evil.js");
  fs::create_symlink(dir, root / "leak");
  // A precompressed twin that points outside must not be followed either.
  write(root / "assets" / "lib-77.js", "lib");
  fs::create_symlink(dir / "secret.txt", root / "assets" / "lib-77.js.br");
  return root;
}

class web_ui : public ::testing::Test {
 protected:
  temp_dir site_dir;
  fs::path root = make_site(site_dir.path());
  test_server srv{[this](server::config& c) {
    c.web.root = root;
    c.web.required = true;
  }};

  reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    auto c = srv.client();
    return c.get(target, headers);
  }
  // Sends the target byte for byte (the test client might normalise it).
  std::string raw(const std::string& target) {
    return raw_exchange(srv.port(), "GET " + target +
                                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        "Connection: close\r\n\r\n");
  }
};

TEST_F(web_ui, the_front_page_is_index_html_revalidated_every_time_under_a_strict_policy) {
  auto r = get("/");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("<title>parix</title>"), std::string::npos);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  EXPECT_FALSE(r.header("etag").empty());
  const auto csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

TEST_F(web_ui, hashed_assets_are_immutable_and_precompressed_by_accept_encoding) {
  auto br = get("/assets/app-1a2b3c.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(br.status, 200u);
  EXPECT_EQ(br.body, "BR-BYTES");
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_EQ(br.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(br.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(br.header("vary"), "Accept-Encoding");

  auto gz = get("/assets/app-1a2b3c.js", {{"Accept-Encoding", "br;q=0, gzip"}});
  EXPECT_EQ(gz.body, "GZ-BYTES");
  EXPECT_EQ(gz.header("content-encoding"), "gzip");

  auto plain = get("/assets/app-1a2b3c.js", {{"Accept-Encoding", "identity"}});
  EXPECT_EQ(plain.body, "console.log('plain')");
  EXPECT_EQ(plain.header("content-encoding"), "");

  EXPECT_EQ(get("/assets/style-9f8e7d.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/assets/noto-sans-vietnamese-400.woff2").header("content-type"), "font/woff2");
  EXPECT_EQ(get("/robots.txt").header("cache-control"), "no-cache");
  EXPECT_EQ(get("/", {{"Accept-Encoding", "gzip"}}).body, "GZ-INDEX");
}

TEST_F(web_ui, an_unchanged_file_answers_304_and_head_sends_no_body) {
  auto first = get("/assets/app-1a2b3c.js");
  auto again = get("/assets/app-1a2b3c.js", {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  auto c = srv.client();
  auto head = c.request(verb::head, "/");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-type"), "text/html; charset=utf-8");
}

TEST_F(web_ui, unknown_pages_get_index_html_but_unknown_files_and_api_paths_get_404) {
  // Criteria codes hold dots: a page address, not a file.
  auto page = get("/files/12/leaves/1.1.2");
  EXPECT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("<title>parix</title>"), std::string::npos);
  EXPECT_EQ(get("/signin?next=%2Ffiles").status, 200u);

  EXPECT_EQ(get("/assets/gone-123.js").status, 404u);
  EXPECT_EQ(get("/favicon.png").status, 404u);
  EXPECT_EQ(get("/app.js").status, 404u);
  EXPECT_EQ(get("/files/12/leaves/1.1.2.css").status, 404u);
  auto api = get("/api/v1/nope");
  EXPECT_EQ(api.status, 404u);
  EXPECT_TRUE(api.header("content-type").starts_with("application/problem+json"));
  EXPECT_EQ(get("/api").status, 404u);
  // Only GET and HEAD reach the files.
  auto c = srv.client();
  EXPECT_EQ(c.request(verb::post, "/", "x", {{"Content-Type", "text/plain"}}).status, 404u);
  // API routes keep working beside the UI.
  EXPECT_EQ(get("/healthz").status, 200u);
}

TEST_F(web_ui, nothing_outside_the_root_is_ever_served) {
  for (const std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
        "/assets/evil.js", "/leak/secret.txt", "/leak/dist/index.html", "/.hidden",
        "/assets/app-1a2b3c.js%00", "/index.html%00.js", "/%00", "/assets%5c..%5c..%5csecret.txt",
        "/./index.html", "//secret.txt"}) {
    const auto answer = raw(target);
    EXPECT_EQ(answer.find(secret), std::string::npos) << target;
    EXPECT_EQ(answer.find("hidden\r\n"), std::string::npos) << target;
    const bool refused = answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400");
    const bool front_page = answer.find("<title>parix</title>") != std::string::npos;
    EXPECT_TRUE(refused || front_page) << target << "\n" << answer.substr(0, 200);
  }
  // The symlinked asset and the .br twin that leads out are refused outright.
  EXPECT_TRUE(raw("/assets/evil.js").starts_with("HTTP/1.1 404"));
  auto lib = get("/assets/lib-77.js", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(lib.status, 200u);
  EXPECT_EQ(lib.body, "lib");
  EXPECT_EQ(lib.header("content-encoding"), "");
}

TEST(web_ui_config, a_configured_folder_without_index_html_stops_the_start) {
  temp_dir d;
  fs::create_directories(d / "empty");
  EXPECT_THROW(server::static_files{d / "empty"}, std::runtime_error);
  EXPECT_THROW(server::static_files{d / "missing"}, std::runtime_error);
}

TEST(web_ui_config, accept_encoding_honours_q_zero) {
  using server::accepts_encoding;
  EXPECT_TRUE(accepts_encoding("gzip, deflate, br", "br"));
  EXPECT_TRUE(accepts_encoding("BR;q=0.5", "br"));
  EXPECT_FALSE(accepts_encoding("br;q=0", "br"));
  EXPECT_FALSE(accepts_encoding("br;q=0.000, gzip", "br"));
  EXPECT_FALSE(accepts_encoding("identity", "gzip"));
  EXPECT_FALSE(accepts_encoding("", "gzip"));
}

}  // namespace
}  // namespace parix::testing
