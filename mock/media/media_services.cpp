#include "media_services.hpp"

namespace oxen::mock {

std::shared_ptr<MediaServices> MediaServices::create(const Config& config, Clock& clock,
                                                     const Fixtures& fixtures) {
  auto services = std::make_shared<MediaServices>(config, clock, fixtures);
  // The clock outlives the routes; once the gate is closed late ticks are no-ops.
  clock.on_tick([gate = services->gate_, raw = services.get()](int64_t now_ms) {
    std::shared_lock lock(gate->mutex);
    if (gate->open) raw->tick(now_ms);
  });
  return services;
}

MediaServices::MediaServices(const Config& config, Clock& clock, const Fixtures& fixtures)
    : config_(config),
      clock_(clock),
      store_(fixtures.files, config.max_media_files),
      events_(static_cast<size_t>(event_subscriber_cap(config))),
      ids_(config.seed, "generation") {
  ticker_ = std::thread([this] { ticker_loop(); });
}

MediaServices::~MediaServices() {
  {
    std::unique_lock lock(gate_->mutex);  // waits for a tick in progress
    gate_->open = false;
  }
  {
    std::lock_guard lock(queues_mutex_);
    for (auto* q : queues_) q->set_listener(nullptr);
  }
  {
    std::lock_guard lock(ticker_mutex_);
    stopping_ = true;
  }
  ticker_wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  events_.close_all();
}

void MediaServices::ticker_loop() {
  auto interval = std::chrono::milliseconds(std::max(1, config_.ticker_interval_ms));
  std::unique_lock lock(ticker_mutex_);
  while (!ticker_wake_.wait_for(lock, interval, [&] { return stopping_; })) {
    if (clock_.mode() != Clock::Mode::real) continue;
    lock.unlock();
    clock_.notify();
    lock.lock();
  }
}

std::shared_ptr<const Schema> MediaServices::request_schema(const nlohmann::json& model) {
  const auto& rs = model.value("request_schema", nlohmann::json());
  if (!rs.is_object()) return nullptr;
  std::string id = model.value("id", "");
  std::lock_guard lock(schemas_mutex_);
  auto it = schemas_.find(id);
  if (it != schemas_.end()) return it->second;
  auto compiled = std::make_shared<const Schema>(compile_schema(rs, &SchemaStore::builtin()));
  schemas_.emplace(id, compiled);
  return compiled;
}

std::string MediaServices::new_generation_id() {
  std::lock_guard lock(ids_mutex_);
  return ids_.uuid();
}

void MediaServices::attach(GenerationQueue& queue, const std::string& ns) {
  std::lock_guard lock(queues_mutex_);
  if (std::find(queues_.begin(), queues_.end(), &queue) != queues_.end()) return;
  queues_.push_back(&queue);
  // Called from a handler (which keeps this alive) or a tick (gated); the destructor unsets it.
  queue.set_listener([self = this, ns](const std::vector<Completion>& done) {
    for (const auto& c : done) {
      nlohmann::json data = {{"generation_id", c.generation_id},
                             {"status", c.status},
                             {"media_type", c.media_type}};
      if (c.status == "succeeded") {
        data["model"] = c.model;
        data["url"] = c.url;
      } else {
        data["error"] = c.error;
      }
      self->events_.publish(EventScope{ns, c.owner}, "media_generation_completed", data);
    }
  });
}

void MediaServices::tick(int64_t now_ms) {
  std::vector<GenerationQueue*> queues;
  {
    std::lock_guard lock(queues_mutex_);
    queues = queues_;
  }
  for (auto* q : queues) q->advance(now_ms);
  events_.wake_all();
}

std::string own_base_url(const Request& request) {
  return "http://" + request.header("Host").value_or("127.0.0.1");
}

uint64_t owner_of(const std::string& api_key) { return mix64(hash_bytes(api_key)); }

}  // namespace oxen::mock
