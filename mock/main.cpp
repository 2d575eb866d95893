// oxen-mock: an offline stand-in for the Oxen.ai Inference API.
#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <malloc.h>
#include <pthread.h>
#include <thread>

#include "app.hpp"
#include "json_config.hpp"
#include "http/http_server.hpp"

using namespace oxen::mock;

namespace {

// "50/s" or "50" -> 50; anything else -> 0.
double parse_rate(const std::string& text) {
  std::string number = text.ends_with("/s") ? text.substr(0, text.size() - 2) : text;
  try {
    size_t used = 0;
    double rate = std::stod(number, &used);
    return used == number.size() && rate > 0 ? rate : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

// glibc gives busy threads their own malloc arenas, up to eight per core, and an arena keeps the
// memory of large freed bodies (a long queue listing) for the next caller on that thread: under a
// mixed load with hundreds of pool threads that held three times the memory the mock uses. Two
// arenas per core hold it at about 60 MB on that load for about 10 % of its requests per second
// (bench/soak.sh); small answers are not affected. A malloc setting from the environment wins.
void limit_malloc_arenas() {
  if (std::getenv("MALLOC_ARENA_MAX") || std::getenv("GLIBC_TUNABLES")) return;
  mallopt(M_ARENA_MAX, static_cast<int>(2 * std::max(1u, std::thread::hardware_concurrency())));
}

// --help lists the options by what they are for.
void group_options(CLI::App& cli) {
  const std::pair<const char*, std::vector<const char*>> groups[] = {
      {"Serving", {"--host", "--port", "--fixtures", "--seed", "--api-key", "--log", "--clock", "--self-check",
                   "--config"}},
      {"Test control",
       {"--no-admin", "--admin-token", "--rate-limit", "--journal-feed", "--state-file", "--max-namespaces"}},
      {"Chat", {"--chat-completion-tokens", "--chat-first-token-ms", "--chat-tokens-per-second"}},
      {"Media and queue", {"--image-size", "--image-latency-ms", "--video-latency-ms", "--legacy-media-url-keys",
                           "--max-num-generations", "--image-job-ms", "--video-job-ms", "--image-job-queued-ms",
                           "--video-job-queued-ms", "--max-generations", "--max-media-files",
                           "--queue-fail-marker", "--event-keepalive-ms", "--max-event-subscribers"}},
      {"Proxy, record and replay",
       {"--upstream", "--fail-on-drift", "--upstream-timeout-ms", "--upstream-max-body-bytes", "--record",
        "--record-mode", "--record-ignore", "--record-strict", "--record-max-bytes", "--record-pacing"}},
      {"Limits", {"--threads", "--max-body-bytes", "--max-json-depth", "--max-headers", "--max-header-bytes",
                  "--read-timeout", "--write-timeout", "--idle-timeout"}},
  };
  for (const auto& [group, names] : groups)
    for (const char* name : names) cli.get_option(name)->group(group);
}

// Loopback addresses (127.0.0.0/8, ::1, localhost) are reachable from this machine only.
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

int main(int argc, char** argv) {
  limit_malloc_arenas();
  Config config;
  CLI::App cli{"oxen-mock: an offline mock of the Oxen.ai Inference API"};
  cli.set_version_flag("--version", std::string("oxen-mock ") + OXEN_MOCK_VERSION);
  cli.add_option("--host", config.host, "Address to listen on")->capture_default_str();
  cli.add_option("--port", config.port, "Port to listen on; 0 picks a free port")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cli.add_option("--fixtures", config.fixtures_dir,
                 "Folder whose files replace the built-in fixtures of the same name")
      ->check(CLI::ExistingDirectory);
  cli.add_option("--seed", config.seed, "Seed for every generated id, text and byte")
      ->capture_default_str();
  cli.add_option("--api-key", config.api_keys,
                 "Accepted API key (repeatable); default: any non-empty bearer token");
  std::string log = "off";
  cli.add_option("--log", log, "Request log on stderr")
      ->check(CLI::IsMember({"off", "text", "json"}))
      ->capture_default_str();
  std::string clock = "real";
  cli.add_option("--clock", clock, "Clock mode: real, or manual (advanced by the admin API)")
      ->check(CLI::IsMember({"real", "manual"}))
      ->capture_default_str();
  cli.add_flag("--self-check", config.self_check,
               "Validate every response against its schema and journal the findings");
  cli.add_option("--threads", config.worker_threads, "Most HTTP worker threads, one per open connection (the pool grows on demand); 0: 1024")
      ->capture_default_str();
  // Limits of a request and of a connection.
  cli.add_option("--max-body-bytes", config.max_body_bytes, "Largest request body; beyond, 413")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 34));
  cli.add_option("--max-json-depth", config.max_json_depth, "Deepest nesting of a JSON body; beyond, 400")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--max-headers", config.max_headers, "Most header fields in a request; beyond, 431")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--max-header-bytes", config.max_header_bytes,
                 "Most bytes of all header fields together; beyond, 431")
      ->capture_default_str()
      ->check(CLI::Range(size_t{256}, size_t{1} << 30));
  cli.add_option("--read-timeout", config.read_timeout_s, "Seconds a read from a client may wait")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cli.add_option("--write-timeout", config.write_timeout_s, "Seconds a write to a client may wait")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cli.add_option("--idle-timeout", config.idle_timeout_s,
                 "Seconds an idle keep-alive connection stays open")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  // Test control.
  bool no_admin = false;
  cli.add_flag("--no-admin", no_admin, "Turn the /__admin API off");
  // From the environment as well, so that a container or a service unit need not put the token
  // on a command line that any local user can read.
  cli.add_option("--admin-token", config.admin_token,
                 "Require this token in X-Mock-Admin-Token on /__admin calls")
      ->envname("OXEN_MOCK_ADMIN_TOKEN");
  std::string rate_limit;
  cli.add_option("--rate-limit", rate_limit, "Requests per second per API key, e.g. 50/s")
      ->check([](const std::string& v) {
        return parse_rate(v) > 0 ? std::string() : std::string("expected N/s with N > 0");
      });
  cli.add_option("--journal-feed", config.journal_feed,
                 "Hold up to N journal entries, of every namespace, until GET /__admin/requests/feed "
                 "has read them (for oxen-conformance client); 0: off")
      ->capture_default_str()
      ->check(CLI::Range(size_t{0}, size_t{10000000}));
  cli.add_option("--state-file", config.state_file,
                 "Keep registry, deployment and queue state in FILE across restarts");
  cli.add_option("--max-namespaces", config.max_namespaces,
                 "How many X-Mock-Namespace values may exist at once")
      ->capture_default_str();
  cli.add_option("--chat-completion-tokens", config.chat_completion_tokens,
                 "Typical length of generated chat answers, in tokens")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli.add_option("--chat-first-token-ms", config.chat_first_token_ms,
                 "Streamed chat: time to the first token on the mock's clock; 0 sends at once")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{600000}));
  cli.add_option("--chat-tokens-per-second", config.chat_tokens_per_second,
                 "Streamed chat: pace of the tokens after the first; 0 does not pace")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cli.add_option("--image-size", config.image_long_side_px,
                 "Generated images: pixels on the long side when the request names no size")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cli.add_option("--image-latency-ms", config.image_latency_ms,
                 "Sync image calls take this long on the mock's clock")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{3600000}));
  cli.add_option("--video-latency-ms", config.video_latency_ms,
                 "Sync video calls take this long on the mock's clock")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{3600000}));
  cli.add_flag("--legacy-media-url-keys", config.legacy_media_url_keys,
               "Also answer the older guides' top-level image_url / video_url");
  cli.add_option("--max-num-generations", config.max_num_generations,
                 "POST /api/ai/queue accepts num_generations 1..N (the newest OpenAPI says 12)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cli.add_option("--image-job-ms", config.image_job_processing_ms,
                 "Async image jobs: time spent processing")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  cli.add_option("--video-job-ms", config.video_job_processing_ms,
                 "Async video jobs: time spent processing")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  cli.add_option("--image-job-queued-ms", config.image_job_queued_ms,
                 "Async image jobs: time spent queued before processing")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  cli.add_option("--video-job-queued-ms", config.video_job_queued_ms,
                 "Async video jobs: time spent queued before processing")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  cli.add_option("--max-generations", config.max_generations,
                 "Generations stored per namespace; the oldest finished ones are evicted first")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{10000000}));
  cli.add_option("--max-media-files", config.max_media_files,
                 "Media URLs kept; the oldest are forgotten first")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
  cli.add_option("--queue-fail-marker", config.queue_fail_marker,
                 "A queued job whose prompt contains this text fails (\"\" turns it off)")
      ->capture_default_str();
  cli.add_option("--event-keepalive-ms", config.event_keepalive_ms,
                 "GET /api/events: idle time before a ': keep-alive' comment, on the mock's clock")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}));
  cli.add_option("--max-event-subscribers", config.max_event_subscribers,
                 "Open GET /api/events streams allowed at once; 0: half the HTTP threads")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cli.add_option("--upstream", config.upstream,
                 "Forward every API request to this API (e.g. https://hub.oxen.ai/api) and judge its answers");
  cli.add_flag("--fail-on-drift", config.fail_on_drift,
               "With --upstream: a request or answer that breaks the contract gets a 502");
  cli.add_option("--upstream-timeout-ms", config.upstream_timeout_ms,
                 "With --upstream: the longest wait to connect, and each silence while sending or reading")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600000));
  cli.add_option("--upstream-max-body-bytes", config.upstream_max_body_bytes,
                 "With --upstream: the largest answer relayed; beyond, 502")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 34));
  cli.add_option("--record", config.record_dir,
                 "Folder of recordings: replayed, or filled from --upstream (one JSON file per exchange)");
  cli.add_option("--record-mode", config.record_mode,
                 "replay (default with --record alone), record (default with --upstream too), "
                 "record-on-miss, or proxy (default with --upstream alone)")
      ->check(CLI::IsMember({"replay", "record", "record-on-miss", "proxy"}));
  cli.add_option("--record-ignore", config.record_ignore,
                 "Top-level body member that matching a recording leaves out (repeatable), e.g. user");
  cli.add_flag("--record-strict", config.record_strict,
               "Replay: a request without a recording gets 404 recording_not_found, not a generated answer");
  cli.add_option("--record-max-bytes", config.record_max_bytes,
                 "Largest exchange recorded; a larger one is served but not stored")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1024}, size_t{1} << 34));
  cli.add_flag("--record-pacing", config.record_pacing,
               "Replay: a recorded stream's frames go out at their recorded offsets on the mock's clock");
  cli.set_config("--config", "", "JSON file with any of these options; the command line wins");
  cli.config_formatter(std::make_shared<JsonConfig>());
  cli.allow_config_extras(false);

  group_options(cli);

  CLI11_PARSE(cli, argc, argv);
  config.admin_enabled = !no_admin;
  if (config.admin_enabled && config.admin_token.empty() && !is_loopback(config.host)) {
    std::cerr << "oxen-mock: refusing to serve the unguarded /__admin API on " << config.host
              << ", which other machines may reach: give --admin-token TOKEN or --no-admin\n";
    return 2;
  }
  if (!rate_limit.empty()) config.rate_limit_per_s = parse_rate(rate_limit);
  config.log = log == "text" ? LogFormat::text : log == "json" ? LogFormat::json : LogFormat::off;
  config.clock_mode = clock == "manual" ? Clock::Mode::manual : Clock::Mode::real;

  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<MockApp> app;
  try {
    app = std::make_unique<MockApp>(config, Fixtures::load(config.fixtures_dir));
  } catch (const FixtureError& e) {
    std::cerr << "oxen-mock: fixture error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "oxen-mock: cannot start: " << e.what() << "\n";
    return 2;
  }

  HttpServer server(*app);
  int port = server.bind(config.host, config.port);
  if (port < 0) {
    std::cerr << "oxen-mock: cannot listen on " << config.host << ":" << config.port << "\n";
    return 2;
  }
  std::cout << "oxen-mock listening on http://" << config.host << ":" << port << std::endl;

  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  server.serve();
  // serve() also returns if the listener fails; wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}
