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

}  // namespace oxen
