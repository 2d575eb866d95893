#pragma once
// --state-file: the default namespace's state on disk. Writes are atomic (write a temporary file,
// fsync, rename over the old one, fsync the folder), so a crash at any moment leaves either the
// old or the new state; a file that does not load stops start-up instead of starting empty.
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace oxen::mock {

// Writes `bytes` to `path` so that a crash leaves the old file or the new one, never a part:
// a temporary file, fsync, rename over the old one, fsync the folder. Throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& bytes);

class StateFile {
 public:
  explicit StateFile(std::string path) : path_(std::move(path)) {}

  // The saved state, nullopt when no file exists yet. Throws std::runtime_error naming the file
  // and the reason when it exists but is not a valid state document.
  std::optional<nlohmann::json> load() const;
  // Writes the state unless it is what the file already holds (as loaded or last saved), so a
  // request that changed nothing costs no write and no fsync. Returns whether it wrote. Throws
  // std::runtime_error when the state cannot be written.
  bool save(const nlohmann::json& state);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mutex_;
  mutable std::string on_disk_;  // the bytes the file holds, as far as this process knows
};

}  // namespace oxen::mock
