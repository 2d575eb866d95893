#pragma once
// Fan-out of server-sent events to the open GET /api/events streams. A stream sees only the
// events of its own scope (namespace and API key). Events are not buffered for streams that are
// not connected (as documented); a stream that falls `max_pending` frames behind is closed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace oxen::mock {

struct EventScope {
  std::string ns;      // X-Mock-Namespace ("" for the default world)
  uint64_t owner = 0;  // hash of the API key
  bool admin = false;  // the dashboard's GET /__admin/events, not a client's GET /api/events
  bool operator==(const EventScope&) const = default;
};

// One SSE frame: `event: <name>\ndata: <json>\n\n`.
std::string sse_frame(const std::string& event, const nlohmann::json& data);

class EventHub {
  struct State;

 public:
  // One open stream. Dropping the last reference unsubscribes it.
  class Subscription {
   public:
    Subscription(std::weak_ptr<State> hub, EventScope scope) : hub_(std::move(hub)), scope_(std::move(scope)) {}
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // Frames published since the last call; waits up to `max_wait` (or a wake()) when none.
    std::vector<std::string> take(std::chrono::milliseconds max_wait);
    bool closed() const;
    const EventScope& scope() const { return scope_; }

   private:
    friend class EventHub;
    std::weak_ptr<State> hub_;
    EventScope scope_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> frames_;
    bool closed_ = false;
    bool woken_ = false;
  };

  EventHub(size_t max_subscribers, size_t max_pending = 1000);
  ~EventHub();

  // nullptr when `max_subscribers` streams are already open.
  std::shared_ptr<Subscription> subscribe(EventScope scope);
  // Queues the frame for every open stream of `scope`; returns how many received it.
  size_t publish(const EventScope& scope, const std::string& event, const nlohmann::json& data);
  // Wakes every stream (the clock moved: keep-alives may be due).
  void wake_all();
  // Closes every stream (shutdown), or those of one namespace (it was removed).
  void close_all();
  void close_namespace(const std::string& ns);

  size_t subscribers() const;
  size_t subscribers(const std::string& ns) const;
  size_t max_subscribers() const { return max_subscribers_; }
  // Waits (on a condition, never a fixed sleep) until `subscribers() == n` or the timeout ends.
  bool wait_for_subscribers(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void close_if(const std::function<bool(const EventScope&)>& which);

  size_t max_subscribers_;
  size_t max_pending_;
  std::shared_ptr<State> state_;
};

}  // namespace oxen::mock
