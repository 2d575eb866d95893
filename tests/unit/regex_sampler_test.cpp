// Samples of a JSON Schema `pattern`: every sample of a supported pattern is found by std::regex
// (the engine the validator searches with), within the lengths asked for when there are such.
#include <doctest/doctest.h>

#include <regex>

#include "core/regex_sampler.hpp"

using oxen::mock::RegexSampler;
using oxen::mock::Rng;

namespace {

constexpr size_t kAny = RegexSampler::kUnbounded;

// Patterns as zod (v3 via zod-to-json-schema, v4 toJSONSchema) and pydantic emit them.
const char* const kSupported[] = {
    R"(^[A-Z]{3}-\d{4}$)",
    R"(^\+?[1-9]\d{1,14}$)",
    R"(^\d{5}(-\d{4})?$)",
    R"(^[a-z0-9_-]{3,16}$)",
    R"(^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$)",
    R"(^#?([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$)",
    R"(^c[^\s-]{8,}$)",
    R"(^[0-9a-z]+$)",
    R"(^[0-9A-HJKMNP-TV-Z]{26}$)",
    R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[\da-z-]+)?$)",
    R"(^((\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|(02)-(0[1-9]|1\d|2[0-8])))T(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?)Z$)",
    R"(^(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([0-9]{1,2}))\.){3}((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([0-9]{1,2}))$)",
    R"(^([0-9a-zA-Z+/]{4})*(([0-9a-zA-Z+/]{2}==)|([0-9a-zA-Z+/]{3}=))?$)",
    R"(^[\w.-]+@[\w-]+\.[a-z]{2,}$)",
    R"(^\S+$)",
    R"(^.{2,5}$)",
    R"(^(?:a|b|)$)",
    R"(^a+?b*?c??$)",
    R"(^\u0041\x42[\x30-\x39]\t$)",
    R"(^[^a-z]{2}[-a][b-]$)",
    R"(^https?://[a-z]+\.example\.com/\w*$)",
    R"(\.pdf$)",
    R"(^id_)",
    R"(abc)",
    R"([^@\s]+@[^@\s]+)",
    "^caf\xc3\xa9s?$",
};

}  // namespace

TEST_CASE("regex sampler: samples of the zod and pydantic subset match") {
  for (const char* pattern : kSupported) {
    RegexSampler sampler(pattern);
    std::regex re(pattern);
    CHECK_MESSAGE(sampler.unsupported().empty(), pattern << ": " << sampler.unsupported());
    for (uint64_t seed = 0; seed < 40; ++seed) {
      Rng rng(seed, pattern);
      std::string s = sampler.sample(rng, 0, kAny);
      INFO(pattern << " -> '" << s << "'");
      CHECK(std::regex_search(s, re));
    }
  }
}

TEST_CASE("regex sampler: nested repetitions stay bounded") {
  Rng rng(1, "nested");
  CHECK(RegexSampler(R"(^(a{10000}){10000}$)").sample(rng, 0, kAny).empty());
  CHECK(RegexSampler(R"(^((ab){1,10000}){1,10000}$)").sample(rng, 1000000, kAny).size() <= 200001);
}

TEST_CASE("regex sampler: the same seed gives the same sample") {
  RegexSampler sampler(R"(^[A-Z]{3}-\d{4}$)");
  Rng a(5, "x"), b(5, "x");
  CHECK(sampler.sample(a, 0, kAny) == sampler.sample(b, 0, kAny));
}

