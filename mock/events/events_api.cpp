#include "events_api.hpp"

#include "../core/api_error.hpp"

namespace oxen::mock {

void add_events_routes(Router& router, std::shared_ptr<MediaServices> services) {
  router.bind("streamEvents", [services](Context& ctx) {
    EventScope scope{ctx.ns, ctx.owner()};
    auto subscription = services->events().subscribe(scope);
    if (!subscription)
      throw ApiError("too_many_event_subscribers",
                     {{"limit", std::to_string(services->events().max_subscribers())}});
    Response r;
    r.content_type = "text/event-stream";
    r.headers.emplace("Cache-Control", "no-cache");
    const Clock* clock = &services->clock();
    int64_t keepalive_ms = std::max<int64_t>(1, services->config().event_keepalive_ms);
    // Runs on the connection's thread after the handler returned; owns the subscription, so the
    // stream is unsubscribed however it ends.
    // Idle time counts from the subscription, not from when the connection's thread starts
    // streaming (a client may already have seen the headers and moved the clock).
    int64_t subscribed_ms = clock->now_ms();
    r.stream = [subscription, clock, keepalive_ms, subscribed_ms](StreamSink& sink) {
      int64_t last_frame_ms = subscribed_ms;
      while (true) {
        for (const auto& frame : subscription->take(std::chrono::milliseconds(50))) {
          if (!sink.write(frame)) return;
          last_frame_ms = clock->now_ms();
        }
        if (subscription->closed() || !sink.alive()) return;
        int64_t now = clock->now_ms();
        if (now - last_frame_ms >= keepalive_ms) {
          if (!sink.write(": keep-alive\n\n")) return;
          last_frame_ms = now;
        }
      }
    };
    return r;
  });
}

}  // namespace oxen::mock
