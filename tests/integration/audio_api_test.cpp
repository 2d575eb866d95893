// Audio over real HTTP: audio/generate (the published operation), the OpenAI-compatible
// audio/speech and audio/transcriptions, the files behind their URLs decoded with real decoders,
// every error body, namespaces, faults and the gate on inactive custom models.
#include <doctest/doctest.h>

#include "audio_decode.hpp"
#include "contract_checks.hpp"
#include "test_server.hpp"

using nlohmann::json;
using oxen::test::check_no_response_findings;
using oxen::test::parse_json;
using oxen::test::TestServer;

namespace {

const std::string kSeed = "bytedance-seed-audio-1-0";

httplib::Result post_raw(httplib::Client& c, const std::string& path, const json& body,
                         const httplib::Headers& headers = {}) {
  auto res = c.Post(path.c_str(), headers, body.dump(), "application/json");
  REQUIRE(res);
  return res;
}

json post(httplib::Client& c, const std::string& path, const json& body, int expected_status = 200,
          const httplib::Headers& headers = {}) {
  auto res = post_raw(c, path, body, headers);
  INFO(path << " " << body.dump() << " -> " << res->body.substr(0, 300));
  CHECK(res->status == expected_status);
  return parse_json(res->body);
}

httplib::Result transcribe(httplib::Client& c, const std::string& bytes, const std::string& model = "gpt-audio",
                           httplib::MultipartFormDataItems extra = {}, const httplib::Headers& headers = {}) {
  extra.push_back({"file", bytes, "speech.bin", "application/octet-stream"});
  extra.push_back({"model", model, "", ""});
  auto res = c.Post("/api/ai/audio/transcriptions", headers, extra);
  REQUIRE(res);
  return res;
}

// The bytes behind a media URL, fetched without an API key, with their content type.
std::pair<std::string, std::string> fetch(TestServer& server, const std::string& url) {
  std::string prefix = server.base_url() + "/api/media/files/";
  REQUIRE(url.rfind(prefix, 0) == 0);
  auto res = server.client("").Get(url.substr(server.base_url().size()).c_str());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return {res->body, res->get_header_value("Content-Type")};
}

void check_invalid(const json& body, const std::string& detail_prefix) {
  CHECK_SCHEMA("error_oxen", body);
  CHECK(body["error"]["type"] == "invalid_params");
  std::string detail = body["error"].value("detail", "");
  INFO("detail: " << detail);
  CHECK(detail.rfind(detail_prefix, 0) == 0);
}

}  // namespace

