#pragma once
// The mock's own request and response types: handlers and the pipeline never see the socket
// library, so tests and fuzzers can drive them with plain values.
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxen::mock {

// Header names compare case-insensitively, as HTTP says.
struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;
using Query = std::multimap<std::string, std::string>;

// One part of a multipart/form-data body (a file part has a filename).
struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string content;
};

struct Request {
  std::string method;
  std::string path;          // decoded path, without the query
  std::string query_string;  // raw, for the journal
  Query query;
  Headers headers;
  std::string body;  // empty for a multipart/form-data body, which arrives as `form`
  std::vector<FormPart> form;
  bool form_broken = false;  // a multipart/form-data body that could not be parsed
  std::string remote_addr;

  std::optional<std::string> header(const std::string& name) const;
  std::optional<std::string> query_param(const std::string& name) const;
};

// Writes the frames of a streamed response, one write per frame (faults count frames by
// writes); write returns false once the client has gone or the stream was cut.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool write(std::string_view bytes) = 0;
  virtual bool alive() const = 0;
  // Whether the server is shutting down (then alive() is false too).
  virtual bool stopping() const { return false; }
  // Ends the response by closing the connection, without the terminating chunk.
  virtual void abort() = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is produced incrementally by this function (server-sent events).
  std::function<void(StreamSink&)> stream;
  // Close the connection after the status line and headers, without a body (a fault).
  bool drop = false;
  // A stream relayed from an upstream: its raw text in `body`, and for each frame the ms after
  // the request at which its last byte arrived (what a recording keeps of the pacing).
  std::vector<int64_t> frame_offsets_ms;

  static Response json(const nlohmann::json& value, int status = 200);
  static Response json_text(std::string serialized, int status = 200);
};

}  // namespace oxen::mock
