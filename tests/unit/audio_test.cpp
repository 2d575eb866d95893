// Generated audio: real WAV, raw PCM, MP3 and Ogg Opus files (decoded back with real decoders),
// the same bytes for the same inputs, durations from the text and speed, rate, volume and pitch
// honoured, and the spoken text carried in every container that has room for it.
#include <doctest/doctest.h>

#include <cmath>

#include "audio_decode.hpp"
#include "media/audio.hpp"

using namespace oxen::mock;
using oxen::test::DecodedAudio;

namespace {

AudioRecipe recipe(AudioFormat format, std::string text = "welcome to the oxen herd today") {
  AudioRecipe r;
  r.seed = 7;
  r.model = "bytedance-seed-audio-1-0";
  r.text = std::move(text);
  r.format = format;
  return r;
}

DecodedAudio decode(AudioFormat format, const std::string& bytes) {
  std::optional<DecodedAudio> d;
  switch (format) {
    case AudioFormat::wav: d = oxen::test::decode_wav(bytes); break;
    case AudioFormat::mp3: d = oxen::test::decode_mp3(bytes); break;
    case AudioFormat::ogg_opus: d = oxen::test::decode_ogg_opus(bytes); break;
    case AudioFormat::pcm: break;
  }
  REQUIRE(d.has_value());
  return *d;
}

// Zero crossings per second of the voiced part: follows the fundamental, so pitch moves it.
double crossings_per_second(const std::vector<int16_t>& s, int rate) {
  int crossings = 0;
  size_t voiced = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == 0 && s[i - 1] == 0) continue;
    ++voiced;
    if ((s[i - 1] < 0) != (s[i] < 0)) ++crossings;
  }
  return voiced ? crossings * static_cast<double>(rate) / voiced : 0;
}

}  // namespace

TEST_CASE("every output format decodes to mono audio at the asked rate, as long as the text") {
  for (auto format : {AudioFormat::wav, AudioFormat::mp3, AudioFormat::ogg_opus}) {
    for (int rate : {8000, 16000, 24000, 44100, 48000}) {
      CAPTURE(audio_format_name(format));
      CAPTURE(rate);
      auto r = recipe(format);
      r.sample_rate = rate;
      auto bytes = encode_audio(r);
      auto d = decode(format, bytes);
      CHECK(d.sample_rate == rate);
      CHECK(d.channels == 1);
      // Six words at 2.5 words per second; MP3 and Opus add their codec delay and padding.
      CHECK(d.seconds() == doctest::Approx(2.4).epsilon(0.08));
      CHECK(d.peak() > 0.05);
      CHECK(sniff_audio(bytes).has_value());
    }
  }
  SUBCASE("raw PCM is the WAV's samples without a header") {
    auto wav = encode_audio(recipe(AudioFormat::wav));
    auto pcm = encode_audio(recipe(AudioFormat::pcm));
    CHECK(pcm.size() == 2 * 6 * 9600);  // six words of 0.4 s at 24 kHz
    CHECK(wav.substr(wav.size() - pcm.size()) == pcm);
    CHECK_FALSE(sniff_audio(pcm).has_value());
  }
}

TEST_CASE("the same recipe gives the same bytes; other text, voice or seed other audio") {
  for (auto format : {AudioFormat::wav, AudioFormat::mp3, AudioFormat::ogg_opus, AudioFormat::pcm}) {
    CAPTURE(audio_format_name(format));
    auto r = recipe(format);
    auto bytes = encode_audio(r);
    CHECK(encode_audio(r) == bytes);
    auto other = r;
    other.text = "welcome to the oxen barn today";
    CHECK(encode_audio(other) != bytes);
    other = r;
    other.voice = "narrator";
    CHECK(synthesize(other) != synthesize(r));
    other = r;
    other.seed = 8;
    CHECK(synthesize(other) != synthesize(r));
  }
}

TEST_CASE("speed, volume and pitch shape the samples") {
  auto r = recipe(AudioFormat::wav);
  auto base = synthesize(r);
  CHECK(base.size() == 6 * 9600);

  auto fast = r;
  fast.speed = 2.0;
  CHECK(synthesize(fast).size() == base.size() / 2);
  CHECK(speech_seconds(r.text, 2.0) == doctest::Approx(1.2));
  CHECK(speech_seconds("", 1.0) == doctest::Approx(0.4));

  auto loud = r;
  loud.volume = 2.0;
  auto peak = [](const std::vector<int16_t>& s) {
    int p = 0;
    for (auto v : s) p = std::max(p, std::abs(static_cast<int>(v)));
    return p;
  };
  CHECK(peak(synthesize(loud)) == doctest::Approx(2.0 * peak(base)).epsilon(0.01));

  auto high = r;
  high.pitch = 12;  // an octave up: twice the crossings
  CHECK(crossings_per_second(synthesize(high), 24000) ==
        doctest::Approx(2.0 * crossings_per_second(base, 24000)).epsilon(0.1));
}

TEST_CASE("the spoken text is embedded where the container has room, and read back") {
  const std::string text = "Grüße aus dem Stall — 42 oxen";
  auto wav = encode_audio(recipe(AudioFormat::wav, text));
  auto mp3 = encode_audio(recipe(AudioFormat::mp3, text));
  auto ogg = encode_audio(recipe(AudioFormat::ogg_opus, text));
  CHECK(embedded_text(wav) == text);
  CHECK(embedded_text(mp3) == text);
  CHECK(embedded_text(ogg) == text);
  CHECK(oxen::test::opus_comment(ogg, "TRANSCRIPT") == text);  // a real reader sees it too
  CHECK_FALSE(embedded_text(encode_audio(recipe(AudioFormat::pcm, text))).has_value());
  CHECK(wav_seconds(wav) == doctest::Approx(speech_seconds(text, 1.0)));

  SUBCASE("truncated or foreign files are read without trouble") {
    for (size_t cut : {0, 3, 11, 40, 60}) {
      CHECK_NOTHROW(embedded_text(wav.substr(0, cut)));
      CHECK_NOTHROW(embedded_text(mp3.substr(0, cut)));
      CHECK_NOTHROW(embedded_text(ogg.substr(0, cut)));
      CHECK_NOTHROW(wav_seconds(wav.substr(0, cut)));
    }
    CHECK_FALSE(embedded_text("RIFF\xff\xff\xff\xffWAVEjunk").has_value());
    CHECK(sniff_audio("fLaC\0\0\0\"") == "flac");
    CHECK_FALSE(sniff_audio("hello world").has_value());
  }
}

TEST_CASE("format names, types and rates") {
  CHECK(audio_format("ogg_opus") == AudioFormat::ogg_opus);
  CHECK_FALSE(audio_format("flac").has_value());
  CHECK(std::string(audio_content_type(AudioFormat::mp3)) == "audio/mpeg");
  CHECK(std::string(audio_extension(AudioFormat::ogg_opus)) == ".ogg");
  CHECK(supported_sample_rate(22050));
  CHECK_FALSE(supported_sample_rate(96000));
}
