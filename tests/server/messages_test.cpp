// The problem-text catalogue: every text renders completely in Vietnamese and English.
// (Every problem a server test receives is also checked for a placeholder left unfilled:
// tests/support/https_client.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "server/messages.hpp"

namespace parix::testing {
namespace {

using server::language;

// Every placeholder name a caller fills, with a sample value. A text that uses a name not
// listed here uses one no caller knows of.
const std::map<std::string, std::string>& samples() {
  static const std::map<std::string, std::string> s{
      {"action", "submit"},
      {"actual", "ab12"},
      {"after", "2025-03-31T17:00:00+07:00"},
      {"algorithm", "sha256"},
      {"allow", "GET"},
      {"allowed", "pdf, docx"},
      {"closes_at", "2025-03-31T17:00:00+07:00"},
      {"code", "1.2.1"},
      {"codes", "1.1.1, 2.1"},
      {"accept", "image/png"},
      {"available", "application/json, text/csv"},
      {"carried", "4"},
      {"coding", "gzip"},
      {"count", "3"},
      {"date", "2025-04-15"},
      {"deadline", "2025-01-31T17:00:00+07:00"},
      {"declared", "cd34"},
      {"detail", "a link"},
      {"entry", "a/b.pdf"},
      {"etag", "\"v3\""},
      {"group", "A"},
      {"evidence", "12"},
      {"expected", "an integer"},
      {"field", "groups[0].units[1]"},
      {"file", "a.pdf"},
      {"id", "7"},
      {"kind", "pdf"},
      {"length", "100"},
      {"limit", "1048576"},
      {"max", "0.5"},
      {"method", "survey"},
      {"min", "10"},
      {"offset", "50"},
      {"origin", "https://parix.example"},
      {"parent", "DBN"},
      {"path", "/api/v1/x"},
      {"permission", "publish"},
      {"range", "bytes=9-"},
      {"reason", "symlink"},
      {"request_id", "r-1"},
      {"role", "auditor"},
      {"score", "0.75"},
      {"seconds", "30"},
      {"sha256", "ef56"},
      {"size", "200"},
      {"stage", "round1"},
      {"state", "expired"},
      {"today", "2025-04-16"},
      {"unit", "SNV"},
      {"upload", "u1"},
      {"used", "10"},
      {"username", "thuky"},
      {"value", "XYZ-1"},
  };
  return s;
}

TEST(messages, every_text_renders_completely_in_both_languages) {
  const auto codes = server::message_codes();
  ASSERT_GT(codes.size(), 100u);
  for (auto code : codes) {
    auto vi = server::placeholders(code, language::vi);
    auto en = server::placeholders(code, language::en);
    EXPECT_EQ(std::set(vi.begin(), vi.end()), std::set(en.begin(), en.end()))
        << code << ": the Vietnamese and English texts need the same values";
    server::message_args args;
    for (const auto& name : vi) {
      auto it = samples().find(name);
      if (it == samples().end()) {
        ADD_FAILURE() << code << " uses {" << name << "}, which no caller fills";
        continue;
      }
      args.emplace_back(name, it->second);
    }
    for (auto l : {language::vi, language::en}) {
      const auto text = server::message_for(code, l, args);
      EXPECT_FALSE(text.title.empty()) << code;
      EXPECT_EQ(text.detail.find('{'), std::string::npos) << code << ": " << text.detail;
      EXPECT_EQ(text.detail.find('}'), std::string::npos) << code << ": " << text.detail;
    }
  }
}

TEST(messages, no_english_text_counts_with_a_wrong_plural) {
  // "1 bad rows": counts go where no plural depends on them.
  for (auto code : server::message_codes()) {
    const auto text = server::message_for(code, language::en, {{"count", "1"}}).detail;
    for (const char* wrong : {"1 bad rows", "1 problems", "1 criteria", "1 rows"})
      EXPECT_EQ(text.find(wrong), std::string::npos) << code << ": " << text;
  }
}

TEST(messages, codes_are_unique) {
  auto codes = server::message_codes();
  std::ranges::sort(codes);
  EXPECT_EQ(std::ranges::adjacent_find(codes), codes.end());
}

}  // namespace
}  // namespace parix::testing
