// Serving the built web UI from its folder (see static_files.hpp).
#include "server/static_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "server/problem.hpp"

namespace parix::server {
namespace {

namespace fs = std::filesystem;

// Larger files go to the connection in pieces instead of sitting whole in memory.
constexpr std::uint64_t whole_body_limit = 1024 * 1024;
constexpr std::string_view immutable_cache = "public, max-age=31536000, immutable";

bool safe_segment(std::string_view s) {
  // Empty (a trailing slash) is allowed only last; dot files and dot segments never:
  // "%2e%2e" arrives here already decoded as "..".
  if (s.empty()) return true;
  if (s.front() == '.') return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20;
  });
}

bool static_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const auto ext = name.substr(dot);
  return ext == ".br" || ext == ".gz" ||
         content_type_for(fs::path{std::string{name}}) != "application/octet-stream";
}

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto i = p.begin();
  for (; r != root.end(); ++r, ++i)
    if (i == p.end() || *i != *r) return false;
  return true;
}

std::string etag_for(const fs::path& file, std::uint64_t size) {
  std::error_code ec;
  const auto stamp = fs::last_write_time(file, ec).time_since_epoch().count();
  return fmt::format("\"{:x}-{:x}\"", size, static_cast<std::uint64_t>(stamp));
}

class file_source final : public body_source {
 public:
  explicit file_source(const fs::path& p) : in_(p, std::ios::binary) {}
  std::size_t read(std::span<char> out) override {
    in_.read(out.data(), static_cast<std::streamsize>(out.size()));
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::ifstream in_;
};

api_error not_found(const request_context& ctx) {
  return api_error{
      http::status::not_found, "not_found", {{"path", std::string{ctx.target.path()}}}};
}

}  // namespace

std::string_view content_type_for(const fs::path& file) {
  static constexpr std::pair<std::string_view, std::string_view> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const std::string ext = file.extension().string();
  for (const auto& [e, t] : types)
    if (e == ext) return t;
  return "application/octet-stream";
}

bool accepts_encoding(std::string_view header, std::string_view coding) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto semi = item.find(';');
    auto name = item.substr(0, semi);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!boost::beast::iequals(name, coding)) continue;
    if (semi == std::string_view::npos) return true;
    // "q=0" (or 0.0, 0.000) refuses the coding (RFC 9110 §12.5.3).
    auto params = item.substr(semi + 1);
    auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    auto value = params.substr(q + 2);
    return value.find_first_of("123456789") < value.find_first_not_of("0123456789.");
  }
  return false;
}

static_files::static_files(const fs::path& root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec);
  if (ec || !fs::is_directory(root_) || !fs::is_regular_file(root_ / "index.html"))
    throw std::runtime_error("web.root " + root.string() + " is not a folder with index.html");
}

std::optional<fs::path> static_files::inside_root(const std::vector<std::string>& segments) const {
  fs::path p = root_;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!safe_segment(segments[i])) return std::nullopt;
    if (segments[i].empty() && i + 1 != segments.size()) return std::nullopt;
    if (!segments[i].empty()) p /= segments[i];
  }
  if (p == root_) p /= "index.html";
  std::error_code ec;
  // Symlinks are followed, then the real path must still lie inside the root.
  const fs::path real = fs::canonical(p, ec);
  if (ec || !within(root_, real) || !fs::is_regular_file(real, ec)) return std::nullopt;
  return real;
}

std::optional<static_files::found> static_files::resolve(const std::vector<std::string>& segments,
                                                         std::string_view accept_encoding) const {
  if (!segments.empty() && (segments.front() == "api" || segments.front() == "healthz" ||
                            segments.front() == "readyz" || segments.front() == "metrics"))
    return std::nullopt;
  for (const auto& s : segments)
    if (!safe_segment(s)) return std::nullopt;
  auto file = inside_root(segments);
  const bool asset = !segments.empty() && segments.front() == "assets";
  if (!file) {
    // A page of the single-page application gets index.html (its addresses may hold
    // dots: /files/2/leaves/1.1.2); a missing asset, or a name with a static file's
    // extension, stays a 404 so that HTML is never run as a script or shown as an image.
    const bool page = !asset && (segments.empty() || !static_extension(segments.back()));
    if (!page) return std::nullopt;
    file = inside_root({"index.html"});
    if (!file) return std::nullopt;
  }
  found f;
  f.content_type = content_type_for(*file);
  f.immutable = asset;
  f.file = *file;
  for (auto [coding, suffix] : {std::pair{"br", ".br"}, std::pair{"gzip", ".gz"}}) {
    if (!accepts_encoding(accept_encoding, coding)) continue;
    fs::path packed = *file;
    packed += suffix;
    std::error_code ec;
    const fs::path real = fs::canonical(packed, ec);
    if (ec || !within(root_, real) || !fs::is_regular_file(real, ec)) continue;
    f.file = real;
    f.content_encoding = coding;
    break;
  }
  std::error_code ec;
  f.size = fs::file_size(f.file, ec);
  if (ec) return std::nullopt;
  f.etag = etag_for(f.file, f.size);
  return f;
}

response static_files::serve(request_context& ctx) const {
  std::vector<std::string> segments;
  for (auto s : ctx.target.segments()) segments.push_back(s);
  auto f = resolve(segments, ctx.req[http::field::accept_encoding]);
  if (!f) throw not_found(ctx);
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, f->content_type);
  res.set(http::field::cache_control, f->immutable ? immutable_cache : "no-cache");
  res.set(http::field::vary, "Accept-Encoding");
  res.set(http::field::etag, f->etag);
  res.set("Content-Security-Policy", std::string{ui_content_security_policy});
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  if (!f->content_encoding.empty()) res.set(http::field::content_encoding, f->content_encoding);
  if (ctx.req[http::field::if_none_match] == f->etag) {
    res.result(http::status::not_modified);
    return res;
  }
  if (f->size > whole_body_limit) {
    res.content_length(f->size);
    ctx.body_out = std::make_unique<file_source>(f->file);
    return res;
  }
  std::ifstream in{f->file, std::ios::binary};
  std::string body(f->size, '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != f->size) throw not_found(ctx);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace parix::server
