#pragma once
// The pipeline's wrapper around every streamed response, closest to the connection: it counts
// what reaches the client, checks each server-sent event against the frame schemas the
// operation declares in schemas/openapi.json (with --self-check), and tells how the stream
// ended, for the journal.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "../../conformance/contract/api_document.hpp"
#include "../../conformance/contract/schema_store.hpp"
#include "../../conformance/contract/sse_reader.hpp"
#include "journal.hpp"
#include "message.hpp"

namespace oxen::mock {

class ObservedStream : public StreamSink {
 public:
  // `schemas` null: frames are counted, not checked.
  ObservedStream(StreamSink& inner, const Operation& operation, const SchemaStore* schemas)
      : inner_(inner), operation_(operation), schemas_(schemas) {}

  bool write(std::string_view bytes) override {
    if (!inner_.write(bytes)) return false;
    ++outcome_.frames;
    if (schemas_) check(bytes);
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
    outcome_.ended_by = aborted_ ? "fault" : inner_.stopping() ? "shutdown" : !inner_.alive() ? "client_gone" : "done";
    outcome_.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started_)
                               .count();
    return outcome_;
  }
  const Violations& findings() const { return findings_; }

 private:
  void check(std::string_view bytes) {
    for (const auto& event : reader_.feed(bytes)) {
      if (event.data.empty()) continue;  // a keep-alive comment
      const std::string at = "/frames/" + std::to_string(data_frames_++);
      if (event.data == operation_.frame_terminator) continue;
      std::string schema = operation_.frame_schema;
      if (auto named = operation_.event_schemas.find(event.event); named != operation_.event_schemas.end())
        schema = named->second;
      if (schema.empty()) {
        findings_.push_back({at, "event", "event '" + event.event + "' is not declared for " + operation_.id});
        continue;
      }
      auto data = nlohmann::json::parse(event.data, nullptr, false);
      if (data.is_discarded()) {
        findings_.push_back({at, "json", "the data of the frame is not JSON"});
        continue;
      }
      for (auto v : schemas_->validate(schema, data)) {
        v.pointer = at + v.pointer;
        findings_.push_back(std::move(v));
      }
    }
  }

  StreamSink& inner_;
  const Operation& operation_;
  const SchemaStore* schemas_;
  SseReader reader_;
  StreamOutcome outcome_;
  Violations findings_;
  size_t data_frames_ = 0;
  bool aborted_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace oxen::mock
