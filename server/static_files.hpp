// The web UI's built files (web/dist) served at "/" over the API's own port: hashed
// assets cached for good, index.html revalidated every time, unknown non-API paths
// answered with index.html (the browser's router takes over), precompressed .br/.gz
// chosen by Accept-Encoding, and a strict Content-Security-Policy. Nothing outside the
// root folder is ever served: dot segments, NUL, hidden files and symlinks that lead
// out of the root are all 404.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"
#include "server/request_context.hpp"

namespace parix::server {

// The Content-Security-Policy of every UI response: scripts, styles, fonts and
// connections only from this origin, no inline script, never framed by anyone.
inline constexpr std::string_view ui_content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

class static_files {
 public:
  // root: the folder of the built UI. Throws std::runtime_error when it is not a folder
  // holding index.html.
  explicit static_files(const std::filesystem::path& root);

  // What a request for these decoded path segments gets: a file of the root, index.html
  // for an unknown path that looks like a page, or nullopt (404). Thread-safe.
  struct found {
    std::filesystem::path file;  // the representation to send (maybe .br or .gz)
    std::string content_type;
    std::string content_encoding;  // "", "br" or "gzip"
    bool immutable = false;        // a hashed asset
    std::uint64_t size = 0;
    std::string etag;
  };
  std::optional<found> resolve(const std::vector<std::string>& segments,
                               std::string_view accept_encoding) const;

  // The route handler (GET and HEAD of any path no API route has). 404 problem+json for
  // /api/… and for anything resolve() refuses.
  response serve(request_context& ctx) const;

  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::optional<std::filesystem::path> inside_root(const std::vector<std::string>& segments) const;
  std::filesystem::path root_;  // canonical
};

// The Content-Type for a file name's extension (application/octet-stream if unknown).
std::string_view content_type_for(const std::filesystem::path& file);
// Whether an Accept-Encoding header accepts a coding ("br", "gzip") with q > 0.
bool accepts_encoding(std::string_view header, std::string_view coding);

}  // namespace parix::server
