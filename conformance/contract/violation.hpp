#pragma once
#include <string>
#include <vector>

namespace oxen {

// One way in which a JSON document breaks a schema.
struct Violation {
  std::string pointer;  // RFC 6901 pointer of the offending value ("" is the root)
  std::string rule;     // the JSON Schema keyword that failed: "required", "type", "enum", ...
  std::string message;  // human-readable reason

  bool operator==(const Violation&) const = default;
};

using Violations = std::vector<Violation>;

// "/a/b: reason" — the form used in error details and reports.
std::string describe(const Violation& v);

// One reference token of a JSON pointer: '~' -> "~0", '/' -> "~1" (RFC 6901).
std::string escape_pointer_token(const std::string& token);

}  // namespace oxen
