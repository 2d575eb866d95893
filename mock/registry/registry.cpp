#include "registry.hpp"

#include <algorithm>
#include <cstdio>

#include "../core/api_error.hpp"
#include "../core/rng.hpp"
#include "../../conformance/contract/text.hpp"

namespace oxen::mock {

namespace {

bool equals_ci(const std::string& a, const std::string& b) { return ascii_lower(a) == ascii_lower(b); }

std::string developer_name(const nlohmann::json& model) {
  const auto& dev = model.value("developer", nlohmann::json());
  return dev.is_object() ? dev.value("name", "") : "";
}

bool matches(const nlohmann::json& model, const ModelFilter& f) {
  if (f.developer_name && !equals_ci(developer_name(model), *f.developer_name)) return false;
  if (f.provider_name && !equals_ci(developer_name(model), *f.provider_name) &&
      !equals_ci(model.value("owned_by", ""), *f.provider_name))
    return false;
  if (f.action) {
    const auto& ft = model.value("fine_tuning", nlohmann::json());
    if (!ft.is_object() || !ft.contains("actions")) return false;
    const auto& actions = ft["actions"];
    if (std::none_of(actions.begin(), actions.end(),
                     [&](const auto& a) { return a.is_string() && equals_ci(a, *f.action); }))
      return false;
  }
  return true;
}

int64_t seconds_to_ms(const nlohmann::json& j, const char* key, int64_t fallback) {
  return j.contains(key) ? static_cast<int64_t>(j[key].get<double>() * 1000) : fallback;
}

// The exported form of an API key's hash, as the queue writes it: never the key itself.
std::string owner_hex(uint64_t owner) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(owner));
  return buf;
}

}  // namespace

Registry::Registry(const nlohmann::json& models, const nlohmann::json& deployments,
                   const Clock& clock, const StateMachine& machine)
    : clock_(clock), machine_(machine) {
  auto read_timing = [](const nlohmann::json& j, Timing base) {
    base.activate_ms = seconds_to_ms(j, "activate_seconds", base.activate_ms);
    base.deactivate_ms = seconds_to_ms(j, "deactivate_seconds", base.deactivate_ms);
    if (j.contains("activation")) base.activation_fails = j["activation"] == "fail";
    return base;
  };
  default_timing_ = read_timing(deployments.value("defaults", nlohmann::json::object()), {});
  const auto per_model = deployments.value("models", nlohmann::json::object());
  for (const auto& [id, spec] : per_model.items())
    timings_[id] = read_timing(spec, default_timing_);
  for (const auto& model : models.at("models")) {
    std::string id = model.at("id");
    initial_order_.push_back(id);
    initial_[id] = model;
  }
  // Checked against the models when the fixtures load; featured() skips any that are gone.
  featured_ = models.value("featured", std::vector<std::string>{});
  reset();
}

void Registry::reset() {
  std::lock_guard lock(mutex_);
  order_ = initial_order_;
  entries_.clear();
  favorites_.clear();
  unpublished_.clear();
  changed_locked();
  for (const auto& [id, model] : initial_) entries_[id] = Entry{model, std::nullopt};
}

nlohmann::json Registry::export_state() const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  nlohmann::json models = nlohmann::json::array(), pending = nlohmann::json::object();
  for (const auto& id : order_) {
    const auto& entry = entries_.at(id);
    models.push_back(entry.model);
    if (entry.pending)
      pending[id] = {{"event", entry.pending->event}, {"due_ms", entry.pending->due_ms}};
  }
  nlohmann::json state = {{"models", models}, {"pending", pending}};
  // Only when someone has favorites, so a state without any reads as it did before favorites.
  for (const auto& [owner, ids] : favorites_)
    if (!ids.empty()) state["favorites"][owner_hex(owner)] = ids;
  return state;
}

