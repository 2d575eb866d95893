#pragma once
// What the media, queue and events routes share: the media store behind the URLs, the event
// hub, compiled model request schemas, the generation-id source, and the time-driven work (every
// tick of the mock's clock advances each namespace's queue; with the real clock one small ticker
// thread makes the ticks). Owned by the routes; created once per MockApp.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../conformance/contract/schema_store.hpp"
#include "../config.hpp"
#include "../core/clock.hpp"
#include "../core/rng.hpp"
#include "../events/event_hub.hpp"
#include "../http/message.hpp"
#include "../queue/generation_queue.hpp"
#include "../world/fixtures.hpp"
#include "media_store.hpp"

namespace oxen::mock {

class MediaServices {
 public:
  static std::shared_ptr<MediaServices> create(const Config& config, Clock& clock,
                                               const Fixtures& fixtures);
  MediaServices(const Config& config, Clock& clock, const Fixtures& fixtures);
  ~MediaServices();

  const Config& config() const { return config_; }
  Clock& clock() { return clock_; }
  MediaStore& store() { return store_; }
  EventHub& events() { return events_; }

  // The model's request_schema compiled once per model id; nullptr when it has none.
  std::shared_ptr<const Schema> request_schema(const nlohmann::json& model);
  std::string new_generation_id();

  // Makes `queue` (of namespace `ns`) advance on every tick and publish its completions.
  void attach(GenerationQueue& queue, const std::string& ns);
  void tick(int64_t now_ms);

 private:
  void ticker_loop();

  // Lets clock listeners reach this object only while it is alive, without ever holding it
  // alive themselves (so it is never destroyed on the ticker thread).
  struct TickGate {
    std::shared_mutex mutex;
    bool open = true;
  };
  std::shared_ptr<TickGate> gate_ = std::make_shared<TickGate>();

  const Config& config_;
  Clock& clock_;
  MediaStore store_;
  EventHub events_;

  std::mutex schemas_mutex_;
  std::map<std::string, std::shared_ptr<const Schema>> schemas_;

  std::mutex ids_mutex_;
  Rng ids_;

  std::mutex queues_mutex_;
  std::vector<GenerationQueue*> queues_;  // worlds outlive the routes that own this

  std::mutex ticker_mutex_;
  std::condition_variable ticker_wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

// "http://<Host header>" of the request (the mock's own address as the client sees it).
std::string own_base_url(const Request& request);
// Hash of the API key: generations and event streams are scoped by it; the key itself is
// never stored.
uint64_t owner_of(const std::string& api_key);

}  // namespace oxen::mock
