#include "chat_api.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "../../conformance/contract/schema_store.hpp"
#include "../core/api_error.hpp"
#include "../core/lru_cache.hpp"
#include "../core/instance_generator.hpp"
#include "../core/rng.hpp"
#include "../world/world.hpp"
#include "completion.hpp"
#include "scripts.hpp"
#include "stream.hpp"
#include "../../conformance/contract/text.hpp"

namespace oxen::mock {

namespace {

using nlohmann::json;
using chat::Completion;
using chat::ToolCall;

// A data: URL's media type and decoded size.
struct DataUrl {
  std::string mime;
  size_t bytes = 0;
};

std::optional<DataUrl> parse_data_url(const std::string& url) {
  if (url.rfind("data:", 0) != 0) return std::nullopt;
  auto comma = url.find(',');
  if (comma == std::string::npos) return std::nullopt;
  std::string meta = url.substr(5, comma - 5);
  DataUrl out;
  out.mime = ascii_lower(meta.substr(0, meta.find(';')));
  size_t length = url.size() - comma - 1;
  if (meta.size() >= 7 && meta.compare(meta.size() - 7, 7, ";base64") == 0) {
    size_t padding = 0;
    for (size_t i = url.size(); i > comma + 1 && padding < 2 && url[i - 1] == '='; --i) ++padding;
    out.bytes = length / 4 * 3 + (length % 4 ? length % 4 - 1 : 0) - padding;
  } else {
    out.bytes = length;
  }
  return out;
}

// The extension of a URL's path, lower-case, without the dot ("" when none).
std::string url_extension(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  auto scheme = path.find("://");
  auto slash = path.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {};
  auto dot = path.rfind('.');
  if (dot == std::string::npos || dot < slash || path.rfind('/') > dot) return {};
  return ascii_lower(path.substr(dot + 1));
}

std::string mime_of_extension(const std::string& ext) {
  static const std::map<std::string, std::string> kTypes = {
      {"pdf", "application/pdf"}, {"tif", "image/tiff"}, {"tiff", "image/tiff"},
      {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
      {"webp", "image/webp"}, {"txt", "text/plain"}, {"csv", "text/csv"}, {"html", "text/html"},
      {"json", "application/json"}, {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "" : it->second;
}

// wav, mp3, m4a, aac, ogg or flac; "" when the format cannot be told without fetching.
std::string audio_format(const std::string& url) {
  static const std::map<std::string, std::string> kByMime = {
      {"audio/wav", "wav"}, {"audio/x-wav", "wav"}, {"audio/wave", "wav"}, {"audio/mpeg", "mp3"},
      {"audio/mp3", "mp3"}, {"audio/mp4", "m4a"}, {"audio/m4a", "m4a"}, {"audio/x-m4a", "m4a"},
      {"audio/aac", "aac"}, {"audio/ogg", "ogg"}, {"audio/flac", "flac"}, {"audio/x-flac", "flac"}};
  if (auto data = parse_data_url(url)) {
    auto it = kByMime.find(data->mime);
    return it == kByMime.end() ? data->mime : it->second;
  }
  return url_extension(url);
}

std::string megabytes(size_t bytes) {
  return bytes % 1000000 == 0 ? std::to_string(bytes / 1000000) + " MB" : std::to_string(bytes) + " bytes";
}

// A client's schema the contract library cannot use is the client's error. That includes a `$ref`
// that leads, through `$ref`s only, back to itself ({"$ref": "#"} at the root, or definitions
// referring to each other): the validator would recurse on it without end, so compile_schema
// refuses it before compiling (see json_ref.hpp).
Schema compile_user_schema(const json& schema, const std::string& pointer) {
  try {
    return compile_schema(schema, &SchemaStore::builtin());
  } catch (const std::exception& e) {
    throw invalid_params(pointer + ": not a usable JSON Schema: " + e.what());
  }
}

ApiError file_error(std::string detail) { return ApiError("invalid_file_input", {{"detail", std::move(detail)}}); }

struct Tool {
  std::string name;
  std::string pointer;  // "/tools/<i>/function/parameters"
  std::shared_ptr<const Schema> compiled;
};

class ChatService {
 public:
  ChatService(const Config& config, const Clock& clock, const Fixtures& fixtures)
      : config_(config), clock_(clock), scripts_(fixtures.chat_scripts) {}

  Response handle(Context& ctx) {
    const json& body = ctx.body;
    const std::string model_id = body["model"];
    const json model = check_model(ctx.world, model_id);
    check_messages(body["messages"], model);
    const auto tools = check_tools(body);
    const auto output_schema = check_response_format(body);

    const uint64_t content_seed = seed_of(body);
    std::vector<std::string> stop;
    if (body.contains("stop")) {
      if (body["stop"].is_string()) stop.push_back(body["stop"]);
      else if (body["stop"].is_array()) for (const auto& s : body["stop"]) stop.push_back(s);
    }
    std::optional<int> max_tokens;
    for (const char* key : {"max_completion_tokens", "max_tokens"})
      if (body.contains(key) && body[key].is_number_integer())
        max_tokens = static_cast<int>(std::min(body[key].get<double>(), 2e9));  // no wrap-around
    // Choice 0 is the answer to the request; further choices (`n`) draw from derived seeds.
    const int n_choices = body.contains("n") && body["n"].is_number_integer() ? body["n"].get<int>() : 1;
    const int prompt_tokens = chat::count_prompt_tokens(body);
    std::vector<Completion> choices;
    for (int i = 0; i < n_choices; ++i) {
      uint64_t seed = i == 0 ? content_seed : mix64(content_seed ^ static_cast<uint64_t>(i));
      Completion completion = answer(body, tools, output_schema, seed);
      chat::apply_limits(completion, stop, max_tokens);
      completion.prompt_tokens = prompt_tokens;
      completion.completion_tokens = chat::count_completion_tokens(completion);
      choices.push_back(std::move(completion));
    }

    json head = {{"id", "chatcmpl-" + ctx.world.ids.next("chatcmpl")},
                 {"created", clock_.now_s()},
                 {"model", model_id}};

    if (body.value("stream", json(false)) == true) return stream(head, choices, body);
    return Response::json(to_json(head, choices));
  }

 private:
  json check_model(World& world, const std::string& id) const {
    auto model = world.registry.find(id);
    if (!model) throw ApiError("model_not_found", {{"id", id}});
    std::string endpoint = model->value("endpoint", "");
    if (endpoint != "/chat/completions")
      throw ApiError("chat_model_not_chat", {{"id", id}, {"endpoint", endpoint}});
    world.registry.require_active(id);
    return *model;
  }

  void check_messages(const json& messages, const json& model) const {
    json inputs = json::array();
    if (model.contains("capabilities") && model["capabilities"].is_object())
      inputs = model["capabilities"].value("input", json::array());
    auto accepts = [&](const std::string& modality) {
      return std::find(inputs.begin(), inputs.end(), modality) != inputs.end();
    };
    std::string developer;
    if (model.contains("developer") && model["developer"].is_object())
      developer = ascii_lower(model["developer"].value("name", ""));

    std::vector<std::string> call_ids;
    for (size_t i = 0; i < messages.size(); ++i) {
      const json& m = messages[i];
      const std::string at = "/messages/" + std::to_string(i);
      if (m.contains("tool_calls") && m["tool_calls"].is_array())
        for (const auto& call : m["tool_calls"]) call_ids.push_back(call.value("id", ""));
      if (m["role"] == "tool") {
        std::string id = m.value("tool_call_id", "");
        if (std::find(call_ids.begin(), call_ids.end(), id) == call_ids.end())
          throw invalid_params(at + "/tool_call_id: no earlier assistant message has a tool call with id '" + id + "'");
      }
      if (!m.contains("content") || !m["content"].is_array()) continue;
      const json& parts = m["content"];
      for (size_t j = 0; j < parts.size(); ++j) {
        const json& part = parts[j];
        const std::string where = at + "/content/" + std::to_string(j);
        const std::string type = part["type"];
        std::string modality = type == "image_url" ? "image"
                               : type == "video_url" ? "video"
                               : type == "audio_url" ? "audio"
                               : type == "file"      ? "file"
                                                     : "";
        if (modality.empty()) continue;
        if (!accepts(modality))
          throw ApiError("chat_input_unsupported", {{"id", model["id"].get<std::string>()}, {"modality", modality}, {"pointer", where}});
        if (type == "file") check_file(part["file"]);
        if (type == "audio_url") check_audio(part["audio_url"]["url"], developer);
      }
    }
  }

  void check_file(const json& file) const {
    std::string mime;
    size_t bytes = 0;
    if (file.contains("file_data")) {
      auto data = parse_data_url(file["file_data"]);
      if (data) mime = data->mime, bytes = data->bytes;
    } else {
      mime = mime_of_extension(url_extension(file["file_url"]));
    }
    if (!mime.empty() && mime != "application/pdf")
      throw file_error("Unsupported file type '" + mime + "'. Supported file types: application/pdf.");
    if (bytes > config_.chat_max_file_bytes)
      throw file_error("File is too large (" + std::to_string(bytes) + " bytes). The maximum file size is " +
                       megabytes(config_.chat_max_file_bytes) + ".");
  }

  void check_audio(const std::string& url, const std::string& developer) const {
    if (auto data = parse_data_url(url); data && data->bytes > config_.chat_max_audio_bytes)
      throw file_error("Audio file is too large (" + std::to_string(data->bytes) + " bytes). The maximum audio size is " +
                       megabytes(config_.chat_max_audio_bytes) + ".");
    std::vector<std::string> formats;
    if (developer == "openai") formats = {"wav", "mp3"};
    else if (developer == "google") formats = {"wav", "mp3", "m4a", "aac", "ogg", "flac"};
    std::string format = audio_format(url);
    if (formats.empty() || format.empty()) return;
    if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
      std::string list;
      for (const auto& f : formats) {
        if (!list.empty()) list += ", ";
        list += f;
      }
      throw file_error("Unsupported audio format '" + format + "'. Supported audio formats: " + list + ".");
    }
  }

  std::vector<Tool> check_tools(const json& body) const {
    std::vector<Tool> tools;
    if (body.contains("tools") && body["tools"].is_array()) {
      for (size_t i = 0; i < body["tools"].size(); ++i) {
        const json& fn = body["tools"][i]["function"];
        Tool t;
        t.name = fn["name"];
        for (const auto& other : tools)
          if (other.name == t.name) throw invalid_params("/tools/" + std::to_string(i) + "/function/name: duplicate tool name '" + t.name + "'");
        t.pointer = "/tools/" + std::to_string(i) + "/function/parameters";
        t.compiled = compiled(fn.value("parameters", json{{"type", "object"}, {"properties", json::object()}}), t.pointer);
        tools.push_back(std::move(t));
      }
    }
    const json choice = body.value("tool_choice", json());
    if (choice.is_object()) {
      std::string name = choice["function"]["name"];
      if (std::none_of(tools.begin(), tools.end(), [&](const Tool& t) { return t.name == name; }))
        throw invalid_params("/tool_choice/function/name: no tool named '" + name + "' in tools");
    } else if (choice == "required" && tools.empty()) {
      throw invalid_params("/tool_choice: 'required' needs at least one tool in tools");
    }
    return tools;
  }

  std::shared_ptr<const Schema> check_response_format(const json& body) const {
    const json format = body.value("response_format", json());
    if (!format.is_object() || format.value("type", "") != "json_schema") return nullptr;
    const json& spec = format["json_schema"];
    if (!spec.contains("schema")) return nullptr;
    return compiled(spec["schema"], "/response_format/json_schema/schema");
  }

  // A client's schema compiled once per distinct document (clients send the same tools with
  // every request); one that does not compile is refused each time and never cached.
  std::shared_ptr<const Schema> compiled(const json& schema, const std::string& pointer) const {
    return schemas_.get(schema.dump(), [&] { return compile_user_schema(schema, pointer); });
  }

  // Content depends on the seed, the model, the transcript, the tools and the output format;
  // not on stream, max_tokens or sampling parameters, so a streamed answer equals the plain one.
  uint64_t seed_of(const json& body) const {
    std::string key = body["model"].get<std::string>() + "\n" + body["messages"].dump();
    for (const char* field : {"tools", "tool_choice", "response_format", "seed"})
      if (body.contains(field)) key += "\n" + std::string(field) + "=" + body[field].dump();
    return mix64(config_.seed ^ hash_bytes(key));
  }

  json arguments_for(const Tool& tool, uint64_t seed, size_t index) const {
    Rng rng(seed, "tool:" + tool.name + ":" + std::to_string(index));
    auto made = generate_valid_instance(*tool.compiled, rng, 32);
    if (!made.value)
      throw invalid_params(tool.pointer + made.pointer + ": cannot produce arguments that satisfy the parameters of '" +
                           tool.name + "': " + made.reason);
    return *made.value;
  }

  static std::string call_id(uint64_t seed, size_t index) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Rng rng(seed, "call-id:" + std::to_string(index));
    std::string id = "call_";
    for (int i = 0; i < 24; ++i) id += kAlphabet[rng.below(62)];
    return id;
  }

  // The tools `auto` calls: those with a word of four or more letters in their name that the
  // last user message mentions ("get_weather" for "What is the weather in Paris?").
  static std::vector<const Tool*> auto_tools(const std::vector<Tool>& tools, const std::string& text) {
    std::vector<const Tool*> out;
    std::string haystack = ascii_lower(text);
    for (const auto& tool : tools) {
      std::string word;
      bool hit = false;
      auto flush = [&] {
        if (word.size() >= 4 && haystack.find(ascii_lower(word)) != std::string::npos) hit = true;
        word.clear();
      };
      for (size_t i = 0; i < tool.name.size(); ++i) {
        char c = tool.name[i];
        bool boundary = c == '_' || c == '-' || std::isdigit(static_cast<unsigned char>(c)) ||
                        (std::isupper(static_cast<unsigned char>(c)) && i > 0 && std::islower(static_cast<unsigned char>(tool.name[i - 1])));
        if (boundary) flush();
        if (c != '_' && c != '-' && !std::isdigit(static_cast<unsigned char>(c))) word += c;
      }
      flush();
      if (hit) out.push_back(&tool);
    }
    return out;
  }

  Completion answer(const json& body, const std::vector<Tool>& tools, const std::shared_ptr<const Schema>& output_schema,
                    uint64_t seed) const {
    Completion c;
    const json& messages = body["messages"];
    const json choice = body.value("tool_choice", json("auto"));
    const bool tools_allowed = !tools.empty() && choice != "none";
    const bool parallel = body.value("parallel_tool_calls", json(true)) != false;
    auto find_tool = [&](const std::string& name) -> const Tool* {
      for (const auto& t : tools)
        if (t.name == name) return &t;
      return nullptr;
    };
    auto call = [&](const Tool& tool, std::optional<json> given = std::nullopt) {
      size_t index = c.tool_calls.size();
      json args = given ? *given : arguments_for(tool, seed, index);
      c.tool_calls.push_back({call_id(seed, index), tool.name, args.dump()});
    };

    const auto transcript = chat::Transcript::of(body);
    if (const chat::ScriptRule* rule = scripts_.match(transcript)) {
      if (tools_allowed && !rule->tool_calls.empty()) {
        for (const auto& scripted : rule->tool_calls) {
          const Tool* tool = find_tool(scripted.name);
          if (tool) call(*tool, scripted.arguments);
          else c.tool_calls.push_back({call_id(seed, c.tool_calls.size()), scripted.name,
                                       scripted.arguments.value_or(json::object()).dump()});
        }
        c.finish_reason = "tool_calls";
        c.content = rule->has_content ? rule->content : std::nullopt;
        return c;
      }
      if (rule->has_content) {
        c.content = rule->content.value_or("");
        return c;
      }
    }

    const bool last_is_user = !messages.empty() && messages.back()["role"] == "user";
    if (tools_allowed) {
      std::vector<const Tool*> chosen;
      if (choice.is_object()) chosen.push_back(find_tool(choice["function"]["name"]));
      else if (choice == "required") for (const auto& t : tools) chosen.push_back(&t);
      else if (last_is_user && transcript.last_user) chosen = auto_tools(tools, *transcript.last_user);
      if (!parallel && chosen.size() > 1) chosen.erase(chosen.begin() + 1, chosen.end());
      if (!chosen.empty()) {
        for (const Tool* t : chosen) call(*t);
        c.finish_reason = "tool_calls";
        return c;
      }
    }

    const json format = body.value("response_format", json());
    const std::string format_type = format.is_object() ? format.value("type", "text") : "text";
    if (format_type == "json_schema" && output_schema) {
      Rng rng(seed, "json_schema");
      auto made = generate_valid_instance(*output_schema, rng, 32);
      if (!made.value)
        throw invalid_params("/response_format/json_schema/schema" + made.pointer +
                             ": cannot produce a value that satisfies it: " + made.reason);
      c.content = made.value->dump();
      return c;
    }
    std::string text = tool_results_preface(messages) +
                       chat::generate_text(seed, static_cast<size_t>(std::max(1, config_.chat_completion_tokens)));
    if (format_type == "json_object" || format_type == "json_schema") text = json{{"answer", text}}.dump();
    c.content = text;
    return c;
  }

  // After tool results, the answer starts by using them: "The get_weather tool returned {...}."
  static std::string tool_results_preface(const json& messages) {
    std::vector<const json*> results;
    for (size_t i = messages.size(); i > 0 && messages[i - 1]["role"] == "tool"; --i) results.insert(results.begin(), &messages[i - 1]);
    if (results.empty()) return {};
    std::map<std::string, std::string> names;
    for (const auto& m : messages)
      if (m.contains("tool_calls") && m["tool_calls"].is_array())
        for (const auto& call : m["tool_calls"])
          names[call.value("id", "")] = call.contains("function") ? call["function"].value("name", "") : "";
    std::string out;
    for (const json* r : results) {
      std::string name = names[r->value("tool_call_id", "")];
      out += "The " + (name.empty() ? std::string("tool") : name + " tool") + " returned " + chat::message_text(*r) + ". ";
    }
    return out;
  }

  static json to_json(const json& head, const std::vector<Completion>& choices) {
    json list = json::array();
    int completion_tokens = 0;
    for (size_t index = 0; index < choices.size(); ++index) {
      const Completion& c = choices[index];
      completion_tokens += c.completion_tokens;
      json message = {{"role", "assistant"}, {"content", c.content ? json(*c.content) : json()}};
      if (!c.tool_calls.empty()) {
        json calls = json::array();
        for (size_t i = 0; i < c.tool_calls.size(); ++i)
          calls.push_back({{"id", c.tool_calls[i].id}, {"index", i}, {"type", "function"},
                           {"function", {{"name", c.tool_calls[i].name}, {"arguments", c.tool_calls[i].arguments}}}});
        message["tool_calls"] = std::move(calls);
      }
      list.push_back({{"index", index}, {"message", std::move(message)}, {"finish_reason", c.finish_reason}});
    }
    const int prompt_tokens = choices.front().prompt_tokens;
    return {{"id", head["id"]},
            {"object", "chat.completion"},
            {"created", head["created"]},
            {"model", head["model"]},
            {"choices", std::move(list)},
            {"usage", {{"prompt_tokens", prompt_tokens},
                       {"completion_tokens", completion_tokens},
                       {"total_tokens", prompt_tokens + completion_tokens}}}};
  }

  Response stream(const json& head, const std::vector<Completion>& choices, const json& body) const {
    bool include_usage = false;
    if (body.contains("stream_options") && body["stream_options"].is_object())
      include_usage = body["stream_options"].value("include_usage", false);
    chat::Pacing pacing{config_.chat_first_token_ms, config_.chat_tokens_per_second};
    auto frames = std::make_shared<const std::vector<chat::StreamFrame>>(
        chat::stream_frames(head, choices, include_usage, pacing));
    const Clock* clock = &clock_;
    const int64_t start = clock_.now_ms();
    Response r;
    r.content_type = "text/event-stream";
    r.headers.emplace("Cache-Control", "no-cache");
    r.stream = [frames, clock, start](StreamSink& sink) {
      for (const auto& frame : *frames) {
        if (frame.due_ms > 0 && !clock->sleep_until(start + frame.due_ms, [&] { return !sink.alive(); })) return;
        if (!sink.write(frame.bytes)) return;
      }
    };
    return r;
  }

  const Config& config_;
  const Clock& clock_;
  chat::ChatScripts scripts_;
  mutable LruCache<Schema> schemas_{256};
};

}  // namespace

void add_chat_routes(Router& router, const Config& config, const Clock& clock, const Fixtures& fixtures) {
  auto service = std::make_shared<ChatService>(config, clock, fixtures);
  router.bind("createChatCompletion", [service](Context& ctx) { return service->handle(ctx); });
}

}  // namespace oxen::mock
