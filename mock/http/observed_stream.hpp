#pragma once
// The pipeline's wrapper around every streamed response, closest to the connection: it counts
// what reaches the client, grades the stream with the contract library's FrameGrader (with
// --self-check: each frame against the frame schemas the operation declares in
// schemas/openapi.json, and a chat stream by the same rules the harness applies), and tells how
// the stream ended, for the journal.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../../conformance/contract/api_document.hpp"
#include "../../conformance/contract/frame_grader.hpp"
#include "../../conformance/contract/schema_store.hpp"
#include "journal.hpp"
#include "message.hpp"

namespace oxen::mock {

class ObservedStream : public StreamSink {
 public:
  // `schemas` null: frames are counted, not checked. `request`: the request's JSON body (a chat
  // request's tools judge streamed arguments; it may ask for a usage chunk or force a tool).
  ObservedStream(StreamSink& inner, const Operation& operation, const SchemaStore* schemas,
                 const nlohmann::json& request = nullptr)
      : inner_(inner) {
    if (schemas)
      grader_.emplace(*schemas, StreamRules::of(operation).asked_by(request),
                      [this](const StreamFinding& f) { findings_.push_back(journal_form(f)); });
  }
  ObservedStream(const ObservedStream&) = delete;
  ObservedStream& operator=(const ObservedStream&) = delete;

  bool write(std::string_view bytes) override {
    if (!inner_.write(bytes)) return false;
    ++outcome_.frames;
    if (grader_) grader_->feed(bytes);
    return true;
  }
  bool alive() const override { return inner_.alive(); }
  bool stopping() const override { return inner_.stopping(); }
  void abort() override {
    aborted_ = true;  // only a fault's cut ends a stream this way
    inner_.abort();
  }

  // Call once the stream function has returned.
  const StreamOutcome& finish() {
    if (finished_) return outcome_;
    finished_ = true;
    outcome_.ended_by = aborted_            ? "fault"
                        : inner_.stopping() ? "shutdown"
                        : !inner_.alive()   ? "client_gone"
                                            : "done";
    outcome_.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started_)
                               .count();
    // Only a stream that ran to its end must show one ([DONE], a finish_reason per choice).
    if (grader_ && outcome_.ended_by == "done") grader_->finish();
    return outcome_;
  }
  const Violations& findings() const { return findings_; }

 private:
  // "/frames/2/choices/0/delta/role" (frames counted from 0 here), "tool call 0: ..." for a part.
  static Violation journal_form(const StreamFinding& f) {
    Violation v = f.violation;
    if (f.frame) v.pointer = "/frames/" + std::to_string(f.frame - 1) + v.pointer;
    if (!f.part.empty()) v.message = f.part + ": " + v.message;
    return v;
  }

  StreamSink& inner_;
  std::optional<FrameGrader> grader_;
  StreamOutcome outcome_;
  Violations findings_;
  bool aborted_ = false, finished_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace oxen::mock
