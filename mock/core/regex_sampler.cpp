#include "regex_sampler.hpp"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <optional>
#include <vector>

namespace oxen::mock {

namespace {

constexpr size_t kUnbounded = RegexSampler::kUnbounded;
constexpr size_t kMaxRepeat = 10000;     // {n} beyond this is drawn as this (and noted)
constexpr size_t kMaxSample = 100000;    // a draw stops repeating beyond its minimum here...
constexpr size_t kMaxDraw = 2 * kMaxSample;  // ...and stops altogether here (nested {n}s)
constexpr size_t kMaxSpread = 1024;      // open repetitions draw at most this many extra

using CharSet = std::bitset<128>;

CharSet range(int lo, int hi) {
  CharSet s;
  for (int c = lo; c <= hi; ++c) s.set(static_cast<size_t>(c));
  return s;
}
const CharSet kPrintable = range(0x20, 0x7e);
const CharSet kDigit = range('0', '9');
const CharSet kWord = range('0', '9') | range('A', 'Z') | range('a', 'z') | range('_', '_');
// \s as a sample: a space (tab, newlines and the rest also match, but read worse in arguments);
// as something to exclude, every space character.
const CharSet kSpaceSample = range(' ', ' ');
const CharSet kSpace = range(' ', ' ') | range('\t', '\r');

size_t add(size_t a, size_t b) { return a > kUnbounded - b ? kUnbounded : a + b; }
size_t times(size_t a, size_t n) {
  if (a == 0 || n == 0) return 0;
  return a > kUnbounded / n ? kUnbounded : a * n;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct detail::RegexNode {
  enum class Kind { chars, text, sequence, alternation, repeat, start, end, zero_width, unknown };
  Kind kind = Kind::sequence;
  std::string members;      // chars: one of these; text: all of it (a non-ASCII character)
  std::vector<RegexNode> parts;  // sequence, alternation; repeat: the repeated node
  size_t min = 0, max = 0;  // repeat

  static RegexNode of(Kind k) {
    RegexNode n;
    n.kind = k;
    return n;
  }
  static RegexNode of_set(const CharSet& set) {
    RegexNode n = of(Kind::chars);
    for (size_t c = 0; c < set.size(); ++c)
      if (set.test(c)) n.members += static_cast<char>(c);
    return n;
  }
  bool width_zero() const {
    return kind == Kind::start || kind == Kind::end || kind == Kind::zero_width;
  }
};

namespace {

using Node = detail::RegexNode;
using Kind = Node::Kind;

// Recursive descent over the ECMAScript grammar; never throws (the validator has already
// compiled the pattern, so what reaches here is well-formed for std::regex).
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Node parse() {
    Node root = alternation();
    while (!done()) {  // a stray ')'
      note("an unbalanced parenthesis");
      ++at_;
      Node rest = alternation();
      root = sequence_of(std::move(root), std::move(rest));
    }
    return root;
  }
  std::string unsupported;

 private:
  bool done() const { return at_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return at_ + ahead < s_.size() ? s_[at_ + ahead] : '\0'; }
  bool eat(char c) {
    if (done() || s_[at_] != c) return false;
    ++at_;
    return true;
  }
  void note(const char* construct) {
    if (unsupported.empty()) unsupported = construct;
  }
  static Node sequence_of(Node a, Node b) {
    Node seq = Node::of(Kind::sequence);
    seq.parts.push_back(std::move(a));
    seq.parts.push_back(std::move(b));
    return seq;
  }

  Node alternation() {
    Node first = sequence();
    if (peek() != '|') return first;
    Node alt = Node::of(Kind::alternation);
    alt.parts.push_back(std::move(first));
    while (eat('|')) alt.parts.push_back(sequence());
    return alt;
  }

  Node sequence() {
    Node seq = Node::of(Kind::sequence);
    while (!done() && peek() != '|' && peek() != ')') {
      Node a = atom();
      quantify(a);
      seq.parts.push_back(std::move(a));
    }
    return seq;
  }

  void quantify(Node& a) {
    for (;;) {
      size_t lo = 0, hi = 0;
      if (eat('?')) hi = 1;
      else if (eat('*')) hi = kUnbounded;
      else if (eat('+')) lo = 1, hi = kUnbounded;
      else if (!braces(lo, hi)) return;
      eat('?');  // lazy: the same strings match
      if (a.width_zero()) continue;  // a quantified assertion repeats nothing
      // std::regex reads bytes: a quantifier after a non-ASCII character repeats its last byte.
      if (a.kind == Kind::text) note("a repeated non-ASCII character");
      Node r = Node::of(Kind::repeat);
      r.min = lo, r.max = hi;
      r.parts.push_back(std::move(a));
      a = std::move(r);
    }
  }

  // {n}, {n,} or {n,m} at the cursor; anything else leaves the '{' to be a literal.
  bool braces(size_t& lo, size_t& hi) {
    if (peek() != '{') return false;
    size_t i = at_ + 1;
    auto number = [&](size_t& out) {
      size_t start = i;
      out = 0;
      for (; i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; ++i)
        out = std::min(out * 10 + static_cast<size_t>(s_[i] - '0'), kUnbounded / 20);
      return i > start;
    };
    if (!number(lo)) return false;
    hi = lo;
    if (i < s_.size() && s_[i] == ',') {
      ++i;
      if (!number(hi)) hi = kUnbounded;
    }
    if (i >= s_.size() || s_[i] != '}') return false;
    at_ = i + 1;
    if (lo > kMaxRepeat) note("a repetition of more than 10000");
    lo = std::min(lo, kMaxRepeat);
    if (hi != kUnbounded) hi = std::max(lo, std::min(hi, kMaxRepeat));
    return true;
  }

  Node atom() {
    const char c = s_[at_++];
    switch (c) {
      case '(': return group();
      case '[': return klass();
      case '.': return Node::of_set(kPrintable);
      case '^': return Node::of(Kind::start);
      case '$': return Node::of(Kind::end);
      case '\\': return escape();
      default: break;
    }
    if (static_cast<unsigned char>(c) < 0x80) return Node::of_set(range(c, c));
    // A UTF-8 sequence, kept whole: the sample stays valid UTF-8.
    Node text = Node::of(Kind::text);
    text.members = c;
    while (!done() && (static_cast<unsigned char>(peek()) & 0xc0) == 0x80)
      text.members += s_[at_++];
    return text;
  }

  Node group() {
    if (eat('?')) {
      if (eat('=') || eat('!')) return assertion("lookahead");
      if (eat('<')) {
        if (eat('=') || eat('!')) return assertion("lookbehind");
        skip_name();
      } else if (eat('P') && eat('<')) {
        skip_name();
      } else if (!eat(':')) {
        note("an inline flag group");
      }
    }
    Node inner = alternation();
    if (!eat(')')) note("an unbalanced parenthesis");
    return inner;
  }

  Node assertion(const char* construct) {
    note(construct);
    alternation();
    eat(')');
    return Node::of(Kind::zero_width);
  }

  void skip_name() {
    while (!done() && peek() != '>') ++at_;
    eat('>');
  }

  // A character after a backslash that stands for one character, or -1 (noted).
  int escaped_char(char e) {
    switch (e) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      case 'v': return '\v';
      case '0': return 0;
      case 'c':
        if (std::isalpha(static_cast<unsigned char>(peek()))) return s_[at_++] % 32;
        return '\\';
      case 'x':
      case 'u': {
        size_t digits = e == 'x' ? 2 : 4;
        int value = 0;
        for (size_t k = 0; k < digits; ++k) {
          int h = hex_value(peek(k));
          if (h < 0) return e;  // "\x" without digits is the letter itself
          value = value * 16 + h;
        }
        at_ += digits;
        if (value < 0x80) return value;
        note("a non-ASCII character");
        return -1;
      }
      default: return static_cast<unsigned char>(e);
    }
  }

  // \d \D \w \W \s \S as a set, or false.
  static bool class_escape(char e, CharSet& sample, CharSet& matched) {
    switch (e) {
      case 'd': sample = matched = kDigit; return true;
      case 'w': sample = matched = kWord; return true;
      case 's': sample = kSpaceSample, matched = kSpace; return true;
      case 'D': sample = matched = kPrintable & ~kDigit; return true;
      case 'W': sample = matched = kPrintable & ~kWord; return true;
      case 'S': sample = matched = kPrintable & ~kSpace; return true;
      default: return false;
    }
  }

  Node escape() {
    if (done()) return Node::of_set(range('\\', '\\'));
    const char e = s_[at_++];
    CharSet sample, matched;
    if (class_escape(e, sample, matched)) return Node::of_set(sample);
    if (e == 'b' || e == 'B') {
      note("a word boundary");
      return Node::of(Kind::zero_width);
    }
    if ((e >= '1' && e <= '9') || e == 'k') {
      note("a backreference");
      if (e == 'k' && eat('<')) skip_name();
      while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) ++at_;
      return Node::of(Kind::unknown);
    }
    int c = escaped_char(e);
    return c < 0 ? Node::of(Kind::zero_width) : Node::of_set(range(c, c));
  }