TEST_CASE("POST /api/ai/audio/generate answers hosted audio, mp3 by default") {
  TestServer server;
  auto c = server.client();
  json req = {{"model", kSeed}, {"prompt", "welcome to the oxen herd today"}};
  auto body = post(c, "/api/ai/audio/generate", req);
  CHECK_SCHEMA("audio_generate_response", body);
  CHECK(body["model"] == kSeed);
  CHECK(body["created"] == server.app().clock().now_s());
  REQUIRE(body["audios"].size() == 1);
  std::string url = body["audios"][0]["url"];
  CHECK(url.substr(url.size() - 4) == ".mp3");
  auto [mp3, type] = fetch(server, url);
  CHECK(type == "audio/mpeg");
  auto decoded = oxen::test::decode_mp3(mp3);
  REQUIRE(decoded);
  CHECK(decoded->sample_rate == 24000);  // Seed Audio's declared default
  CHECK(decoded->channels == 1);
  CHECK(decoded->seconds() == doctest::Approx(2.4).epsilon(0.08));

  SUBCASE("the same request gives the same URL and bytes; other text other audio") {
    CHECK(post(c, "/api/ai/audio/generate", req)["audios"][0]["url"] == url);
    json with_nulls = req;
    for (auto name : {"voice", "audio_urls", "image_url", "output_format", "sample_rate", "speed", "volume", "pitch",
                      "response_format", "save_to_workbench"})
      with_nulls[name] = nullptr;
    CHECK(post(c, "/api/ai/audio/generate", with_nulls)["audios"][0]["url"] == url);
    json other = req;
    other["prompt"] = "welcome to the oxen barn today";
    std::string other_url = post(c, "/api/ai/audio/generate", other)["audios"][0]["url"];
    CHECK(other_url != url);
    CHECK(fetch(server, other_url).first != mp3);
  }
  SUBCASE("b64_json carries the same bytes inline") {
    json b64 = req;
    b64["response_format"] = "b64_json";
    auto inline_body = post(c, "/api/ai/audio/generate", b64);
    CHECK_SCHEMA("audio_generate_response", inline_body);
    CHECK_FALSE(inline_body["audios"][0].contains("url"));
    CHECK(oxen::test::base64_decode(inline_body["audios"][0]["b64_json"]) == mp3);
  }
  SUBCASE("output_format, sample_rate, speed and volume are honoured") {
    json wav = req;
    wav.update({{"output_format", "wav"}, {"sample_rate", 16000}, {"speed", 2.0}, {"volume", 0.5}});
    auto [bytes, wav_type] = fetch(server, post(c, "/api/ai/audio/generate", wav)["audios"][0]["url"]);
    CHECK(wav_type == "audio/wav");
    auto d = oxen::test::decode_wav(bytes);
    REQUIRE(d);
    CHECK(d->sample_rate == 16000);
    CHECK(d->seconds() == doctest::Approx(1.2));
    wav["volume"] = 1.0;
    auto louder = oxen::test::decode_wav(fetch(server, post(c, "/api/ai/audio/generate", wav)["audios"][0]["url"]).first);
    CHECK(louder->peak() == doctest::Approx(2 * d->peak()).epsilon(0.01));

    json opus = req;
    opus.update({{"output_format", "ogg_opus"}, {"sample_rate", 48000}});
    auto [ogg, ogg_type] = fetch(server, post(c, "/api/ai/audio/generate", opus)["audios"][0]["url"]);
    CHECK(ogg_type == "audio/ogg");
    auto o = oxen::test::decode_ogg_opus(ogg);
    REQUIRE(o);
    CHECK(o->sample_rate == 48000);
    CHECK(o->seconds() == doctest::Approx(2.4).epsilon(0.05));

    json pcm = req;
    pcm["output_format"] = "pcm";
    auto [raw, pcm_type] = fetch(server, post(c, "/api/ai/audio/generate", pcm)["audios"][0]["url"]);
    CHECK(pcm_type == "audio/pcm");
    CHECK(raw.size() == 2 * 24000 * 12 / 5);  // 2.4 s of s16le mono at 24 kHz
  }
  check_no_response_findings(server);
}

