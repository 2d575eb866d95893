#include "instance_generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "../../conformance/contract/json_ref.hpp"
#include "../../conformance/contract/schema_dialect.hpp"
#include "../../conformance/contract/schema_store.hpp"
#include "../../conformance/contract/text.hpp"
#include "regex_sampler.hpp"

namespace oxen::mock {

namespace {

using nlohmann::json;

// Bounds that keep a hostile schema from costing unbounded time or memory.
constexpr size_t kMaxSize = 1000;
constexpr double kMaxInteger = 1e15;
constexpr size_t kMaxString = kMaxSize * 100;

constexpr const char* kWords[] = {
    "amber",   "bright", "calm",    "delta",  "ember",  "field",   "grain",  "harbor", "island",
    "juniper", "kettle", "lantern", "meadow", "north",  "orchard", "pebble", "quartz", "river",
    "summit",  "timber", "umber",   "valley", "willow", "yonder",  "zephyr"};
constexpr const char* kCities[] = {"Paris", "Lisbon",  "Oslo",      "Nairobi",   "Kyoto",
                                   "Lima",  "Toronto", "Melbourne", "Reykjavik", "Seoul"};
constexpr const char* kNames[] = {"Ada",   "Bruno", "Chiara", "Dmitri", "Esther",
                                  "Farid", "Grace", "Hiro",   "Ines",   "Jonas"};

template <size_t N>
std::string pick(const char* const (&list)[N], Rng& rng) {
  return list[rng.below(N)];
}

std::string two_digits(int64_t v) {
  std::string out(v < 10 ? "0" : "");
  out += std::to_string(v);
  return out;
}

// a + b, written as appends (g++ 12 warns falsely on `"literal" + std::string&&` at -O2).
std::string join(std::string a, const std::string& b) {
  a += b;
  return a;
}

std::string formatted(const std::string& format, Rng& rng) {
  auto date = [&] {
    return std::to_string(rng.between(2020, 2030)) + "-" + two_digits(rng.between(1, 12)) + "-" +
           two_digits(rng.between(1, 28));
  };
  auto time = [&] {
    return two_digits(rng.between(0, 23)) + ":" + two_digits(rng.between(0, 59)) + ":" +
           two_digits(rng.between(0, 59)) + "Z";
  };
  if (format == "date-time") return date() + "T" + time();
  if (format == "date") return date();
  if (format == "time") return time();
  if (format == "email" || format == "idn-email")
    return ascii_lower(pick(kNames, rng)) + "@example.com";
  if (format == "uri" || format == "iri" || format == "uri-reference" || format == "iri-reference")
    return join("https://example.com/", pick(kWords, rng));
  if (format == "uuid") return rng.uuid();
  if (format == "hostname" || format == "idn-hostname") return pick(kWords, rng) + ".example.com";
  if (format == "ipv4")
    return std::to_string(rng.between(1, 223)) + "." + std::to_string(rng.between(0, 255)) + "." +
           std::to_string(rng.between(0, 255)) + "." + std::to_string(rng.between(1, 254));
  if (format == "ipv6") return join("2001:db8::", std::to_string(rng.between(1, 9999)));
  return {};
}

// `text` quoted for a reason: long patterns are cut, so a reason stays one readable line.
std::string quoted(const std::string& text) {
  return "'" + (text.size() > 80 ? text.substr(0, 77) + "..." : text) + "'";
}

// A keyword and its value as a reason shows it: "minimum 5".
std::string shown(const char* keyword, const json& value) {
  return std::string(keyword) + " " + value.dump();
}

// Keywords the generator does not steer: it notes them, so a schema that no value satisfied is
// answered with the keyword to blame.
constexpr const char* kUnsteered[] = {
    "not", "if", "contains", "patternProperties", "propertyNames", "dependencies",
    "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems"};

struct Finding {
  std::string pointer;  // into the schema
  std::string reason;
  bool unsatisfiable;  // a contradiction, not a keyword the generator does not steer
};

class Generator {
 public:
  Generator(const json& root, Rng& rng, const InstanceOptions& options)
      : root_(root), rng_(rng), options_(options) {}

  const std::vector<Finding>& findings() const { return findings_; }

