// Enums stored in a TEXT column by name (a CHECK constraint in the migration lists the
// names): one array of names in the enum's order per enum, and the two lookups, so that
// the rest of the code compares enums and the text exists only at the database's edge.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "storage/error.hpp"

namespace parix::storage {

template <class E, std::size_t N>
constexpr std::string_view name_in(const std::array<std::string_view, N>& names, E e) noexcept {
  return names[static_cast<std::size_t>(e)];
}

template <class E, std::size_t N>
constexpr std::optional<E> named(const std::array<std::string_view, N>& names,
                                 std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

// The enum a stored name stands for. Throws storage::error (failure::corrupt) for a name
// no CHECK constraint would have let in: the column says `what`.
template <class E, std::size_t N>
E stored(const std::array<std::string_view, N>& names, std::string_view text,
         std::string_view what) {
  if (auto e = named<E>(names, text)) return *e;
  throw error(failure::corrupt, "unknown " + std::string{what} + " '" + std::string{text} + "'");
}

}  // namespace parix::storage
