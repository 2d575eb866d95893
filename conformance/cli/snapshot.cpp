#include "snapshot.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "findings.hpp"
#include "report.hpp"
#include "text.hpp"

namespace oxen::conformance {

using nlohmann::json;

namespace {

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "other";
  }
}

bool volatile_name(const std::string& key) {
  std::string k = ascii_lower(key);
  if (k == "id" || k == "created" || k == "timestamp" || k == "logo" || k == "seed") return true;
  auto ends = [&](const std::string& suffix) {
    return k.size() >= suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends("_id") || ends("_at") || ends("url") || ends("_image") || ends("_time");
}

bool free_text_name(const std::string& key) {
  static const std::set<std::string> names = {"description", "summary", "display_name", "title", "name",
                                              "message", "detail", "status_description", "content",
                                              "alt", "caption", "source_model", "owned_by"};
  return names.count(ascii_lower(key)) != 0;
}

bool volatile_value(const std::string& s) {
  static const std::regex iso(R"(^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$)");
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || std::regex_match(s, iso);
}

// Endpoint template of a path: ids and query values generalised.
std::string endpoint_of(const std::string& method, const std::string& path, int status) {
  std::string p = path.substr(0, path.find('?'));
  std::string query = path.find('?') == std::string::npos ? "" : path.substr(path.find('?') + 1);
  std::string tmpl = p;
  if (p.rfind("/ai/models/", 0) == 0 && p != "/ai/models/search") {
    std::string rest = p.substr(11);
    std::string action;
    for (const char* a : {"/activate", "/deactivate"}) {
      std::string s = a;
      if (rest.size() > s.size() && rest.compare(rest.size() - s.size(), s.size(), s) == 0) action = s;
    }
    tmpl = "/ai/models/{id}" + action;
  }
  if (!query.empty()) {
    std::string names;
    std::stringstream qs(query);
    for (std::string part; std::getline(qs, part, '&');) {
      names.append(names.empty() ? "?" : "&");
      names.append(part, 0, part.find('='));
      names.append("=");
    }
    tmpl += names;
  }
  return method + " " + tmpl + " " + std::to_string(status);
}

struct Shape {
  std::map<std::string, std::set<std::string>> types;   // generalised pointer -> JSON types
  std::map<std::string, std::set<std::string>> values;  // enum-like string values
  std::map<std::string, size_t> occurrences;
};

void collect(const json& v, const std::string& pointer, const std::string& key, Shape& s) {
  s.types[pointer].insert(type_name(v));
  if (v.is_object()) {
    for (const auto& [k, member] : v.items()) collect(member, pointer + "/" + escape_pointer_token(k), k, s);
  } else if (v.is_array()) {
    for (const auto& item : v) collect(item, pointer + "/*", key, s);
  } else if (v.is_string() && !volatile_name(key) && !free_text_name(key) && !volatile_value(v.get<std::string>())) {
    s.values[pointer].insert(v.get<std::string>());
    ++s.occurrences[pointer];
  }
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : "|") + x;
  return out;
}

std::map<std::string, Shape> shapes_of(const json& snapshot) {
  std::map<std::string, Shape> out;
  for (const auto& e : snapshot.value("exchanges", json::array())) {
    std::string ep = endpoint_of(e.value("method", ""), e.value("path", ""), e.value("status", 0));
    if (e.contains("body") && !e["body"].is_string()) collect(e["body"], "", "", out[ep]);
  }
  return out;
}

json listed_models(const json& snapshot) {
  for (const auto& e : snapshot.value("exchanges", json::array()))
    if (e.value("method", "") == "GET" && e.value("path", "") == "/ai/models" && e.value("status", 0) == 200 &&
        e.contains("body") && e["body"].is_object() && e["body"].contains("data") && e["body"]["data"].is_array())
      return e["body"]["data"];
  return nullptr;
}

}  // namespace