TEST_CASE("regex sampler: lengths") {
  SUBCASE("the lengths a pattern allows") {
    CHECK(RegexSampler(R"(^[A-Z]{3}-\d{4}$)").min_length() == 8);
    CHECK(RegexSampler(R"(^[A-Z]{3}-\d{4}$)").max_length() == 8);
    CHECK(RegexSampler(R"(^\+?[1-9]\d{1,14}$)").min_length() == 2);
    CHECK(RegexSampler(R"(^\+?[1-9]\d{1,14}$)").max_length() == 16);
    CHECK(RegexSampler(R"(^a+$)").max_length() == kAny);
    CHECK(RegexSampler(R"(^(ab|c)$)").min_length() == 1);
    // A search: an unanchored end takes any further characters.
    CHECK(RegexSampler(R"(abc)").min_length() == 3);
    CHECK(RegexSampler(R"(abc)").max_length() == kAny);
    CHECK(RegexSampler(R"(^abc)").max_length() == kAny);
  }
  SUBCASE("minLength and maxLength are met when the pattern allows them") {
    struct Case {
      const char* pattern;
      size_t min, max;
    };
    for (const Case& c : {Case{R"(^[a-z]+$)", 10, 12}, Case{R"(^\d+$)", 40, 60}, Case{R"(^[a-z]{2,30}$)", 0, 3},
                          Case{R"(abc)", 10, 10}, Case{R"(^id_)", 8, 9}, Case{R"(\.pdf$)", 12, kAny},
                          Case{R"(^[\w.-]+@[\w-]+\.[a-z]{2,}$)", 0, 8}}) {
      RegexSampler sampler(c.pattern);
      std::regex re(c.pattern);
      for (uint64_t seed = 0; seed < 20; ++seed) {
        Rng rng(seed, "lengths");
        std::string s = sampler.sample(rng, c.min, c.max);
        INFO(c.pattern << " [" << c.min << ", " << c.max << "] -> '" << s << "'");
        CHECK(std::regex_search(s, re));
        CHECK(s.size() >= c.min);
        CHECK(s.size() <= c.max);
      }
    }
  }
}

TEST_CASE("regex sampler: constructs it does not steer are named") {
  CHECK(RegexSampler(R"(^(?=.*\d)[a-z\d]{8}$)").unsupported() == "lookahead");
  CHECK(RegexSampler(R"(^(?!\.)(?!.*\.\.)([a-zA-Z0-9_'+\-\.]*)[a-zA-Z0-9_+-]@([a-zA-Z0-9][a-zA-Z0-9\-]*\.)+[a-zA-Z]{2,}$)")
            .unsupported() == "lookahead");
  CHECK(RegexSampler(R"(^[0-9a-f]{8}\b-[0-9a-f]{4}$)").unsupported() == "a word boundary");
  CHECK(RegexSampler(R"(^(a)\1$)").unsupported() == "a backreference");
  CHECK(RegexSampler(R"(^[\u00e9]$)").unsupported() == "a non-ASCII character");
  CHECK(RegexSampler("^caf\xc3\xa9+$").unsupported() == "a repeated non-ASCII character");
  CHECK(RegexSampler(R"(^a{20000}$)").unsupported() == "a repetition of more than 10000");
  CHECK(RegexSampler(R"(^(a{10000}){10000}$)").unsupported() == "a shortest match longer than 100000 characters");

  SUBCASE("a sample still honours the rest of the pattern, so most of them match") {
    // zod's email pattern: the lookaheads forbid a leading dot and "..", which a draw rarely makes.
    const char* email = R"(^(?!\.)(?!.*\.\.)([a-zA-Z0-9_'+\-\.]*)[a-zA-Z0-9_+-]@([a-zA-Z0-9][a-zA-Z0-9\-]*\.)+[a-zA-Z]{2,}$)";
    RegexSampler sampler(email);
    std::regex re(email);
    int matched = 0;
    for (uint64_t seed = 0; seed < 50; ++seed) {
      Rng rng(seed, "email");
      matched += std::regex_search(sampler.sample(rng, 0, kAny), re) ? 1 : 0;
    }
    CHECK(matched >= 40);
    // A word boundary between a hex digit and '-' holds anyway.
    const char* uuid = R"(^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$)";
    RegexSampler uuids(uuid);
    Rng rng(1, "uuid");
    CHECK(std::regex_search(uuids.sample(rng, 0, kAny), std::regex(uuid)));
  }
}
