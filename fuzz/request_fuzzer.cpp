// Request -> route -> validation -> handler, fed without sockets. The input is
//   <method byte><path>\n<header line>*\n<body>
// Invariants: every answer has a status from 200 to 599 other than 500, and every JSON answer
// parses; an error answer has an "error" object. Admin paths are left out (a fuzzer that adds
// fault rules would only find the faults it asked for).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app.hpp"

using namespace oxen::mock;

namespace {

MockApp& app() {
  static MockApp* instance = [] {
    Config c;
    c.clock_mode = Clock::Mode::manual;
    c.self_check = true;
    return new MockApp(c, Fixtures::load());
  }();
  return *instance;
}

// Collects a streamed answer, ending it after a bounded number of frames.
class BoundedSink : public StreamSink {
 public:
  bool write(std::string_view bytes) override {
    text.append(bytes);
    return ++frames < 64;
  }
  bool alive() const override { return frames < 64; }
  void abort() override { frames = 64; }
  std::string text;
  int frames = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* methods[] = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"};
  if (size < 2) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Request r;
  r.method = methods[static_cast<uint8_t>(input[0]) % 7];
  input.remove_prefix(1);
  auto eol = input.find('\n');
  r.path = std::string(input.substr(0, eol));
  if (r.path.rfind("/__admin", 0) == 0) return 0;
  input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  while (!input.empty() && input.front() != '\n') {
    eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0)
      r.headers.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  }
  if (!input.empty()) input.remove_prefix(1);
  r.body = std::string(input);
  if (!r.headers.count("Authorization")) r.headers.emplace("Authorization", "Bearer fuzz");
  // An injected fault (X-Mock-Fault) may ask for any status; everything else must never be a 500.
  const bool injected = r.headers.count("X-Mock-Fault") > 0;
  if (injected && r.headers.find("X-Mock-Fault")->second.find("delay") != std::string::npos) return 0;

  // The mock keeps what it is sent (on a manual clock queued jobs never finish), and a growing
  // queue makes every listing slower: start from the fixtures again now and then.
  static unsigned inputs = 0;
  if (++inputs % 1000 == 0) app().reset();

  Response res = app().handle(r);
  if (res.status < 200 || res.status > 599 || (res.status == 500 && !injected)) std::abort();
  if (res.stream) {
    BoundedSink sink;
    res.stream(sink);
  } else if (!res.drop && res.content_type == "application/json") {
    auto body = nlohmann::json::parse(res.body, nullptr, false);
    if (body.is_discarded()) std::abort();
    if (res.status >= 400 && !(body.is_object() && body.contains("error"))) std::abort();
  }
  return 0;
}
