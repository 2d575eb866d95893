// The SSE reader: one parser for every stream the project grades.
#include <doctest/doctest.h>

#include "sse_reader.hpp"

using oxen::parse_sse;
using oxen::SseEvent;
using oxen::SseReader;

TEST_CASE("parse_sse reads whole events") {
  SUBCASE("data with and without the space after the colon") {
    auto events = parse_sse("data: one\n\ndata:two\n\n");
    REQUIRE(events.size() == 2);
    CHECK(events[0].data == "one");
    CHECK(events[1].data == "two");
  }
  SUBCASE("only the first space is removed") {
    auto events = parse_sse("data:  padded\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == " padded");
  }
  SUBCASE("multi-line data joins with newlines") {
    auto events = parse_sse("data: a\ndata: b\ndata:\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "a\nb\n");
  }
  SUBCASE("CRLF, CR and LF line endings") {
    auto events = parse_sse("event: x\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n");
    REQUIRE(events.size() == 3);
    CHECK(events[0].event == "x");
    CHECK(events[0].data == "1");
    CHECK(events[1].event.empty());
    CHECK(events[1].data == "2");
    CHECK(events[2].data == "3");
  }
  SUBCASE("event, id and comments") {
    auto events = parse_sse(": keep-alive\n\nid: 7\nevent: completed\n:note\ndata: {}\n\n");
    REQUIRE(events.size() == 2);
    CHECK(events[0].comments == std::vector<std::string>{"keep-alive"});
    CHECK(events[0].data.empty());
    CHECK(events[1].id == "7");
    CHECK(events[1].event == "completed");
    CHECK(events[1].comments == std::vector<std::string>{"note"});
    CHECK(events[1].data == "{}");
  }
  SUBCASE("a field without a colon has an empty value; unknown fields and retry are ignored") {
    auto events = parse_sse("data\nretry: 10\nfoo: bar\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data.empty());
  }
  SUBCASE("an unterminated event at the end is dropped; blank lines alone make no events") {
    CHECK(parse_sse("\n\n\ndata: open").empty());
  }
  SUBCASE("a leading byte order mark is skipped") {
    auto events = parse_sse("\xEF\xBB\xBF" "data: x\n\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "x");
  }
}

TEST_CASE("SseReader is incremental: any split of the bytes gives the same events") {
  const std::string stream =
      "\xEF\xBB\xBF" ": hello\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: e\ndata: x\ndata: y\n\nid: 3\rdata: z\r\r"
      "data: [DONE]\n\n";
  const auto whole = parse_sse(stream);
  REQUIRE(whole.size() == 5);
  for (size_t piece = 1; piece <= stream.size(); ++piece) {
    SseReader reader;
    std::vector<SseEvent> got;
    for (size_t i = 0; i < stream.size(); i += piece) {
      auto events = reader.feed(std::string_view(stream).substr(i, piece));
      got.insert(got.end(), events.begin(), events.end());
    }
    INFO("piece size " << piece);
    REQUIRE(got.size() == whole.size());
    for (size_t k = 0; k < got.size(); ++k) {
      CHECK(got[k].data == whole[k].data);
      CHECK(got[k].event == whole[k].event);
      CHECK(got[k].id == whole[k].id);
      CHECK(got[k].comments == whole[k].comments);
    }
    CHECK_FALSE(reader.pending());
  }
  CHECK(whole[1].data == "{\"a\":1}");
  CHECK(whole[2].data == "x\ny");
  CHECK(whole[3].id == "3");
  CHECK(whole[4].data == "[DONE]");
}
