#include "instance_generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../../conformance/contract/schema_store.hpp"
#include "../../conformance/contract/text.hpp"

namespace oxen::mock {

namespace {

using nlohmann::json;

// Bounds that keep a hostile schema from costing unbounded time or memory.
constexpr size_t kMaxSize = 1000;
constexpr double kMaxInteger = 1e15;

constexpr const char* kWords[] = {"amber", "bright", "calm",  "delta", "ember", "field", "grain",
                                  "harbor", "island", "juniper", "kettle", "lantern", "meadow",
                                  "north", "orchard", "pebble", "quartz", "river", "summit",
                                  "timber", "umber", "valley", "willow", "yonder", "zephyr"};
constexpr const char* kCities[] = {"Paris", "Lisbon", "Oslo", "Nairobi", "Kyoto", "Lima",
                                   "Toronto", "Melbourne", "Reykjavik", "Seoul"};
constexpr const char* kNames[] = {"Ada", "Bruno", "Chiara", "Dmitri", "Esther", "Farid", "Grace",
                                  "Hiro", "Ines", "Jonas"};

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
  if (format == "email" || format == "idn-email") return ascii_lower(pick(kNames, rng)) + "@example.com";
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

class Generator {
 public:
  Generator(const json& root, Rng& rng, const InstanceOptions& options)
      : root_(root), rng_(rng), options_(options) {}

  json generate(const json& schema, int depth, const std::string& hint = "") {
    if (schema.is_boolean()) return schema.get<bool>() ? json(pick(kWords, rng_)) : json();
    if (!schema.is_object()) return json();
    if (schema.contains("$ref")) {
      // draft-07: siblings of $ref are ignored.
      const json* target = resolve(schema["$ref"]);
      if (!target || depth > options_.max_depth * 4) return json();
      return generate(*target, depth + 1, hint);
    }
    if (schema.contains("allOf") && schema["allOf"].is_array()) {
      json merged = schema;
      merged.erase("allOf");
      for (const auto& part : schema["allOf"]) merged = merge(merged, resolved(part, depth));
      return generate(merged, depth, hint);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (schema.contains(key) && schema[key].is_array() && !schema[key].empty()) {
        json rest = schema;
        rest.erase(key);
        const json& branch = schema[key][rng_.below(schema[key].size())];
        return generate(merge(rest, resolved(branch, depth)), depth, hint);
      }
    }
    if (schema.contains("const")) return schema["const"];
    if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty())
      return schema["enum"][rng_.below(schema["enum"].size())];

    std::string type = choose_type(schema);
    if (type == "object") return object(schema, depth);
    if (type == "array") return array(schema, depth);
    if (type == "integer") return integer(schema);
    if (type == "number") return number(schema);
    if (type == "boolean") return rng_.below(2) == 1;
    if (type == "null") return nullptr;
    return string(schema, hint);
  }

 private:
  const json* resolve(const json& ref) const {
    if (!ref.is_string()) return nullptr;
    std::string r = ref;
    if (r.empty() || r[0] != '#') return nullptr;
    try {
      const json& target = root_.at(json::json_pointer(r.substr(1)));
      return &target;
    } catch (const std::exception&) {
      return nullptr;
    }
  }

  json resolved(const json& schema, int depth) {
    const json* s = &schema;
    for (int guard = 0; s->is_object() && s->contains("$ref") && guard < 16; ++guard) {
      const json* next = resolve((*s)["$ref"]);
      if (!next) break;
      s = next;
    }
    (void)depth;
    return *s;
  }

