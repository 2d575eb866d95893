#pragma once
// The mock as a value: its world (fixtures, registry), its clock, its journal and the pipeline
// with every route. Serving it over HTTP is the job of HttpServer; tests may call handle().
#include <memory>

#include "config.hpp"
#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/ticker.hpp"
#include "http/journal.hpp"
#include "http/pipeline.hpp"
#include "media/media_services.hpp"
#include "world/fixtures.hpp"
#include "world/state_file.hpp"
#include "world/world.hpp"

namespace oxen::mock {

class MockApp {
 public:
  MockApp(Config config, Fixtures fixtures);

  // Serves one request; open dashboards hear which of their views it changed.
  Response handle(const Request& request);

  const Config& config() const { return config_; }
  Clock& clock() { return clock_; }
  Journal& journal() { return journal_; }
  Worlds& worlds() { return worlds_; }
  std::shared_ptr<World> world(const std::string& name = "") { return worlds_.get(name); }
  Pipeline& pipeline() { return pipeline_; }
  const Fixtures& fixtures() const { return fixtures_; }
  MediaServices& media() { return *media_; }  // media store, event hub

  // Everything back to how it started: every namespace's state, the journal, the clock, the
  // rate limiter.
  void reset();

 private:
  void persist(const std::string& ns, World& world);

  Config config_;
  Fixtures fixtures_;
  Clock clock_;
  Journal journal_;
  ErrorCatalog errors_;
  std::shared_ptr<MediaServices> media_;  // before the worlds: their queues publish to it
  Worlds worlds_;
  Pipeline pipeline_;
  std::unique_ptr<StateFile> state_file_;
  Ticker ticker_;  // last, so it stops first: no tick reaches a member being destroyed
};

}  // namespace oxen::mock
