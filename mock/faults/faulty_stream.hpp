#pragma once
// A StreamSink that applies a fault's stream actions to the frames written through it.
#include "../core/clock.hpp"
#include "../http/message.hpp"
#include "faults.hpp"

namespace oxen::mock {

class FaultyStream : public StreamSink {
 public:
  // What a client receives in place of frame K under malformed_at_chunk: truncated JSON.
  static constexpr std::string_view kMalformedFrame = "data: {\"id\":\"chatcmpl-\n\n";

  FaultyStream(StreamSink& inner, const FaultAction& action, const Clock& clock)
      : inner_(inner), action_(action), clock_(clock) {}

  bool write(std::string_view bytes) override {
    ++frames_;
    if (action_.pace_ms > 0 &&
        !clock_.sleep_until(clock_.now_ms() + action_.pace_ms, [this] { return !inner_.alive(); }))
      return false;
    if (action_.cut_after_chunk >= 0 && frames_ > action_.cut_after_chunk) {
      inner_.abort();
      return false;
    }
    if (frames_ == action_.malformed_at_chunk) return inner_.write(kMalformedFrame);
    return inner_.write(bytes);
  }
  bool alive() const override { return inner_.alive(); }
  bool stopping() const override { return inner_.stopping(); }
  void abort() override { inner_.abort(); }

 private:
  StreamSink& inner_;
  FaultAction action_;
  const Clock& clock_;
  int frames_ = 0;
};

}  // namespace oxen::mock
