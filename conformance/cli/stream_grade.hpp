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
  // `tools`: the request's tools array (their parameters judge the arguments), may be null.
  StreamGrader(Outcome& out, std::string subject, nlohmann::json tools = nullptr,
               size_t max_frames = 10000);
  StreamGrader(const StreamGrader&) = delete;
  StreamGrader& operator=(const StreamGrader&) = delete;

  // Returns false once the frame budget is spent (stop reading then).
  bool feed(std::string_view bytes) { return grader_.feed(bytes); }
  // End of stream: judges what must have happened by now.
  void finish() { grader_.finish(); }

  size_t frames() const { return grader_.frames(); }
  const std::string& content() const { return grader_.content(); }

 private:
  std::string subject_of(size_t frame, const std::string& part = "") const;

  Outcome& out_;
  std::string subject_;
  FrameGrader grader_;
};

}  // namespace oxen::conformance