  // A value for `schema`, the node at JSON pointer `at` of the root.
  json generate(const json& schema, const std::string& at, int depth,
                const std::string& hint = "") {
    if (schema.is_boolean()) {
      if (schema.get<bool>()) return pick(kWords, rng_);
      unsatisfiable(at, "the schema false accepts no value");
      return json();
    }
    if (!schema.is_object()) return json();
    for (const char* key : kUnsteered)
      if (schema.contains(key))
        unsteered(at + "/" + key,
                  std::string("'") + key + "' is a keyword the mock does not steer");
    if (schema.contains("$ref")) {
      // draft-07: siblings of $ref are ignored (to_draft7 has wrapped 2020-12 ones in allOf).
      const json* target = target_of(schema);
      if (!target) {
        unsteered(at + "/$ref",
                  "$ref " + schema["$ref"].dump() + " does not lead to a schema in this document (or leads back to itself)");
        return json();
      }
      if (depth > options_.max_depth * 4) {
        unsteered(at + "/$ref", "$ref recursion deeper than the mock follows");
        return json();
      }
      return generate(*target, schema["$ref"].get<std::string>().substr(1), depth + 1, hint);
    }
    if (schema.contains("allOf") && schema["allOf"].is_array()) {
      json merged = schema;
      merged.erase("allOf");
      for (const auto& part : schema["allOf"]) merged = merge(merged, resolved(part), at);
      return generate(merged, at, depth, hint);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (!schema.contains(key) || !schema[key].is_array() || schema[key].empty()) continue;
      std::vector<size_t> open;
      for (size_t i = 0; i < schema[key].size(); ++i)
        if (schema[key][i] != false) open.push_back(i);
      if (open.empty()) {
        unsatisfiable(at + "/" + key, std::string("every branch of ") + key + " is false");
        return json();
      }
      json rest = schema;
      rest.erase(key);
      const size_t i = open[rng_.below(open.size())];
      const std::string branch = at + "/" + key + "/" + std::to_string(i);
      return generate(merge(rest, resolved(schema[key][i]), branch), branch, depth, hint);
    }
    if (schema.contains("const")) return schema["const"];
    if (schema.contains("enum") && schema["enum"].is_array()) {
      if (schema["enum"].empty()) {
        unsatisfiable(at + "/enum", "enum is empty");
        return json();
      }
      return schema["enum"][rng_.below(schema["enum"].size())];
    }
    if (schema.contains("type") && schema["type"].is_array() && schema["type"].empty()) {
      unsatisfiable(at + "/type", "type [] allows no value");
      return json();
    }

    std::string type = choose_type(schema);
    if (type == "object") return object(schema, at, depth);
    if (type == "array") return array(schema, at, depth);
    if (type == "integer") return integer(schema, at);
    if (type == "number") return number(schema, at);
    if (type == "boolean") return rng_.below(2) == 1;
    if (type == "null") return nullptr;
    return string(schema, at, hint);
  }

 private:
  void record(const std::string& at, std::string reason, bool unsatisfiable) {
    for (const auto& f : findings_)
      if (f.pointer == at && f.reason == reason) return;
    if (findings_.size() < 32) findings_.push_back({at, std::move(reason), unsatisfiable});
  }
  void unsatisfiable(const std::string& at, const std::string& why) {
    record(at, "the schema is unsatisfiable: " + why, true);
  }
  void unsteered(const std::string& at, std::string why) { record(at, std::move(why), false); }

  // Where the `$ref` chain that starts at `schema` ends, in this document; nullptr when it cannot
  // be followed (unresolved, a cycle, or into another document).
  const json* target_of(const json& schema) const {
    auto end = resolve_ref_or_null({&schema, &root_});
    if (!end.node || (end.node->is_object() && end.node->contains("$ref"))) return nullptr;
    return end.node;
  }

  json resolved(const json& schema) const {
    const json* target = schema.is_object() && schema.contains("$ref") ? target_of(schema) : nullptr;
    return target ? *target : schema;
  }

