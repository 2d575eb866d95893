#include "recordings.hpp"

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../../conformance/contract/redact.hpp"
#include "../../conformance/contract/schema_store.hpp"
#include "../../conformance/contract/text.hpp"
#include "../config.hpp"
#include "../world/state_file.hpp"

namespace oxen::mock {

namespace fs = std::filesystem;

namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out += hex[byte >> 4];
    out += hex[byte & 15];
  }
  return out;
}

std::string key_of(const std::string& method, const std::string& path, const std::string& query,
                   const nlohmann::json& body) {
  return sha256_hex(method + "\n" + path + "\n" + query + "\n" + body.dump()).substr(0, 16);
}

// "POST_ai-chat-completions_3f2a9c1b04d5e6f7_1.json": what a person looks for first.
std::string file_name(const std::string& method, const std::string& path, const std::string& key,
                      size_t ordinal) {
  std::string slug;
  for (char c : path.rfind("/api/", 0) == 0 ? path.substr(5) : path)
    slug += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  if (slug.size() > 60) slug.resize(60);
  return method + "_" + slug + "_" + key + "_" + std::to_string(ordinal) + ".json";
}

// Headers of an answer worth keeping: not the per-hop ones the relay drops, and no credential.
nlohmann::json kept_headers(const Headers& headers, const std::string& secret) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    const std::string lower = ascii_lower(name);
    if (is_credential_name(name) || lower == "x-oxen-mock" || lower.rfind("x-ratelimit", 0) == 0)
      continue;
    out[name] = redact(value, secret);
  }
  return out;
}

}  // namespace

RecordMode record_mode(const Config& config) {
  const bool upstream = !config.upstream.empty(), dir = !config.record_dir.empty();
  std::string mode = config.record_mode;
  if (mode.empty()) mode = upstream && dir ? "record" : dir ? "replay" : upstream ? "proxy" : "";
  if (mode.empty()) return RecordMode::off;
  if (mode == "replay") {
    if (!dir) throw std::invalid_argument("--record-mode replay needs --record DIR");
    return RecordMode::replay;
  }
  if (mode == "proxy") {
    if (!upstream) throw std::invalid_argument("--record-mode proxy needs --upstream URL");
    if (dir) throw std::invalid_argument("--record-mode proxy stores nothing: drop --record");
    return RecordMode::proxy;
  }
  if (mode == "record" || mode == "record-on-miss") {
    if (!upstream || !dir)
      throw std::invalid_argument("--record-mode " + mode +
                                  " needs --upstream URL and --record DIR");
    return mode == "record" ? RecordMode::record : RecordMode::record_on_miss;
  }
  throw std::invalid_argument("--record-mode: replay, record, record-on-miss or proxy, not '" +
                              mode + "'");
}

std::vector<std::string> sse_frames(const std::string& body) {
  std::vector<std::string> frames;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find("\n\n", start);
    end = end == std::string::npos ? body.size() : end + 2;
    frames.push_back(body.substr(start, end - start));
    start = end;
  }
  return frames;
}

size_t ReplayPositions::next(const std::string& key) {
  std::lock_guard lock(mutex_);
  return ++seen_[key];
}

void ReplayPositions::clear() {
  std::lock_guard lock(mutex_);
  seen_.clear();
}

Recordings::Recordings(std::string dir, std::vector<std::string> ignore, size_t max_bytes)
    : dir_(std::move(dir)), ignore_(std::move(ignore)), max_bytes_(max_bytes) {
  fs::create_directories(dir_);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto recording = nlohmann::json::parse(text.str(), nullptr, false);
    if (recording.is_discarded())
      throw std::runtime_error("recording " + path.string() + ": not valid JSON");
    auto violations = SchemaStore::builtin().validate("recording", recording);
    if (!violations.empty())
      throw std::runtime_error("recording " + path.string() + ": " + describe(violations.front()));
    // The key is computed from the request as the file has it now, so editing the request
    // changes what it answers.
    const auto& r = recording["request"];
    const std::string key =
        key_of(r["method"], r["path"], r["query"], normalised_body(r["body"], ""));
    answers_[key][recording["ordinal"].get<size_t>()] = recording["response"];
  }
}

