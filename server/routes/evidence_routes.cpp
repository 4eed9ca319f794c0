// Evidence on a leaf (attach, remove, list with sealed versions) and downloads of
// files, archives and statements with Range, ETag and safe Content-Disposition.
#include <boost/json.hpp>
#include <charconv>

#include "server/application.hpp"
#include "server/problem.hpp"
#include "server/routes/json_views.hpp"

namespace parix::server {
namespace {

using auth::permission;

message_args args_of(const workflow::refusal_detail& d) {
  return message_args(d.values.begin(), d.values.end());
}

api_error refusal(const boost::system::error_code& ec, const workflow::refusal_detail& why) {
  auto e = error_from(ec, args_of(why));
  for (const auto& [k, v] : why.values)
    if (k == "closes_at" || k == "deadline" || k == "stage" || k == "limit" || k == "used")
      e.extensions[k] = v;
  return e;
}

boost::json::value opt(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : nullptr;
}

boost::json::object file_json(const storage::evidence_file_record& f) {
  boost::json::object o{
      {"id", f.id},
      {"criterion", f.criterion_code},
      {"file_name", f.file_name},
      {"size", f.size},
      {"sha256", f.blob_sha256},
      {"kind", f.kind},
      {"content_type", f.content_type},
      {"state", storage::to_string(f.state)},
      {"stage", f.stage},
      {"attached_at", iso_utc(f.attached_at)},
      {"attached_by", f.attached_by},
      {"late", f.late},
      {"document",
       {{"number", opt(f.doc_number)},
        {"issue_date", opt(f.doc_date)},
        {"issuer", opt(f.doc_issuer)},
        {"summary", opt(f.doc_summary)}}},
      {"download", "/api/v1/evidence/files/" + std::to_string(f.id) + "/content"}};
  if (f.listing_json) o["listing"] = boost::json::parse(*f.listing_json);
  if (f.version_id) o["version_id"] = *f.version_id;
  if (f.removed_at) o["removed_at"] = iso_utc(*f.removed_at);
  if (f.removed_by) o["removed_by"] = *f.removed_by;
  return o;
}

boost::json::object version_json(const evidence::version_view& v) {
  const auto& r = v.version;
  boost::json::array files;
  for (const auto& f : v.files) files.push_back(file_json(f));
  const std::string base = "/api/v1/evidence/versions/" + std::to_string(r.id);
  return {{"id", r.id},
          {"version", r.version},
          {"stage", r.stage},
          {"sealed_at", iso_utc(r.sealed_at)},
          {"sealed_by", r.sealed_by},
          {"archive_sha256", r.archive_sha256},
          {"archive_size", r.archive_size},
          {"tagmanifest_sha256", r.tagmanifest_sha256},
          {"statement_sha256", r.statement_sha256},
          {"manifest_sha256", r.manifest_sha256},
          {"key_id", r.key_id},
          {"signature_status", std::string{evidence::to_string(v.signature)}},
          {"file_count", r.file_count},
          {"payload_bytes", r.payload_bytes},
          {"files", files},
          {"archive", base + "/archive"},
          {"statement", base + "/statement"}};
}

// One of last year's sealed files offered to this year's leaf: the offer's state and, once
// confirmed, the draft it became; the file as it was sealed last year.
boost::json::object carried_json(const evidence::carried_offer& c) {
  const auto& o = c.offer;
  boost::json::object out{{"id", o.id},
                          {"criterion", o.criterion_code},
                          {"state", storage::to_string(o.state)},
                          {"carried_over", o.state == storage::offer_state::offered},
                          {"file", file_json(c.source)},
                          {"from_assessment", c.source.assessment_id}};
  if (o.draft_id) out["draft_id"] = *o.draft_id;
  if (o.decided_at) out["decided_at"] = iso_utc(*o.decided_at);
  if (o.decided_by) out["decided_by"] = *o.decided_by;
  return out;
}

response list(request_context& ctx) {
  const std::string code{ctx.param("code")};
  auto r = ctx.app.evidence.list(ctx.who(), ctx.id_param("id"), code);
  if (!r) throw error_from(r.error(), {{"code", code}});
  boost::json::array drafts, removed, versions;
  for (const auto& f : r->drafts) drafts.push_back(file_json(f));
  for (const auto& f : r->removed) removed.push_back(file_json(f));
  for (const auto& v : r->versions) versions.push_back(version_json(v));
  boost::json::array carried;
  for (const auto& c : r->carried) carried.push_back(carried_json(c));
  return json_response(ctx, {{"code", code},
                             {"drafts", drafts},
                             {"removed", removed},
                             {"versions", versions},
                             {"carried", carried}});
}

// Confirm or discard one of last year's files offered to the leaf.
response decide_carried(request_context& ctx, bool confirm) {
  const std::string code{ctx.param("code")};
  workflow::refusal_detail why;
  auto r = ctx.app.evidence.decide_carried(ctx.who(), ctx.id_param("id"), code, ctx.id_param("n"),
                                           confirm, &why);
  if (!r) throw refusal(r.error(), why);
  return json_response(ctx, carried_json(*r));
}
response confirm_carried(request_context& ctx) {
  return decide_carried(ctx, true);
}
response discard_carried(request_context& ctx) {
  return decide_carried(ctx, false);
}

response attach(request_context& ctx) {
  const auto id = ctx.id_param("id");
  const std::string code{ctx.param("code")};
  auto body = ctx.json();
  only_fields(body, {"upload_id", "document"});
  evidence::attach_request a;
  a.upload_id = required_string(body, "upload_id");
  if (auto it = body.find("document"); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_object())
      throw api_error{http::status::bad_request,
                      "invalid_field",
                      {{"field", "document"}, {"expected", "an object"}},
                      {{"field", "document"}}};
    const auto& d = it->value().as_object();
    only_fields(d, {"number", "issue_date", "issuer", "summary"});
    a.doc_number = optional_string(d, "number");
    a.doc_date = optional_string(d, "issue_date");
    a.doc_issuer = optional_string(d, "issuer");
    a.doc_summary = optional_string(d, "summary");
  }
  workflow::refusal_detail why;
  auto f = ctx.app.evidence.attach(ctx.who(), id, code, a, &why);
  if (!f) throw refusal(f.error(), why);
  return json_response(ctx, file_json(*f), http::status::created);
}

response remove(request_context& ctx) {
  const std::string code{ctx.param("code")};
  workflow::refusal_detail why;
  auto f = ctx.app.evidence.remove(ctx.who(), ctx.id_param("id"), code, ctx.id_param("file"), &why);
  if (!f) throw refusal(f.error(), why);
  return json_response(ctx, file_json(*f));
}

// RFC 6266 with RFC 8187 (ex-5987): the exact UTF-8 name percent-encoded, and for old
// clients an ASCII fallback with "_" for each character it cannot hold.
std::string content_disposition(std::string_view name) {
  std::string ascii, encoded;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : name) {
    const bool attr_char =
        c < 0x80 && (std::isalnum(c) || std::string_view{"!#$&+-.^_`|~"}.find(
                                            static_cast<char>(c)) != std::string_view::npos);
    if (attr_char)
      encoded.push_back(static_cast<char>(c));
    else
      encoded += {'%', hex[c >> 4], hex[c & 15]};
    if (c >= 0x80 && c < 0xC0) continue;  // a UTF-8 continuation byte: one "_" per character
    ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

// Reads [offset, offset + length) of a blob.
class blob_source final : public body_source {
 public:
  blob_source(std::unique_ptr<storage::blob_reader> r, std::uint64_t offset, std::uint64_t length)
      : reader_(std::move(r)), at_(offset), end_(offset + length) {}
  std::size_t read(std::span<char> out) override {
    if (at_ >= end_) return 0;
    const auto want = std::min<std::uint64_t>(out.size(), end_ - at_);
    const auto n = reader_->read(at_, out.first(want));
    at_ += n;
    return n;
  }

 private:
  std::unique_ptr<storage::blob_reader> reader_;
  std::uint64_t at_, end_;
};

struct byte_range {
  std::uint64_t first, last;  // inclusive
};

// One "bytes=" range (RFC 9110 §14.1.2); several ranges are answered whole (allowed).
// nullopt: no usable Range; throws 416 when it cannot be satisfied.
std::optional<byte_range> parse_range(std::string_view header, std::uint64_t size) {
  if (!header.starts_with("bytes=")) return std::nullopt;
  auto spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view t) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
    return v;
  };
  auto unsatisfiable = [&] {
    return api_error{http::status::range_not_satisfiable,
                     "range_not_satisfiable",
                     {{"range", std::string{header}}, {"size", std::to_string(size)}}}
        .with_header(http::field::content_range, "bytes */" + std::to_string(size));
  };
  auto first = number(spec.substr(0, dash));
  auto last = number(spec.substr(dash + 1));
  if (!first) {  // suffix: the last N bytes
    if (!last) return std::nullopt;
    if (*last == 0 || size == 0) throw unsatisfiable();
    return byte_range{size - std::min(*last, size), size - 1};
  }
  if (spec.substr(dash + 1).size() && !last) return std::nullopt;
  if (last && *last < *first) return std::nullopt;
  if (*first >= size) throw unsatisfiable();
  return byte_range{*first, std::min(last.value_or(size - 1), size - 1)};
}