TEST_CASE("audio/generate errors: the documented bodies, with the pointer of the field") {
  TestServer server;
  auto c = server.client();
  auto gen = [&](json extra, int status = 400) {
    json req = {{"model", kSeed}, {"prompt", "hello"}};
    req.update(extra);
    return post(c, "/api/ai/audio/generate", req, status);
  };
  CHECK(gen({{"model", "nope"}}, 404) == json{{"error", {{"message", "Model not found: nope"}}}});
  CHECK(gen({{"prompt", "  "}}) == json{{"error", {{"message", "Prompt cannot be empty"}}}});
  check_invalid(post(c, "/api/ai/audio/generate", {{"model", kSeed}}, 400), "/prompt");
  check_invalid(gen({{"model", "flux-2-dev"}}), "Model 'flux-2-dev' does not produce audio");
  check_invalid(gen({{"output_format", "flac"}}), "/output_format");
  check_invalid(gen({{"response_format", "mp3"}}), "/response_format");
  // Seed Audio's own schema and rules.
  check_invalid(gen({{"sample_rate", 22050}}), "/sample_rate: Invalid sample_rate");
  check_invalid(gen({{"speed", 2.5}}), "/speed");
  check_invalid(gen({{"volume", 0.25}}), "/volume");
  check_invalid(gen({{"pitch", 13}}), "/pitch");
  json four = json::array();
  for (int i = 0; i < 4; ++i) four.push_back("https://example.com/" + std::to_string(i) + ".mp3");
  check_invalid(gen({{"audio_urls", four}}), "/audio_urls: At most 3 reference audio clips are allowed");
  check_invalid(gen({{"audio_urls", {"https://example.com/a.mp3"}}, {"image_url", "https://example.com/a.png"}}),
                "/audio_urls: image_url cannot be combined with audio_urls");
  check_invalid(gen({{"audio_urls", {"not a url"}}}), "/audio_urls/0");
  check_invalid(gen({{"speed", 0.1}}), "/speed");
  // Memory is bounded: at most 300 s of audio per request (750 words at speed 1).
  std::string long_text;
  for (int i = 0; i < 751; ++i) long_text += "ox ";
  check_invalid(gen({{"prompt", long_text}}), "/prompt: the text makes 300 s of audio");
  check_invalid(post(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", long_text}}, 400), "/input: the text makes");
  CHECK_SCHEMA("audio_generate_response", gen({{"prompt", long_text.substr(0, 750 * 3)}}, 200));
  // Three references, or an image alone, are fine.
  CHECK_SCHEMA("audio_generate_response",
               gen({{"audio_urls", {four[0], four[1], four[2]}}}, 200));
  CHECK_SCHEMA("audio_generate_response", gen({{"image_url", "https://example.com/a.png"}}, 200));
  check_no_response_findings(server);
}

TEST_CASE("POST /api/ai/audio/speech answers the audio bytes, in the SDK's and the page's forms") {
  TestServer server;
  auto c = server.client();
  auto res = post_raw(c, "/api/ai/audio/speech",
                      {{"model", kSeed}, {"input", "hello from the herd"}, {"voice", "alloy"}, {"response_format", "wav"},
                       {"speed", 1.0}, {"instructions", "calm"}});
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "audio/wav");
  auto wav = oxen::test::decode_wav(res->body);
  REQUIRE(wav);
  CHECK(wav->seconds() == doctest::Approx(1.6));

  SUBCASE("mp3 is the default; opus is Ogg Opus") {
    auto mp3 = post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "hello from the herd"}});
    CHECK(mp3->get_header_value("Content-Type") == "audio/mpeg");
    CHECK(oxen::test::decode_mp3(mp3->body));
    auto opus = post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "hi"}, {"response_format", "opus"}});
    CHECK(opus->get_header_value("Content-Type") == "audio/ogg");
    CHECK(oxen::test::decode_ogg_opus(opus->body));
  }
  SUBCASE("the page's {model, prompt, input}: input is spoken, the prompt directs the voice") {
    auto page = post_raw(c, "/api/ai/audio/speech",
                         {{"model", kSeed}, {"prompt", "a warm voice"}, {"input", "hello from the herd"},
                          {"output_format", "wav"}});
    CHECK(page->status == 200);
    CHECK(oxen::test::decode_wav(page->body)->seconds() == doctest::Approx(1.6));
    CHECK(page->body != res->body);
    auto prompt_only = post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"prompt", "hello"}, {"output_format", "wav"}});
    CHECK(oxen::test::decode_wav(prompt_only->body)->seconds() == doctest::Approx(0.4));
  }
  SUBCASE("errors") {
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", kSeed}}, 400), "/input: Field required");
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "x"}, {"response_format", "aac"}}, 400),
                  "/response_format");
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "x"}, {"response_format", "flac"}}, 400),
                  "/response_format");
    check_invalid(post(c, "/api/ai/audio/speech",
                       {{"model", kSeed}, {"input", "x"}, {"response_format", "wav"}, {"output_format", "mp3"}}, 400),
                  "/output_format");
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "x"}, {"sample_rate", 11025}}, 400),
                  "/sample_rate");
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", "gpt-audio"}, {"input", "x"}}, 400),
                  "Model 'gpt-audio' does not produce audio");
    CHECK(post(c, "/api/ai/audio/speech", {{"model", "tts-1"}, {"input", "x"}}, 404) ==
          json{{"error", {{"message", "Model not found: tts-1"}}}});
  }
  check_no_response_findings(server);
}

