#pragma once
// Real, decodable speech-like audio (WAV and raw PCM by hand, MP3 with LAME, Ogg Opus with
// libopusenc), with samples derived only from their inputs. Each container but raw PCM carries
// the spoken text (WAV LIST/INFO ICMT, ID3v2 TXXX "transcript", Opus comment TRANSCRIPT), so that
// a transcription of the mock's own file answers the text it was made from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxen::mock {

enum class AudioFormat { wav, mp3, pcm, ogg_opus };

// "wav", "mp3", "pcm", "ogg_opus"; nullopt for any other name.
std::optional<AudioFormat> audio_format(std::string_view name);
const char* audio_format_name(AudioFormat format);
const char* audio_content_type(AudioFormat format);
const char* audio_extension(AudioFormat format);  // ".wav", ".mp3", ".pcm", ".ogg"

// Rates every encoder takes as they are (MPEG-1/2/2.5 layer III's list; Opus resamples and records
// the input rate in its header).
bool supported_sample_rate(int hz);

// What a clip is made from. Equal recipes give identical bytes; different text, voice, style,
// model or seed gives different samples.
struct AudioRecipe {
  uint64_t seed = 0;
  std::string model;
  std::string text;   // what is spoken (and embedded)
  std::string voice;  // voice name or reference; shapes the timbre
  std::string style;  // further direction (instructions, reference URLs); shapes the timbre
  AudioFormat format = AudioFormat::mp3;
  int sample_rate = 24000;
  double speed = 1.0;   // > 0; 2 halves the duration
  double volume = 1.0;  // > 0; amplitude factor
  int pitch = 0;        // semitones
};

// Seconds of speech for `text` at `speed`: 0.4 s per word (2.5 words per second at speed 1),
// at least one word's worth.
double speech_seconds(std::string_view text, double speed);

// Mono signed 16-bit samples at recipe.sample_rate, speech_seconds long.
std::vector<int16_t> synthesize(const AudioRecipe& recipe);

// The file in recipe.format. Throws std::runtime_error when an encoder fails.
std::string encode_audio(const AudioRecipe& recipe);

std::string encode_wav(const std::vector<int16_t>& samples, int sample_rate, std::string_view text);
std::string encode_pcm(const std::vector<int16_t>& samples);  // s16le, no header
std::string encode_mp3(const std::vector<int16_t>& samples, int sample_rate, std::string_view text);
std::string encode_ogg_opus(const std::vector<int16_t>& samples, int sample_rate, std::string_view text,
                            uint32_t serial);

// The container of an audio file by its first bytes: "wav", "mp3", "ogg", "flac", "m4a", "webm";
// nullopt when none fits (raw PCM has no signature).
std::optional<std::string> sniff_audio(std::string_view bytes);
// The text embedded as above, or nullopt.
std::optional<std::string> embedded_text(std::string_view bytes);
// Seconds of a WAV file from its header, or nullopt when it is not one.
std::optional<double> wav_seconds(std::string_view bytes);

}  // namespace oxen::mock
