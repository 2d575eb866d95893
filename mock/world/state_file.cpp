#include "state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../../conformance/contract/schema_store.hpp"

namespace oxen::mock {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", path);
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  try {
    write_all(fd, bytes, tmp);
    if (::fsync(fd) != 0) fail("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename onto", path);
  auto dir = std::filesystem::path(path).parent_path();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::optional<nlohmann::json> StateFile::load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path_)) return std::nullopt;
    throw std::runtime_error("state file " + path_ + ": cannot be read");
  }
  std::stringstream text;
  text << in.rdbuf();
  auto state = nlohmann::json::parse(text.str(), nullptr, false);
  if (state.is_discarded())
    throw std::runtime_error("state file " + path_ + ": not valid JSON (corrupted?)");
  auto violations = SchemaStore::builtin().validate("admin_state", state);
  if (!violations.empty())
    throw std::runtime_error("state file " + path_ + ": " + describe(violations.front()));
  std::lock_guard lock(mutex_);
  on_disk_ = state.dump();
  return state;
}

bool StateFile::save(const nlohmann::json& state) {
  std::lock_guard lock(mutex_);
  std::string bytes = state.dump();
  if (bytes == on_disk_) return false;
  write_file_atomically(path_, bytes);
  on_disk_ = std::move(bytes);
  return true;
}

}  // namespace oxen::mock
