// Generated images: real PNGs (decoded back with libpng), the same bytes for the same inputs,
// different pictures for different inputs, sizes from aspect_ratio and size.
#include <doctest/doctest.h>
#include <png.h>

#include <cstring>
#include <stdexcept>

#include "media/media_store.hpp"
#include "media/png.hpp"

using namespace oxen::mock;

namespace {

struct Decoded {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

// Decodes with libpng's reader; throws when the bytes are not a valid PNG.
Decoded decode_png(const std::string& bytes) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    throw std::runtime_error(image.message);
  image.format = PNG_FORMAT_RGB;
  Decoded d;
  d.width = static_cast<int>(image.width);
  d.height = static_cast<int>(image.height);
  d.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, d.rgb.data(), 0, nullptr)) {
    png_image_free(&image);
    throw std::runtime_error(image.message);
  }
  return d;
}

ImageRecipe recipe(std::string prompt = "a red fox", uint64_t seed = 7) {
  ImageRecipe r;
  r.seed = seed;
  r.model = "flux-2-dev";
  r.prompt = std::move(prompt);
  r.width = 96;
  r.height = 54;
  return r;
}

}  // namespace

TEST_CASE("encode_png writes a PNG that libpng decodes to the same pixels") {
  std::vector<uint8_t> px(5 * 3 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 17);
  auto bytes = encode_png(5, 3, px);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(bytes.substr(12, 4) == "IHDR");
  auto decoded = decode_png(bytes);
  CHECK(decoded.width == 5);
  CHECK(decoded.height == 3);
  CHECK(decoded.rgb == px);
  CHECK_THROWS_AS(encode_png(4, 4, px), std::invalid_argument);
}

TEST_CASE("rendered images are deterministic and depend on every input") {
  auto base = render_png(recipe());
  SUBCASE("same inputs, identical bytes") { CHECK(render_png(recipe()) == base); }
  SUBCASE("a different prompt, seed, model or index gives different pixels") {
    auto other_model = recipe();
    other_model.model = "qwen-image-edit";
    auto other_index = recipe();
    other_index.index = 1;
    for (const auto& r : {recipe("a blue fox"), recipe("a red fox", 8), other_model, other_index})
      CHECK(render_pixels(r) != render_pixels(recipe()));
  }
  SUBCASE("decodes at the recipe's size") {
    auto d = decode_png(base);
    CHECK(d.width == 96);
    CHECK(d.height == 54);
  }
}

TEST_CASE("image_dimensions follows size, then aspect_ratio, then the default square") {
  auto dims = [](std::string_view ar, std::string_view size) {
    auto d = image_dimensions(ar, size, 256, 1024);
    return std::make_pair(d.width, d.height);
  };
  CHECK(dims("", "") == std::make_pair(256, 256));
  CHECK(dims("16:9", "") == std::make_pair(256, 144));
  CHECK(dims("9:16", "") == std::make_pair(144, 256));
  CHECK(dims("4:3", "") == std::make_pair(256, 192));
  CHECK(dims("1:1", "") == std::make_pair(256, 256));
  CHECK(dims("16:9", "300x200") == std::make_pair(300, 200));
  CHECK(dims("", "4096x2048") == std::make_pair(1024, 512));
  CHECK(dims("match_input_image", "") == std::make_pair(256, 256));
  CHECK(dims("", "big") == std::make_pair(256, 256));
}

TEST_CASE("the media store serves what it was given, bounded, by exact name only") {
  std::map<std::string, std::string> files{{"media/video-16x9.mp4", std::string("\0\0\0\x20" "ftypisom", 12)}};
  MediaStore store(files, 2);
  auto a = store.add_image(recipe("a"));
  CHECK(a.size() == 36);
  CHECK(a.substr(32) == ".png");
  CHECK(store.add_image(recipe("a")) == a);  // same input, same name
  auto fetched = store.fetch(a);
  REQUIRE(fetched);
  CHECK(fetched->content_type == "image/png");
  CHECK(fetched->bytes == render_png(recipe("a")));

  auto v = store.add_video("media/video-16x9.mp4", "id-1");
  auto video = store.fetch(v);
  REQUIRE(video);
  CHECK(video->content_type == "video/mp4");
  CHECK(video->bytes.substr(4, 4) == "ftyp");

  SUBCASE("names that are not exactly <32 hex>.png|mp4 are unknown") {
    for (auto bad : {std::string("../") + a, a + "/", a.substr(0, 32) + ".PNG", std::string("x.png"),
                     a.substr(0, 32) + ".mp4"})
      CHECK_FALSE(store.fetch(bad));
  }
  SUBCASE("beyond the bound the oldest name is forgotten") {
    store.add_image(recipe("c"));
    CHECK_FALSE(store.fetch(a));
    CHECK(store.fetch(v));
    CHECK(store.size() == 2);
  }
}

TEST_CASE("video fixtures by aspect ratio, and base64") {
  CHECK(video_fixture_for("16:9") == "media/video-16x9.mp4");
  CHECK(video_fixture_for("21:9") == "media/video-16x9.mp4");
  CHECK(video_fixture_for("9:16") == "media/video-9x16.mp4");
  CHECK(video_fixture_for("3:4") == "media/video-9x16.mp4");
  CHECK(video_fixture_for("1:1") == "media/video-1x1.mp4");
  CHECK(video_fixture_for("auto") == "media/video-16x9.mp4");
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}