nlohmann::json Recordings::normalised_body(nlohmann::json body, const std::string& secret) const {
  if (body.is_object() && body.empty()) return nullptr;  // no body and {} are one request
  if (body.is_object())
    for (const auto& name : ignore_) body.erase(name);
  return secret.empty() ? body : redact_json(std::move(body), secret);
}

std::string Recordings::match_key(const Request& request, const nlohmann::json& body,
                                  const std::string& secret) const {
  return key_of(request.method, redact(request.path, secret), redact(request.query_string, secret),
                normalised_body(body, secret));
}

std::optional<Response> Recordings::find(const std::string& key, size_t ordinal,
                                         const Clock* pace) const {
  std::lock_guard lock(mutex_);
  auto recorded = answers_.find(key);
  if (recorded == answers_.end() || recorded->second.empty()) return std::nullopt;
  auto at = recorded->second.upper_bound(ordinal);
  const nlohmann::json& r = at == recorded->second.begin() ? at->second : std::prev(at)->second;
  Response response;
  response.status = r["status"];
  response.content_type = r["content_type"];
  for (const auto& [name, value] : r["headers"].items()) response.headers.emplace(name, value);
  if (r.contains("json")) {
    response.body = r["json"].dump();
  } else if (r.contains("frames")) {
    std::vector<int64_t> offsets;
    if (pace && r.contains("offsets_ms")) offsets = r["offsets_ms"].get<std::vector<int64_t>>();
    response.stream = [frames = r["frames"].get<std::vector<std::string>>(), offsets,
                       pace](StreamSink& sink) {
      const int64_t start = pace ? pace->now_ms() : 0;
      for (size_t i = 0; i < frames.size(); ++i) {
        if (i < offsets.size() &&
            !pace->sleep_until(start + offsets[i], [&] { return !sink.alive(); }))
          return;
        if (!sink.write(frames[i])) return;
      }
    };
  } else {
    response.body = r["text"];
  }
  return response;
}

std::string Recordings::store(const Request& request, const nlohmann::json& body,
                              const std::string& secret, size_t ordinal, const Response& response,
                              std::string& why) {
  const std::string path = redact(request.path, secret),
                    query = redact(request.query_string, secret);
  // The request as sent (minus the key), so a reader sees it whole; matching ignores members.
  nlohmann::json sent = body.is_object() && body.empty() ? nlohmann::json(nullptr) : body;
  nlohmann::json answer = {{"status", response.status},
                           {"content_type", response.content_type},
                           {"headers", kept_headers(response.headers, secret)}};
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (response.stream) {
    answer["frames"] = sse_frames(redact(response.body, secret));
    if (!response.frame_offsets_ms.empty()) answer["offsets_ms"] = response.frame_offsets_ms;
  } else if (!parsed.is_discarded() &&
             ascii_lower(response.content_type).find("json") != std::string::npos) {
    answer["json"] = redact_json(std::move(parsed), secret);
  } else if (valid_utf8(response.body) == response.body) {
    answer["text"] = redact(response.body, secret);
  } else {
    why = "a binary answer (" + response.content_type + ") is not recorded";
    return "";
  }
  nlohmann::json recording = {{"request",
                               {{"method", request.method},
                                {"path", path},
                                {"query", query},
                                {"body", secret.empty() ? sent : redact_json(sent, secret)}}},
                              {"ordinal", ordinal},
                              {"response", answer}};
  const std::string bytes =
      recording.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (bytes.size() > max_bytes_) {
    why = std::to_string(bytes.size()) + " bytes, over --record-max-bytes " +
          std::to_string(max_bytes_);
    return "";
  }
  const std::string key = match_key(request, body, secret);
  const std::string file =
      (fs::path(dir_) / file_name(request.method, path, key, ordinal)).string();
  std::lock_guard lock(mutex_);
  write_file_atomically(file, bytes);
  answers_[key][ordinal] = std::move(answer);
  return file;
}

size_t Recordings::size() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, answers] : answers_) n += answers.size();
  return n;
}

}  // namespace oxen::mock
