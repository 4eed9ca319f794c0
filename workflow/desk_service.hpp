// The desk of a signed-in person in the web UI: the files they may see with the counts
// a work queue shows (scored, with evidence, flagged, answered), the fields an
// appraiser is assigned, and what their role may edit and fire in each file's stage
// (from the edit and transition tables, guards aside: the server still decides each
// request). Reads only; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "storage/database.hpp"
#include "storage/desk_records.hpp"
#include "workflow/assessment_service.hpp"

namespace parix::workflow {

// Counts over the leaves in the person's scope (an appraiser's assigned fields, or the
// whole file).
struct desk_counts {
  int leaves = 0;         // applicable self-scored leaves
  int self_scored = 0;    // … with a self score
  int with_evidence = 0;  // … with at least one draft or sealed evidence file
  int round1_scored = 0;  // … with a round-one score
  int flagged = 0;        // … flagged for explanation
  int answered = 0;       // flagged leaves with an explanation response
  int round2_scored = 0;  // flagged leaves with a round-two score
  int not_evaluated = 0;  // leaves marked not evaluated
};

struct desk_file {
  assessment_view view;
  std::map<std::string, storage::leaf_evidence_count, std::less<>> evidence;
  // An appraiser's assigned fields in this file ("*" for the whole file); empty for
  // other roles.
  std::vector<std::string> assigned_fields;
  desk_counts counts;
  bool late = false;                  // submitted after the deadline or by the clock
  std::vector<std::string> events;    // events the role may fire in this stage
  std::vector<std::string> editable;  // leaf fields the role may edit in this stage
};

class desk_service {
 public:
  desk_service(storage::database& db, assessment_service& assessments)
      : db_(db), assessments_(assessments) {}

  // Every file of every campaign the actor may see, newest campaign first.
  std::vector<desk_file> files(const auth::actor& a);
  // One file; the refusals of assessment_service::get.
  result<desk_file> file(const auth::actor& a, std::int64_t id);

  // The language the user chose for the UI ("vi", "en"), if any.
  std::optional<std::string> language(const auth::actor& a);
  // Keeps the user's choice ("vi" or "en": the caller checks), audited. Durable on return.
  void set_language(const auth::actor& a, std::string_view language, time_point now);

 private:
  desk_file describe(const auth::actor& a, assessment_view v);
  storage::database& db_;
  assessment_service& assessments_;
};

}  // namespace parix::workflow
