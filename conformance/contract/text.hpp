#pragma once
// Small text helpers shared by the mock and the conformance program.
#include <cctype>
#include <string>

namespace oxen {

// ASCII lower case (ids, names, header values); other bytes are left as they are.
inline std::string ascii_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// `text` cut to at most `max` bytes at a UTF-8 character boundary, "…" marking the cut.
inline std::string shorten(std::string text, size_t max = 160) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

}  // namespace oxen
