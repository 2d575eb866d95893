#pragma once
// A streamed chat completion graded as the bytes arrive, by the contract library's FrameGrader
// (the rules are listed there), its findings collected as this check's failures; members a chunk's
// schema does not declare are warnings, as everywhere in the harness.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "findings.hpp"
#include "frame_grader.hpp"

namespace oxen::conformance {

class StreamGrader {
 public:
  // `request`: the chat request (its tools judge the arguments; it may ask for a usage chunk or
  // force a tool call), null when unknown.
  StreamGrader(Outcome& out, std::string subject, const nlohmann::json& request = nullptr,
               size_t max_frames = 10000);
  StreamGrader(const StreamGrader&) = delete;
  StreamGrader& operator=(const StreamGrader&) = delete;

  // Returns false once the frame budget is spent (stop reading then).
  bool feed(std::string_view bytes);
  // End of stream: judges what must have happened by now.
  void finish();

  size_t frames() const { return grader_.frames(); }
  const std::string& content() const { return grader_.content(); }

 private:
  std::string subject_of(size_t frame, const std::string& part = "") const;
  // Hands the findings held so far to the outcome, those of one frame together, so that a
  // frame's schema violations are traced to their sources as one document's.
  void flush();

  Outcome& out_;
  std::vector<StreamFinding> pending_;
  std::string subject_;
  FrameGrader grader_;
};

}  // namespace oxen::conformance
