#include "audio.hpp"

#include <lame/lame.h>
#include <opus/opusenc.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "../core/rng.hpp"

namespace oxen::mock {

namespace {

constexpr double kWordSeconds = 0.4;
constexpr double kVoicedShare = 0.8;  // of a word's slot; the rest is the pause after it
constexpr const char* kTranscriptTag = "TRANSCRIPT";

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

void put_le(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

uint32_t get_le(std::string_view in, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[at + i]);
  return v;
}

void put_syncsafe(std::string& out, uint32_t value) {
  for (int shift = 21; shift >= 0; shift -= 7) out += static_cast<char>((value >> shift) & 0x7f);
}

uint32_t get_syncsafe(std::string_view in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 7) | (static_cast<uint8_t>(in[at + i]) & 0x7f);
  return v;
}

// An ID3v2.4 tag with one TXXX frame, description "transcript", UTF-8.
std::string id3_tag(std::string_view text) {
  std::string frame_body;
  frame_body += '\x03';  // UTF-8
  frame_body += "transcript";
  frame_body += '\0';
  frame_body += text;
  std::string frame = "TXXX";
  put_syncsafe(frame, static_cast<uint32_t>(frame_body.size()));
  frame += std::string(2, '\0');
  frame += frame_body;
  std::string tag = "ID3";
  tag += '\x04';
  tag += std::string(2, '\0');  // revision, flags
  put_syncsafe(tag, static_cast<uint32_t>(frame.size()));
  return tag + frame;
}

std::optional<std::string> id3_transcript(std::string_view in) {
  if (in.size() < 10 || in.substr(0, 3) != "ID3" || in[3] != '\x04') return std::nullopt;
  size_t end = std::min(in.size(), 10 + static_cast<size_t>(get_syncsafe(in, 6)));
  for (size_t at = 10; at + 10 <= end;) {
    std::string_view id = in.substr(at, 4);
    size_t size = get_syncsafe(in, at + 4);
    if (id[0] == '\0' || at + 10 + size > end) break;
    std::string_view body = in.substr(at + 10, size);
    constexpr std::string_view kDescription("\x03transcript\0", 12);
    if (id == "TXXX" && body.substr(0, kDescription.size()) == kDescription)
      return std::string(body.substr(kDescription.size()));
    at += 10 + size;
  }
  return std::nullopt;
}

std::optional<std::string> wav_transcript(std::string_view in) {
  for (size_t at = 12; at + 8 <= in.size();) {
    std::string_view id = in.substr(at, 4);
    size_t size = get_le(in, at + 4, 4);
    if (at + 8 + size > in.size()) break;
    if (id == "LIST" && size >= 4 && in.substr(at + 8, 4) == "INFO") {
      for (size_t sub = at + 12; sub + 8 <= at + 8 + size;) {
        size_t len = get_le(in, sub + 4, 4);
        if (sub + 8 + len > at + 8 + size) break;
        if (in.substr(sub, 4) == "ICMT") {
          std::string_view value = in.substr(sub + 8, len);
          while (!value.empty() && value.back() == '\0') value.remove_suffix(1);
          return std::string(value);
        }
        sub += 8 + len + (len & 1);
      }
    }
    at += 8 + size + (size & 1);
  }
  return std::nullopt;
}

// The TRANSCRIPT comment of the OpusTags packet (assumed to fit the first pages, as ours do).
std::optional<std::string> opus_transcript(std::string_view in) {
  auto tags = in.find("OpusTags");
  if (tags == std::string_view::npos) return std::nullopt;
  size_t at = tags + 8;
  auto need = [&](size_t n) { return at + n <= in.size(); };
  if (!need(4)) return std::nullopt;
  at += 4 + get_le(in, at, 4);  // vendor string
  if (!need(4)) return std::nullopt;
  uint32_t count = get_le(in, at, 4);
  at += 4;
  const std::string prefix = std::string(kTranscriptTag) + "=";
  for (uint32_t i = 0; i < count && need(4); ++i) {
    uint32_t len = get_le(in, at, 4);
    at += 4;
    if (!need(len)) break;
    std::string_view comment = in.substr(at, len);
    if (comment.substr(0, prefix.size()) == prefix) return std::string(comment.substr(prefix.size()));
    at += len;
  }
  return std::nullopt;
}

}  // namespace