void Registry::import_state(const nlohmann::json& state) {
  std::vector<std::string> order;
  std::map<std::string, Entry> entries;
  for (const auto& model : state.at("models")) {
    std::string id = model.at("id");
    if (!entries.emplace(id, Entry{model, std::nullopt}).second)
      throw std::invalid_argument("duplicate model id '" + id + "'");
    order.push_back(id);
  }
  const auto pending = state.value("pending", nlohmann::json::object());
  for (const auto& [id, p] : pending.items()) {
    auto it = entries.find(id);
    if (it == entries.end()) throw std::invalid_argument("pending transition for unknown model '" + id + "'");
    it->second.pending = Pending{p.at("event"), p.at("due_ms")};
  }
  std::map<uint64_t, std::vector<std::string>> favorites;
  const auto favorited = state.value("favorites", nlohmann::json::object());
  for (const auto& [owner, ids] : favorited.items()) {
    for (const auto& id : ids)
      if (!entries.count(id.get<std::string>()))
        throw std::invalid_argument("favorite of unknown model '" + id.get<std::string>() + "'");
    favorites[std::stoull(owner, nullptr, 16)] = ids.get<std::vector<std::string>>();
  }
  std::lock_guard lock(mutex_);
  order_ = std::move(order);
  entries_ = std::move(entries);
  favorites_ = std::move(favorites);
  unpublished_.clear();
  changed_locked();
}

size_t Registry::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

Registry::Timing Registry::timing_for(const std::string& id) const {
  auto it = timings_.find(id);
  return it == timings_.end() ? default_timing_ : it->second;
}

std::string Registry::status_of(const nlohmann::json& model) {
  const auto& deployments = model.value("deployments", nlohmann::json::array());
  if (!deployments.is_array() || deployments.empty()) return "";
  return deployments[0].value("status", "unknown");
}

void Registry::changed_locked() const {
  list_body_.reset();
  model_bodies_.clear();
}

void Registry::settle_locked(int64_t now_ms) const {
  for (auto& [id, entry] : entries_) {
    if (!entry.pending || entry.pending->due_ms > now_ms) continue;
    std::string from = status_of(entry.model);
    auto next = machine_.next(from, entry.pending->event);
    if (next) {
      entry.model["deployments"][0]["status"] = *next;
      if (listener_) unpublished_.push_back({id, from, *next, entry.pending->owner, entry.pending->due_ms});
    }
    entry.pending.reset();
    changed_locked();
  }
}

std::shared_ptr<const std::string> Registry::list_body() const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  if (!list_body_) {
    auto data = nlohmann::json::array();
    for (const auto& id : order_) data.push_back(entries_.at(id).model);
    list_body_ = std::make_shared<const std::string>(
        nlohmann::json{{"object", "list"}, {"data", std::move(data)}}.dump());
  }
  return list_body_;
}

std::shared_ptr<const std::string> Registry::model_body(const std::string& id) const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto cached = model_bodies_.find(id);
  if (cached != model_bodies_.end()) return cached->second;
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  auto body = std::make_shared<const std::string>(it->second.model.dump());
  model_bodies_.emplace(id, body);
  return body;
}

Registry::Entry& Registry::entry_locked(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) throw ApiError("model_not_found", {{"id", id}});
  return it->second;
}

nlohmann::json Registry::list(const ModelFilter& filter) const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto out = nlohmann::json::array();
  for (const auto& id : order_) {
    const auto& model = entries_.at(id).model;
    if (matches(model, filter)) out.push_back(model);
  }
  return out;
}

nlohmann::json Registry::search(const std::string& text) const {
  std::string needle = ascii_lower(text);
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto out = nlohmann::json::array();
  for (const auto& id : order_) {
    const auto& model = entries_.at(id).model;
    if (ascii_lower(id).find(needle) != std::string::npos ||
        ascii_lower(model.value("display_name", "")).find(needle) != std::string::npos)
      out.push_back(model);
  }
  return out;
}

std::optional<nlohmann::json> Registry::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.model;
}

std::optional<std::string> Registry::resolve(const std::string& id_or_uuid) const {
  std::lock_guard lock(mutex_);
  if (entries_.count(id_or_uuid)) return id_or_uuid;
  // A UUID is 36 characters; model ids that long are compared anyway, the set is small.
  for (const auto& id : order_)
    if (uuid_of(id) == id_or_uuid) return id;
  return std::nullopt;
}

std::string Registry::uuid_of(const std::string& id) { return Rng(hash_bytes(id), "model-uuid").uuid(); }

nlohmann::json Registry::featured() const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto out = nlohmann::json::array();
  for (const auto& id : featured_)
    if (auto it = entries_.find(id); it != entries_.end()) out.push_back(it->second.model);
  return out;
}

nlohmann::json Registry::favorites(uint64_t owner) const {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto out = nlohmann::json::array();
  if (auto it = favorites_.find(owner); it != favorites_.end())
    for (const auto& id : it->second) out.push_back(entries_.at(id).model);
  return out;
}

nlohmann::json Registry::favorite(const std::string& id, uint64_t owner) {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  const auto& model = entry_locked(id).model;
  auto& ids = favorites_[owner];
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  return model;
}

