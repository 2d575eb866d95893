#pragma once
// Real, decodable PNG images (libpng), with pixels derived only from their inputs.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oxen::mock {

// Encodes 8-bit RGB pixels (width * height * 3 bytes, row-major) as a PNG file. No time or
// text chunks are written, so equal pixels give equal bytes. Throws std::runtime_error.
std::string encode_png(int width, int height, const std::vector<uint8_t>& rgb);

// What an image is made from. Equal recipes give identical bytes; a different prompt, model,
// seed or index gives a different picture.
struct ImageRecipe {
  uint64_t seed = 0;
  std::string model;
  std::string prompt;
  int index = 0;  // position among the images of one request
  int width = 256;
  int height = 256;
};

std::vector<uint8_t> render_pixels(const ImageRecipe& recipe);
inline std::string render_png(const ImageRecipe& recipe) {
  return encode_png(recipe.width, recipe.height, render_pixels(recipe));
}

// Width and height for an `aspect_ratio` ("16:9") or a `size` ("1024x768"): a size is kept when
// it fits `max_side` and scaled down to fit otherwise; an aspect ratio gets `long_side` pixels on
// its longer side; neither gives a square of `long_side`. Unparsable values fall back the same
// way (the model's request_schema is what rejects them).
struct Dimensions {
  int width = 0;
  int height = 0;
};
Dimensions image_dimensions(std::string_view aspect_ratio, std::string_view size, int long_side,
                            int max_side);

}  // namespace oxen::mock
