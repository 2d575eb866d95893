#pragma once
// --record DIR: answers of an upstream API kept as plain files, one JSON file per exchange
// (schema `recording`), and served again without the upstream. A request finds its recording by
// its match key: method, path, query and the JSON body with the --record-ignore members left out,
// the client's key redacted first. The n-th call with one key in a namespace gets the n-th
// recording of that key; beyond the last, the last again (a polled job stays where it ended).
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../core/clock.hpp"
#include "../http/message.hpp"

namespace oxen::mock {

enum class RecordMode { off, proxy, replay, record, record_on_miss };

struct Config;
// The mode the options ask for: --record-mode, else record with --upstream and --record, replay
// with --record alone, proxy with --upstream alone. Throws std::invalid_argument for a mode
// whose upstream or folder is missing.
RecordMode record_mode(const Config& config);

// A server-sent-events body cut into its frames, each with the blank line that ends it.
std::vector<std::string> sse_frames(const std::string& body);

// Where each match key stands in a namespace's run (World::replay): cleared with the world.
class ReplayPositions {
 public:
  size_t next(const std::string& key);  // 1 for the first call with `key`
  void clear();

 private:
  std::mutex mutex_;
  std::map<std::string, size_t> seen_;
};

class Recordings {
 public:
  // Loads every *.json in `dir` (created when missing); a file that is not a recording throws
  // std::runtime_error naming the file and the reason.
  Recordings(std::string dir, std::vector<std::string> ignore, size_t max_bytes);

  std::string match_key(const Request& request, const nlohmann::json& body,
                        const std::string& secret) const;
  // The recorded answer for the `ordinal`-th call with `key` (the last one beyond the last).
  // `pace`: a stream's frames go out at their recorded offsets on this clock; null: at once.
  std::optional<Response> find(const std::string& key, size_t ordinal, const Clock* pace = nullptr) const;
  // Stores `response` as the `ordinal`-th answer to the request, atomically, with `secret`
  // scrubbed. Returns the file written, or "" with the reason in `why` when it is not kept
  // (larger than the size bound; bytes that are not text).
  std::string store(const Request& request, const nlohmann::json& body, const std::string& secret,
                    size_t ordinal, const Response& response, std::string& why);
  size_t size() const;
  const std::string& dir() const { return dir_; }

 private:
  nlohmann::json normalised_body(nlohmann::json body, const std::string& secret) const;

  std::string dir_;
  std::vector<std::string> ignore_;
  size_t max_bytes_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<size_t, nlohmann::json>> answers_;  // key -> ordinal -> response
};

}  // namespace oxen::mock