std::optional<AudioFormat> audio_format(std::string_view name) {
  if (name == "wav") return AudioFormat::wav;
  if (name == "mp3") return AudioFormat::mp3;
  if (name == "pcm") return AudioFormat::pcm;
  if (name == "ogg_opus") return AudioFormat::ogg_opus;
  return std::nullopt;
}

const char* audio_format_name(AudioFormat format) {
  switch (format) {
    case AudioFormat::wav: return "wav";
    case AudioFormat::mp3: return "mp3";
    case AudioFormat::pcm: return "pcm";
    case AudioFormat::ogg_opus: return "ogg_opus";
  }
  return "mp3";
}

const char* audio_content_type(AudioFormat format) {
  switch (format) {
    case AudioFormat::wav: return "audio/wav";
    case AudioFormat::mp3: return "audio/mpeg";
    case AudioFormat::pcm: return "audio/pcm";
    case AudioFormat::ogg_opus: return "audio/ogg";
  }
  return "application/octet-stream";
}

const char* audio_extension(AudioFormat format) {
  switch (format) {
    case AudioFormat::wav: return ".wav";
    case AudioFormat::mp3: return ".mp3";
    case AudioFormat::pcm: return ".pcm";
    case AudioFormat::ogg_opus: return ".ogg";
  }
  return ".bin";
}

bool supported_sample_rate(int hz) {
  static constexpr int kRates[] = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};
  return std::find(std::begin(kRates), std::end(kRates), hz) != std::end(kRates);
}

double speech_seconds(std::string_view text, double speed) {
  size_t words = std::max<size_t>(1, words_of(text).size());
  return static_cast<double>(words) * kWordSeconds / (speed > 0 ? speed : 1.0);
}

std::vector<int16_t> synthesize(const AudioRecipe& r) {
  const double speed = r.speed > 0 ? r.speed : 1.0;
  const double rate = r.sample_rate;
  const uint64_t voice_seed = mix64(r.seed ^ hash_bytes(r.model + "\n" + r.voice + "\n" + r.style));
  Rng voice(voice_seed, "voice");
  const double base_hz = 100.0 + voice.unit() * 120.0;  // the voice's own register
  const double harmonics[3] = {1.0, 0.3 + 0.4 * voice.unit(), 0.1 + 0.3 * voice.unit()};
  const double shift = std::pow(2.0, r.pitch / 12.0);
  const double amplitude = 0.25 * r.volume * 32767.0 / (harmonics[0] + harmonics[1] + harmonics[2]);

  auto words = words_of(r.text);
  if (words.empty()) words.push_back("");
  const size_t slot = static_cast<size_t>(std::lround(kWordSeconds / speed * rate));
  const size_t voiced = static_cast<size_t>(slot * kVoicedShare);
  const size_t ramp = std::max<size_t>(1, static_cast<size_t>(0.01 * rate));
  std::vector<int16_t> out(slot * words.size(), 0);
  for (size_t w = 0; w < words.size(); ++w) {
    Rng word(voice_seed, std::string(words[w]) + "\n" + std::to_string(w));
    const double start_hz = base_hz * shift * (0.85 + 0.4 * word.unit());
    const double end_hz = start_hz * (0.9 + 0.2 * word.unit());
    double phase = 0;
    for (size_t i = 0; i < voiced; ++i) {
      double t = static_cast<double>(i) / voiced;
      double hz = start_hz + (end_hz - start_hz) * t;
      phase += 2 * M_PI * hz / rate;
      double envelope = std::min({1.0, static_cast<double>(i) / ramp, static_cast<double>(voiced - i) / ramp});
      double v = 0;
      for (int h = 0; h < 3; ++h) v += harmonics[h] * std::sin(phase * (h + 1));
      double s = std::clamp(amplitude * envelope * v, -32768.0, 32767.0);
      out[w * slot + i] = static_cast<int16_t>(std::lround(s));
    }
  }
  return out;
}

