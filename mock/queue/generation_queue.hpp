#pragma once
// The async generations of one namespace. Rows move through the declared table
// (schemas/state_machines/generation.json) on the mock's clock: each row is given, when it is
// enqueued, how long it stays queued and how long it processes, so every transition time is
// known in advance and reading the queue at any moment shows the state that time implies.
// Terminal rows stay; beyond a capacity the oldest terminal rows are evicted. Thread-safe.
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "../../conformance/contract/state_machine.hpp"

namespace oxen::mock {

// One generation to enqueue, as prepared by the route.
struct GenerationSpec {
  std::string generation_id;
  uint64_t owner = 0;  // hash of the API key that enqueued it; others do not see it
  std::string model_name;
  std::string media_type;  // "image" | "video"
  nlohmann::json prompt;   // string, or null when the request had none
  nlohmann::json echoed = nlohmann::json::object();  // extra request parameters, echoed as given
  std::optional<std::string> target_namespace, target_repo, target_directory;
  std::string result_url;      // served once succeeded
  int64_t queued_ms = 0;       // time spent queued
  int64_t processing_ms = 0;   // time spent processing
  std::string failure;         // non-empty: the job ends failed with this error_message
  // A sync image/video call, recorded already succeeded: shown by the generation history only,
  // never by the queue views (which list async jobs) and never announced as an event.
  bool sync = false;
  std::optional<int64_t> cost_micros;  // US dollars x 1e6, charged once succeeded; none: unpriced
};

// A generation that reached succeeded or failed (cancelled ones are not reported).
struct FinishedGeneration {
  std::string generation_id;
  uint64_t owner = 0;
  std::string status;  // "succeeded" | "failed"
  std::string media_type;
  std::string model;
  std::string url;    // succeeded
  std::string error;  // failed
  int64_t at_ms = 0;
};

struct QueueFilter {
  std::optional<std::string> target_namespace, model, status, media_type, repo, folder;
};

// One page of the generation history (GET /api/ai/generations).
struct HistoryPage {
  nlohmann::json rows = nlohmann::json::array();
  size_t total_entries = 0;               // rows matching the filter, over all pages
  std::optional<int64_t> total_cost_micros;  // charged over the filter set; none when nothing was
};

class GenerationQueue {
 public:
  using Listener = std::function<void(const std::vector<FinishedGeneration>&)>;
  enum class CancelOutcome { cancelled, already_terminal, not_found };

  explicit GenerationQueue(const StateMachine& machine = StateMachine::builtin("generation"));

  // Adds all or nothing: false when, even after evicting terminal rows, `capacity` would be
  // exceeded.
  bool enqueue(std::vector<GenerationSpec> specs, int64_t now_ms, size_t capacity);
  std::optional<nlohmann::json> get(const std::string& id, uint64_t owner, int64_t now_ms);
  // In enqueue order; without a status filter only queued and processing rows.
  nlohmann::json list(const QueueFilter& filter, uint64_t owner, int64_t now_ms);
  CancelOutcome cancel(const std::string& id, uint64_t owner, int64_t now_ms);
  // Adds one finished sync generation (its spec.sync set), succeeded at `now_ms` after its
  // processing_ms; false when the store is full of rows still in flight.
  bool record(GenerationSpec spec, int64_t now_ms, size_t capacity);
  // The generation history: queue jobs in their current status and sync calls, newest first,
  // with cost. `page` is 1-based; a page past the end is empty.
  HistoryPage history(const QueueFilter& filter, uint64_t owner, int64_t now_ms, size_t page, size_t page_size);
  std::optional<nlohmann::json> history_entry(const std::string& id, uint64_t owner, int64_t now_ms);
  // Whether a row of any owner has this id.
  bool contains(const std::string& id) const;

  // Runs every transition due by `now_ms`; completions go to the listener in time order.
  void advance(int64_t now_ms);
  // Set once by whoever publishes completion events.
  void set_listener(Listener listener);
  // Asked when a job starts: a non-empty answer makes it fail at once with that error_message
  // (its model was deactivated or deleted while it waited). Set once, when the queue is made.
  using StartCheck = std::function<std::string(const GenerationSpec&)>;
  void set_start_check(StartCheck check);

  void reset();
  size_t size() const;
  // Every row with its plan, as JSON (admin_state's `queue`), and back; import replaces all
  // rows at once or, on a malformed document, throws and changes nothing.
  nlohmann::json export_state() const;
  void import_state(const nlohmann::json& rows);

 private:
  struct Row {
    GenerationSpec spec;
    std::string status = "queued";
    int64_t enqueued_ms = 0;
    std::optional<int64_t> started_ms, completed_ms;
  };

  std::vector<FinishedGeneration> advance_locked(int64_t now_ms);
  void move(Row& row, const std::string& event);
  nlohmann::json render(const Row& row) const;
  nlohmann::json render_history(const Row& row) const;
  static bool filter_matches(const QueueFilter& filter, const Row& row);
  // Evicts the oldest terminal rows until `count` more fit; false when they still do not.
  bool make_room_locked(size_t count, size_t capacity);
  void insert_locked(Row row);
  // A row of this owner; sync rows only when `with_sync` (the queue views do not see them).
  Row* find_locked(const std::string& id, uint64_t owner, bool with_sync = false);

  const StateMachine& machine_;
  mutable std::mutex publish_mutex_;  // keeps listener calls in completion order
  mutable std::mutex mutex_;
  std::list<Row> rows_;
  std::unordered_map<std::string, std::list<Row>::iterator> by_id_;
  Listener listener_;
  StartCheck start_check_;
};

}  // namespace oxen::mock
