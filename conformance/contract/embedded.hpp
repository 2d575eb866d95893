#pragma once
// Files compiled into the binaries (schemas, fixtures) so that nothing is read from disk at run
// time unless the user asks for it.
#include <span>
#include <string_view>

namespace oxen {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, '/'-separated
  std::string_view data;
};

std::span<const EmbeddedFile> embedded_schemas();
std::span<const EmbeddedFile> embedded_fixtures();
std::span<const EmbeddedFile> embedded_dashboard();  // mock/admin/dashboard

}  // namespace oxen
