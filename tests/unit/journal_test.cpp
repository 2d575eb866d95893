// The journal's two views: the bounded ring a test reads and clears, and the feed that holds
// every entry for one reader until it has read it.
#include <doctest/doctest.h>

#include "http/journal.hpp"

using oxen::mock::Journal;
using oxen::mock::ServeEvent;
using oxen::mock::StreamOutcome;

namespace {

ServeEvent event(const std::string& ns, const std::string& path) {
  ServeEvent e;
  e.ns = ns;
  e.method = "GET";
  e.path = path;
  return e;
}

}  // namespace

TEST_CASE("the journal feed") {
  SUBCASE("off by default: the ring alone, and reading the feed finds nothing") {
    Journal journal(2);
    journal.record(event("", "/a"), "");
    CHECK_FALSE(journal.feed_enabled());
    CHECK(journal.read_feed(0, 10).events.empty());
  }
  SUBCASE("keeps what the ring evicts and a clear empties, of every namespace, until read") {
    Journal journal(2, 1024, 10);
    journal.record(event("", "/a"), "");
    journal.record(event("suite-a", "/b"), "");
    journal.record(event("", "/c"), "");
    journal.clear();
    CHECK(journal.snapshot().empty());
    auto page = journal.read_feed(0, 10);
    REQUIRE(page.events.size() == 3);
    CHECK(page.events[1].ns == "suite-a");
    CHECK(page.events[2].sequence == 3);
    CHECK(page.dropped == 0);
    CHECK(journal.read_feed(2, 10).events.size() == 1);  // up to 2 is forgotten
    CHECK(journal.read_feed(0, 10).events.size() == 1);
  }
  SUBCASE("beyond its limit it drops the oldest unread entry and counts it") {
    Journal journal(100, 1024, 2);
    for (const char* path : {"/a", "/b", "/c"}) journal.record(event("", path), "");
    auto page = journal.read_feed(0, 10);
    CHECK(page.dropped == 1);
    REQUIRE(page.events.size() == 2);
    CHECK(page.events[0].path == "/b");
  }
  SUBCASE("a stream that ends after the ring evicted its entry completes the feed's copy") {
    Journal journal(1, 1024, 10);
    auto sequence = journal.record(event("", "/stream"), "");
    journal.record(event("", "/next"), "");  // evicts the stream's entry from the ring
    journal.finish_stream(sequence, StreamOutcome{3, "done", 5}, {});
    auto page = journal.read_feed(0, 1);
    REQUIRE(page.events.size() == 1);
    CHECK(page.events[0].stream.ended_by == "done");
    CHECK(page.events[0].stream.frames == 3);
  }
  SUBCASE("secrets are redacted in the feed as in the ring") {
    Journal journal(10, 1024, 10);
    auto e = event("", "/a");
    e.body = R"({"note": "sk-feed-secret-123"})";
    journal.record(e, "sk-feed-secret-123");
    CHECK(journal.read_feed(0, 1).events[0].body.find("sk-feed-secret-123") == std::string::npos);
  }
}
