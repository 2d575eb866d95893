// The SSE reader: any bytes, split anywhere, give the same events as the whole stream at once.
#include <cstdint>
#include <cstdlib>

#include "sse_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = oxen::parse_sse(input);
  oxen::SseReader reader;
  std::vector<oxen::SseEvent> pieces;
  const size_t step = 1 + data[0] % 17;
  for (size_t at = 0; at < input.size(); at += step)
    for (auto& e : reader.feed(input.substr(at, step))) pieces.push_back(std::move(e));
  if (pieces.size() != whole.size()) std::abort();
  for (size_t i = 0; i < whole.size(); ++i)
    if (pieces[i].data != whole[i].data || pieces[i].event != whole[i].event ||
        pieces[i].id != whole[i].id || pieces[i].comments != whole[i].comments)
      std::abort();
  return 0;
}
