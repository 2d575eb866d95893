#include "shape.hpp"

#include "findings.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

struct Walker {
  const SchemaStore& store;
  std::vector<std::string> out;

  // Follows `node`'s references; `root` becomes the document the result lives in.
  const json* resolve(const json& node, const json*& root) const {
    auto found = resolve_ref_or_null({&node, root}, store.lookup());
    if (found.node) root = found.root;
    return found.node;
  }

  static bool type_fits(const json& schema, const json& value) {
    if (!schema.is_object() || !schema.contains("type")) {
      if (schema.is_object() && schema.contains("const")) return schema["const"].type() == value.type() ||
                                                                 (schema["const"].is_number() && value.is_number());
      return true;
    }
    auto fits = [&](const std::string& t) {
      if (t == "object") return value.is_object();
      if (t == "array") return value.is_array();
      if (t == "string") return value.is_string();
      if (t == "integer") return value.is_number_integer();
      if (t == "number") return value.is_number();
      if (t == "boolean") return value.is_boolean();
      if (t == "null") return value.is_null();
      return false;
    };
    const auto& t = schema["type"];
    if (t.is_string()) return fits(t.get<std::string>());
    if (t.is_array())
      for (const auto& x : t)
        if (x.is_string() && fits(x.get<std::string>())) return true;
    return false;
  }

  // Every schema node (with its document root) that applies to `value`: the node itself and the
  // fitting branches of allOf/anyOf/oneOf, recursively.
  void applicable(const json& node, const json* root, const json& value,
                  std::vector<std::pair<const json*, const json*>>& acc, int depth) const {
    if (depth > 12) return;
    const json* r = root;
    const json* n = resolve(node, r);
    if (!n || !n->is_object()) return;
    if (!type_fits(*n, value)) return;
    acc.emplace_back(n, r);
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      if (!n->contains(key) || !(*n)[key].is_array()) continue;
      for (const auto& branch : (*n)[key]) applicable(branch, r, value, acc, depth + 1);
    }
  }

  void walk(const json& node, const json* root, const json& value, const std::string& pointer,
            int depth) {
    if (depth > 64) return;
    std::vector<std::pair<const json*, const json*>> nodes;
    applicable(node, root, value, nodes, 0);
    if (nodes.empty()) return;
    if (value.is_object()) {
      bool declares = false, open = false;
      for (auto [n, r] : nodes) {
        (void)r;
        if (n->contains("properties")) declares = true;
        if (n->contains("patternProperties")) open = true;
        if (n->contains("additionalProperties") && !((*n)["additionalProperties"] == false)) open = true;
      }
      for (const auto& [key, member] : value.items()) {
        std::string p = pointer + "/" + escape_pointer_token(key);
        bool known = false;
        for (auto [n, r] : nodes) {
          if (n->contains("properties") && (*n)["properties"].contains(key)) {
            known = true;
            walk((*n)["properties"][key], r, member, p, depth + 1);
          }
        }
        if (!known) {
          bool via_additional = false;
          for (auto [n, r] : nodes) {
            if (n->contains("additionalProperties") && (*n)["additionalProperties"].is_object()) {
              via_additional = true;
              walk((*n)["additionalProperties"], r, member, p, depth + 1);
            }
          }
          if (!via_additional && declares && !open) out.push_back(p);
        }
      }
    } else if (value.is_array()) {
      for (auto [n, r] : nodes) {
        if (!n->contains("items")) continue;
        const auto& items = (*n)["items"];
        for (size_t i = 0; i < value.size(); ++i) {
          const json& item_schema = items.is_array() ? (i < items.size() ? items[i] : json()) : items;
          if (item_schema.is_object())
            walk(item_schema, r, value[i], pointer + "/" + std::to_string(i), depth + 1);
        }
      }
    }
  }
};

}  // namespace

std::vector<std::string> unknown_members(const SchemaStore& store, const std::string& schema,
                                         const nlohmann::json& doc) {
  Walker w{store, {}};
  const json& root = store.get(schema).document();
  w.walk(root, &root, doc, "", 0);
  std::sort(w.out.begin(), w.out.end());
  w.out.erase(std::unique(w.out.begin(), w.out.end()), w.out.end());
  return w.out;
}

}  // namespace oxen::conformance
