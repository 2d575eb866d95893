#pragma once
// The evaluations (batch inference over a data file) of one namespace. An evaluation's whole plan
// is fixed when it is created (when it starts, how long a row takes, whether it commits or fails
// half way), so its status and progress at any moment follow from the clock: queued, running,
// committing (auto_commit), then completed or errored, the moves of
// schemas/state_machines/evaluation.json. Bounded; thread-safe.
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace oxen::mock {

struct Evaluation {
  std::string id, name;
  std::string repo_namespace, repo_name, resource_version, resource_path;
  std::string prompt, input_type, output_type, model;  // model: its registry id
  std::string target_column, target_branch, target_path;
  bool is_sample = false, auto_commit = false;
  int64_t sample_count = 10, batch_size = 10;
  nlohmann::json commit_message;  // string or null
  std::string created_by;         // username
  int64_t created_ms = 0, queued_ms = 0, row_ms = 1, commit_ms = 0;
  int64_t rows = 0;  // the rows it runs over: the file's, or the sample
  bool fails = false;  // the prompt carries the fail marker: errored half way
  int64_t prompt_tokens_per_row = 0, completion_tokens_per_row = 0;
  double input_cost_per_token = 0, output_cost_per_token = 0;
};

// Where an evaluation stands at a moment.
struct EvaluationProgress {
  std::string status;
  int64_t processed = 0;
  std::optional<int64_t> started_ms, completed_ms;
  std::string error;  // set when errored
};
EvaluationProgress progress_at(const Evaluation& e, int64_t now_ms);

class EvaluationStore {
 public:
  // False when `capacity` evaluations are stored and none has finished by `now_ms` (the oldest
  // finished one is dropped to make room).
  bool add(Evaluation e, size_t capacity, int64_t now_ms);
  std::optional<Evaluation> get(const std::string& repo_namespace, const std::string& repo_name,
                                const std::string& id) const;
  void reset();
  nlohmann::json export_state() const;
  // All or nothing: throws std::invalid_argument (or a JSON error) and keeps what it had.
  void import_state(const nlohmann::json& evaluations);

 private:
  mutable std::mutex mutex_;
  std::vector<Evaluation> evaluations_;  // in creation order
};

}  // namespace oxen::mock
