#pragma once
// The fine-tune jobs of one namespace. A job moves through the declared table
// (schemas/state_machines/fine_tune.json): tokenize, run, stop and deploy come from the API, and
// once it runs its whole plan is known (when it starts, how long a step takes, at which step it
// ends or fails), so reading it at any moment shows the state that time implies. Its step, logs
// and checkpoints are computed from the plan, not stored. Thread-safe.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../../conformance/contract/state_machine.hpp"

namespace oxen::mock {

// A deployed checkpoint: the custom model it became.
struct CheckpointDeployment {
  std::string model_id;         // oxen:<namespace>/<name>-step-<step>
  std::string deployment_id;    // handed out by the namespace's ids
  std::string deployment_type;  // "normal" | "fast"
};

struct FineTune {
  std::string id, name;
  std::string repo_namespace, repo_name;
  std::string base_model, script_type;
  std::string resource_version, resource_path;                // "main", "train.parquet"
  nlohmann::json training_params = nlohmann::json::object();  // as given, defaults filled in
  nlohmann::json display_name, description, oxen_model_path;  // string or null
  bool is_public = false;
  std::string created_by;  // username
  std::string status = "created";
  int64_t created_ms = 0, updated_ms = 0;

  // The plan, fixed when the job is created or run.
  int64_t total_steps = 0, save_every = 0, log_every = 0, steps_per_epoch = 0;
  int64_t step_ms = 0, queued_ms = 0, tokenize_ms = 0;
  int64_t total_tokens = 0;
  int64_t cost_micros_per_second = 0;   // the base model's fine_tuning.cost_per_second
  std::optional<int64_t> fail_at_step;  // the run ends errored when it reaches this step
  std::optional<int64_t> tokenize_started_ms, run_ms, started_ms, finished_ms;
  int64_t final_step = 0;  // the step reached when training ended
  std::string error;       // set once errored

  std::map<int64_t, CheckpointDeployment> deployments;  // by step
};

class FineTuneStore {
 public:
  // Refusals of an action in the job's status; the API renders them as documented bodies.
  struct Refused {
    std::string action, status;
  };

  explicit FineTuneStore(const StateMachine& machine = StateMachine::builtin("fine_tune"));

  // False when `capacity` jobs exist already.
  bool add(FineTune job, size_t capacity);
  // The job as of `now_ms`, or nullopt when the repository has no such job.
  std::optional<FineTune> get(const std::string& ns, const std::string& repo, const std::string& id,
                              int64_t now_ms);
  // Every job as of `now_ms`, in creation order.
  std::vector<FineTune> all(int64_t now_ms);
  // Settles every job up to `now_ms` (the clock's tick), so exported state and the dashboard see
  // jobs as they stand, not as they were last read.
  void advance(int64_t now_ms);
  bool name_taken(const std::string& name) const;
  bool contains(const std::string& id) const;

  // Applies `change` to the job (as of `now_ms`) and returns it; nullopt when there is no such
  // job. `change` throws to refuse, leaving the job as it was.
  std::optional<FineTune> update(const std::string& ns, const std::string& repo,
                                 const std::string& id, int64_t now_ms,
                                 const std::function<void(FineTune&)>& change);
  std::optional<FineTune> remove(const std::string& ns, const std::string& repo,
                                 const std::string& id, int64_t now_ms);

  // The table's move on `action` from the job's status; throws Refused when it has none.
  void move(FineTune& job, const std::string& action, int64_t now_ms) const;
  // The trainer's report (PUT train_status/{new_status}): any move the table lists from the
  // job's status to `to`, through an event the trainer may report. Throws Refused.
  void report(FineTune& job, const std::string& to, int64_t now_ms) const;
  const StateMachine& machine() const { return machine_; }

  void reset();
  size_t size() const;
  // Every job with its plan (admin_state's `fine_tunes`), and back; import replaces all jobs
  // at once or, on a malformed document, throws and changes nothing.
  nlohmann::json export_state() const;
  void import_state(const nlohmann::json& jobs);

 private:
  void settle(FineTune& job, int64_t now_ms) const;
  FineTune* find_locked(const std::string& ns, const std::string& repo, const std::string& id);

  const StateMachine& machine_;
  mutable std::mutex mutex_;
  std::vector<FineTune> jobs_;  // creation order
};

// The step a job has reached at `now_ms` (0 before it runs).
int64_t current_step(const FineTune& job, int64_t now_ms);
// The steps with a saved checkpoint at `now_ms`, ascending: every `save_every`, and the last step
// of a completed run.
std::vector<int64_t> checkpoint_steps(const FineTune& job, int64_t now_ms);
// When a step was reached (for log timestamps and checkpoint commits).
int64_t step_time_ms(const FineTune& job, int64_t step);
// Credits spent: running time so far times the base model's rate, in micro-dollars.
int64_t credits_micros(const FineTune& job, int64_t now_ms);

}  // namespace oxen::mock