TEST_CASE("POST /api/ai/audio/transcriptions: the text a file was made from, or the seed's") {
  TestServer server;
  auto c = server.client();
  const std::string text = "the quick oxen cross the river";
  auto speech = [&](const char* format) {
    return post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", text}, {"response_format", format}})->body;
  };
  for (auto format : {"wav", "mp3", "opus"}) {
    CAPTURE(format);
    auto res = transcribe(c, speech(format));
    CHECK(res->status == 200);
    auto body = parse_json(res->body);
    CHECK_SCHEMA("audio_transcription_response", body);
    CHECK(body == json{{"text", text}});
  }
  SUBCASE("text, srt, vtt and verbose_json") {
    auto plain = transcribe(c, speech("wav"), "gemini-3-1-pro-preview", {{"response_format", "text", "", ""}});
    CHECK(plain->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
    CHECK(plain->body == text + "\n");
    auto srt = transcribe(c, speech("wav"), "gpt-audio", {{"response_format", "srt", "", ""}});
    CHECK(srt->body == "1\n00:00:00,000 --> 00:00:02,400\n" + text + "\n\n");
    auto vtt = transcribe(c, speech("wav"), "gpt-audio", {{"response_format", "vtt", "", ""}});
    CHECK(vtt->body.rfind("WEBVTT\n\n00:00:00.000 --> 00:00:02.400\n", 0) == 0);
    auto verbose = parse_json(transcribe(c, speech("wav"), "gpt-audio", {{"response_format", "verbose_json", "", ""}})->body);
    CHECK_SCHEMA("audio_transcription_response", verbose);
    CHECK(verbose["duration"] == doctest::Approx(2.4));
    CHECK(verbose["text"] == text);
  }
  SUBCASE("a file without embedded text: deterministic text from the seed and the bytes") {
    auto wav = speech("wav");
    std::string stripped = oxen::test::encode_plain_wav(*oxen::test::decode_wav(wav));
    auto a = parse_json(transcribe(c, stripped)->body);
    CHECK(a == parse_json(transcribe(c, stripped)->body));
    CHECK(a["text"] != text);
    CHECK_FALSE(a["text"].get<std::string>().empty());
    stripped[stripped.size() - 1] ^= 1;
    CHECK(parse_json(transcribe(c, stripped)->body) != a);
  }
  SUBCASE("the pages' JSON form: the mock's own audio_url round-trips, another URL answers the seed's text") {
    auto generated = post(c, "/api/ai/audio/generate", {{"model", kSeed}, {"prompt", text}, {"output_format", "ogg_opus"}});
    auto own = post(c, "/api/ai/audio/transcriptions", {{"model", "gpt-audio"}, {"audio_url", generated["audios"][0]["url"]}});
    CHECK(own == json{{"text", text}});
    auto elsewhere = post(c, "/api/ai/audio/transcriptions", {{"model", "gpt-audio"}, {"audio_url", "https://example.com/audio.mp3"}});
    CHECK_SCHEMA("audio_transcription_response", elsewhere);
    CHECK(elsewhere == post(c, "/api/ai/audio/transcriptions", {{"model", "gpt-audio"}, {"audio_url", "https://example.com/audio.mp3"}}));
    check_invalid(post(c, "/api/ai/audio/transcriptions",
                       {{"model", "gpt-audio"}, {"audio_url", server.base_url() + "/api/media/files/" + std::string(32, 'a') + ".wav"}}, 400),
                  "/audio_url: 404 Client Error");
    check_invalid(post(c, "/api/ai/audio/transcriptions", {{"model", "gpt-audio"}, {"audio_url", "https://forbidden.example/a.mp3"}}, 400),
                  "/audio_url: 403 Client Error");
    check_invalid(post(c, "/api/ai/audio/transcriptions", {{"model", "gpt-audio"}}, 400), "/audio_url");
  }
  SUBCASE("errors: no file, not audio, broken multipart, the wrong model") {
    httplib::MultipartFormDataItems no_file = {{"model", "gpt-audio", "", ""}};
    auto res = c.Post("/api/ai/audio/transcriptions", no_file);
    REQUIRE(res);
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "/file");
    res = transcribe(c, "just some text, not audio");
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "/file: not a recognised audio file");
    res = c.Post("/api/ai/audio/transcriptions", "--zz\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ngpt-audio\r\n--yy",
                 "multipart/form-data; boundary=zz");
    REQUIRE(res);
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "request body is not valid multipart/form-data");
    res = transcribe(c, speech("wav"), "gpt-audio", {{"stream", "true", "", ""}});
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "/stream");
    res = transcribe(c, speech("wav"), "gpt-4o");
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "Model 'gpt-4o' does not take audio input");
    res = transcribe(c, speech("wav"), kSeed);
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "Model '" + kSeed + "' does not produce text");
    // A JSON-only operation refuses a multipart body.
    httplib::MultipartFormDataItems form = {{"model", kSeed, "", ""}, {"prompt", "hi", "", ""}};
    res = c.Post("/api/ai/audio/generate", form);
    REQUIRE(res);
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "this operation takes an application/json body");
  }
  check_no_response_findings(server);
}