  // Combines two schemas so that a value generated from the result tends to satisfy both; a
  // contradiction between them is recorded at `at`.
  json merge(json a, const json& b, const std::string& at) {
    if (b == false) unsatisfiable(at, "the schema false accepts no value");
    if (!b.is_object()) return a;
    if (!a.is_object()) return b;
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) {
        a[key] = value;
      } else if (key == "properties" && value.is_object()) {
        for (const auto& [name, sub] : value.items())
          a[key][name] = a[key].contains(name) ? json{{"allOf", {a[key][name], sub}}} : sub;
      } else if (key == "required" && value.is_array()) {
        for (const auto& r : value)
          if (std::find(a[key].begin(), a[key].end(), r) == a[key].end()) a[key].push_back(r);
      } else if ((key == "minimum" || key == "exclusiveMinimum" || key == "minLength" ||
                  key == "minItems" || key == "minProperties") &&
                 value.is_number()) {
        a[key] = std::max(a[key].get<double>(), value.get<double>());
      } else if ((key == "maximum" || key == "exclusiveMaximum" || key == "maxLength" ||
                  key == "maxItems" || key == "maxProperties") &&
                 value.is_number()) {
        a[key] = std::min(a[key].get<double>(), value.get<double>());
      } else if (key == "type") {
        auto as_list = [](const json& t) { return t.is_array() ? t : json::array({t}); };
        json both = json::array();
        for (const auto& t : as_list(a[key]))
          for (const auto& u : as_list(value))
            if (t == u || (t == "number" && u == "integer"))
              both.push_back(u);
            else if (t == "integer" && u == "number")
              both.push_back(t);
        if (both.empty())
          unsatisfiable(at, "type " + a[key].dump() + " and type " + value.dump() +
                                " have no value in common");
        else
          a[key] = both.size() == 1 ? both[0] : both;
      } else if (key == "enum" && value.is_array() && a[key].is_array()) {
        json both = json::array();
        for (const auto& v : a[key])
          if (std::find(value.begin(), value.end(), v) != value.end()) both.push_back(v);
        if (both.empty())
          unsatisfiable(at, "enum " + a[key].dump() + " and enum " + value.dump() +
                                " have no value in common");
        else
          a[key] = both;
      } else if (key == "const" && a[key] != value) {
        unsatisfiable(at, "const " + a[key].dump() + " and const " + value.dump() + " differ");
      } else if (key == "items" || key == "additionalProperties") {
        if (value.is_object() && a[key].is_object())
          a[key] = json{{"allOf", {a[key], value}}};
        else if (value == false)
          a[key] = false;
      } else {
        a[key] = value;
      }
    }
    return a;
  }

  std::string choose_type(const json& schema) {
    if (schema.contains("type")) {
      const json& t = schema["type"];
      if (t.is_string()) return t;
      if (t.is_array() && !t.empty()) {
        std::vector<std::string> non_null;
        for (const auto& x : t)
          if (x.is_string() && x != "null") non_null.push_back(x);
        if (non_null.empty()) return "null";
        // null only now and then, so nested structure is exercised.
        bool has_null = non_null.size() < t.size();
        if (has_null && rng_.below(5) == 0) return "null";
        return non_null[rng_.below(non_null.size())];
      }
    }
    if (schema.contains("properties") || schema.contains("required") ||
        schema.contains("additionalProperties") || schema.contains("minProperties"))
      return "object";
    if (schema.contains("items") || schema.contains("minItems") || schema.contains("maxItems"))
      return "array";
    if (schema.contains("multipleOf")) return "integer";
    if (schema.contains("minimum") || schema.contains("maximum") ||
        schema.contains("exclusiveMinimum") || schema.contains("exclusiveMaximum"))
      return "number";
    return "string";
  }

  // A non-negative count keyword, or `otherwise`.
  static size_t count_of(const json& schema, const char* key, size_t otherwise) {
    if (!schema.contains(key) || !schema[key].is_number() || schema[key].get<double>() < 0)
      return otherwise;
    return static_cast<size_t>(std::min(schema[key].get<double>(), 1e15));
  }

