// Hand-made ZIPs whose local headers and central directory disagree (issue 11): the
// archives extraction tools read differently from a walk of the local headers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace parix::testing {

struct raw_zip_entry {
  std::string central_name;  // the name in the central directory
  std::string local_name;    // the name in the local header
  std::string data;          // stored (method 0)
};

// A ZIP with one local header + stored body per entry and a central directory listing
// each under its central name. No data descriptors, no extra fields.
std::string raw_zip(const std::vector<raw_zip_entry>& entries);

// `count` central records all pointing at one local header whose deflated body expands
// to `expanded` zero bytes (an overlapping zip bomb: unzip -t says "overlapped
// components", Python's zipfile lists count × expanded bytes).
std::string overlapping_zip(std::size_t count, std::size_t expanded);

// A ZIP whose single entry is "../../evil.txt" in the central directory (what unzip and
// Python extract) and "safe.txt" in its local header (what a header walk lists).
std::string mismatched_name_zip();

// The local header and data of a one-entry ZIP, cut before its central directory.
std::string zip_cut_before_central_directory();

}  // namespace parix::testing