TEST_CASE("audio in a namespace, in the journal, under a fault, and behind an inactive custom model") {
  auto base = oxen::mock::Fixtures::load();
  json models = json::parse(base.files.at("models.json"));
  for (const auto& m : json(models["models"])) {
    if (m["id"] != kSeed && m["id"] != "gpt-audio") continue;
    json custom = m;
    custom["id"] = "oxen:acme/" + m["id"].get<std::string>();
    custom["model_type"] = "custom";
    custom["deployments"] = json::array({{{"status", "inactive"}}});
    models["models"].push_back(custom);
  }
  TestServer server(oxen::test::test_config(), oxen::mock::Fixtures::from_files({{"models.json", models.dump()}}));
  auto c = server.client();
  const httplib::Headers ns = {{"X-Mock-Namespace", "suite-audio"}};

  SUBCASE("a namespace's journal shows the multipart fields and the file's size, never its bytes") {
    auto wav = post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "hi there"}, {"response_format", "wav"}}, ns)->body;
    CHECK(transcribe(c, wav, "gpt-audio", {}, ns)->status == 200);
    auto journal = parse_json(c.Get("/__admin/requests", ns)->body);
    CHECK_SCHEMA("admin_requests", journal);
    REQUIRE(journal["count"] == 2);
    json last;
    for (const auto& entry : journal["requests"])
      if (entry["path"] == "/api/ai/audio/transcriptions") last = entry;
    REQUIRE(last.is_object());
    CHECK(last["namespace"] == "suite-audio");
    CHECK(parse_json(last["body"]) ==
          json{{"model", "gpt-audio"},
               {"file", {{"filename", "speech.bin"}, {"content_type", "application/octet-stream"}, {"bytes", wav.size()}}}});
    CHECK(parse_json(c.Get("/__admin/requests")->body)["count"] == 0);  // the default namespace saw none
  }
  SUBCASE("a fault on an audio route answers like on any route") {
    auto res = post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "x"}}, {{"X-Mock-Fault", "status=503; retry_after=2"}});
    CHECK(res->status == 503);
    CHECK(res->get_header_value("Retry-After") == "2");
    CHECK_SCHEMA("error_oxen", parse_json(res->body));
    post(c, "/__admin/faults",
         {{"match", {{"method", "POST"}, {"path", "/api/ai/audio/transcriptions"}}}, {"action", {{"status", 429}, {"retry_after", 1}}}},
         201);
    auto faulted = transcribe(c, "RIFF");
    CHECK(faulted->status == 429);
    CHECK_SCHEMA("error_oxen", parse_json(faulted->body));
  }
  SUBCASE("an inactive custom model is refused on every audio path") {
    const std::string tts = "oxen:acme/" + kSeed, stt = "oxen:acme/gpt-audio";
    const std::string not_active = "/model: model '" + tts + "' is not deployed (deployment status: inactive)";
    check_invalid(post(c, "/api/ai/audio/generate", {{"model", tts}, {"prompt", "x"}}, 400), not_active);
    check_invalid(post(c, "/api/ai/audio/speech", {{"model", tts}, {"input", "x"}}, 400), not_active);
    auto res = transcribe(c, post_raw(c, "/api/ai/audio/speech", {{"model", kSeed}, {"input", "x"}})->body, stt);
    CHECK(res->status == 400);
    check_invalid(parse_json(res->body), "/model: model '" + stt + "' is not deployed (deployment status: inactive)");
  }
  check_no_response_findings(server);
}