  // A pair of count keywords (minItems/maxItems, ...), refused when min > max and when min is
  // above `cap`, what the mock generates (counted in `unit`).
  struct Counts {
    size_t min, max;
  };
  Counts counts_of(const json& schema, const std::string& at, const char* min_key,
                   const char* max_key, size_t cap, const std::string& unit = "") {
    Counts c{count_of(schema, min_key, 0),
             count_of(schema, max_key, std::numeric_limits<size_t>::max())};
    if (c.min > c.max)
      unsatisfiable(at, shown(min_key, schema[min_key]) + " > " + shown(max_key, schema[max_key]));
    if (c.min > cap)
      unsteered(at + "/" + min_key, std::string(min_key) + " " + std::to_string(c.min) +
                                        " is more than the mock generates (" +
                                        std::to_string(cap) + (unit.empty() ? "" : " " + unit) +
                                        ")");
    return c;
  }

  json object(const json& schema, const std::string& at, int depth) {
    json out = json::object();
    const json props = schema.value("properties", json::object());
    std::vector<std::string> required;
    if (schema.contains("required") && schema["required"].is_array())
      for (const auto& r : schema["required"])
        if (r.is_string()) required.push_back(r);
    const auto [min_props, max_props] =
        counts_of(schema, at, "minProperties", "maxProperties", std::numeric_limits<size_t>::max());
    const json additional = schema.value("additionalProperties", json(true));
    const bool closed = additional == false && !schema.contains("patternProperties");
    if (required.size() > max_props)
      unsatisfiable(at, std::to_string(required.size()) + " required properties > " +
                            shown("maxProperties", schema["maxProperties"]));
    if (closed && min_props > props.size())
      unsatisfiable(at, shown("minProperties", schema["minProperties"]) + " > the " +
                            std::to_string(props.size()) +
                            " properties that additionalProperties false allows");
    for (const auto& name : required) {
      const std::string token = escape_pointer_token(name);
      if (props.contains(name)) {
        out[name] = generate(props[name], at + "/properties/" + token, depth + 1, name);
        continue;
      }
      if (closed)
        unsatisfiable(at + "/required", "required property '" + name +
                                            "' is not allowed by additionalProperties false");
      out[name] = generate(additional.is_object() ? additional : json::object(),
                           at + "/additionalProperties", depth + 1, name);
    }
    std::vector<std::string> optional;
    for (const auto& [name, _] : props.items())
      if (!out.contains(name)) optional.push_back(name);
    for (const auto& name : optional) {
      if (out.size() >= max_props) break;
      if (props[name] == false) continue;  // a property that must be absent
      bool include = out.size() < min_props || (options_.optional_properties &&
                                                depth < options_.max_depth && rng_.below(2) == 0);
      if (include)
        out[name] = generate(props[name], at + "/properties/" + escape_pointer_token(name),
                             depth + 1, name);
    }
    for (size_t i = 0; out.size() < min_props && additional != false && i < 64; ++i) {
      std::string name = "extra_" + std::to_string(i);
      if (out.contains(name)) continue;
      out[name] = generate(additional.is_object() ? additional : json::object(),
                           at + "/additionalProperties", depth + 1, name);
    }
    return out;
  }

