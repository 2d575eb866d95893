#include "generation_queue.hpp"

#include "generation_cost.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace oxen::mock {

namespace {

nlohmann::json optional_string(const std::optional<std::string>& s) {
  return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

nlohmann::json optional_seconds(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(*ms / 1000) : nlohmann::json(nullptr);
}

// Owners are 64-bit hashes; JSON numbers that large do not survive every reader.
std::string owner_hex(uint64_t owner) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(owner));
  return buf;
}

}  // namespace

GenerationQueue::GenerationQueue(const StateMachine& machine) : machine_(machine) {}

void GenerationQueue::move(Row& row, const std::string& event) {
  auto to = machine_.next(row.status, event);
  if (!to) throw std::logic_error("generation table has no '" + event + "' from " + row.status);
  row.status = *to;
}

bool GenerationQueue::make_room_locked(size_t count, size_t capacity) {
  for (auto it = rows_.begin(); it != rows_.end() && rows_.size() + count > capacity;) {
    if (machine_.is_terminal(it->status)) {
      by_id_.erase(it->spec.generation_id);
      it = rows_.erase(it);
    } else {
      ++it;
    }
  }
  return rows_.size() + count <= capacity;
}

void GenerationQueue::insert_locked(Row row) {
  std::string id = row.spec.generation_id;
  rows_.push_back(std::move(row));
  by_id_[id] = std::prev(rows_.end());
}

bool GenerationQueue::enqueue(std::vector<GenerationSpec> specs, int64_t now_ms, size_t capacity) {
  advance(now_ms);
  std::lock_guard lock(mutex_);
  if (!make_room_locked(specs.size(), capacity)) return false;
  for (auto& spec : specs) {
    Row row;
    row.enqueued_ms = now_ms;
    row.spec = std::move(spec);
    insert_locked(std::move(row));
  }
  return true;
}

bool GenerationQueue::record(GenerationSpec spec, int64_t now_ms, size_t capacity) {
  advance(now_ms);
  std::lock_guard lock(mutex_);
  if (!make_room_locked(1, capacity)) return false;
  Row row;
  row.spec = std::move(spec);
  row.spec.sync = true;
  row.spec.queued_ms = 0;
  row.status = "succeeded";
  row.enqueued_ms = now_ms - row.spec.processing_ms;
  row.started_ms = row.enqueued_ms;
  row.completed_ms = now_ms;
  insert_locked(std::move(row));
  return true;
}

std::vector<FinishedGeneration> GenerationQueue::advance_locked(int64_t now_ms) {
  std::vector<FinishedGeneration> done;
  for (auto& row : rows_) {
    int64_t start_at = row.enqueued_ms + row.spec.queued_ms;
    if (row.spec.sync) continue;  // finished when recorded
    if (row.status == "queued" && now_ms >= start_at) {
      move(row, "start");
      row.started_ms = start_at;
      if (row.spec.failure.empty() && start_check_) {
        row.spec.failure = start_check_(row.spec);
        if (!row.spec.failure.empty()) row.spec.processing_ms = 0;
      }
    }
    int64_t end_at = start_at + row.spec.processing_ms;
    if (row.status == "processing" && now_ms >= end_at) {
      bool fails = !row.spec.failure.empty();
      move(row, fails ? "fail" : "succeed");
      row.completed_ms = end_at;
      FinishedGeneration c;
      c.generation_id = row.spec.generation_id;
      c.owner = row.spec.owner;
      c.status = row.status;
      c.media_type = row.spec.media_type;
      c.model = row.spec.model_name;
      if (fails)
        c.error = row.spec.failure;
      else
        c.url = row.spec.result_url;
      c.at_ms = end_at;
      done.push_back(std::move(c));
    }
  }
  std::stable_sort(done.begin(), done.end(),
                   [](const FinishedGeneration& a, const FinishedGeneration& b) { return a.at_ms < b.at_ms; });
  return done;
}

void GenerationQueue::advance(int64_t now_ms) {
  std::lock_guard publish(publish_mutex_);
  std::vector<FinishedGeneration> done;
  Listener listener;
  {
    std::lock_guard lock(mutex_);
    done = advance_locked(now_ms);
    listener = listener_;
  }
  if (!done.empty() && listener) listener(done);
}

GenerationQueue::Row* GenerationQueue::find_locked(const std::string& id, uint64_t owner, bool with_sync) {
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second->spec.owner != owner) return nullptr;
  if (it->second->spec.sync && !with_sync) return nullptr;
  return &*it->second;
}

