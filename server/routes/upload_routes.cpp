// Resumable uploads under /api/v1/uploads, speaking tus 1.0 (core, creation, checksum
// with sha256, termination, expiration): https://tus.io/protocols/resumable-upload.
#include <boost/json.hpp>
#include <charconv>

#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"
#include "storage/base64.hpp"
#include "storage/sha256.hpp"

namespace parix::server {
namespace {

using auth::permission;

constexpr std::string_view tus_version = "1.0.0";
constexpr std::string_view tus_extensions = "creation,checksum,termination,expiration";

message_args args_of(const workflow::refusal_detail& d) {
  return message_args(d.values.begin(), d.values.end());
}

// "Wed, 25 Jun 2014 16:00:00 GMT" (RFC 9110 §5.6.7), as tus's Upload-Expires asks.
std::string http_date(storage::millis at) {
  const std::time_t t = at / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[40];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return out;
}

api_error tus_error(api_error e) {
  e.with_header("Tus-Resumable", std::string{tus_version});
  return e;
}
api_error tus_error(const boost::system::error_code& ec, const workflow::refusal_detail& why) {
  auto e = error_from(ec, args_of(why));
  for (const auto& [k, v] : why.values)
    if (k == "offset" || k == "length" || k == "limit") e.extensions[k] = v;
  if (auto it = why.values.find("offset"); it != why.values.end())
    e.with_header("Upload-Offset", it->second);
  return tus_error(std::move(e));
}
api_error bad_header(std::string_view name, std::string_view expected) {
  return tus_error(api_error{http::status::bad_request,
                             "invalid_field",
                             {{"field", std::string{name}}, {"expected", std::string{expected}}},
                             {{"field", name}}});
}

// Every tus request but OPTIONS names the protocol version it speaks.
void require_tus(const request_context& ctx) {
  if (ctx.req["Tus-Resumable"] != tus_version)
    throw tus_error(api_error{http::status::precondition_failed,
                              "invalid_field",
                              {{"field", "Tus-Resumable"}, {"expected", "1.0.0"}},
                              {{"field", "Tus-Resumable"}}})
        .with_header("Tus-Version", std::string{tus_version});
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < 0)
    return std::nullopt;
  return v;
}

// Upload-Metadata: "key base64value,key2 base64value2" (a value may be absent).
std::map<std::string, std::string> parse_metadata(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto pair = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    if (pair.empty()) continue;
    auto space = pair.find(' ');
    std::string key{pair.substr(0, space)};
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = storage::from_base64(pair.substr(space + 1));
      if (!decoded) throw bad_header("Upload-Metadata", "key base64value pairs");
      value.assign(decoded->begin(), decoded->end());
    }
    if (key.empty() || out.contains(key))
      throw bad_header("Upload-Metadata", "distinct, non-empty keys");
    out[key] = std::move(value);
  }
  return out;
}

// A SHA-256 given as 64 hex digits or as base64 of its 32 bytes, as lower-case hex.
std::optional<std::string> sha256_hex(std::string_view text) {
  if (text.size() == 64) {
    std::string out;
    for (char c : text) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
  }
  auto raw = storage::from_base64(text);
  if (!raw || raw->size() != 32) return std::nullopt;
  return storage::to_hex(std::span<const unsigned char>{*raw});
}

void set_upload_headers(response& res, const storage::upload_record& u) {
  res.set("Tus-Resumable", tus_version);
  res.set("Upload-Offset", std::to_string(u.received));
  res.set("Upload-Length", std::to_string(u.length));
  res.set("Upload-Expires", http_date(u.expires_at));
}

boost::json::object upload_json(const storage::upload_record& u) {
  boost::json::object o{{"id", u.id},
                        {"file_name", u.file_name},
                        {"length", u.length},
                        {"offset", u.received},
                        {"state", storage::to_string(u.state)},
                        {"sha256", u.declared_sha256},
                        {"created_at", iso_utc(u.created_at)},
                        {"expires_at", iso_utc(u.expires_at)}};
  if (u.kind) o["kind"] = *u.kind;
  if (u.content_type) o["content_type"] = *u.content_type;
  if (u.listing_json) o["listing"] = boost::json::parse(*u.listing_json);
  if (u.refusal) o["refusal"] = *u.refusal;
  return o;
}

response options(request_context& ctx) {
  response res{http::status::no_content, ctx.req.version()};
  res.set("Tus-Resumable", tus_version);
  res.set("Tus-Version", tus_version);
  res.set("Tus-Extension", tus_extensions);
  res.set("Tus-Max-Size", std::to_string(ctx.app.cfg.evidence.max_file_size));
  res.set("Tus-Checksum-Algorithm", "sha256");
  return res;
}

