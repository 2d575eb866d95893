// The declared state machines (deployment, fine-tune), against independent expectations.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "state_machine.hpp"

using oxen::StateMachine;

TEST_CASE("deployment transitions: every state x action") {
  const auto& m = StateMachine::builtin("deployment");
  // state -> {after activate, after deactivate}; "-" = no such transition.
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"active", {"active", "deactivating"}},
      {"inactive", {"deploying", "inactive"}},
      {"deploying", {"deploying", "deactivating"}},
      {"deactivating", {"deploying", "deactivating"}},
      {"error", {"deploying", "inactive"}},
      {"unknown", {"deploying", "deactivating"}},
  };
  REQUIRE(m.states().size() == expected.size());
  for (const auto& [state, after] : expected) {
    CAPTURE(state);
    CHECK(m.next(state, "activate").value_or("-") == after.first);
    CHECK(m.next(state, "deactivate").value_or("-") == after.second);
  }
}

TEST_CASE("deployment events come from the clock") {
  const auto& m = StateMachine::builtin("deployment");
  CHECK(m.next("deploying", "ready") == "active");
  CHECK(m.next("deploying", "failed") == "error");
  CHECK(m.next("deactivating", "stopped") == "inactive");
  for (auto state : {"active", "inactive", "error", "unknown"}) {
    CAPTURE(state);
    CHECK_FALSE(m.next(state, "ready"));
    CHECK_FALSE(m.next(state, "stopped"));
  }
}

TEST_CASE("observed transitions are judged by the table") {
  const auto& m = StateMachine::builtin("deployment");
  CHECK(m.legal("inactive", "deploying"));
  CHECK(m.legal("deploying", "active"));
  CHECK(m.legal("active", "active"));
  CHECK_FALSE(m.legal("inactive", "active"));  // must pass through deploying
  CHECK_FALSE(m.legal("active", "error"));
  CHECK_FALSE(m.legal("active", "bogus"));
}

TEST_CASE("a table naming an undeclared state is refused") {
  auto table = nlohmann::json::parse(R"({"name":"t","states":["a"],
    "transitions":[{"from":"a","on":"go","to":"b"}]})");
  CHECK_THROWS_AS(StateMachine{table}, std::invalid_argument);
}

TEST_CASE("fine-tune table: the published statuses, all reachable from created, training over in the terminal ones") {
  const auto& m = StateMachine::builtin("fine_tune");
  // The status filter's enum in the published list routes.
  const std::set<std::string> published = {"created", "tokenizing", "enqueued", "running",
                                           "completed", "stopped",    "errored",  "deployed"};
  CHECK(m.states() == published);
  std::set<std::string> reached = {"created"}, frontier = {"created"};
  while (!frontier.empty()) {
    std::set<std::string> next;
    for (const auto& t : m.transitions())
      if (frontier.count(t.from) && reached.insert(t.to).second) next.insert(t.to);
    frontier = next;
  }
  CHECK(reached == published);
  for (const auto& t : m.transitions()) {
    CAPTURE(t.from);
    CAPTURE(t.on);
    if (m.is_terminal(t.from)) CHECK(t.on == "deploy");  // only deploying moves a finished job
  }
  CHECK(m.next("created", "run") == "enqueued");
  CHECK(m.next("tokenizing", "run") == "enqueued");
  CHECK_FALSE(m.next("running", "run"));
  CHECK_FALSE(m.next("enqueued", "tokenize"));
  CHECK_FALSE(m.next("errored", "deploy"));
  CHECK(m.next("stopped", "deploy") == "deployed");
  CHECK_FALSE(m.legal("created", "running"));  // a run is enqueued first
}