nlohmann::json GenerationQueue::render(const Row& row) const {
  // Echoed parameters first, so the fixed fields always win over a same-named parameter.
  nlohmann::json g = row.spec.echoed.is_object() ? row.spec.echoed : nlohmann::json::object();
  g["generation_id"] = row.spec.generation_id;
  g["model_name"] = row.spec.model_name;
  g["prompt"] = row.spec.prompt;
  g["media_type"] = row.spec.media_type;
  g["status"] = row.status;
  g["result_url"] = row.status == "succeeded" ? nlohmann::json(row.spec.result_url) : nlohmann::json(nullptr);
  g["error_message"] = row.status == "failed" ? nlohmann::json(row.spec.failure) : nlohmann::json(nullptr);
  g["enqueued_at"] = row.enqueued_ms / 1000;
  g["started_at"] = optional_seconds(row.started_ms);
  g["completed_at"] = optional_seconds(row.completed_ms);
  g["target_namespace"] = optional_string(row.spec.target_namespace);
  g["target_repo"] = optional_string(row.spec.target_repo);
  g["target_directory"] = optional_string(row.spec.target_directory);
  return g;
}

std::optional<nlohmann::json> GenerationQueue::get(const std::string& id, uint64_t owner,
                                                   int64_t now_ms) {
  advance(now_ms);
  std::lock_guard lock(mutex_);
  const Row* row = find_locked(id, owner);
  if (!row) return std::nullopt;
  return render(*row);
}

bool GenerationQueue::filter_matches(const QueueFilter& f, const Row& row) {
  auto matches = [](const std::optional<std::string>& want, const std::optional<std::string>& have) {
    return !want || (have && *have == *want);
  };
  return (!f.status || row.status == *f.status) && (!f.model || row.spec.model_name == *f.model) &&
         (!f.media_type || row.spec.media_type == *f.media_type) &&
         matches(f.target_namespace, row.spec.target_namespace) && matches(f.repo, row.spec.target_repo) &&
         matches(f.folder, row.spec.target_directory);
}

nlohmann::json GenerationQueue::list(const QueueFilter& f, uint64_t owner, int64_t now_ms) {
  advance(now_ms);
  nlohmann::json out = nlohmann::json::array();
  std::lock_guard lock(mutex_);
  for (const auto& row : rows_) {
    if (row.spec.owner != owner || row.spec.sync) continue;
    // Without a status filter the queue is the polling view: rows still in flight only.
    if (!f.status && machine_.is_terminal(row.status)) continue;
    if (filter_matches(f, row)) out.push_back(render(row));
  }
  return out;
}

nlohmann::json GenerationQueue::render_history(const Row& row) const {
  nlohmann::json g = render(row);
  bool charged = row.status == "succeeded" && row.spec.cost_micros;
  g["cost"] = charged ? nlohmann::json(format_cost(*row.spec.cost_micros)) : nlohmann::json(nullptr);
  // The mock knows callers by a hash of their API key only, not as users.
  g["user_id"] = nullptr;
  g["username"] = nullptr;
  g["user_image"] = nullptr;
  return g;
}

HistoryPage GenerationQueue::history(const QueueFilter& f, uint64_t owner, int64_t now_ms, size_t page,
                                     size_t page_size) {
  advance(now_ms);
  HistoryPage out;
  size_t first = (page - 1) * page_size;
  std::lock_guard lock(mutex_);
  // Rows are kept in the order they arrived; the history is newest first.
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
    if (it->spec.owner != owner || !filter_matches(f, *it)) continue;
    if (it->status == "succeeded" && it->spec.cost_micros)
      out.total_cost_micros = out.total_cost_micros.value_or(0) + *it->spec.cost_micros;
    if (out.total_entries >= first && out.total_entries - first < page_size) out.rows.push_back(render_history(*it));
    ++out.total_entries;
  }
  return out;
}

std::optional<nlohmann::json> GenerationQueue::history_entry(const std::string& id, uint64_t owner,
                                                             int64_t now_ms) {
  advance(now_ms);
  std::lock_guard lock(mutex_);
  const Row* row = find_locked(id, owner, true);
  if (!row) return std::nullopt;
  return render_history(*row);
}

