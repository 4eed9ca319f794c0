// Route table and segment matching.
#include "server/router.hpp"

#include <stdexcept>

namespace parix::server {
namespace {

std::vector<std::string> split(std::string_view pattern) {
  std::vector<std::string> out;
  std::size_t i = 1;  // patterns start with '/'
  while (i <= pattern.size()) {
    auto slash = pattern.find('/', i);
    if (slash == std::string_view::npos) slash = pattern.size();
    out.emplace_back(pattern.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

bool is_param(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

void router::add(route r) {
  if (frozen_) throw std::logic_error("route added after the table was frozen: " + r.pattern);
  for (const route& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::logic_error("duplicate route: " + r.pattern);
  compiled_.push_back({split(r.pattern)});
  routes_.push_back(std::move(r));
}

void router::set_fallback(route r) {
  if (frozen_) throw std::logic_error("fallback set after the table was frozen");
  fallback_ = std::move(r);
}

router::match router::find(http::verb method, const std::vector<std::string>& segments) const {
  match m;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = compiled_[i].segments;
    if (pattern.size() != segments.size()) continue;
    route_params params;
    bool ok = true;
    for (std::size_t s = 0; s < pattern.size() && ok; ++s) {
      if (is_param(pattern[s])) {
        if (segments[s].empty())
          ok = false;
        else
          params.emplace_back(std::string_view{pattern[s]}.substr(1, pattern[s].size() - 2),
                              segments[s]);
      } else {
        ok = pattern[s] == segments[s];
      }
    }
    if (!ok) continue;
    if (routes_[i].method == method) {
      m.found = &routes_[i];
      m.params = std::move(params);
      return m;
    }
    m.allowed.push_back(routes_[i].method);
  }
  if (m.allowed.empty() && fallback_ && (method == http::verb::get || method == http::verb::head))
    m.found = &*fallback_;
  return m;
}

}  // namespace parix::server
