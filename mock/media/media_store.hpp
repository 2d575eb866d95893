#pragma once
// The media a client fetches from the URLs the mock hands out (/api/media/files/<name>). Each
// name maps to a recipe, not to bytes: images and audio are rendered from it (deterministic),
// videos are fixture files, so thousands of URLs cost little memory. Rendered images and audio are
// kept in a bounded cache (kImageCacheBytes), so a repeated request or fetch does not render again. Bounded: beyond
// `max_files` the oldest names are forgotten and answer 404.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "../core/lru_cache.hpp"
#include "audio.hpp"
#include "png.hpp"

namespace oxen::mock {

struct StoredMedia {
  std::string content_type;
  std::string bytes;
};

class MediaStore {
 public:
  // `files` are the fixture files by relative path (video bytes come from there).
  MediaStore(const std::map<std::string, std::string>& files, size_t max_files);

  // Each returns the file name under /api/media/files/ ("<32 hex>.png" / ".mp4"). Equal inputs
  // give equal names.
  std::string add_image(const ImageRecipe& recipe);
  std::string add_video(const std::string& fixture_path, std::string_view identity);
  std::string add_audio(const AudioRecipe& recipe);  // "<32 hex>.wav" / .mp3 / .pcm / .ogg

  // nullopt for an unknown or forgotten name; never touches the file system.
  std::optional<StoredMedia> fetch(const std::string& name) const;
  size_t size() const;

  // Bytes without storing a URL (for b64_json answers).
  std::shared_ptr<const std::string> image_bytes(const ImageRecipe& recipe) const;
  std::shared_ptr<const std::string> audio_bytes(const AudioRecipe& recipe) const;

  static constexpr size_t kImageCacheBytes = 64u << 20;
  static constexpr size_t kImageCacheEntries = 1024;
  std::string video_bytes(const std::string& fixture_path) const;

 private:
  struct Video {
    std::string fixture_path;
  };
  using Entry = std::variant<ImageRecipe, Video, AudioRecipe>;
  std::string remember(std::string name, Entry entry);
  std::shared_ptr<const std::string> rendered(const std::string& name, const ImageRecipe& recipe) const;
  std::shared_ptr<const std::string> rendered(const std::string& name, const AudioRecipe& recipe) const;

  const std::map<std::string, std::string>& files_;
  size_t max_files_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;
  mutable LruCache<std::string> images_{kImageCacheEntries, kImageCacheBytes,
                                        [](const std::string& bytes) { return bytes.size(); }};
};

// The fixture video for an aspect ratio: media/video-16x9.mp4, -9x16 or -1x1 (nearest shape).
std::string video_fixture_for(std::string_view aspect_ratio);

std::string base64_encode(std::string_view bytes);

}  // namespace oxen::mock