  // Combines two schemas so that a value generated from the result tends to satisfy both.
  static json merge(json a, const json& b) {
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
                  key == "minItems" || key == "minProperties") && value.is_number()) {
        a[key] = std::max(a[key].get<double>(), value.get<double>());
      } else if ((key == "maximum" || key == "exclusiveMaximum" || key == "maxLength" ||
                  key == "maxItems" || key == "maxProperties") && value.is_number()) {
        a[key] = std::min(a[key].get<double>(), value.get<double>());
      } else if (key == "type") {
        auto as_list = [](const json& t) { return t.is_array() ? t : json::array({t}); };
        json both = json::array();
        for (const auto& t : as_list(a[key]))
          for (const auto& u : as_list(value))
            if (t == u || (t == "number" && u == "integer")) both.push_back(u);
            else if (t == "integer" && u == "number") both.push_back(t);
        if (!both.empty()) a[key] = both.size() == 1 ? both[0] : both;
      } else if (key == "items" || key == "additionalProperties") {
        if (value.is_object() && a[key].is_object()) a[key] = json{{"allOf", {a[key], value}}};
        else if (value == false) a[key] = false;
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

  json object(const json& schema, int depth) {
    json out = json::object();
    const json props = schema.value("properties", json::object());
    std::vector<std::string> required;
    if (schema.contains("required") && schema["required"].is_array())
      for (const auto& r : schema["required"])
        if (r.is_string()) required.push_back(r);
    size_t max_props = schema.contains("maxProperties") && schema["maxProperties"].is_number()
                           ? schema["maxProperties"].get<size_t>()
                           : std::numeric_limits<size_t>::max();
    size_t min_props = schema.contains("minProperties") && schema["minProperties"].is_number()
                           ? schema["minProperties"].get<size_t>()
                           : 0;
    const json additional = schema.value("additionalProperties", json(true));
    for (const auto& name : required) {
      const json sub = props.contains(name) ? props[name]
                       : additional.is_object() ? additional
                                                : json::object();
      out[name] = generate(sub, depth + 1, name);
    }
    std::vector<std::string> optional;
    for (const auto& [name, _] : props.items())
      if (!out.contains(name)) optional.push_back(name);
    for (const auto& name : optional) {
      if (out.size() >= max_props) break;
      bool include = out.size() < min_props ||
                     (options_.optional_properties && depth < options_.max_depth && rng_.below(2) == 0);
      if (include) out[name] = generate(props[name], depth + 1, name);
    }
    for (size_t i = 0; out.size() < min_props && additional != false && i < 64; ++i) {
      std::string name = "extra_" + std::to_string(i);
      if (out.contains(name)) continue;
      out[name] = generate(additional.is_object() ? additional : json::object(), depth + 1, name);
    }
    return out;
  }

  json array(const json& schema, int depth) {
    size_t min_items = schema.contains("minItems") && schema["minItems"].is_number()
                           ? schema["minItems"].get<size_t>()
                           : 0;
    size_t max_items = schema.contains("maxItems") && schema["maxItems"].is_number()
                           ? schema["maxItems"].get<size_t>()
                           : min_items + options_.max_items;
    min_items = std::min(min_items, kMaxSize);  // beyond it the value fails validation instead
    max_items = std::min(max_items, min_items + options_.max_items);
    if (depth >= options_.max_depth) max_items = min_items;
    size_t count = min_items + (max_items > min_items ? rng_.below(max_items - min_items + 1) : 0);
    const json items = schema.value("items", json::object());
    bool unique = schema.value("uniqueItems", false);
    json out = json::array();
    if (items.is_array()) {
      // Tuple form: positions first, then additionalItems.
      const json extra = schema.value("additionalItems", json(true));
      size_t n = std::max(count, std::min(min_items, items.size()));
      if (extra == false) n = std::min(n, items.size());
      n = std::max(n, std::min(items.size(), min_items));
      for (size_t i = 0; i < n; ++i) {
        const json sub = i < items.size() ? items[i] : extra.is_object() ? extra : json::object();
        out.push_back(generate(sub, depth + 1));
      }
      return out;
    }
    for (size_t i = 0; i < count; ++i) {
      json item = generate(items, depth + 1);
      for (int tries = 0; unique && tries < 16 &&
                          std::find(out.begin(), out.end(), item) != out.end();
           ++tries)
        item = generate(items, depth + 1);
      if (unique && std::find(out.begin(), out.end(), item) != out.end()) {
        if (out.size() >= min_items) break;  // no more distinct values to be had
      }
      out.push_back(std::move(item));
    }
    return out;
  }

  // Bounds of a numeric schema as [lo, hi], closed; `integral` rounds them inwards.
  std::pair<double, double> bounds(const json& schema, bool integral) {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false;
    if (schema.contains("minimum") && schema["minimum"].is_number()) lo = schema["minimum"];
    if (schema.contains("maximum") && schema["maximum"].is_number()) hi = schema["maximum"];
    if (schema.contains("exclusiveMinimum")) {
      const json& e = schema["exclusiveMinimum"];
      if (e.is_number() && e.get<double>() >= lo) lo = e, lo_open = true;
      if (e.is_boolean() && e.get<bool>()) lo_open = true;  // draft-04 form
    }
    if (schema.contains("exclusiveMaximum")) {
      const json& e = schema["exclusiveMaximum"];
      if (e.is_number() && e.get<double>() <= hi) hi = e, hi_open = true;
      if (e.is_boolean() && e.get<bool>()) hi_open = true;
    }
    if (std::isinf(lo) && std::isinf(hi)) lo = 0, hi = 100;
    else if (std::isinf(lo)) lo = hi - 100;
    else if (std::isinf(hi)) hi = lo + 100;
    if (integral) {
      // Keep within what int64_t holds exactly; schemas asking for more fail validation.
      lo = std::max(lo, -kMaxInteger), hi = std::min(hi, kMaxInteger);
      double l = std::ceil(lo), h = std::floor(hi);
      if (lo_open && l == lo) l += 1;
      if (hi_open && h == hi) h -= 1;
      return {l, h};
    }
    double span = hi - lo;
    if (lo_open) lo += std::min(0.01, span / 4);
    if (hi_open) hi -= std::min(0.01, span / 4);
    return {lo, hi};
  }

  json integer(const json& schema) {
    auto [lo, hi] = bounds(schema, true);
    if (schema.contains("multipleOf") && schema["multipleOf"].is_number()) {
      double m = schema["multipleOf"];
      if (m > 0) {
        double k_lo = std::ceil(lo / m), k_hi = std::floor(hi / m);
        if (k_hi >= k_lo) {
          for (int tries = 0; tries < 8; ++tries) {
            double k = k_lo + static_cast<double>(rng_.below(static_cast<uint64_t>(std::min(k_hi - k_lo, 1e9)) + 1));
            double v = k * m;
            if (v == std::floor(v)) return static_cast<int64_t>(v);
          }
        }
      }
    }
    if (hi < lo) return static_cast<int64_t>(lo);
    return rng_.between(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
  }

  json number(const json& schema) {
    if (schema.contains("multipleOf") && schema["multipleOf"].is_number()) {
      auto [lo, hi] = bounds(schema, false);
      double m = schema["multipleOf"];
      if (m > 0) {
        double k_lo = std::ceil(lo / m), k_hi = std::floor(hi / m);
        if (k_hi >= k_lo) {
          double k = k_lo + static_cast<double>(rng_.below(static_cast<uint64_t>(std::min(k_hi - k_lo, 1e9)) + 1));
          double v = k * m;
          if (v == std::floor(v) && std::abs(v) < 1e15) return static_cast<int64_t>(v);
          return v;
        }
      }
    }
    auto [lo, hi] = bounds(schema, false);
    if (hi < lo) return lo;
    double v = std::round((lo + rng_.unit() * (hi - lo)) * 100) / 100;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return v;
  }

  json string(const json& schema, const std::string& hint) {
    size_t min_len = schema.contains("minLength") && schema["minLength"].is_number()
                         ? schema["minLength"].get<size_t>()
                         : 0;
    size_t max_len = schema.contains("maxLength") && schema["maxLength"].is_number()
                         ? schema["maxLength"].get<size_t>()
                         : std::numeric_limits<size_t>::max();
    std::string out;
    if (schema.contains("format") && schema["format"].is_string())
      out = formatted(schema["format"], rng_);
    if (out.empty()) {
      std::string h = ascii_lower(hint);
      if (h.find("city") != std::string::npos || h.find("location") != std::string::npos)
        out = pick(kCities, rng_);
      else if (h == "name" || h.find("_name") != std::string::npos || h.find("author") != std::string::npos)
        out = pick(kNames, rng_);
      else {
        size_t words = 1 + rng_.below(3);
        for (size_t i = 0; i < words; ++i) {
          if (i) out += ' ';
          out += pick(kWords, rng_);
        }
      }
    }
    min_len = std::min(min_len, kMaxSize * 100);
    while (out.size() < min_len) out += static_cast<char>('a' + rng_.below(26));
    if (out.size() > max_len) out.resize(max_len);
    return out;
  }

  const json& root_;
  Rng& rng_;
  InstanceOptions options_;
};

}  // namespace

nlohmann::json generate_instance(const nlohmann::json& schema, Rng& rng,
                                 const InstanceOptions& options) {
  return Generator(schema, rng, options).generate(schema, 0);
}

std::optional<nlohmann::json> generate_valid_instance(const nlohmann::json& schema,
                                                      const oxen::Schema& compiled, Rng& rng,
                                                      int attempts, const InstanceOptions& options) {
  for (int i = 0; i < attempts; ++i) {
    InstanceOptions o = options;
    // Later attempts keep to required structure: fewer places for a value to go wrong.
    if (i >= attempts / 2) o.optional_properties = false;
    json value = generate_instance(schema, rng, o);
    if (compiled.accepts(value)) return value;
  }
  return std::nullopt;
}

}  // namespace oxen::mock
