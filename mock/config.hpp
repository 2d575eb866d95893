#pragma once
// Every tunable of the mock, with its default, in one place. The command line fills it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"

namespace oxen::mock {

enum class LogFormat { off, text, json };

struct Config {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0 picks a free port
  std::string fixtures_dir;         // files here replace the built-in ones of the same name
  uint64_t seed = 0;
  std::vector<std::string> api_keys;  // empty: any non-empty bearer token is accepted
  LogFormat log = LogFormat::off;
  bool self_check = false;  // validate every response against its schema, findings journaled

  // Test control.
  bool admin_enabled = true;      // the /__admin API
  std::string admin_token;        // when set, admin calls need X-Mock-Admin-Token: <token>
  double rate_limit_per_s = 0;    // token bucket per API key; 0: off
  std::string state_file;         // registry/deployment/queue state survives restarts here
  size_t max_namespaces = 256;

  Clock::Mode clock_mode = Clock::Mode::real;
  int64_t clock_start_ms = 1775000000000;  // manual mode starts here (2026-03-31T23:33:20Z)

  size_t journal_capacity = 1000;
  size_t journal_body_cap = 64 * 1024;
  size_t journal_feed = 0;  // unread entries GET /__admin/requests/feed holds for its reader; 0: off
  size_t max_body_bytes = 32 * 1024 * 1024;
  size_t max_json_depth = 256;
  size_t max_headers = 100;            // header fields per request; beyond, 431
  size_t max_header_bytes = 64 * 1024;  // all header fields together; beyond, 431
  int worker_threads = 0;  // most HTTP threads (one per open connection); 0: 1024
  int keep_alive_max_requests = 100000;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  int idle_timeout_s = 5;

  // Media, async queue and completion events (docs/media.md).
  int image_long_side_px = 256;         // generated PNGs: long side when no size is asked for
  int image_max_side_px = 1024;         // an asked-for size is scaled down to fit this
  int64_t image_latency_ms = 0;         // simulated time a sync image call takes (mock clock)
  int64_t video_latency_ms = 0;         // the same for sync video calls
  bool legacy_media_url_keys = false;   // also answer top-level image_url / video_url
  size_t max_media_files = 10000;       // media URLs kept (oldest forgotten first)
  int max_num_generations = 4;          // POST /api/ai/queue accepts 1..this
  int64_t image_job_queued_ms = 500;    // queued -> processing, image jobs
  int64_t image_job_processing_ms = 2000;  // processing -> succeeded|failed, image jobs
  int64_t video_job_queued_ms = 1000;
  int64_t video_job_processing_ms = 8000;
  size_t max_generations = 10000;       // stored per namespace; oldest terminal rows evicted
  std::string queue_fail_marker = "[mock:fail]";  // a prompt containing it makes the job fail
  int64_t event_keepalive_ms = 15000;   // ": keep-alive" after this long without a frame
  int max_event_subscribers = 0;        // open GET /api/events streams; 0: half the HTTP pool
  int ticker_interval_ms = 50;          // real clock: how often time-driven state is advanced

  // Chat completions (docs/chat.md).
  int chat_completion_tokens = 40;       // typical length of generated text (0.5x..1.5x of it)
  int64_t chat_first_token_ms = 0;       // streaming pacing on the mock's clock; 0: at once
  double chat_tokens_per_second = 0;     // streaming pacing; 0: no delay between tokens
  size_t chat_max_file_bytes = 24000000;   // decoded size of a `file` part (24 MB)
  size_t chat_max_audio_bytes = 20000000;  // decoded size of an `audio_url` data URL (20 MB)

  // Proxying to a real API (docs/record-replay.md).
  std::string upstream;  // http(s)://host[:port][/prefix]; set: every API request is forwarded there
  bool fail_on_drift = false;  // an upstream answer that breaks the contract becomes a 502
  int upstream_timeout_ms = 30000;  // connecting, and each silence while sending or reading
  size_t upstream_max_body_bytes = 64 * 1024 * 1024;  // a larger upstream answer is a 502
  std::string record_dir;   // recordings: one JSON file per exchange
  std::string record_mode;  // replay, record, record-on-miss, proxy; "": from the options given
  std::vector<std::string> record_ignore;  // body members matching leaves out
  bool record_strict = false;  // a replay miss is a 404 recording_not_found, not a generated answer
  size_t record_max_bytes = 8 * 1024 * 1024;  // a larger exchange is served but not recorded
  bool record_pacing = false;  // replayed streams keep their recorded offsets on the mock's clock
};

// The most threads the HTTP server's pool grows to (one per open connection, streams
// included); it starts with a few per core.
inline int http_pool_threads(const Config& c) { return c.worker_threads > 0 ? c.worker_threads : 1024; }
inline int http_pool_initial_threads(const Config& c) {
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::min(http_pool_threads(c), std::max(8, cores * 4));
}

// Open event streams allowed at once: below the pool size so streams never starve requests.
inline int event_subscriber_cap(const Config& c) {
  if (c.max_event_subscribers > 0) return c.max_event_subscribers;
  int half = http_pool_threads(c) / 2;
  return half > 1 ? half : 1;
}

}  // namespace oxen::mock