nlohmann::json Registry::unfavorite(const std::string& id, uint64_t owner) {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  const auto& model = entry_locked(id).model;
  if (auto it = favorites_.find(owner); it != favorites_.end()) {
    std::erase(it->second, id);
    if (it->second.empty()) favorites_.erase(it);
  }
  return model;
}

nlohmann::json Registry::update(const std::string& id, const nlohmann::json& changes) {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto& model = entry_locked(id).model;
  if (model.value("model_type", "base") != "custom") throw ApiError("base_model_not_editable", {{"id", id}});
  for (const auto& [field, value] : changes.items()) model[field] = value;
  changed_locked();
  return model;
}

std::optional<std::string> Registry::deployment_status(const std::string& id) const {
  auto model = find(id);
  if (!model) return std::nullopt;
  return status_of(*model);
}

void Registry::require_active(const std::string& id) const {
  auto status = deployment_status(id);
  if (!status) throw ApiError("model_not_found", {{"id", id}});
  if (!status->empty() && *status != "active") throw ApiError("model_not_active", {{"id", id}, {"status", *status}});
}

nlohmann::json Registry::act_locked(Entry& entry, const std::string& action, uint64_t owner) {
  const std::string id = entry.model.at("id");
  if (entry.model.value("model_type", "base") != "custom")
    throw ApiError("base_model_not_deployable", {{"id", id}, {"action", action}});
  if (status_of(entry.model).empty()) {
    entry.model["deployments"] = {{{"status", "unknown"}}};
    changed_locked();
  }
  std::string from = status_of(entry.model);
  auto to = machine_.next(from, action);
  if (!to) throw ApiError("deployment_transition_refused", {{"id", id}, {"action", action}, {"status", from}});
  if (*to == from) return entry.model;  // repeats are idempotent and keep any pending event
  entry.model["deployments"][0]["status"] = *to;
  changed_locked();
  Timing timing = timing_for(id);
  int64_t now = clock_.now_ms();
  if (listener_) unpublished_.push_back({id, from, *to, owner, now});
  if (*to == "deploying")
    entry.pending = Pending{timing.activation_fails ? "failed" : "ready", now + timing.activate_ms, owner};
  else if (*to == "deactivating")
    entry.pending = Pending{"stopped", now + timing.deactivate_ms, owner};
  else
    entry.pending.reset();
  return entry.model;
}

nlohmann::json Registry::activate(const std::string& id, uint64_t owner) { return act(id, "activate", owner); }

nlohmann::json Registry::deactivate(const std::string& id, uint64_t owner) { return act(id, "deactivate", owner); }

nlohmann::json Registry::act(const std::string& id, const std::string& action, uint64_t owner) {
  nlohmann::json model;
  {
    std::lock_guard lock(mutex_);
    settle_locked(clock_.now_ms());
    model = act_locked(entry_locked(id), action, owner);
  }
  publish_changes();
  return model;
}

void Registry::set_change_listener(ChangeListener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void Registry::advance(int64_t now_ms) {
  {
    std::lock_guard lock(mutex_);
    settle_locked(now_ms);
  }
  publish_changes();
}

void Registry::publish_changes() {
  std::lock_guard publish(publish_mutex_);
  std::vector<DeploymentChange> changes;
  ChangeListener listener;
  {
    std::lock_guard lock(mutex_);
    changes.swap(unpublished_);
    listener = listener_;
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const DeploymentChange& a, const DeploymentChange& b) { return a.at_ms < b.at_ms; });
  if (!changes.empty() && listener) listener(changes);
}

nlohmann::json Registry::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  settle_locked(clock_.now_ms());
  auto& entry = entry_locked(id);
  if (entry.model.value("model_type", "base") != "custom")
    throw ApiError("base_model_not_deletable", {{"id", id}});
  nlohmann::json model = std::move(entry.model);
  entries_.erase(id);
  order_.erase(std::find(order_.begin(), order_.end(), id));
  for (auto& [owner, ids] : favorites_) std::erase(ids, id);
  changed_locked();
  return model;
}

void Registry::add_custom(nlohmann::json model) {
  std::string id = model.at("id");
  std::lock_guard lock(mutex_);
  if (!entries_.emplace(id, Entry{std::move(model), std::nullopt}).second)
    throw std::invalid_argument("a model with id '" + id + "' exists");
  order_.push_back(id);
  changed_locked();
}

}  // namespace oxen::mock
