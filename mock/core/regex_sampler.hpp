#pragma once
// Strings that match a regular expression: the instance generator's answer to a JSON Schema
// `pattern`, read as the validator reads it (ECMAScript, std::regex, searched, not anchored).
//
// The subset is what zod (.regex(), .email(), .uuid(), .cuid(), .ulid(), .datetime(), .ip()) and
// pydantic (constr(pattern=...)) emit: literals; escapes \d \D \w \W \s \S \t \n \r \f \v \0
// \xHH \uHHHH (ASCII) and escaped punctuation (\. \- \/ ...); character classes with ranges,
// class escapes and negation ([A-Za-z0-9_] [^\s@]); `.`; groups ((...) (?:...) (?<name>...));
// alternation; quantifiers ? * + {n} {n,} {n,m}, greedy or lazy; anchors ^ $.
//
// Parsed but not steered: lookahead (?= (?!, lookbehind, word boundaries \b \B, backreferences
// \1, non-ASCII characters. A sample ignores them (zero width, or nothing), and unsupported()
// names the first one met, so a caller that validates the sample can say why none matched.
// Samples are ASCII; open repetitions draw a few more than their minimum, a bounded number.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "rng.hpp"

namespace oxen::mock {

namespace detail {
struct RegexNode;  // the parsed pattern (regex_sampler.cpp)
}

class RegexSampler {
 public:
  static constexpr size_t kUnbounded = static_cast<size_t>(-1);

  explicit RegexSampler(std::string_view pattern);
  ~RegexSampler();
  RegexSampler(RegexSampler&&) noexcept;

  // The first construct a sample does not honour ("lookahead", "backreference", ...), or "".
  const std::string& unsupported() const { return unsupported_; }
  // The lengths of the strings the pattern accepts (a search: unanchored ends allow any length
  // above the minimum). kUnbounded when there is no upper limit.
  size_t min_length() const { return min_length_; }
  size_t max_length() const { return max_length_; }

  // A matching string, its length within [min_len, max_len] when the draws find one (a caller
  // checks min_length()/max_length() first to tell an impossible range from bad luck).
  std::string sample(Rng& rng, size_t min_len, size_t max_len) const;

 private:
  std::unique_ptr<detail::RegexNode> root_;
  std::string unsupported_;
  size_t min_length_ = 0, max_length_ = kUnbounded;
  bool pad_front_ = false, pad_back_ = false;  // an unanchored end takes extra characters
};

}  // namespace oxen::mock