  // One member of a class: its character, or -1 when it was a set (added) or not ASCII.
  int class_atom(CharSet& sample, CharSet& matched) {
    const char c = s_[at_++];
    if (c == '\\' && !done()) {
      const char e = s_[at_++];
      CharSet s, m;
      if (class_escape(e, s, m)) {
        sample |= s, matched |= m;
        return -1;
      }
      return e == 'b' ? '\b' : escaped_char(e);
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      note("a non-ASCII character");
      while (!done() && (static_cast<unsigned char>(peek()) & 0xc0) == 0x80) ++at_;
      return -1;
    }
    return static_cast<unsigned char>(c);
  }

  Node klass() {
    const bool negate = eat('^');
    CharSet sample, matched;
    auto add_char = [&](int c) {
      sample.set(static_cast<size_t>(c));
      matched.set(static_cast<size_t>(c));
    };
    while (!done() && peek() != ']') {
      int lo = class_atom(sample, matched);
      if (lo < 0) continue;
      if (peek() == '-' && peek(1) != ']' && at_ + 1 < s_.size()) {
        ++at_;
        int hi = class_atom(sample, matched);
        if (hi >= lo) {
          CharSet r = range(lo, hi);
          sample |= r, matched |= r;
          continue;
        }
        add_char('-');
        if (hi >= 0) add_char(hi);
      }
      add_char(lo);
    }
    eat(']');
    Node n = Node::of_set(negate ? kPrintable & ~matched : sample);
    if (n.members.empty()) note("a character class no ASCII character matches");
    return n;
  }

