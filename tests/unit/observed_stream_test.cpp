// The pipeline's stream wrapper: frames counted as they reach the connection, checked against
// the operation's declared frame schemas, and the end told apart.
#include <doctest/doctest.h>

#include "http/observed_stream.hpp"

using namespace oxen::mock;

namespace {

struct FakeSink : StreamSink {
  std::string sent;
  bool open = true, stop = false;
  bool write(std::string_view bytes) override {
    if (!open) return false;
    sent += bytes;
    return true;
  }
  bool alive() const override { return open && !stop; }
  bool stopping() const override { return stop; }
  void abort() override { open = false; }
};

}  // namespace

TEST_CASE("frames are checked against the operation's frame schemas") {
  const auto& chat = *oxen::ApiDocument::builtin().find("createChatCompletion");
  FakeSink sink;
  ObservedStream observed(sink, chat, &oxen::SchemaStore::builtin());
  CHECK(observed.write(": keep-alive\n\n"));
  CHECK(observed.write("data: {\"object\": \"chat.completion.chunk\"}\n\n"));
  CHECK(observed.write("data: {not json\n\n"));
  CHECK(observed.write("data: [DONE]\n\n"));
  const auto& outcome = observed.finish();
  CHECK(outcome.frames == 4);
  CHECK(outcome.ended_by == "done");
  REQUIRE(!observed.findings().empty());
  CHECK(observed.findings().front().pointer.rfind("/frames/0", 0) == 0);
  CHECK(observed.findings().back().pointer == "/frames/1");
  CHECK(observed.findings().back().rule == "json");
  CHECK(sink.sent.find("[DONE]") != std::string::npos);
}

TEST_CASE("how a stream ended: done, fault, client gone, shutdown") {
  const auto& events = *oxen::ApiDocument::builtin().find("streamEvents");
  {
    FakeSink sink;
    ObservedStream observed(sink, events, nullptr);
    observed.abort();
    CHECK(observed.finish().ended_by == "fault");
  }
  {
    FakeSink sink;
    ObservedStream observed(sink, events, nullptr);
    sink.open = false;
    CHECK_FALSE(observed.write("data: {}\n\n"));
    CHECK(observed.finish().ended_by == "client_gone");
    CHECK(observed.finish().frames == 0);
  }
  {
    FakeSink sink;
    ObservedStream observed(sink, events, &oxen::SchemaStore::builtin());
    sink.stop = true;
    CHECK(observed.finish().ended_by == "shutdown");
    // An event the operation does not declare is a finding.
    FakeSink other;
    ObservedStream checked(other, events, &oxen::SchemaStore::builtin());
    checked.write("event: surprise\ndata: {}\n\n");
    REQUIRE(checked.findings().size() == 1);
    CHECK(checked.findings()[0].rule == "event");
  }
}
