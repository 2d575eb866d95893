#include "stream_grade.hpp"

namespace oxen::conformance {

using nlohmann::json;

StreamGrader::StreamGrader(Outcome& out, std::string subject, const json& request, size_t max_frames)
    : out_(out),
      subject_(std::move(subject)),
      grader_(
          SchemaStore::builtin(), StreamRules::chat(nullptr, max_frames).asked_by(request),
          [this](const StreamFinding& f) { pending_.push_back(f); },
          [this](size_t frame, const std::string& schema, const json& data) {
            flush();
            out_.unknown_members(SchemaStore::builtin(), schema, subject_of(frame), data);
          }) {}

bool StreamGrader::feed(std::string_view bytes) {
  const bool more = grader_.feed(bytes);
  flush();
  return more;
}

void StreamGrader::finish() {
  grader_.finish();
  flush();
}

void StreamGrader::flush() {
  for (size_t i = 0; i < pending_.size();) {
    const StreamFinding& first = pending_[i];
    Violations batch;
    size_t j = i;
    for (; j < pending_.size() && pending_[j].frame == first.frame && pending_[j].part == first.part; ++j)
      batch.push_back(pending_[j].violation);
    // A chunk's schema violations, or stream rules (whose source is the rule table's).
    out_.failures(subject_of(first.frame, first.part), batch, first.value ? &*first.value : nullptr, "chat_chunk");
    i = j;
  }
  pending_.clear();
}

// "POST /ai/chat/completions (stream) frame 3", "... tool call 0", "... after frame 2".
std::string StreamGrader::subject_of(size_t frame, const std::string& part) const {
  std::string s = subject_;
  if (frame) s += " frame " + std::to_string(frame);
  if (!part.empty()) s += " " + part;
  return s;
}

}  // namespace oxen::conformance