std::string encode_wav(const std::vector<int16_t>& samples, int sample_rate, std::string_view text) {
  std::string info = "INFO";
  info += "ICMT";
  std::string value(text);
  value += '\0';
  put_le(info, static_cast<uint32_t>(value.size()), 4);
  info += value;
  if (value.size() & 1) info += '\0';

  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put_le(out, 4 + (8 + 16) + (8 + static_cast<uint32_t>(info.size())) + (8 + data_bytes), 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);
  put_le(out, 1, 2);  // PCM
  put_le(out, 1, 2);  // mono
  put_le(out, static_cast<uint32_t>(sample_rate), 4);
  put_le(out, static_cast<uint32_t>(sample_rate) * 2, 4);
  put_le(out, 2, 2);
  put_le(out, 16, 2);
  out += "LIST";
  put_le(out, static_cast<uint32_t>(info.size()), 4);
  out += info;
  out += "data";
  put_le(out, data_bytes, 4);
  out += encode_pcm(samples);
  return out;
}

std::string encode_pcm(const std::vector<int16_t>& samples) {
  std::string out;
  out.reserve(samples.size() * 2);
  for (int16_t s : samples) put_le(out, static_cast<uint16_t>(s), 2);
  return out;
}

std::string encode_mp3(const std::vector<int16_t>& samples, int sample_rate, std::string_view text) {
  std::unique_ptr<lame_global_flags, decltype(&lame_close)> lame(lame_init(), lame_close);
  if (!lame) throw std::runtime_error("mp3: lame_init failed");
  lame_set_num_channels(lame.get(), 1);
  lame_set_mode(lame.get(), MONO);
  lame_set_in_samplerate(lame.get(), sample_rate);
  lame_set_out_samplerate(lame.get(), sample_rate);
  lame_set_brate(lame.get(), sample_rate >= 32000 ? 64 : 32);
  lame_set_quality(lame.get(), 5);
  lame_set_bWriteVbrTag(lame.get(), 0);           // no Xing frame to patch afterwards
  lame_set_write_id3tag_automatic(lame.get(), 0);  // our own tag carries the text as UTF-8
  if (lame_init_params(lame.get()) < 0) throw std::runtime_error("mp3: unsupported parameters");

  std::string out = id3_tag(text);
  std::vector<unsigned char> buffer(samples.size() * 5 / 4 + 7200);
  std::vector<short> pcm(samples.begin(), samples.end());
  int n = lame_encode_buffer(lame.get(), pcm.data(), nullptr, static_cast<int>(pcm.size()), buffer.data(),
                             static_cast<int>(buffer.size()));
  if (n < 0) throw std::runtime_error("mp3: encoding failed");
  out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
  n = lame_encode_flush(lame.get(), buffer.data(), static_cast<int>(buffer.size()));
  if (n < 0) throw std::runtime_error("mp3: flush failed");
  out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
  return out;
}

