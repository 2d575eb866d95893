#include "event_hub.hpp"

#include <algorithm>

namespace oxen::mock {

struct EventHub::State {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<Subscription*> open;
};

std::string sse_frame(const std::string& event, const nlohmann::json& data) {
  return "event: " + event + "\ndata: " + data.dump() + "\n\n";
}

EventHub::Subscription::~Subscription() {
  if (auto hub = hub_.lock()) {
    std::lock_guard lock(hub->mutex);
    auto& open = hub->open;
    open.erase(std::remove(open.begin(), open.end(), this), open.end());
    hub->changed.notify_all();
  }
}

std::vector<std::string> EventHub::Subscription::take(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  if (frames_.empty() && !closed_ && !woken_)
    ready_.wait_for(lock, max_wait, [&] { return !frames_.empty() || closed_ || woken_; });
  woken_ = false;
  std::vector<std::string> out(std::make_move_iterator(frames_.begin()),
                               std::make_move_iterator(frames_.end()));
  frames_.clear();
  return out;
}

bool EventHub::Subscription::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

EventHub::EventHub(size_t max_subscribers, size_t max_pending)
    : max_subscribers_(std::max<size_t>(1, max_subscribers)),
      max_pending_(std::max<size_t>(1, max_pending)),
      state_(std::make_shared<State>()) {}

EventHub::~EventHub() { close_all(); }

std::shared_ptr<EventHub::Subscription> EventHub::subscribe(EventScope scope) {
  std::lock_guard lock(state_->mutex);
  if (state_->open.size() >= max_subscribers_) return nullptr;
  auto sub = std::make_shared<Subscription>(state_, std::move(scope));
  state_->open.push_back(sub.get());
  state_->changed.notify_all();
  return sub;
}

size_t EventHub::publish(const EventScope& scope, const std::string& event,
                         const nlohmann::json& data) {
  std::string frame = sse_frame(event, data);
  size_t delivered = 0;
  std::lock_guard lock(state_->mutex);
  for (Subscription* sub : state_->open) {
    if (!(sub->scope_ == scope)) continue;
    {
      std::lock_guard sub_lock(sub->mutex_);
      if (sub->closed_) continue;
      if (sub->frames_.size() >= max_pending_) {
        sub->closed_ = true;  // too slow a reader: close rather than grow without bound
      } else {
        sub->frames_.push_back(frame);
        ++delivered;
      }
    }
    sub->ready_.notify_all();
  }
  return delivered;
}

void EventHub::wake_all() {
  std::lock_guard lock(state_->mutex);
  for (Subscription* sub : state_->open) {
    {
      std::lock_guard sub_lock(sub->mutex_);
      sub->woken_ = true;
    }
    sub->ready_.notify_all();
  }
}

void EventHub::close_all() { close_if([](const EventScope&) { return true; }); }

void EventHub::close_namespace(const std::string& ns) {
  close_if([&](const EventScope& scope) { return scope.ns == ns; });
}

void EventHub::close_if(const std::function<bool(const EventScope&)>& which) {
  std::lock_guard lock(state_->mutex);
  for (Subscription* sub : state_->open) {
    if (!which(sub->scope_)) continue;
    {
      std::lock_guard sub_lock(sub->mutex_);
      sub->closed_ = true;
    }
    sub->ready_.notify_all();
  }
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(state_->mutex);
  return state_->open.size();
}

size_t EventHub::subscribers(const std::string& ns) const {
  std::lock_guard lock(state_->mutex);
  return std::count_if(state_->open.begin(), state_->open.end(),
                       [&](const Subscription* sub) { return sub->scope_.ns == ns; });
}

bool EventHub::wait_for_subscribers(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->open.size() == n; });
}

}  // namespace oxen::mock
