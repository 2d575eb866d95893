#include "admin_api.hpp"

#include <algorithm>
#include <cstdint>

#include "../../conformance/contract/embedded.hpp"
#include "../app.hpp"

namespace oxen::mock {

namespace {

nlohmann::json clock_json(const Clock& clock) {
  return {{"mode", clock.mode() == Clock::Mode::manual ? "manual" : "real"},
          {"now_ms", clock.now_ms()}};
}

// Journal entries of the caller's namespace that pass the query's filters.
nlohmann::json journal_json(const Journal& journal, const Context& ctx) {
  const auto& q = ctx.request;
  auto method = q.query_param("method"), path = q.query_param("path"),
       status = q.query_param("status"), since = q.query_param("since");
  int64_t since_seq = 0;
  if (since) {
    try {
      since_seq = std::stoll(*since);
    } catch (const std::exception&) {
      throw invalid_params("since: expected a sequence number");
    }
  }
  auto out = nlohmann::json::array();
  for (const auto& e : journal.snapshot()) {
    if (e.ns != ctx.ns) continue;
    if (method && e.method != *method) continue;
    if (path && !glob_match(*path, e.path)) continue;
    if (status && std::to_string(e.status) != *status) continue;
    if (static_cast<int64_t>(e.sequence) <= since_seq) continue;
    out.push_back(e.to_json());
  }
  return {{"count", out.size()}, {"total_recorded", journal.total_recorded()}, {"requests", out}};
}

// A query parameter that must be a whole number in [low, high]; `fallback` when absent.
uint64_t count_param(const Request& q, const char* name, uint64_t fallback, uint64_t low,
                     uint64_t high) {
  auto text = q.query_param(name);
  if (!text) return fallback;
  const bool digits =
      !text->empty() && text->size() <= 19 &&
      std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
  uint64_t value = digits ? std::stoull(*text) : 0;
  if (!digits || value < low || value > high)
    throw invalid_params(std::string(name) + ": expected a whole number from " +
                         std::to_string(low) + " to " + std::to_string(high));
  return value;
}

// One page of the feed: every namespace, oldest first, after the sequence the reader names.
nlohmann::json feed_json(Journal& journal, const Context& ctx) {
  if (!journal.feed_enabled())
    throw invalid_params("the journal feed is off: start oxen-mock with --journal-feed N");
  const uint64_t after = count_param(ctx.request, "after", 0, 0, UINT64_MAX / 2);
  const uint64_t limit = count_param(ctx.request, "limit", 500, 1, 1000);
  auto page = journal.read_feed(after, limit);
  auto requests = nlohmann::json::array();
  for (const auto& e : page.events) requests.push_back(e.to_json());
  return {{"count", requests.size()},
          {"after", after},
          {"dropped", page.dropped},
          {"total_recorded", journal.total_recorded()},
          {"requests", requests}};
}

nlohmann::json faults_json(const Faults& faults) {
  auto list = nlohmann::json::array();
  for (const auto& rule : faults.list()) list.push_back(rule.to_json());
  return {{"faults", list}};
}

}  // namespace

int64_t parse_duration_ms(const std::string& text) {
  size_t unit_at = text.find_first_not_of("0123456789.");
  if (unit_at == 0 || unit_at == std::string::npos) throw std::invalid_argument("no unit");
  double value = std::stod(text.substr(0, unit_at));
  std::string unit = text.substr(unit_at);
  double scale = unit == "ms" ? 1 : unit == "s" ? 1e3 : unit == "m" ? 60e3 : unit == "h" ? 3600e3 : -1;
  if (scale < 0) throw std::invalid_argument("unknown unit '" + unit + "'");
  return static_cast<int64_t>(value * scale);
}

void add_admin_routes(Router& router, MockApp& app) {
  router.bind("adminHealth", [&app](Context&) {
    return Response::json({{"status", "ok"},
                           {"version", OXEN_MOCK_VERSION},
                           {"clock", clock_json(app.clock())},
                           {"requests_recorded", app.journal().total_recorded()},
                           {"namespaces", app.worlds().names()}});
  });

  router.bind("adminReset", [&app](Context& ctx) {
    if (ctx.ns.empty()) {
      app.reset();
    } else {
      ctx.world.reset();
      app.journal().clear(ctx.ns);
    }
    return Response::json({{"status", "reset"}, {"namespace", ctx.ns}});
  });

  router.bind("adminListRequests", [&app](Context& ctx) {
    return Response::json(journal_json(app.journal(), ctx));
  });

  router.bind("adminReadFeed", [&app](Context& ctx) {
    return Response::json(feed_json(app.journal(), ctx));
  });

  router.bind("adminClearRequests", [&app](Context& ctx) {
    app.journal().clear(ctx.ns);
    return Response::json({{"status", "cleared"}});
  });

  router.bind("adminGetClock", [&app](Context&) {
    return Response::json(clock_json(app.clock()));
  });

  router.bind("adminSetClock", [&app](Context& ctx) {
    Clock& clock = app.clock();
    const auto& body = ctx.body;
    if (body.contains("mode"))
      clock.set_mode(body["mode"] == "manual" ? Clock::Mode::manual : Clock::Mode::real);
    if (body.contains("now_ms") && !clock.set_ms(body["now_ms"]))
      throw invalid_params("/now_ms: needs manual mode and must not go backwards");
    if (body.contains("advance")) {
      int64_t ms = body["advance"].is_number() ? body["advance"].get<int64_t>()
                                               : parse_duration_ms(body["advance"]);
      if (!clock.advance(ms)) throw invalid_params("/advance: the clock is in real mode");
    }
    return Response::json(clock_json(clock));
  });

  router.bind("adminListFaults", [](Context& ctx) {
    return Response::json(faults_json(ctx.world.faults));
  });

  router.bind("adminAddFault", [](Context& ctx) {
    FaultRule rule;
    try {
      rule = parse_fault_rule(ctx.body);
    } catch (const std::invalid_argument& e) {
      throw invalid_params(e.what());
    }
    rule.id = ctx.world.faults.add(rule);
    return Response::json(rule.to_json(), 201);
  });

  router.bind("adminClearFaults", [](Context& ctx) {
    ctx.world.faults.clear();
    return Response::json({{"status", "cleared"}});
  });

  router.bind("adminDeleteFault", [](Context& ctx) {
    if (!ctx.world.faults.remove(ctx.param("id")))
      throw ApiError("resource_not_found", {{"detail", "no fault rule '" + ctx.param("id") + "'"}});
    return Response::json({{"status", "deleted"}, {"id", ctx.param("id")}});
  });

  router.bind("adminDeleteNamespace", [&app](Context& ctx) {
    const std::string& ns = ctx.param("ns");
    if (!app.worlds().remove(ns))
      throw ApiError("resource_not_found", {{"detail", "no namespace '" + ns + "'"}});
    return Response::json({{"status", "deleted"}, {"namespace", ns}});
  });

  // What the dashboard draws its diagrams from: the tables exactly as compiled in.
  router.bind("adminStateMachines", [](Context&) {
    auto machines = nlohmann::json::array();
    for (const auto& file : embedded_schemas())
      if (file.path.starts_with("state_machines/")) machines.push_back(nlohmann::json::parse(file.data));
    return Response::json({{"state_machines", machines}});
  });

  // The dashboard has no API key to call activateModel with; these act as nobody's key (owner 0).
  router.bind("adminActivateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.activate(ctx.param("id")));
  });

  router.bind("adminDeactivateModel", [](Context& ctx) {
    return Response::json(ctx.world.registry.deactivate(ctx.param("id")));
  });

  router.bind("adminExportState", [](Context& ctx) {
    return Response::json(ctx.world.export_state());
  });

  router.bind("adminImportState", [](Context& ctx) {
    try {
      ctx.world.import_state(ctx.body);
    } catch (const std::exception& e) {
      throw invalid_params(std::string("state: ") + e.what());
    }
    return Response::json(ctx.world.export_state());
  });
}

}  // namespace oxen::mock
