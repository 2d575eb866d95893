#include "spec_diff.hpp"

#include <map>
#include <set>

#include "api_document.hpp"
#include "json_ref.hpp"

namespace oxen::conformance {

using nlohmann::json;

std::string SpecItem::line() const {
  std::string w = where;
  while (!w.empty() && w.back() == ' ') w.pop_back();
  return kind + " " + w + (detail.empty() ? "" : ": " + detail);
}

std::string normalise_path(const std::string& path) {
  std::string out;
  bool in_brace = false;
  for (char c : path) {
    if (c == '{') {
      in_brace = true;
      out += "{}";
    } else if (c == '}') {
      in_brace = false;
    } else if (!in_brace) {
      out += c;
    }
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::vector<RouteInfo> mock_routes() {
  std::vector<RouteInfo> out;
  for (const auto& op : ApiDocument::builtin().operations()) {
    if (op.admin) continue;
    auto ok = op.response_schemas.find(200);
    out.push_back({op.method, op.pattern(), op.request_schema,
                   ok == op.response_schemas.end() ? "" : ok->second});
  }
  return out;
}

namespace {

// Where a schema node lives, for resolving its $refs.
struct Doc {
  const json* root = nullptr;
  const SchemaStore* store = nullptr;  // ours: "x.schema.json" refs
};

struct Node {
  const json* schema = nullptr;
  Doc doc;
};

// A reference to another document resolves only on our side, in the store.
Node resolve(Node n) {
  if (!n.schema) return {};
  const SchemaStore* store = n.doc.store;
  auto found = resolve_ref_or_null({n.schema, n.doc.root}, [store](const std::string& id) {
    return store ? store->find_by_id(id) : nullptr;
  });
  if (!found.node) return {};
  return Node{found.node, Doc{found.root, store}};
}

std::string ref_name(const json* schema) {
  if (!schema || !schema->is_object() || !schema->contains("$ref")) return "";
  std::string ref = (*schema)["$ref"];
  auto slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

struct Flat {
  std::set<std::string> types;
  std::map<std::string, Node> properties;
  bool has_enum = false;
  std::set<std::string> enums;  // dumped values
  Node items;
};

void flatten(Node n, Flat& f, int depth) {
  n = resolve(n);
  if (!n.schema || !n.schema->is_object() || depth > 8) return;
  const json& s = *n.schema;
  if (s.contains("type")) {
    if (s["type"].is_string())
      f.types.insert(s["type"].get<std::string>());
    else if (s["type"].is_array())
      for (const auto& t : s["type"])
        if (t.is_string()) f.types.insert(t.get<std::string>());
  }
  if (s.value("nullable", false)) f.types.insert("null");
  if (s.contains("properties") && s["properties"].is_object())
    for (const auto& [k, v] : s["properties"].items())
      if (!f.properties.count(k)) f.properties[k] = Node{&v, n.doc};
  if (s.contains("enum") && s["enum"].is_array()) {
    f.has_enum = true;
    for (const auto& v : s["enum"])
      if (!v.is_null()) f.enums.insert(v.dump());
  }
  if (s.contains("const") && !s["const"].is_null()) {
    f.has_enum = true;
    f.enums.insert(s["const"].dump());
  }
  if (s.contains("items") && s["items"].is_object() && !f.items.schema) f.items = Node{&s["items"], n.doc};
  for (const char* key : {"allOf", "anyOf", "oneOf"})
    if (s.contains(key) && s[key].is_array())
      for (const auto& b : s[key]) flatten(Node{&b, n.doc}, f, depth + 1);
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : "|") + x;
  return out;
}

// `a` is the published side (its extra members are "added"), `b` the other side.
void compare(const std::string& where, Node a, Node b, std::vector<SpecItem>& out,
             std::set<std::pair<const json*, const json*>>& seen, int depth) {
  if (depth > 10) return;
  a = resolve(a);
  b = resolve(b);
  if (!a.schema || !b.schema) return;
  if (!seen.insert({a.schema, b.schema}).second) return;
  Flat fa, fb;
  flatten(a, fa, 0);
  flatten(b, fb, 0);
  auto ta = fa.types, tb = fb.types;
  ta.erase("null");
  tb.erase("null");
  if (!ta.empty() && !tb.empty() && ta != tb)
    out.push_back({"property_retyped", where.empty() ? "(root)" : where, join(tb) + " -> " + join(ta)});
  if (fa.has_enum && fb.has_enum) {
    for (const auto& v : fa.enums)
      if (!fb.enums.count(v)) out.push_back({"enum_value_added", where.empty() ? "(root)" : where, v});
    for (const auto& v : fb.enums)
      if (!fa.enums.count(v)) out.push_back({"enum_value_removed", where.empty() ? "(root)" : where, v});
  }
  // Members are compared only where both sides declare some: an object without `properties` is
  // free-form on that side (the published document often leaves nested objects open).
  if (!fa.properties.empty() && !fb.properties.empty()) {
    for (const auto& [k, node] : fa.properties)
      if (!fb.properties.count(k)) out.push_back({"property_added", where + "/" + k, ""});
    for (const auto& [k, node] : fb.properties)
      if (!fa.properties.count(k)) out.push_back({"property_removed", where + "/" + k, ""});
    for (const auto& [k, node] : fa.properties)
      if (fb.properties.count(k)) compare(where + "/" + k, node, fb.properties.at(k), out, seen, depth + 1);
  }
  if (fa.items.schema && fb.items.schema) compare(where + "/[]", fa.items, fb.items, out, seen, depth + 1);
}

// Server path prefix of the document ("/api" when servers[0].url ends in /api).
std::string server_prefix(const json& doc) {
  if (!doc.contains("servers") || !doc["servers"].is_array() || doc["servers"].empty()) return "";
  std::string url = doc["servers"][0].value("url", "");
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "";
  std::string p = url.substr(slash);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

// "METHOD /normalised/path" -> operation object
std::map<std::string, const json*> operations(const json& doc, const std::string& scope) {
  std::map<std::string, const json*> out;
  if (!doc.contains("paths") || !doc["paths"].is_object()) return out;
  std::string prefix = server_prefix(doc);
  for (const auto& [path, item] : doc["paths"].items()) {
    std::string full = normalise_path(prefix + path);
    if (!scope.empty() && full.rfind(scope, 0) != 0) continue;
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE")
        out[m + " " + full] = &op;
    }
  }
  return out;
}

const json* json_schema_of(const json* content_holder) {
  if (!content_holder || !content_holder->is_object() || !content_holder->contains("content")) return nullptr;
  const auto& content = (*content_holder)["content"];
  for (const auto& [type, media] : content.items())
    if (type.rfind("application/json", 0) == 0 && media.contains("schema")) return &media["schema"];
  return nullptr;
}

const json* response_schema(const json& doc, const json& op) {
  if (!op.contains("responses")) return nullptr;
  for (const char* code : {"200", "201"}) {
    if (!op["responses"].contains(code)) continue;
    Node n = resolve(Node{&op["responses"][code], Doc{&doc, nullptr}});
    if (const json* s = json_schema_of(n.schema)) return s;
  }
  return nullptr;
}

const json* request_schema(const json& doc, const json& op) {
  if (!op.contains("requestBody")) return nullptr;
  Node n = resolve(Node{&op["requestBody"], Doc{&doc, nullptr}});
  return json_schema_of(n.schema);
}

}  // namespace

std::vector<SpecItem> spec_diff_ours(const json& openapi, const std::vector<RouteInfo>& routes,
                                     const SchemaStore& store, const std::string& scope) {
  std::vector<SpecItem> out;
  auto ops = operations(openapi, scope);
  std::map<std::string, const RouteInfo*> ours;
  for (const auto& r : routes) {
    std::string key = r.method + " " + normalise_path(r.pattern);
    if (!scope.empty() && normalise_path(r.pattern).rfind(scope, 0) != 0) continue;
    ours[key] = &r;
  }
  for (const auto& [key, op] : ops)
    if (!ours.count(key)) out.push_back({"path_added", key, "published, not served by the mock"});
  for (const auto& [key, r] : ours)
    if (!ops.count(key)) out.push_back({"path_removed", key, "served by the mock, not published"});
  for (const auto& [key, op] : ops) {
    auto it = ours.find(key);
    if (it == ours.end()) continue;
    const RouteInfo& r = *it->second;
    std::set<std::pair<const json*, const json*>> seen;
    for (int side = 0; side < 2; ++side) {
      const std::string& our_name = side == 0 ? r.response_schema : r.request_schema;
      const json* theirs = side == 0 ? response_schema(openapi, *op) : request_schema(openapi, *op);
      if (our_name.empty() || !theirs || !store.has(our_name)) continue;
      const json& our_doc = store.get(our_name).document();
      std::string label = key + (side == 0 ? " response " : " request ");
      std::string name = ref_name(theirs);
      label += (name.empty() ? std::string("(inline)") : name) + " ~ " + our_name;
      compare(label + " ", Node{theirs, Doc{&openapi, nullptr}}, Node{&our_doc, Doc{&our_doc, &store}}, out,
              seen, 0);
    }
  }
  return out;
}

std::vector<SpecItem> spec_diff_baseline(const json& baseline, const json& current, const std::string& scope) {
  std::vector<SpecItem> out;
  auto a = operations(current, scope), b = operations(baseline, scope);
  for (const auto& [key, op] : a)
    if (!b.count(key)) out.push_back({"path_added", key, ""});
  for (const auto& [key, op] : b)
    if (!a.count(key)) out.push_back({"path_removed", key, ""});
  auto schemas = [](const json& d) -> const json* {
    if (d.contains("components") && d["components"].contains("schemas")) return &d["components"]["schemas"];
    return nullptr;
  };
  const json* sa = schemas(current);
  const json* sb = schemas(baseline);
  if (!sa || !sb) return out;
  for (const auto& [name, s] : sa->items())
    if (!sb->contains(name)) out.push_back({"schema_added", name, ""});
  for (const auto& [name, s] : sb->items())
    if (!sa->contains(name)) out.push_back({"schema_removed", name, ""});
  for (const auto& [name, s] : sa->items()) {
    if (!sb->contains(name)) continue;
    std::set<std::pair<const json*, const json*>> seen;
    compare(name + " ", Node{&s, Doc{&current, nullptr}}, Node{&(*sb)[name], Doc{&baseline, nullptr}}, out, seen, 0);
  }
  return out;
}

}  // namespace oxen::conformance