  std::string_view s_;
  size_t at_ = 0;
};

size_t min_len(const Node& n) {
  switch (n.kind) {
    case Kind::chars:
    case Kind::text: return 1;
    case Kind::sequence: {
      size_t sum = 0;
      for (const auto& p : n.parts) sum = add(sum, min_len(p));
      return sum;
    }
    case Kind::alternation: {
      size_t least = kUnbounded;
      for (const auto& p : n.parts) least = std::min(least, min_len(p));
      return n.parts.empty() ? 0 : least;
    }
    case Kind::repeat: return times(min_len(n.parts[0]), n.min);
    default: return 0;
  }
}

size_t max_len(const Node& n) {
  switch (n.kind) {
    case Kind::chars:
    case Kind::text: return 1;
    case Kind::sequence: {
      size_t sum = 0;
      for (const auto& p : n.parts) sum = add(sum, max_len(p));
      return sum;
    }
    case Kind::alternation: {
      size_t most = 0;
      for (const auto& p : n.parts) most = std::max(most, max_len(p));
      return most;
    }
    case Kind::repeat: {
      size_t each = max_len(n.parts[0]);
      if (each == 0) return 0;
      return n.max == kUnbounded ? kUnbounded : times(each, n.max);
    }
    case Kind::unknown: return kUnbounded;
    default: return 0;
  }
}

// Whether every match is pinned to the start (front = true) or the end of the string.
bool anchored(const Node& n, bool front) {
  switch (n.kind) {
    case Kind::start: return front;
    case Kind::end: return !front;
    case Kind::alternation:
      return !n.parts.empty() &&
             std::all_of(n.parts.begin(), n.parts.end(),
                         [&](const Node& p) { return anchored(p, front); });
    case Kind::sequence: {
      auto pinned = [&](const Node& p) {
        if (p.kind == Kind::zero_width) return std::optional<bool>();  // look further in
        return std::optional<bool>(anchored(p, front));
      };
      if (front) {
        for (const auto& p : n.parts)
          if (auto r = pinned(p)) return *r;
      } else {
        for (auto it = n.parts.rbegin(); it != n.parts.rend(); ++it)
          if (auto r = pinned(*it)) return *r;
      }
      return false;
    }
    default: return false;
  }
}

// Appends a match of `n`. An open repetition repeats `spread` times beyond its minimum when
// `exact`, else a number drawn up to that.
void draw(const Node& n, Rng& rng, size_t spread, bool exact, std::string& out) {
  if (out.size() >= kMaxDraw) return;
  switch (n.kind) {
    case Kind::chars:
      if (!n.members.empty()) out += n.members[rng.below(n.members.size())];
      return;
    case Kind::text: out += n.members; return;
    case Kind::sequence:
      for (const auto& p : n.parts) draw(p, rng, spread, exact, out);
      return;
    case Kind::alternation:
      if (!n.parts.empty()) draw(n.parts[rng.below(n.parts.size())], rng, spread, exact, out);
      return;
    case Kind::repeat: {
      size_t extra = std::min(n.max - n.min, spread);
      size_t count = n.min + (exact ? extra : extra ? rng.below(extra + 1) : 0);
      for (size_t i = 0; i < count && (i < n.min || out.size() < kMaxSample); ++i)
        draw(n.parts[0], rng, spread, exact, out);
      return;
    }
    default: return;
  }
}

}  // namespace