std::string encode_ogg_opus(const std::vector<int16_t>& samples, int sample_rate, std::string_view text,
                            uint32_t serial) {
  std::unique_ptr<OggOpusComments, decltype(&ope_comments_destroy)> comments(ope_comments_create(),
                                                                             ope_comments_destroy);
  if (!comments) throw std::runtime_error("ogg_opus: no comments");
  ope_comments_add(comments.get(), kTranscriptTag, std::string(text).c_str());

  std::string out;
  OpusEncCallbacks callbacks{};
  callbacks.write = [](void* user, const unsigned char* data, opus_int32 len) {
    static_cast<std::string*>(user)->append(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
    return 0;
  };
  callbacks.close = [](void*) { return 0; };
  int error = 0;
  std::unique_ptr<OggOpusEnc, decltype(&ope_encoder_destroy)> enc(
      ope_encoder_create_callbacks(&callbacks, &out, comments.get(), sample_rate, 1, 0, &error),
      ope_encoder_destroy);
  if (!enc || error != OPE_OK) throw std::runtime_error("ogg_opus: encoder refused the parameters");
  // The stream's serial number is random unless set: set it so equal inputs give equal bytes.
  ope_encoder_ctl(enc.get(), OPE_SET_SERIALNO(static_cast<opus_int32>(serial & 0x7fffffff)));
  if (ope_encoder_write(enc.get(), samples.data(), static_cast<int>(samples.size())) != OPE_OK ||
      ope_encoder_drain(enc.get()) != OPE_OK)
    throw std::runtime_error("ogg_opus: encoding failed");
  return out;
}

std::string encode_audio(const AudioRecipe& r) {
  auto samples = synthesize(r);
  switch (r.format) {
    case AudioFormat::wav: return encode_wav(samples, r.sample_rate, r.text);
    case AudioFormat::pcm: return encode_pcm(samples);
    case AudioFormat::mp3: return encode_mp3(samples, r.sample_rate, r.text);
    case AudioFormat::ogg_opus:
      return encode_ogg_opus(samples, r.sample_rate, r.text,
                             static_cast<uint32_t>(mix64(r.seed ^ hash_bytes(r.text))));
  }
  throw std::runtime_error("unknown audio format");
}

std::optional<std::string> sniff_audio(std::string_view in) {
  if (in.size() >= 12 && in.substr(0, 4) == "RIFF" && in.substr(8, 4) == "WAVE") return "wav";
  if (in.size() >= 4 && in.substr(0, 4) == "OggS") return "ogg";
  if (in.size() >= 4 && in.substr(0, 4) == "fLaC") return "flac";
  if (in.size() >= 12 && in.substr(4, 4) == "ftyp") return "m4a";
  if (in.size() >= 4 && in.substr(0, 4) == "\x1a\x45\xdf\xa3") return "webm";
  if (in.size() >= 10 && in.substr(0, 3) == "ID3") return "mp3";
  // An MPEG audio frame header: 11 sync bits, then a layer other than "reserved".
  if (in.size() >= 4 && static_cast<uint8_t>(in[0]) == 0xff && (static_cast<uint8_t>(in[1]) & 0xe0) == 0xe0 &&
      (static_cast<uint8_t>(in[1]) & 0x06) != 0)
    return "mp3";
  return std::nullopt;
}

std::optional<std::string> embedded_text(std::string_view bytes) {
  auto kind = sniff_audio(bytes);
  if (!kind) return std::nullopt;
  if (*kind == "wav") return wav_transcript(bytes);
  if (*kind == "mp3") return id3_transcript(bytes);
  if (*kind == "ogg") return opus_transcript(bytes);
  return std::nullopt;
}

std::optional<double> wav_seconds(std::string_view in) {
  if (sniff_audio(in) != "wav") return std::nullopt;
  uint32_t byte_rate = 0, data = 0;
  for (size_t at = 12; at + 8 <= in.size();) {
    std::string_view id = in.substr(at, 4);
    uint32_t size = get_le(in, at + 4, 4);
    if (id == "fmt " && at + 16 <= in.size()) byte_rate = get_le(in, at + 16, 4);
    if (id == "data") {
      data = static_cast<uint32_t>(std::min<size_t>(size, in.size() - at - 8));
      break;
    }
    at += 8 + static_cast<size_t>(size) + (size & 1);
  }
  if (byte_rate == 0) return std::nullopt;
  return static_cast<double>(data) / byte_rate;
}

}  // namespace oxen::mock
