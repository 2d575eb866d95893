#include "evaluation_store.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace oxen::mock {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Evaluation, id, name, repo_namespace, repo_name, resource_version,
                                   resource_path, prompt, input_type, output_type, model, target_column,
                                   target_branch, target_path, is_sample, auto_commit, sample_count,
                                   batch_size, commit_message, created_by, created_ms, queued_ms, row_ms,
                                   commit_ms, rows, fails, prompt_tokens_per_row,
                                   completion_tokens_per_row, input_cost_per_token,
                                   output_cost_per_token)

EvaluationProgress progress_at(const Evaluation& e, int64_t now_ms) {
  const int64_t start = e.created_ms + e.queued_ms;
  if (now_ms < start) return {"queued", 0, std::nullopt, std::nullopt, ""};
  if (e.fails) {
    const int64_t failed_at = start + (e.rows / 2) * e.row_ms;
    if (now_ms >= failed_at)
      return {"errored", e.rows / 2, start, failed_at, "The model failed on row " + std::to_string(e.rows / 2 + 1)};
  }
  const int64_t ran = start + e.rows * e.row_ms;
  if (now_ms < ran) return {"running", (now_ms - start) / e.row_ms, start, std::nullopt, ""};
  if (e.auto_commit && now_ms < ran + e.commit_ms) return {"committing", e.rows, start, std::nullopt, ""};
  return {"completed", e.rows, start, ran + (e.auto_commit ? e.commit_ms : 0), ""};
}

bool EvaluationStore::add(Evaluation e, size_t capacity, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (evaluations_.size() >= capacity) {
    auto finished = std::find_if(evaluations_.begin(), evaluations_.end(), [&](const Evaluation& old) {
      return progress_at(old, now_ms).completed_ms.has_value();
    });
    if (finished == evaluations_.end()) return false;
    evaluations_.erase(finished);
  }
  evaluations_.push_back(std::move(e));
  return true;
}

std::optional<Evaluation> EvaluationStore::get(const std::string& repo_namespace, const std::string& repo_name,
                                               const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : evaluations_)
    if (e.id == id && e.repo_namespace == repo_namespace && e.repo_name == repo_name) return e;
  return std::nullopt;
}

void EvaluationStore::reset() {
  std::lock_guard lock(mutex_);
  evaluations_.clear();
}

nlohmann::json EvaluationStore::export_state() const {
  std::lock_guard lock(mutex_);
  return evaluations_;
}

void EvaluationStore::import_state(const nlohmann::json& evaluations) {
  auto imported = evaluations.get<std::vector<Evaluation>>();
  std::set<std::string> ids;
  for (const auto& e : imported) {
    if (!ids.insert(e.id).second) throw std::invalid_argument("duplicate evaluation id '" + e.id + "'");
    if (e.row_ms <= 0 || e.rows < 0 || e.queued_ms < 0 || e.commit_ms < 0)
      throw std::invalid_argument("evaluation '" + e.id + "': its plan has a negative or zero duration");
  }
  std::lock_guard lock(mutex_);
  evaluations_ = std::move(imported);
}

}  // namespace oxen::mock