RegexSampler::RegexSampler(std::string_view pattern) {
  Parser parser(pattern);
  root_ = std::make_unique<detail::RegexNode>(parser.parse());
  unsupported_ = parser.unsupported;
  pad_front_ = !anchored(*root_, true);
  pad_back_ = !anchored(*root_, false);
  min_length_ = min_len(*root_);
  max_length_ = pad_front_ || pad_back_ ? kUnbounded : max_len(*root_);
  if (min_length_ > kMaxSample) unsupported_ = "a shortest match longer than 100000 characters";
}

RegexSampler::~RegexSampler() = default;
RegexSampler::RegexSampler(RegexSampler&&) noexcept = default;

std::string RegexSampler::sample(Rng& rng, size_t min_len, size_t max_len) const {
  if (min_length_ > kMaxSample) return {};
  std::string best;
  size_t best_miss = kUnbounded;
  // A few free draws (open repetitions a little beyond their minimum); then, while the length
  // misses, a search for the number of extra repetitions that meets it.
  size_t low = 0, high = kMaxSpread;
  for (int attempt = 0; attempt < 32 && low <= high; ++attempt) {
    const bool exact = attempt >= 4;
    const size_t spread = exact ? low + (high - low) / 2 : 3;
    std::string s;
    draw(*root_, rng, spread, exact, s);
    if (s.size() < min_len && (pad_back_ || pad_front_)) {
      std::string pad;
      while (s.size() + pad.size() < min_len) pad += static_cast<char>('a' + rng.below(26));
      s = pad_back_ ? s + pad : pad + s;
    }
    const size_t length = s.size();
    size_t miss = length < min_len ? min_len - length : length > max_len ? length - max_len : 0;
    if (miss == 0) return s;
    if (miss < best_miss) best = std::move(s), best_miss = miss;
    if (!exact) continue;
    if (length < min_len) low = spread + 1;
    else if (spread == 0) break;
    else high = spread - 1;
  }
  return best;
}

}  // namespace oxen::mock
