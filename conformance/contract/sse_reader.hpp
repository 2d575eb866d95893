#pragma once
// The project's one reader of server-sent events (text/event-stream), for grading streams from
// the mock or a live server. Incremental: feed bytes as they arrive, in pieces of any size.
//
// Follows the WHATWG event-stream rules: lines end in CRLF, LF or CR; `field: value` with or
// without the space after the colon; several `data:` lines join with "\n"; a blank line ends an
// event; lines starting with ':' are comments. Unlike a browser, an event is reported whenever it
// had any field or comment (so keep-alive comments are visible), `id` is the id given in that
// event only, and `retry` and unknown fields are ignored.
#include <string>
#include <string_view>
#include <vector>

namespace oxen {

struct SseEvent {
  std::string event;  // the `event:` field; "" when absent (a browser would say "message")
  std::string data;   // `data:` lines joined by "\n"
  std::string id;     // the `id:` field of this event, "" when absent
  std::vector<std::string> comments;  // text after ':' of each comment line, leading space removed
};

class SseReader {
 public:
  // Returns the events completed by these bytes. An event still open at the end of the stream
  // is never returned (the format says an unterminated event is discarded).
  std::vector<SseEvent> feed(std::string_view bytes);

  // Bytes held for an unfinished line or event.
  bool pending() const { return !line_.empty() || has_fields_; }

 private:
  void line(std::string_view text, std::vector<SseEvent>& out);

  std::string line_;
  bool after_cr_ = false;
  bool started_ = false;  // a leading UTF-8 BOM has been dealt with
  SseEvent current_;
  bool has_fields_ = false;
  bool has_data_ = false;
};

// All complete events of a whole stream.
std::vector<SseEvent> parse_sse(std::string_view stream);

}  // namespace oxen
