#include "media_store.hpp"

#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "../core/rng.hpp"

namespace oxen::mock {

namespace {

std::string hex_name(std::string_view identity, const char* extension) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx",
                static_cast<unsigned long long>(mix64(hash_bytes(identity))),
                static_cast<unsigned long long>(mix64(hash_bytes(identity, 0x2545f4914f6cdd1dull))));
  return std::string(buf) + extension;
}

}  // namespace

// The name of an image, from everything that shapes its pixels.
std::string image_name(const ImageRecipe& r);

namespace {

bool valid_name(const std::string& name) {
  auto dot = name.find('.');
  if (dot != 32) return false;
  for (size_t i = 0; i < 32; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(name[i])) || std::isupper(static_cast<unsigned char>(name[i])))
      return false;
  auto ext = name.substr(dot);
  return ext == ".png" || ext == ".mp4" || ext == ".wav" || ext == ".mp3" || ext == ".pcm" || ext == ".ogg";
}

}  // namespace

MediaStore::MediaStore(const std::map<std::string, std::string>& files, size_t max_files)
    : files_(files), max_files_(max_files == 0 ? 1 : max_files) {}

std::string MediaStore::remember(std::string name, Entry entry) {
  std::lock_guard lock(mutex_);
  if (entries_.emplace(name, std::move(entry)).second) {
    order_.push_back(name);
    while (order_.size() > max_files_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
  }
  return name;
}

std::string image_name(const ImageRecipe& r) {
  std::string identity = "image\n" + std::to_string(r.seed) + "\n" + r.model + "\n" + r.prompt +
                         "\n" + std::to_string(r.index) + "\n" + std::to_string(r.width) + "x" +
                         std::to_string(r.height);
  return hex_name(identity, ".png");
}

std::string MediaStore::add_image(const ImageRecipe& r) { return remember(image_name(r), r); }

std::shared_ptr<const std::string> MediaStore::rendered(const std::string& name, const ImageRecipe& recipe) const {
  return images_.get(name, [&] { return render_png(recipe); });
}

std::shared_ptr<const std::string> MediaStore::image_bytes(const ImageRecipe& recipe) const {
  return rendered(image_name(recipe), recipe);
}

std::string audio_name(const AudioRecipe& r) {
  char shape[96];
  std::snprintf(shape, sizeof shape, "%d\n%.6g\n%.6g\n%d", r.sample_rate, r.speed, r.volume, r.pitch);
  std::string identity = "audio\n" + std::to_string(r.seed) + "\n" + r.model + "\n" + r.text + "\n" + r.voice +
                         "\n" + r.style + "\n" + shape;
  return hex_name(identity, audio_extension(r.format));
}

std::string MediaStore::add_audio(const AudioRecipe& r) { return remember(audio_name(r), r); }

std::shared_ptr<const std::string> MediaStore::rendered(const std::string& name, const AudioRecipe& recipe) const {
  return images_.get(name, [&] { return encode_audio(recipe); });
}

std::shared_ptr<const std::string> MediaStore::audio_bytes(const AudioRecipe& recipe) const {
  return rendered(audio_name(recipe), recipe);
}

std::string MediaStore::add_video(const std::string& fixture_path, std::string_view identity) {
  std::string full = "video\n" + fixture_path + "\n" + std::string(identity);
  return remember(hex_name(full, ".mp4"), Video{fixture_path});
}

std::string MediaStore::video_bytes(const std::string& fixture_path) const {
  auto it = files_.find(fixture_path);
  if (it == files_.end()) throw std::runtime_error("media fixture missing: " + fixture_path);
  return it->second;
}

std::optional<StoredMedia> MediaStore::fetch(const std::string& name) const {
  if (!valid_name(name)) return std::nullopt;
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return std::nullopt;
    entry = it->second;
  }
  if (const auto* recipe = std::get_if<ImageRecipe>(&entry))
    return StoredMedia{"image/png", *rendered(name, *recipe)};
  if (const auto* recipe = std::get_if<AudioRecipe>(&entry))
    return StoredMedia{audio_content_type(recipe->format), *rendered(name, *recipe)};
  return StoredMedia{"video/mp4", video_bytes(std::get<Video>(entry).fixture_path)};
}

size_t MediaStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::string video_fixture_for(std::string_view aspect_ratio) {
  auto colon = aspect_ratio.find(':');
  double w = 16, h = 9;
  if (colon != std::string_view::npos) {
    try {
      w = std::stod(std::string(aspect_ratio.substr(0, colon)));
      h = std::stod(std::string(aspect_ratio.substr(colon + 1)));
    } catch (const std::exception&) {
      w = 16, h = 9;
    }
  }
  if (w > h) return "media/video-16x9.mp4";
  if (h > w) return "media/video-9x16.mp4";
  return "media/video-1x1.mp4";
}

std::string base64_encode(std::string_view in) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace oxen::mock