  json array(const json& schema, const std::string& at, int depth) {
    const bool bounded = schema.contains("maxItems") && schema["maxItems"].is_number();
    const Counts counts = counts_of(schema, at, "minItems", "maxItems", kMaxSize);
    const size_t max_allowed = counts.max;
    // Beyond the cap the value fails validation instead.
    const size_t min_items = std::min(counts.min, kMaxSize);
    size_t max_items = std::min(bounded ? max_allowed : min_items + options_.max_items,
                                min_items + options_.max_items);
    if (depth >= options_.max_depth) max_items = min_items;
    size_t count = min_items + (max_items > min_items ? rng_.below(max_items - min_items + 1) : 0);
    const json items = schema.value("items", json::object());
    json out = json::array();
    if (items == false) {
      if (min_items > 0)
        unsatisfiable(at, "items false allows no items, " + shown("minItems", schema["minItems"]));
      return out;
    }
    if (items.is_array()) {
      // A tuple (draft-07 items: [...], or 2020-12 prefixItems after to_draft7): every position,
      // then now and then a rest item when additionalItems allows one.
      const json extra = schema.value("additionalItems", json(true));
      const bool closed = extra == false;
      if (closed && min_items > items.size())
        unsatisfiable(at, shown("minItems", schema["minItems"]) + " > the " +
                              std::to_string(items.size()) +
                              " positions of a tuple that allows no further items");
      size_t n = depth >= options_.max_depth ? min_items : std::max(items.size(), min_items);
      if (!closed && depth < options_.max_depth) n += rng_.below(3);
      if (closed) n = std::min(n, items.size());
      n = std::max(std::min(n, max_allowed), std::min(min_items, max_allowed));
      for (size_t i = 0; i < n; ++i) {
        if (i < items.size())
          out.push_back(generate(items[i], at + "/items/" + std::to_string(i), depth + 1));
        else
          out.push_back(generate(extra.is_object() ? extra : json::object(),
                                 at + "/additionalItems", depth + 1));
      }
      return out;
    }
    const bool unique = schema.value("uniqueItems", false);
    for (size_t i = 0; i < count; ++i) {
      json item = generate(items, at + "/items", depth + 1);
      for (int tries = 0;
           unique && tries < 16 && std::find(out.begin(), out.end(), item) != out.end(); ++tries)
        item = generate(items, at + "/items", depth + 1);
      if (unique && std::find(out.begin(), out.end(), item) != out.end()) {
        if (out.size() >= min_items) break;  // no more distinct values to be had
        unsteered(at + "/uniqueItems", "uniqueItems with " + shown("minItems", schema["minItems"]) +
                                           ": the mock found only " + std::to_string(out.size()) +
                                           " distinct items");
      }
      out.push_back(std::move(item));
    }
    return out;
  }

  // The bounds of a numeric schema as a closed range; `integral` rounds them inwards.
  struct Range {
    double lo = 0, hi = 0;
    bool lo_set = false, hi_set = false;  // from the schema, not a default span
    std::string lo_text, hi_text;         // "minimum 5", for reasons
  };

  Range bounds(const json& schema, bool integral) {
    Range r;
    r.lo = -std::numeric_limits<double>::infinity(), r.hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false;
    if (schema.contains("minimum") && schema["minimum"].is_number())
      r.lo = schema["minimum"], r.lo_text = shown("minimum", schema["minimum"]);
    if (schema.contains("maximum") && schema["maximum"].is_number())
      r.hi = schema["maximum"], r.hi_text = shown("maximum", schema["maximum"]);
    if (schema.contains("exclusiveMinimum")) {
      const json& e = schema["exclusiveMinimum"];
      if (e.is_number() && e.get<double>() >= r.lo)
        r.lo = e, lo_open = true, r.lo_text = shown("exclusiveMinimum", e);
      if (e.is_boolean() && e.get<bool>()) lo_open = true;  // draft-04 form
    }
    if (schema.contains("exclusiveMaximum")) {
      const json& e = schema["exclusiveMaximum"];
      if (e.is_number() && e.get<double>() <= r.hi)
        r.hi = e, hi_open = true, r.hi_text = shown("exclusiveMaximum", e);
      if (e.is_boolean() && e.get<bool>()) hi_open = true;
    }
    r.lo_set = !std::isinf(r.lo), r.hi_set = !std::isinf(r.hi);
    if (!r.lo_set && !r.hi_set)
      r.lo = 0, r.hi = 100;
    else if (!r.lo_set)
      r.lo = r.hi - 100;
    else if (!r.hi_set)
      r.hi = r.lo + 100;
    if (r.lo_set && r.hi_set && r.lo > r.hi) {
      unsatisfiable_at_ = r.lo_text + " > " + r.hi_text;
      return r;
    }
    if (integral) {
      // Keep within what int64_t holds exactly; schemas asking for more fail validation.
      r.lo = std::max(r.lo, -kMaxInteger), r.hi = std::min(r.hi, kMaxInteger);
      double l = std::ceil(r.lo), h = std::floor(r.hi);
      if (lo_open && l == r.lo) l += 1;
      if (hi_open && h == r.hi) h -= 1;
      if (h < l && r.lo_set && r.hi_set)
        unsatisfiable_at_ = "no integer satisfies " + r.lo_text + " and " + r.hi_text;
      r.lo = l, r.hi = h;
      return r;
    }
    if (r.lo_set && r.hi_set && r.lo == r.hi && (lo_open || hi_open))
      unsatisfiable_at_ = "no number satisfies " + r.lo_text + " and " + r.hi_text;
    double span = r.hi - r.lo;
    if (lo_open) r.lo += std::min(0.01, span / 4);
    if (hi_open) r.hi -= std::min(0.01, span / 4);
    return r;
  }

