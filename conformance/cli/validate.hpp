#pragma once
// `validate --schema NAME [FILE|-]`: a JSON document, or an SSE transcript frame by frame.
#include <iosfwd>
#include <string>

namespace oxen::conformance {

// Prints one line per violation ("frame N " prefix for transcripts). Returns 0 when valid,
// 1 on violations, 2 when the schema is unknown or the input is neither JSON nor SSE.
int validate_document(const std::string& schema, const std::string& text, bool strict, std::ostream& out,
                      std::ostream& err);

}  // namespace oxen::conformance
