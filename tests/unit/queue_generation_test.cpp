// The generation lifecycle: the declared table, and the queue moving rows through it on the
// clock it is given.
#include <doctest/doctest.h>

#include "contract_checks.hpp"
#include "queue/generation_queue.hpp"
#include "state_machine.hpp"

using namespace oxen::mock;
using nlohmann::json;

namespace {

// Row ids are one letter here; the generation schema wants UUIDs, so they are padded into one.
std::string uuid(const std::string& letter) { return "00000000-0000-4000-8000-00000000000" + letter; }

GenerationSpec spec(std::string id, uint64_t owner = 1, std::string failure = "") {
  GenerationSpec s;
  s.generation_id = uuid(id);
  s.owner = owner;
  s.model_name = "flux-2-dev";
  s.media_type = "image";
  s.prompt = "a fox";
  s.echoed = {{"seed", 3}, {"status", "not-this"}};
  s.result_url = "http://mock/api/media/files/x.png";
  s.queued_ms = 500;
  s.processing_ms = 2000;
  s.failure = std::move(failure);
  return s;
}

constexpr int64_t T0 = 1775000000000;

}  // namespace

TEST_CASE("the generation table: queued -> processing -> succeeded|failed - cancel from active") {
  const auto& m = oxen::StateMachine::builtin("generation");
  CHECK(m.next("queued", "start") == "processing");
  CHECK(m.next("processing", "succeed") == "succeeded");
  CHECK(m.next("processing", "fail") == "failed");
  CHECK(m.next("queued", "cancel") == "cancelled");
  CHECK(m.next("processing", "cancel") == "cancelled");
  for (auto terminal : {"succeeded", "failed", "cancelled"}) {
    CHECK(m.is_terminal(terminal));
    for (auto event : {"start", "succeed", "fail", "cancel"}) CHECK_FALSE(m.next(terminal, event));
  }
  CHECK_FALSE(m.is_terminal("queued"));
  CHECK_FALSE(m.legal("queued", "succeeded"));
  CHECK_FALSE(m.legal("succeeded", "processing"));
  CHECK(m.legal("queued", "processing"));
}

TEST_CASE("the deployment table is still the one the registry follows") {
  const auto& m = oxen::StateMachine::builtin("deployment");
  CHECK(m.next("inactive", "activate") == "deploying");
  CHECK(m.next("deploying", "ready") == "active");
  CHECK(m.next("active", "deactivate") == "deactivating");
  CHECK(m.next("deactivating", "stopped") == "inactive");
}

TEST_CASE("a queue moves rows on the clock it is given") {
  GenerationQueue q;
  std::vector<FinishedGeneration> seen;
  q.set_listener([&](const std::vector<FinishedGeneration>& done) { seen.insert(seen.end(), done.begin(), done.end()); });
  REQUIRE(q.enqueue({spec("a"), spec("b", 1, "Insufficient credits")}, T0, 10));

  auto status = [&](const std::string& id, int64_t at) { return (*q.get(uuid(id), 1, at))["status"].get<std::string>(); };
  CHECK(status("a", T0) == "queued");
  CHECK(status("a", T0 + 499) == "queued");
  CHECK(status("a", T0 + 500) == "processing");
  CHECK(seen.empty());
  CHECK(status("a", T0 + 2500) == "succeeded");
  CHECK(status("b", T0 + 2500) == "failed");

  auto a = *q.get(uuid("a"), 1, T0 + 2500);
  CHECK_SCHEMA("generation", a);
  CHECK(a["started_at"] == (T0 + 500) / 1000);
  CHECK(a["completed_at"] == (T0 + 2500) / 1000);
  CHECK(a["result_url"] == "http://mock/api/media/files/x.png");
  CHECK(a["seed"] == 3);
  CHECK(a["status"] == "succeeded");  // a fixed field wins over an echoed one

  auto b = *q.get(uuid("b"), 1, T0 + 2500);
  CHECK_SCHEMA("generation", b);
  CHECK(b["error_message"] == "Insufficient credits");
  CHECK(b["result_url"].is_null());

  REQUIRE(seen.size() == 2);
  CHECK(seen[0].generation_id == uuid("a"));
  CHECK(seen[0].url == "http://mock/api/media/files/x.png");
  CHECK(seen[1].status == "failed");
  CHECK(seen[1].error == "Insufficient credits");

  SUBCASE("completions are reported once") {
    q.advance(T0 + 99999);
    CHECK(seen.size() == 2);
  }
}

TEST_CASE("cancel, scoping by owner, list filters, eviction") {
  GenerationQueue q;
  REQUIRE(q.enqueue({spec("a"), spec("b"), spec("c", 2)}, T0, 4));

  CHECK(q.cancel(uuid("a"), 1, T0 + 100) == GenerationQueue::CancelOutcome::cancelled);
  CHECK(q.cancel(uuid("a"), 1, T0 + 200) == GenerationQueue::CancelOutcome::already_terminal);
  CHECK(q.cancel(uuid("c"), 1, T0) == GenerationQueue::CancelOutcome::not_found);  // another key's
  CHECK_FALSE(q.get(uuid("c"), 1, T0));
  auto a = *q.get(uuid("a"), 1, T0 + 100);
  CHECK(a["status"] == "cancelled");
  CHECK(a["completed_at"] == (T0 + 100) / 1000);
  CHECK_SCHEMA("generation", a);
  CHECK(q.list({}, 1, T0 + 100).size() == 1);  // b only: active rows of owner 1
  QueueFilter cancelled;
  cancelled.status = "cancelled";
  CHECK(q.list(cancelled, 1, T0 + 100).size() == 1);
  QueueFilter video;
  video.media_type = "video";
  CHECK(q.list(video, 1, T0 + 100).empty());

  SUBCASE("the oldest terminal rows are evicted first; active rows never") {
    REQUIRE(q.enqueue({spec("d")}, T0 + 100, 4));  // 4 rows: a(cancelled) b c d
    REQUIRE(q.enqueue({spec("e")}, T0 + 100, 4));  // evicts a
    CHECK_FALSE(q.get(uuid("a"), 1, T0 + 100));
    CHECK(q.size() == 4);
    CHECK_FALSE(q.enqueue({spec("f")}, T0 + 100, 4));  // all active: refused, nothing added
    CHECK_FALSE(q.get(uuid("f"), 1, T0 + 100));
  }
  SUBCASE("cancelled rows never complete later") {
    CHECK((*q.get(uuid("a"), 1, T0 + 10000))["status"] == "cancelled");
    CHECK((*q.get(uuid("b"), 1, T0 + 10000))["status"] == "succeeded");
  }
  SUBCASE("reset empties it") {
    q.reset();
    CHECK(q.size() == 0);
  }
}
