#include "fine_tune_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace oxen::mock {

namespace {

// What the trainer may report through PUT train_status; the API's own actions (run, tokenize,
// deploy) are not the trainer's to make.
const std::set<std::string> kTrainerEvents = {"start", "complete", "fail", "stop"};

nlohmann::json optional_ms(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<int64_t> read_ms(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  return v.get<int64_t>();
}

}  // namespace

int64_t current_step(const FineTune& job, int64_t now_ms) {
  if (!job.started_ms) return 0;
  if (job.finished_ms) return job.final_step;
  return std::min(job.total_steps, std::max<int64_t>(0, now_ms - *job.started_ms) / job.step_ms);
}

std::vector<int64_t> checkpoint_steps(const FineTune& job, int64_t now_ms) {
  std::vector<int64_t> steps;
  int64_t reached = current_step(job, now_ms);
  for (int64_t s = job.save_every; s > 0 && s <= reached; s += job.save_every) steps.push_back(s);
  // A run that trained to the end saves its final weights too.
  bool trained_out = job.finished_ms && job.final_step == job.total_steps && job.error.empty();
  if (trained_out && reached > 0 && (steps.empty() || steps.back() != reached))
    steps.push_back(reached);
  return steps;
}

int64_t step_time_ms(const FineTune& job, int64_t step) {
  return job.started_ms.value_or(0) + step * job.step_ms;
}

int64_t credits_micros(const FineTune& job, int64_t now_ms) {
  if (!job.started_ms) return 0;
  int64_t end = job.finished_ms.value_or(now_ms);
  return job.cost_micros_per_second * std::max<int64_t>(0, end - *job.started_ms) / 1000;
}

FineTuneStore::FineTuneStore(const StateMachine& machine) : machine_(machine) {}

void FineTuneStore::settle(FineTune& job, int64_t now_ms) const {
  if (job.status == "enqueued" && job.run_ms && now_ms >= *job.run_ms + job.queued_ms) {
    job.started_ms = *job.run_ms + job.queued_ms;
    job.status = machine_.next(job.status, "start").value();
    job.updated_ms = *job.started_ms;
  }
  if (job.status == "running" && !job.finished_ms) {
    bool fails = job.fail_at_step && *job.fail_at_step < job.total_steps;
    int64_t last = fails ? *job.fail_at_step : job.total_steps;
    int64_t end_at = *job.started_ms + last * job.step_ms;
    if (now_ms < end_at) return;
    job.final_step = last;
    job.finished_ms = end_at;
    job.updated_ms = end_at;
    if (fails)
      job.error = "Training failed at step " + std::to_string(last) +
                  ": CUDA out of memory. Try a smaller batch_size or seq_length.";
    job.status = machine_.next(job.status, fails ? "fail" : "complete").value();
  }
}

void FineTuneStore::move(FineTune& job, const std::string& action, int64_t now_ms) const {
  auto to = machine_.next(job.status, action);
  if (!to) throw Refused{action, job.status};
  if (action == "stop" || action == "complete" || action == "fail") {
    job.final_step = current_step(job, now_ms);
    job.finished_ms = now_ms;
    if (action == "fail")
      job.error = "Reported errored by the trainer at step " + std::to_string(job.final_step) + ".";
  } else if (action == "start") {
    job.started_ms = now_ms;
  } else if (action == "run") {
    job.run_ms = now_ms;
  } else if (action == "tokenize") {
    job.tokenize_started_ms = now_ms;
  }
  job.status = *to;
  job.updated_ms = now_ms;
}

void FineTuneStore::report(FineTune& job, const std::string& to, int64_t now_ms) const {
  for (const auto& t : machine_.transitions())
    if (t.from == job.status && t.to == to && kTrainerEvents.count(t.on))
      return move(job, t.on, now_ms);
  throw Refused{"report " + to, job.status};
}

bool FineTuneStore::add(FineTune job, size_t capacity) {
  std::lock_guard lock(mutex_);
  if (jobs_.size() >= capacity) return false;
  jobs_.push_back(std::move(job));
  return true;
}

FineTune* FineTuneStore::find_locked(const std::string& ns, const std::string& repo,
                                     const std::string& id) {
  for (auto& job : jobs_)
    if (job.id == id && job.repo_namespace == ns && job.repo_name == repo) return &job;
  return nullptr;
}

std::optional<FineTune> FineTuneStore::get(const std::string& ns, const std::string& repo,
                                           const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  FineTune* job = find_locked(ns, repo, id);
  if (!job) return std::nullopt;
  settle(*job, now_ms);
  return *job;
}

std::vector<FineTune> FineTuneStore::all(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  for (auto& job : jobs_) settle(job, now_ms);
  return jobs_;
}

void FineTuneStore::advance(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  for (auto& job : jobs_) settle(job, now_ms);
}

bool FineTuneStore::name_taken(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return std::any_of(jobs_.begin(), jobs_.end(), [&](const FineTune& j) { return j.name == name; });
}

bool FineTuneStore::contains(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return std::any_of(jobs_.begin(), jobs_.end(), [&](const FineTune& j) { return j.id == id; });
}

std::optional<FineTune> FineTuneStore::update(const std::string& ns, const std::string& repo,
                                              const std::string& id, int64_t now_ms,
                                              const std::function<void(FineTune&)>& change) {
  std::lock_guard lock(mutex_);
  FineTune* job = find_locked(ns, repo, id);
  if (!job) return std::nullopt;
  settle(*job, now_ms);
  FineTune changed = *job;
  change(changed);
  *job = std::move(changed);
  return *job;
}

std::optional<FineTune> FineTuneStore::remove(const std::string& ns, const std::string& repo,
                                              const std::string& id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  FineTune* job = find_locked(ns, repo, id);
  if (!job) return std::nullopt;
  settle(*job, now_ms);
  FineTune removed = std::move(*job);
  jobs_.erase(jobs_.begin() + (job - jobs_.data()));
  return removed;
}

void FineTuneStore::reset() {
  std::lock_guard lock(mutex_);
  jobs_.clear();
}

size_t FineTuneStore::size() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

nlohmann::json FineTuneStore::export_state() const {
  std::lock_guard lock(mutex_);
  auto out = nlohmann::json::array();
  for (const auto& j : jobs_) {
    auto deployments = nlohmann::json::object();
    for (const auto& [step, d] : j.deployments)
      deployments[std::to_string(step)] = {{"model_id", d.model_id},
                                           {"deployment_id", d.deployment_id},
                                           {"deployment_type", d.deployment_type}};
    out.push_back({{"id", j.id},
                   {"name", j.name},
                   {"repo_namespace", j.repo_namespace},
                   {"repo_name", j.repo_name},
                   {"base_model", j.base_model},
                   {"script_type", j.script_type},
                   {"resource_version", j.resource_version},
                   {"resource_path", j.resource_path},
                   {"training_params", j.training_params},
                   {"display_name", j.display_name},
                   {"description", j.description},
                   {"oxen_model_path", j.oxen_model_path},
                   {"is_public", j.is_public},
                   {"created_by", j.created_by},
                   {"status", j.status},
                   {"created_ms", j.created_ms},
                   {"updated_ms", j.updated_ms},
                   {"total_steps", j.total_steps},
                   {"save_every", j.save_every},
                   {"log_every", j.log_every},
                   {"steps_per_epoch", j.steps_per_epoch},
                   {"step_ms", j.step_ms},
                   {"queued_ms", j.queued_ms},
                   {"tokenize_ms", j.tokenize_ms},
                   {"total_tokens", j.total_tokens},
                   {"cost_micros_per_second", j.cost_micros_per_second},
                   {"fail_at_step", optional_ms(j.fail_at_step)},
                   {"tokenize_started_ms", optional_ms(j.tokenize_started_ms)},
                   {"run_ms", optional_ms(j.run_ms)},
                   {"started_ms", optional_ms(j.started_ms)},
                   {"finished_ms", optional_ms(j.finished_ms)},
                   {"final_step", j.final_step},
                   {"error", j.error},
                   {"deployments", deployments}});
  }
  return out;
}

void FineTuneStore::import_state(const nlohmann::json& jobs) {
  std::vector<FineTune> imported;
  std::set<std::string> ids;
  for (const auto& r : jobs) {
    FineTune j;
    j.id = r.at("id");
    if (!ids.insert(j.id).second)
      throw std::invalid_argument("duplicate fine-tune id '" + j.id + "'");
    j.name = r.at("name");
    j.repo_namespace = r.at("repo_namespace");
    j.repo_name = r.at("repo_name");
    j.base_model = r.at("base_model");
    j.script_type = r.at("script_type");
    j.resource_version = r.at("resource_version");
    j.resource_path = r.at("resource_path");
    j.training_params = r.at("training_params");
    j.display_name = r.at("display_name");
    j.description = r.at("description");
    j.oxen_model_path = r.at("oxen_model_path");
    j.is_public = r.at("is_public");
    j.created_by = r.at("created_by");
    j.status = r.at("status");
    if (!machine_.is_state(j.status))
      throw std::invalid_argument("fine-tune status '" + j.status + "' is not declared");
    j.created_ms = r.at("created_ms");
    j.updated_ms = r.at("updated_ms");
    j.total_steps = r.at("total_steps");
    j.save_every = r.at("save_every");
    j.log_every = r.at("log_every");
    j.steps_per_epoch = r.at("steps_per_epoch");
    j.step_ms = r.at("step_ms");
    if (j.step_ms <= 0)
      throw std::invalid_argument("fine-tune '" + j.id + "': step_ms must be > 0");
    j.queued_ms = r.at("queued_ms");
    j.tokenize_ms = r.at("tokenize_ms");
    j.total_tokens = r.at("total_tokens");
    j.cost_micros_per_second = r.at("cost_micros_per_second");
    j.fail_at_step = read_ms(r.at("fail_at_step"));
    j.tokenize_started_ms = read_ms(r.at("tokenize_started_ms"));
    j.run_ms = read_ms(r.at("run_ms"));
    j.started_ms = read_ms(r.at("started_ms"));
    j.finished_ms = read_ms(r.at("finished_ms"));
    j.final_step = r.at("final_step");
    j.error = r.at("error");
    for (const auto& [step, d] : r.at("deployments").items())
      j.deployments[std::stoll(step)] = {d.at("model_id"), d.at("deployment_id"),
                                         d.at("deployment_type")};
    imported.push_back(std::move(j));
  }
  std::lock_guard lock(mutex_);
  jobs_ = std::move(imported);
}

}  // namespace oxen::mock
