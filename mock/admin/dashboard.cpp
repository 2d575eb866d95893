#include "dashboard.hpp"

#include <set>

#include "../../conformance/contract/embedded.hpp"
#include "../app.hpp"

namespace oxen::mock {

namespace {

const std::vector<std::string> kAllViews = {"requests", "models", "jobs", "faults", "clock"};

// The page loads nothing from elsewhere and runs no inline script, so what the journal holds
// (what clients sent) cannot run in it even if an escape were missed.
Response asset(std::string_view body, std::string content_type) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = std::string(body);
  r.headers.emplace(
      "Content-Security-Policy",
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  r.headers.emplace("X-Content-Type-Options", "nosniff");
  r.headers.emplace("Cache-Control", "no-cache");
  return r;
}

const EmbeddedFile* dashboard_file(std::string_view name) {
  for (const auto& file : embedded_dashboard())
    if (file.path == name) return &file;
  return nullptr;
}

std::string content_type_of(std::string_view name) {
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "text/html; charset=utf-8";
}

}  // namespace

std::vector<std::string> views_changed_by(const Request& request, bool internal) {
  const std::string& path = request.path;
  const bool writes = request.method != "GET" && request.method != "HEAD";
  if (!internal) {
    // Every call is journaled and counted by the fault rules it matched.
    if (!writes) return {"requests", "faults"};
    return {"requests", "faults", "models", "jobs"};
  }
  if (!writes) return {};
  if (path.starts_with("/__admin/faults")) return {"faults"};
  if (path.starts_with("/__admin/requests")) return {"requests"};
  if (path.starts_with("/__admin/models/")) return {"models"};
  if (path.starts_with("/__admin/clock")) return {"clock", "models", "jobs"};
  return kAllViews;  // reset, state import, a namespace removed
}

void notify_dashboards(EventHub& hub, const Clock& clock, const std::string& ns,
                       const std::vector<std::string>& views) {
  if (views.empty()) return;
  hub.publish(EventScope{ns, 0, true}, "changed",
              {{"namespace", ns}, {"topics", views}, {"now_ms", clock.now_ms()}});
}

void add_dashboard_routes(Router& router, MockApp& app) {
  router.bind("adminDashboard", [](Context&) {
    return asset(dashboard_file("index.html")->data, content_type_of("index.html"));
  });

  router.bind("adminDashboardAsset", [](Context& ctx) {
    const std::string& name = ctx.param("file");
    const EmbeddedFile* file = name == "index.html" ? nullptr : dashboard_file(name);
    if (!file) throw ApiError("route_not_found", {{"method", "GET"}, {"path", ctx.request.path}});
    return asset(file->data, content_type_of(name));
  });

  router.bind("adminEvents", [&app](Context& ctx) {
    EventHub& hub = app.media().events();
    // Counted with the GET /api/events streams: one limit for every long-lived connection.
    auto subscription = hub.subscribe(EventScope{ctx.ns, 0, true});
    if (!subscription)
      throw ApiError("too_many_event_subscribers",
                     {{"limit", std::to_string(hub.max_subscribers())}});
    Response r;
    r.content_type = "text/event-stream";
    r.headers.emplace("Cache-Control", "no-cache");
    const Clock* clock = &app.clock();
    const std::string ns = ctx.ns;
    const int64_t keepalive_ms = std::max<int64_t>(1, app.config().event_keepalive_ms);
    const int64_t subscribed_ms = clock->now_ms();
    r.stream = [subscription, clock, ns, keepalive_ms, subscribed_ms](StreamSink& sink) {
      // A burst of requests becomes one event per interval: the page refetches at most this often.
      constexpr auto kInterval = std::chrono::milliseconds(100);
      auto last_sent = std::chrono::steady_clock::now() - kInterval;
      int64_t last_frame_ms = subscribed_ms;
      std::set<std::string> pending;
      while (true) {
        for (const auto& frame : subscription->take(std::chrono::milliseconds(50))) {
          auto data = nlohmann::json::parse(frame.substr(frame.find("data: ") + 6));
          for (const auto& view : data["topics"]) pending.insert(view.get<std::string>());
        }
        if (subscription->closed() || !sink.alive()) return;
        const auto now = std::chrono::steady_clock::now();
        if (!pending.empty() && now - last_sent >= kInterval) {
          nlohmann::json views = pending;
          if (!sink.write(sse_frame(
                  "changed", {{"namespace", ns}, {"topics", views}, {"now_ms", clock->now_ms()}})))
            return;
          pending.clear();
          last_sent = now;
          last_frame_ms = clock->now_ms();
        } else if (clock->now_ms() - last_frame_ms >= keepalive_ms) {
          if (!sink.write(": keep-alive\n\n")) return;
          last_frame_ms = clock->now_ms();
        }
      }
    };
    return r;
  });
}

}  // namespace oxen::mock
