#include "stream_grade.hpp"

namespace oxen::conformance {

using nlohmann::json;

StreamGrader::StreamGrader(Outcome& out, std::string subject, const json& request, size_t max_frames)
    : out_(out),
      subject_(std::move(subject)),
      grader_(
          SchemaStore::builtin(), StreamRules::chat(nullptr, max_frames).asked_by(request),
          [this](const StreamFinding& f) {
            const json* value = f.value ? &*f.value : nullptr;
            out_.failure(subject_of(f.frame, f.part), f.violation, value);
          },
          [this](size_t frame, const std::string& schema, const json& data) {
            out_.unknown_members(SchemaStore::builtin(), schema, subject_of(frame), data);
          }) {}

// "POST /ai/chat/completions (stream) frame 3", "... tool call 0", "... after frame 2".
std::string StreamGrader::subject_of(size_t frame, const std::string& part) const {
  std::string s = subject_;
  if (frame) s += " frame " + std::to_string(frame);
  if (!part.empty()) s += " " + part;
  return s;
}

}  // namespace oxen::conformance