response create(request_context& ctx) {
  require_tus(ctx);
  if (!ctx.req["Upload-Defer-Length"].empty())
    throw bad_header("Upload-Defer-Length", "absent: the length must be known");
  auto length = parse_count(ctx.req["Upload-Length"]);
  if (!length) throw bad_header("Upload-Length", "a non-negative integer");
  evidence::new_upload n;
  n.length = *length;
  n.metadata = parse_metadata(ctx.req["Upload-Metadata"]);
  auto name = n.metadata.find("filename");
  if (name == n.metadata.end() || name->second.empty())
    throw bad_header("Upload-Metadata", "a filename entry");
  n.file_name = name->second;
  auto sha = n.metadata.find("sha256");
  auto hex = sha == n.metadata.end() ? std::nullopt : sha256_hex(sha->second);
  if (!hex)
    throw bad_header("Upload-Metadata",
                     "a sha256 entry: the whole file's SHA-256 (64 hex digits or base64)");
  n.sha256 = *hex;
  workflow::refusal_detail why;
  // An upload that names its leaf is refused at once when it could not be attached
  // (after the deadline, an unflagged leaf in the window, another unit's file): nobody
  // sends 500 MB to be told no at the end.
  auto assessment = n.metadata.find("assessment");
  auto criterion = n.metadata.find("criterion");
  if (assessment != n.metadata.end() && criterion != n.metadata.end()) {
    auto id = parse_count(assessment->second);
    if (!id || *id == 0) throw bad_header("Upload-Metadata", "an assessment id");
    auto ok = ctx.app.evidence.may_attach(ctx.who(), *id, criterion->second, &why);
    if (!ok) {
      auto e = error_from(ok.error(), args_of(why));
      for (const auto& [k, v] : why.values)
        if (k == "closes_at" || k == "deadline" || k == "stage") e.extensions[k] = v;
      throw tus_error(std::move(e));
    }
  }
  auto u = ctx.app.uploads.create(ctx.who(), n, &why);
  if (!u) throw tus_error(u.error(), why);
  response res = json_response(ctx, upload_json(*u), http::status::created);
  res.set(http::field::location, "/api/v1/uploads/" + u->id);
  set_upload_headers(res, *u);
  return res;
}

// The refusal for an upload that is not there for this user, or no longer.
api_error upload_refusal(request_context& ctx, const boost::system::error_code& ec) {
  workflow::refusal_detail why;
  why.values["upload"] = std::string{ctx.param("id")};
  why.values["state"] = "expired or terminated";
  return tus_error(ec, why);
}

storage::upload_record upload_or_throw(request_context& ctx) {
  auto u = ctx.app.uploads.status(ctx.who(), ctx.param("id"));
  if (!u) throw upload_refusal(ctx, u.error());
  return *u;
}

response head(request_context& ctx) {
  require_tus(ctx);
  const auto u = upload_or_throw(ctx);
  response res{http::status::ok, ctx.req.version()};
  set_upload_headers(res, u);
  res.set(http::field::cache_control, "no-store");
  return res;
}

response show(request_context& ctx) {
  const auto u = upload_or_throw(ctx);
  response res = json_response(ctx, upload_json(u));
  set_upload_headers(res, u);
  return res;
}

response terminate(request_context& ctx) {
  require_tus(ctx);
  if (auto r = ctx.app.uploads.terminate(ctx.who(), ctx.param("id")); !r)
    throw upload_refusal(ctx, r.error());
  response res{http::status::no_content, ctx.req.version()};
  res.set("Tus-Resumable", tus_version);
  return res;
}

// One PATCH: its body streams into the upload's staging file.
class upload_sink final : public body_sink {
 public:
  upload_sink(std::unique_ptr<evidence::upload_part> part, unsigned version)
      : part_(std::move(part)), version_(version) {}

  std::optional<response> write(std::span<const char> bytes) override {
    if (!part_->write(bytes))
      throw bad_header("Content-Length", "no more bytes than Upload-Length - Upload-Offset");
    return std::nullopt;
  }

  response finish(bool complete) override {
    workflow::refusal_detail why;
    auto u = part_->finish(complete, &why);
    if (!u) throw tus_error(u.error(), why);
    response res{http::status::no_content, version_};
    set_upload_headers(res, *u);
    if (u->blob_sha256) res.set("Upload-Sha256", *u->blob_sha256);
    return res;
  }

 private:
  std::unique_ptr<evidence::upload_part> part_;
  unsigned version_;
};

std::unique_ptr<body_sink> append(request_context& ctx) {
  require_tus(ctx);
  auto type = ctx.req[http::field::content_type];
  if (type != "application/offset+octet-stream")
    throw tus_error(api_error{http::status::unsupported_media_type,
                              "unsupported_media_type",
                              {{"expected", "application/offset+octet-stream"}}});
  auto offset = parse_count(ctx.req["Upload-Offset"]);
  if (!offset) throw bad_header("Upload-Offset", "a non-negative integer");
  std::optional<std::string> checksum;
  if (auto header = ctx.req["Upload-Checksum"]; !header.empty()) {
    auto space = header.find(' ');
    if (space == std::string_view::npos || header.substr(0, space) != "sha256") {
      workflow::refusal_detail none;
      throw tus_error(evidence::errc::checksum_unsupported, none);
    }
    auto raw = storage::from_base64(header.substr(space + 1));
    if (!raw || raw->size() != 32) throw bad_header("Upload-Checksum", "sha256 <base64 digest>");
    checksum = storage::to_hex(std::span<const unsigned char>{*raw});
  }
  workflow::refusal_detail why;
  auto part = ctx.app.uploads.begin_part(ctx.who(), ctx.param("id"), *offset, checksum, &why);
  if (!part) {
    if (part.error() == evidence::errc::upload_gone) why.values["state"] = "expired or terminated";
    throw tus_error(part.error(), why);
  }
  return std::make_unique<upload_sink>(std::move(*part), ctx.req.version());
}

}  // namespace

void add_upload_routes(router& r) {
  // OPTIONS is how tus clients discover the server's version and extensions; it
  // reveals nothing but configuration.
  r.add({http::verb::options, "/api/v1/uploads", permission::public_access, options});
  r.add({http::verb::post, "/api/v1/uploads", permission::upload_evidence, create});
  r.add({http::verb::head, "/api/v1/uploads/{id}", permission::upload_evidence, head});
  r.add({http::verb::get, "/api/v1/uploads/{id}", permission::upload_evidence, show});
  r.add({http::verb::delete_, "/api/v1/uploads/{id}", permission::upload_evidence, terminate});
  route patch{http::verb::patch, "/api/v1/uploads/{id}", permission::upload_evidence, nullptr};
  patch.stream = append;
  r.add(std::move(patch));
}

}  // namespace parix::server