  // A value of k * multipleOf within `r`, or nullopt (recorded when the schema set both bounds).
  std::optional<double> multiple(const json& schema, const Range& r, const std::string& at) {
    double m = schema["multipleOf"];
    if (m <= 0) return std::nullopt;
    double k_lo = std::ceil(r.lo / m), k_hi = std::floor(r.hi / m);
    // A default end of the range widens to where a multiple is.
    if (!r.lo_set && k_lo > k_hi) k_lo = k_hi;
    if (!r.hi_set && k_hi < k_lo) k_hi = k_lo;
    if (k_hi < k_lo) {
      unsatisfiable(at, "no multiple of " + schema["multipleOf"].dump() + " satisfies " +
                            r.lo_text + " and " + r.hi_text);
      return std::nullopt;
    }
    double k = k_lo + static_cast<double>(
                          rng_.below(static_cast<uint64_t>(std::min(k_hi - k_lo, 1e9)) + 1));
    return k * m;
  }

  // Records a contradiction bounds() found.
  bool contradicted(const std::string& at) {
    if (unsatisfiable_at_.empty()) return false;
    unsatisfiable(at, unsatisfiable_at_);
    unsatisfiable_at_.clear();
    return true;
  }

  json integer(const json& schema, const std::string& at) {
    Range r = bounds(schema, true);
    if (contradicted(at)) return static_cast<int64_t>(std::clamp(r.lo, -kMaxInteger, kMaxInteger));
    if (schema.contains("multipleOf") && schema["multipleOf"].is_number()) {
      for (int tries = 0; tries < 8; ++tries) {
        auto v = multiple(schema, r, at);
        if (!v) break;
        if (*v == std::floor(*v) && std::abs(*v) <= kMaxInteger) return static_cast<int64_t>(*v);
      }
    }
    if (r.hi < r.lo) return static_cast<int64_t>(r.lo);
    return rng_.between(static_cast<int64_t>(r.lo), static_cast<int64_t>(r.hi));
  }

  json number(const json& schema, const std::string& at) {
    Range r = bounds(schema, false);
    if (contradicted(at)) return r.lo;
    if (schema.contains("multipleOf") && schema["multipleOf"].is_number()) {
      if (auto v = multiple(schema, r, at)) {
        if (*v == std::floor(*v) && std::abs(*v) < kMaxInteger) return static_cast<int64_t>(*v);
        return *v;
      }
    }
    if (r.hi < r.lo) return r.lo;
    double v = std::round((r.lo + rng_.unit() * (r.hi - r.lo)) * 100) / 100;
    return std::clamp(v, r.lo, r.hi);
  }

  json string(const json& schema, const std::string& at, const std::string& hint) {
    const auto [min_len, max_len] =
        counts_of(schema, at, "minLength", "maxLength", kMaxString, "characters");
    const std::string format = schema.contains("format") && schema["format"].is_string()
                                   ? schema["format"].get<std::string>()
                                   : "";
    std::string out = formatted(format, rng_);
    if (schema.contains("pattern") && schema["pattern"].is_string())
      return matching(schema, at, out, min_len, max_len);
    if (out.empty()) {
      std::string h = ascii_lower(hint);
      if (h.find("city") != std::string::npos || h.find("location") != std::string::npos)
        out = pick(kCities, rng_);
      else if (h == "name" || h.find("_name") != std::string::npos ||
               h.find("author") != std::string::npos)
        out = pick(kNames, rng_);
      else {
        size_t words = 1 + rng_.below(3);
        for (size_t i = 0; i < words; ++i) {
          if (i) out += ' ';
          out += pick(kWords, rng_);
        }
      }
    } else if (out.size() < min_len || out.size() > max_len) {
      unsteered(at + "/format", "format '" + format + "' values do not fit " +
                                    shown("minLength", schema.value("minLength", json(0))) +
                                    (schema.contains("maxLength")
                                         ? " and " + shown("maxLength", schema["maxLength"])
                                         : ""));
    }
    while (out.size() < std::min(min_len, kMaxString))
      out += static_cast<char>('a' + rng_.below(26));
    if (out.size() > max_len) out.resize(max_len);
    return out;
  }