// "?disposition=inline" asks to show a PDF or an image in the browser (the web UI's
// viewer) instead of saving it; every other kind is always an attachment.
bool shown_inline(const request_context& ctx, std::string_view content_type) {
  return ctx.query("disposition") == "inline" &&
         (content_type == "application/pdf" || content_type == "image/jpeg" ||
          content_type == "image/png");
}

response send_download(request_context& ctx, evidence::evidence_download d) {
  const std::string etag = "\"" + d.sha256 + "\"";
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::etag, etag);
  res.set(http::field::accept_ranges, "bytes");
  res.set(http::field::content_type, d.content_type);
  const bool inline_view = shown_inline(ctx, d.content_type);
  auto disposition = content_disposition(d.file_name);
  if (inline_view) disposition.replace(0, std::string_view{"attachment"}.size(), "inline");
  res.set(http::field::content_disposition, disposition);
  // Uploaded bytes are never run as a page or script, even if a browser is talked into it.
  // A PDF shown inline may be framed by the UI (same origin) and needs the browser's own
  // viewer, which a sandbox would block; its bytes were checked to be a PDF and
  // nosniff keeps them one.
  res.set("Content-Security-Policy", !inline_view ? "default-src 'none'; sandbox"
                                     : d.content_type == "application/pdf"
                                         ? "default-src 'none'; frame-ancestors 'self'"
                                         : "default-src 'none'; frame-ancestors 'self'; sandbox");
  res.set(http::field::cache_control, "private, no-cache");
  if (ctx.req[http::field::if_none_match] == etag) {
    res.result(http::status::not_modified);
    return res;
  }
  std::optional<byte_range> range;
  auto if_range = ctx.req[http::field::if_range];
  if (if_range.empty() || if_range == etag)
    range = parse_range(ctx.req[http::field::range], d.size);
  std::uint64_t offset = 0, length = d.size;
  if (range) {
    offset = range->first;
    length = range->last - range->first + 1;
    res.result(http::status::partial_content);
    res.set(http::field::content_range, "bytes " + std::to_string(range->first) + "-" +
                                            std::to_string(range->last) + "/" +
                                            std::to_string(d.size));
  }
  res.content_length(length);
  ctx.body_out = std::make_unique<blob_source>(std::move(d.reader), offset, length);
  return res;
}

