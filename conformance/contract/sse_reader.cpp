#include "sse_reader.hpp"

namespace oxen {

std::vector<SseEvent> SseReader::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  if (!started_) {
    // A UTF-8 BOM may open the stream; it can arrive split across feeds.
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    line_.append(bytes);
    if (line_.size() < kBom.size() && kBom.substr(0, line_.size()) == line_) return out;
    started_ = true;
    std::string head = std::move(line_);
    line_.clear();
    if (std::string_view(head).substr(0, kBom.size()) == kBom) head.erase(0, kBom.size());
    return feed(head);
  }
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') {  // the LF of a CRLF pair
        start = i + 1;
        continue;
      }
    }
    if (c == '\r' || c == '\n') {
      line_.append(bytes.substr(start, i - start));
      line(line_, out);
      line_.clear();
      after_cr_ = c == '\r';
      start = i + 1;
    }
  }
  line_.append(bytes.substr(start));
  return out;
}

void SseReader::line(std::string_view text, std::vector<SseEvent>& out) {
  if (text.empty()) {
    if (has_fields_) {
      if (has_data_ && !current_.data.empty() && current_.data.back() == '\n') current_.data.pop_back();
      out.push_back(std::move(current_));
    }
    current_ = SseEvent{};
    has_fields_ = has_data_ = false;
    return;
  }
  auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (colon == 0) {
    current_.comments.emplace_back(value);
    has_fields_ = true;
    return;
  }
  if (field == "data") {
    current_.data.append(value);
    current_.data.push_back('\n');
    has_data_ = has_fields_ = true;
  } else if (field == "event") {
    current_.event = value;
    has_fields_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) current_.id = value;
    has_fields_ = true;
  }
  // "retry" and unknown fields are ignored.
}

std::vector<SseEvent> parse_sse(std::string_view stream) {
  SseReader reader;
  return reader.feed(stream);
}

}  // namespace oxen