json make_snapshot(const std::string& base_url, const std::vector<Exchange>& exchanges, const std::string& secret) {
  json snap = {{"format", "oxen-conformance-snapshot/1"}, {"base_url", base_url}, {"exchanges", json::array()}};
  for (const auto& e : exchanges) {
    json body = json::parse(e.body, nullptr, false);
    json entry = {{"method", e.method},
                  {"path", redact(e.path, secret)},
                  {"status", e.status},
                  {"content_type", e.content_type}};
    entry["body"] = body.is_discarded() ? json(redact(e.body, secret)) : redact_json(std::move(body), secret);
    snap["exchanges"].push_back(std::move(entry));
  }
  return snap;
}

json snapshot_models_fixture(const json& snapshot) {
  json data = listed_models(snapshot);
  if (data.is_null()) return nullptr;
  return {{"models", data}};
}

json load_snapshot(const std::string& path) {
  std::filesystem::path p(path);
  if (std::filesystem::is_directory(p)) p /= "snapshot.json";
  std::ifstream f(p);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  std::stringstream ss;
  ss << f.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("exchanges"))
    throw std::runtime_error(p.string() + " is not an oxen-conformance snapshot");
  return j;
}

std::string DriftItem::line() const { return kind + " " + where + (detail.empty() ? "" : ": " + detail); }

std::vector<DriftItem> diff_snapshots(const json& a, const json& b) {
  std::vector<DriftItem> out;
  auto sa = shapes_of(a), sb = shapes_of(b);
  for (const auto& [ep, shape] : sa)
    if (!sb.count(ep)) out.push_back({"endpoint_removed", ep, "answered in A only"});
  for (const auto& [ep, shape] : sb)
    if (!sa.count(ep)) out.push_back({"endpoint_added", ep, "answered in B only"});
  for (const auto& [ep, shape_a] : sa) {
    if (!sb.count(ep)) continue;
    const auto& shape_b = sb.at(ep);
    for (const auto& [ptr, types] : shape_a.types) {
      auto it = shape_b.types.find(ptr);
      if (it == shape_b.types.end())
        out.push_back({"field_removed", ep + " " + ptr, join(types)});
      else if (it->second != types) {
        // A nullable field seen null on one side only is not a retype.
        auto ta = types, tb = it->second;
        ta.erase("null");
        tb.erase("null");
        if (!ta.empty() && !tb.empty() && ta != tb)
          out.push_back({"field_retyped", ep + " " + ptr, join(types) + " -> " + join(it->second)});
      }
    }
    for (const auto& [ptr, types] : shape_b.types)
      if (!shape_a.types.count(ptr)) out.push_back({"field_added", ep + " " + ptr, join(types)});
    for (const auto& [ptr, values] : shape_a.values) {
      auto it = shape_b.values.find(ptr);
      if (it == shape_b.values.end()) continue;
      // Enum-like: few distinct values, each seen repeatedly.
      if (values.size() > 8 || shape_a.occurrences.at(ptr) < values.size() * 2) continue;
      for (const auto& v : it->second)
        if (!values.count(v)) out.push_back({"enum_value_added", ep + " " + ptr, json(v).dump()});
      for (const auto& v : values)
        if (!it->second.count(v)) out.push_back({"enum_value_removed", ep + " " + ptr, json(v).dump()});
    }
  }
  json la = listed_models(a), lb = listed_models(b);
  if (la.is_array() && lb.is_array()) {
    std::map<std::string, json> ma, mb;
    for (const auto& m : la)
      if (m.is_object() && m.contains("id") && m["id"].is_string()) ma[m["id"]] = m;
    for (const auto& m : lb)
      if (m.is_object() && m.contains("id") && m["id"].is_string()) mb[m["id"]] = m;
    for (const auto& [id, m] : ma)
      if (!mb.count(id)) out.push_back({"model_removed", id, ""});
    for (const auto& [id, m] : mb)
      if (!ma.count(id)) out.push_back({"model_added", id, ""});
    for (const auto& [id, m] : ma) {
      auto it = mb.find(id);
      if (it == mb.end()) continue;
      json pa = m.value("pricing", json()), pb = it->second.value("pricing", json());
      if (pa != pb) out.push_back({"pricing_changed", id, pa.dump() + " -> " + pb.dump()});
    }
  }
  return out;
}

}  // namespace oxen::conformance