GenerationQueue::CancelOutcome GenerationQueue::cancel(const std::string& id, uint64_t owner,
                                                       int64_t now_ms) {
  advance(now_ms);
  std::lock_guard lock(mutex_);
  Row* row = find_locked(id, owner);
  if (!row) return CancelOutcome::not_found;
  if (!machine_.next(row->status, "cancel")) return CancelOutcome::already_terminal;
  move(*row, "cancel");
  row->completed_ms = now_ms;
  return CancelOutcome::cancelled;
}

void GenerationQueue::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void GenerationQueue::set_start_check(StartCheck check) {
  std::lock_guard lock(mutex_);
  start_check_ = std::move(check);
}

bool GenerationQueue::contains(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return by_id_.count(id) > 0;
}

void GenerationQueue::reset() {
  std::lock_guard publish(publish_mutex_);
  std::lock_guard lock(mutex_);
  rows_.clear();
  by_id_.clear();
}

nlohmann::json GenerationQueue::export_state() const {
  std::lock_guard lock(mutex_);
  auto out = nlohmann::json::array();
  auto ms = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  for (const auto& row : rows_) {
    const auto& s = row.spec;
    out.push_back({{"generation_id", s.generation_id},
                   {"owner", owner_hex(s.owner)},
                   {"model_name", s.model_name},
                   {"media_type", s.media_type},
                   {"prompt", s.prompt},
                   {"echoed", s.echoed},
                   {"target_namespace", optional_string(s.target_namespace)},
                   {"target_repo", optional_string(s.target_repo)},
                   {"target_directory", optional_string(s.target_directory)},
                   {"result_url", s.result_url},
                   {"queued_ms", s.queued_ms},
                   {"processing_ms", s.processing_ms},
                   {"failure", s.failure},
                   {"status", row.status},
                   {"enqueued_ms", row.enqueued_ms},
                   {"started_ms", ms(row.started_ms)},
                   {"completed_ms", ms(row.completed_ms)},
                   {"sync", s.sync},
                   {"cost_micros", ms(s.cost_micros)}});
  }
  return out;
}

void GenerationQueue::import_state(const nlohmann::json& rows) {
  auto text = [](const nlohmann::json& v) -> std::optional<std::string> {
    if (v.is_null()) return std::nullopt;
    return v.get<std::string>();
  };
  auto ms = [](const nlohmann::json& v) -> std::optional<int64_t> {
    if (v.is_null()) return std::nullopt;
    return v.get<int64_t>();
  };
  std::list<Row> imported;
  for (const auto& r : rows) {
    Row row;
    row.spec.generation_id = r.at("generation_id");
    row.spec.owner = std::stoull(r.at("owner").get<std::string>(), nullptr, 16);
    row.spec.model_name = r.at("model_name");
    row.spec.media_type = r.at("media_type");
    row.spec.prompt = r.at("prompt");
    row.spec.echoed = r.at("echoed");
    row.spec.target_namespace = text(r.at("target_namespace"));
    row.spec.target_repo = text(r.at("target_repo"));
    row.spec.target_directory = text(r.at("target_directory"));
    row.spec.result_url = r.at("result_url");
    row.spec.queued_ms = r.at("queued_ms");
    row.spec.processing_ms = r.at("processing_ms");
    row.spec.failure = r.at("failure");
    row.status = r.at("status");
    if (!machine_.is_state(row.status))
      throw std::invalid_argument("generation status '" + row.status + "' is not declared");
    row.enqueued_ms = r.at("enqueued_ms");
    row.started_ms = ms(r.at("started_ms"));
    row.completed_ms = ms(r.at("completed_ms"));
    // Absent from state files written before the generation history existed.
    row.spec.sync = r.value("sync", false);
    row.spec.cost_micros = ms(r.value("cost_micros", nlohmann::json()));
    imported.push_back(std::move(row));
  }
  std::unordered_map<std::string, std::list<Row>::iterator> by_id;
  for (auto it = imported.begin(); it != imported.end(); ++it)
    if (!by_id.emplace(it->spec.generation_id, it).second)
      throw std::invalid_argument("duplicate generation id '" + it->spec.generation_id + "'");
  std::lock_guard publish(publish_mutex_);
  std::lock_guard lock(mutex_);
  rows_ = std::move(imported);
  by_id_ = std::move(by_id);
}

size_t GenerationQueue::size() const {
  std::lock_guard lock(mutex_);
  return rows_.size();
}

}  // namespace oxen::mock