response file_content(request_context& ctx) {
  auto d = ctx.app.evidence.file(ctx.who(), ctx.id_param("id"));
  if (!d) throw error_from(d.error(), {{"evidence", std::string{ctx.param("id")}}});
  return send_download(ctx, std::move(*d));
}

response archive(request_context& ctx) {
  auto d = ctx.app.evidence.archive(ctx.who(), ctx.id_param("id"));
  if (!d) throw error_from(d.error(), {{"evidence", std::string{ctx.param("id")}}});
  return send_download(ctx, std::move(*d));
}

response statement(request_context& ctx) {
  std::string document;
  auto v = ctx.app.evidence.statement(ctx.who(), ctx.id_param("id"), &document);
  if (!v) throw error_from(v.error(), {{"evidence", std::string{ctx.param("id")}}});
  response res{http::status::ok, ctx.req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::etag, "\"" + v->statement_sha256 + "\"");
  res.set(http::field::content_disposition,
          content_disposition("TLKC-" + v->criterion_code + "-v" + std::to_string(v->version) +
                              ".statement.json"));
  res.body() = std::move(document);
  res.prepare_payload();
  return res;
}

}  // namespace

void add_evidence_routes(router& r) {
  r.add({http::verb::get, "/api/v1/assessments/{id}/leaves/{code}/evidence",
         permission::read_assessments, list});
  r.add({http::verb::post, "/api/v1/assessments/{id}/leaves/{code}/evidence",
         permission::upload_evidence, attach});
  r.add({http::verb::delete_, "/api/v1/assessments/{id}/leaves/{code}/evidence/{file}",
         permission::upload_evidence, remove});
  r.add({http::verb::post, "/api/v1/assessments/{id}/leaves/{code}/carried/{n}/confirm",
         permission::upload_evidence, confirm_carried});
  r.add({http::verb::post, "/api/v1/assessments/{id}/leaves/{code}/carried/{n}/discard",
         permission::upload_evidence, discard_carried});
  r.add({http::verb::get, "/api/v1/evidence/files/{id}/content", permission::read_assessments,
         file_content});
  r.add({http::verb::get, "/api/v1/evidence/versions/{id}/archive", permission::read_assessments,
         archive});
  r.add({http::verb::get, "/api/v1/evidence/versions/{id}/statement", permission::read_assessments,
         statement});
}

}  // namespace parix::server
