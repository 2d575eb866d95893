#pragma once
// Real decoders for the audio the mock sends: the WAV header by hand, MP3 with libmpg123, Ogg Opus
// with libopusfile. Each gives what a player would see: rate, channels, decoded samples.
#include <mpg123.h>
#include <opus/opusfile.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace oxen::test {

struct DecodedAudio {
  long sample_rate = 0;  // for Ogg Opus: the input rate in the OpusHead (decoding runs at 48 kHz)
  int channels = 0;
  std::vector<int16_t> samples;  // interleaved
  long decode_rate = 0;          // the rate `samples` are at
  double seconds() const {
    return decode_rate > 0 && channels > 0 ? static_cast<double>(samples.size()) / channels / decode_rate : 0;
  }
  double peak() const {
    int peak = 0;
    for (int16_t s : samples) peak = std::max(peak, std::abs(static_cast<int>(s)));
    return peak / 32768.0;
  }
};

inline uint32_t read_le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

// PCM WAV: RIFF/WAVE, a 16-bit PCM fmt chunk, then data.
inline std::optional<DecodedAudio> decode_wav(const std::string& b) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return std::nullopt;
  if (read_le(b, 4, 4) + 8 != b.size()) return std::nullopt;
  DecodedAudio out;
  for (size_t at = 12; at + 8 <= b.size();) {
    uint32_t size = read_le(b, at + 4, 4);
    if (at + 8 + size > b.size()) return std::nullopt;
    if (b.compare(at, 4, "fmt ") == 0) {
      if (read_le(b, at + 8, 2) != 1 || read_le(b, at + 22, 2) != 16) return std::nullopt;
      out.channels = static_cast<int>(read_le(b, at + 10, 2));
      out.sample_rate = out.decode_rate = read_le(b, at + 12, 4);
    } else if (b.compare(at, 4, "data") == 0) {
      for (size_t i = 0; i + 1 < size; i += 2)
        out.samples.push_back(static_cast<int16_t>(read_le(b, at + 8 + i, 2)));
    }
    at += 8 + size + (size & 1);
  }
  if (out.channels == 0) return std::nullopt;
  return out;
}

inline std::optional<DecodedAudio> decode_mp3(const std::string& b) {
  mpg123_init();
  int err = 0;
  mpg123_handle* h = mpg123_new(nullptr, &err);
  if (!h) return std::nullopt;
  mpg123_param(h, MPG123_ADD_FLAGS, MPG123_QUIET, 0);
  mpg123_format_none(h);
  for (long rate : {8000L, 11025L, 12000L, 16000L, 22050L, 24000L, 32000L, 44100L, 48000L})
    mpg123_format(h, rate, MPG123_MONO | MPG123_STEREO, MPG123_ENC_SIGNED_16);
  mpg123_open_feed(h);
  DecodedAudio out;
  std::vector<unsigned char> buf(1 << 16);
  size_t done = 0;
  int rc = mpg123_decode(h, reinterpret_cast<const unsigned char*>(b.data()), b.size(), buf.data(), buf.size(), &done);
  bool ok = true;
  while (true) {
    if (rc == MPG123_NEW_FORMAT) {
      long rate = 0;
      int channels = 0, encoding = 0;
      mpg123_getformat(h, &rate, &channels, &encoding);
      out.sample_rate = out.decode_rate = rate;
      out.channels = channels;
    }
    for (size_t i = 0; i + 1 < done; i += 2) {
      int16_t s;
      std::memcpy(&s, buf.data() + i, 2);
      out.samples.push_back(s);
    }
    if (rc == MPG123_NEED_MORE || rc == MPG123_DONE) break;
    if (rc != MPG123_OK && rc != MPG123_NEW_FORMAT) {
      ok = false;
      break;
    }
    rc = mpg123_decode(h, nullptr, 0, buf.data(), buf.size(), &done);
  }
  mpg123_delete(h);
  if (!ok || out.channels == 0) return std::nullopt;
  return out;
}

inline std::optional<DecodedAudio> decode_ogg_opus(const std::string& b) {
  int err = 0;
  OggOpusFile* f = op_open_memory(reinterpret_cast<const unsigned char*>(b.data()), b.size(), &err);
  if (!f) return std::nullopt;
  DecodedAudio out;
  const OpusHead* head = op_head(f, -1);
  out.sample_rate = static_cast<long>(head->input_sample_rate);
  out.channels = head->channel_count;
  out.decode_rate = 48000;
  std::vector<opus_int16> pcm(5760 * 2);
  bool ok = true;
  while (true) {
    int n = op_read(f, pcm.data(), static_cast<int>(pcm.size()), nullptr);
    if (n == 0) break;
    if (n < 0) {
      ok = false;
      break;
    }
    out.samples.insert(out.samples.end(), pcm.begin(), pcm.begin() + n * out.channels);
  }
  op_free(f);
  if (!ok) return std::nullopt;
  return out;
}

// A plain PCM WAV of decoded samples: no LIST chunk, so no embedded text.
inline std::string encode_plain_wav(const DecodedAudio& d) {
  auto le = [](std::string& out, uint32_t v, int n) {
    for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  const uint32_t data = static_cast<uint32_t>(d.samples.size() * 2);
  std::string out = "RIFF";
  le(out, 36 + data, 4);
  out += "WAVEfmt ";
  le(out, 16, 4);
  le(out, 1, 2);
  le(out, static_cast<uint32_t>(d.channels), 2);
  le(out, static_cast<uint32_t>(d.decode_rate), 4);
  le(out, static_cast<uint32_t>(d.decode_rate * d.channels * 2), 4);
  le(out, static_cast<uint32_t>(d.channels * 2), 2);
  le(out, 16, 2);
  out += "data";
  le(out, data, 4);
  for (int16_t s : d.samples) le(out, static_cast<uint16_t>(s), 2);
  return out;
}

// The text comment TRANSCRIPT=... of an Ogg Opus file, as libopusfile reads it.
inline std::optional<std::string> opus_comment(const std::string& b, const char* tag) {
  int err = 0;
  OggOpusFile* f = op_open_memory(reinterpret_cast<const unsigned char*>(b.data()), b.size(), &err);
  if (!f) return std::nullopt;
  const char* value = opus_tags_query(op_tags(f, -1), tag, 0);
  std::optional<std::string> out;
  if (value) out = value;
  op_free(f);
  return out;
}

}  // namespace oxen::test
