#pragma once
// What a check found. A finding names the request it is about (subject), the JSON pointer into
// that response, the rule that failed (a JSON Schema keyword or a named semantic rule), where
// that rule comes from (rule_sources.hpp) and an excerpt of the offending value.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rule_sources.hpp"
#include "schema_store.hpp"
#include "text.hpp"  // shorten

namespace oxen::conformance {

enum class Severity { warning, failure };
const char* to_string(Severity s);

struct Finding {
  std::string check;
  Severity severity = Severity::failure;
  std::string subject;  // e.g. "GET /ai/models/gpt-4o"
  std::string pointer;  // RFC 6901 pointer into the response body ("" = the whole body)
  std::string rule;     // "required", "type", "enum", "unknown_member", "equals_list", ...
  Source source = Source::documented;  // where the rule comes from
  std::string message;
  std::string excerpt;  // the value at (or nearest above) the pointer, shortened

  nlohmann::json to_json() const;
};

enum class Status { passed, failed, skipped };
const char* to_string(Status s);

struct CheckResult {
  std::string id, title, endpoint, profile, cost_class;
  Status status = Status::passed;
  std::string note;  // why it was skipped, or a short remark
  std::vector<Finding> findings;
  double seconds = 0;

  size_t count(Severity s) const;
  nlohmann::json to_json() const;
};

// The value at `pointer` in `doc` (or at its nearest existing ancestor), dumped and shortened.
std::string excerpt_at(const nlohmann::json& doc, const std::string& pointer, size_t max = 160);

// Collects findings while a check runs.
class Outcome {
 public:
  Outcome(std::string check, bool strict) : check_(std::move(check)), strict_(strict) {}

  // A failure of a named rule, whose source is the rule table's.
  void failure(const std::string& subject, const std::string& pointer, const std::string& rule,
               const std::string& message, const nlohmann::json* doc = nullptr);
  // A failure whose source the caller knows (a status the published document declares, say).
  void failure(const std::string& subject, const std::string& pointer, const std::string& rule,
               const std::string& message, const nlohmann::json* doc, Source source);
  // A warning, or a failure under --strict.
  void warning(const std::string& subject, const std::string& pointer, const std::string& rule,
               const std::string& message, const nlohmann::json* doc = nullptr);
  void skip(std::string reason) { skipped_ = std::move(reason); }

  // Schema violations of `doc` against `schema` (failures) plus members the schema does not
  // declare (warnings), each traced to its source against the published schema of the same
  // answer. Returns whether there was no failure.
  bool check_schema(const SchemaStore& store, const std::string& schema, const std::string& subject,
                    const nlohmann::json& doc);
  // The violations of one document against `schema` (or of named rules) as failures, each traced
  // to its source (RuleSources::classify); one of a declared enum is called out as a possibly
  // new value. `published`: the document's violations of the published schema for the same
  // answer, when known.
  void failures(const std::string& subject, const Violations& violations, const nlohmann::json* doc,
                const std::string& schema, const Violations* published = nullptr);
  // The members of `doc` that `schema` does not declare, as warnings.
  void unknown_members(const SchemaStore& store, const std::string& schema,
                       const std::string& subject, const nlohmann::json& doc);

  const std::vector<Finding>& findings() const { return findings_; }
  const std::string& skipped() const { return skipped_; }
  bool has_failure() const;
  bool strict() const { return strict_; }

 private:
  void add(Severity s, const std::string& subject, const std::string& pointer, const std::string& rule,
           const std::string& message, const nlohmann::json* doc, Source source);
  std::string check_;
  bool strict_;
  std::string skipped_;
  std::vector<Finding> findings_;
};

}  // namespace oxen::conformance