  // A string for a schema with `pattern`: the format's value when it matches (a readable email,
  // a date-time the validator's format check takes), else a sample of the pattern.
  json matching(const json& schema, const std::string& at, const std::string& formatted_value,
                size_t min_len, size_t max_len) {
    const std::string pattern = schema["pattern"];
    RegexSampler sampler(pattern);
    const size_t longest = sampler.max_length(), shortest = sampler.min_length();
    if (shortest > max_len)
      unsatisfiable(at, "pattern " + quoted(pattern) + " matches no string shorter than " +
                            std::to_string(shortest) + " characters, " +
                            shown("maxLength", schema["maxLength"]));
    if (longest < min_len)
      unsatisfiable(at, "pattern " + quoted(pattern) + " matches no string longer than " +
                            std::to_string(longest) + " characters, " +
                            shown("minLength", schema["minLength"]));
    if (!formatted_value.empty() && formatted_value.size() >= min_len &&
        formatted_value.size() <= max_len) {
      try {
        if (std::regex_search(formatted_value, std::regex(pattern))) return formatted_value;
      } catch (const std::regex_error&) {
        // compile_schema has checked the pattern; nothing to learn here
      }
    }
    if (!sampler.unsupported().empty())
      unsteered(at + "/pattern", "pattern " + quoted(pattern) +
                                     " uses a construct the mock cannot generate for (" +
                                     sampler.unsupported() + ")");
    return sampler.sample(rng_, std::min(min_len, kMaxString), max_len);
  }

  const json& root_;
  Rng& rng_;
  InstanceOptions options_;
  std::vector<Finding> findings_;
  std::string unsatisfiable_at_;  // set by bounds(), recorded by the caller that knows where
};

}  // namespace

nlohmann::json generate_instance(const nlohmann::json& schema, Rng& rng,
                                 const InstanceOptions& options) {
  const json document = to_draft7(schema);
  return Generator(document, rng, options).generate(document, "", 0);
}

GeneratedInstance generate_valid_instance(const oxen::Schema& compiled, Rng& rng, int attempts,
                                          const InstanceOptions& options) {
  const json& document = compiled.document();
  // What the attempts found, with the number of attempts that found it.
  std::vector<std::pair<Finding, int>> tally;
  Violations last;
  for (int i = 0; i < attempts; ++i) {
    InstanceOptions o = options;
    // Later attempts keep to required structure: fewer places for a value to go wrong.
    if (i >= attempts / 2) o.optional_properties = false;
    Generator generator(document, rng, o);
    json value = generator.generate(document, "", 0);
    last = compiled.validate(value);
    if (last.empty()) return {std::move(value), {}, {}};
    for (const auto& f : generator.findings()) {
      auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& t) {
        return t.first.pointer == f.pointer && t.first.reason == f.reason;
      });
      if (it == tally.end())
        tally.emplace_back(f, 1);
      else
        ++it->second;
    }
  }
  // The reason: a contradiction before a keyword the generator does not steer, and among each
  // the one most attempts met; with neither, what the validator said of the last value.
  const std::pair<Finding, int>* best = nullptr;
  for (const auto& t : tally) {
    if (!best)
      best = &t;
    else if (t.first.unsatisfiable != best->first.unsatisfiable)
      best = t.first.unsatisfiable ? &t : best;
    else if (t.second > best->second)
      best = &t;
  }
  const std::string last_failure =
      last.empty() ? "" : "the last value tried failed at " + describe(last.front());
  if (best && best->first.unsatisfiable)
    return {std::nullopt, best->first.pointer, best->first.reason};
  if (best) return {std::nullopt, best->first.pointer, best->first.reason + "; " + last_failure};
  return {std::nullopt, "", "no value the mock generated satisfied it; " + last_failure};
}

}  // namespace oxen::mock
