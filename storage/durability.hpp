// Durability tickets: a write that is committed is not yet on disk. The writer commits
// a group, hands the fsync of the write-ahead log to a syncer and goes on with the next
// group; a ticket (the group's commit sequence number) says which sync makes a write
// durable. See docs/architecture.md, "The single writer".
#pragma once

#include <cstdint>
#include <optional>

namespace parix::storage {

// The n-th committed group of writes (1, 2, ...). Syncs complete in ticket order: once
// ticket t is durable, so is every ticket before it.
using durability_ticket = std::uint64_t;

// While one lives on a thread, that thread's writes return as soon as their group is
// committed (visible to readers, kept if the process dies) instead of after the fsync
// that makes them survive a power loss, and the scope keeps the highest ticket they
// got. Its owner must wait for that ticket (database::when_durable) before it tells
// anyone the writes happened. Only for work whose one effect after its writes is that
// answer: anything else done after a write (a file removed, a message sent) would then
// outrun the write's durability. Scopes nest; the innermost one collects.
class deferred_durability {
 public:
  deferred_durability() noexcept;
  ~deferred_durability();
  deferred_durability(const deferred_durability&) = delete;
  deferred_durability& operator=(const deferred_durability&) = delete;

  // The highest ticket of the writes made in this scope; empty when none committed.
  std::optional<durability_ticket> ticket() const noexcept { return ticket_; }
  // The innermost scope on this thread, or null.
  static deferred_durability* current() noexcept;
  // Called by the database when a write in this scope committed.
  void note(durability_ticket t) noexcept;

 private:
  deferred_durability* outer_;
  std::optional<durability_ticket> ticket_;
};

}  // namespace parix::storage
