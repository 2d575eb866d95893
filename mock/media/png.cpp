#include "png.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../core/rng.hpp"

namespace oxen::mock {

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), length);
}

void flush_nothing(png_structp) {}

[[noreturn]] void on_error(png_structp, png_const_charp message) {
  throw std::runtime_error(std::string("png: ") + message);
}

void on_warning(png_structp, png_const_charp) {}

// "16:9" -> {16, 9}; {0, 0} when it is not two positive numbers around a separator.
std::pair<double, double> two_numbers(std::string_view text, char separator) {
  auto sep = text.find(separator);
  if (sep == std::string_view::npos) return {0, 0};
  try {
    double a = std::stod(std::string(text.substr(0, sep)));
    double b = std::stod(std::string(text.substr(sep + 1)));
    if (a > 0 && b > 0 && std::isfinite(a) && std::isfinite(b)) return {a, b};
  } catch (const std::exception&) {
  }
  return {0, 0};
}

}  // namespace

std::string encode_png(int width, int height, const std::vector<uint8_t>& rgb) {
  if (width <= 0 || height <= 0 ||
      rgb.size() != static_cast<size_t>(width) * static_cast<size_t>(height) * 3)
    throw std::invalid_argument("encode_png: pixel buffer does not match the size");
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, on_error, on_warning);
  if (!png) throw std::runtime_error("png: cannot create write struct");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    throw std::runtime_error("png: cannot create info struct");
  }
  try {
    png_set_write_fn(png, &out, append_bytes, flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    // Speed over size: the images are small and made on every request.
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y)
      png_write_row(png, const_cast<png_bytep>(rgb.data() + static_cast<size_t>(y) * width * 3));
    png_write_end(png, nullptr);
  } catch (...) {
    png_destroy_write_struct(&png, &info);
    throw;
  }
  png_destroy_write_struct(&png, &info);
  return out;
}

std::vector<uint8_t> render_pixels(const ImageRecipe& r) {
  // A smooth two-colour gradient with a few soft discs on it: cheap, compresses well, and any
  // change of the inputs moves colours and shapes visibly.
  Rng rng(mix64(r.seed ^ hash_bytes(r.model) ^ mix64(hash_bytes(r.prompt)) ^
                (static_cast<uint64_t>(r.index) * 0x9e3779b97f4a7c15ull)),
          "image");
  auto channel = [&] { return static_cast<int>(rng.below(256)); };
  int a[3] = {channel(), channel(), channel()};
  int b[3] = {channel(), channel(), channel()};
  struct Disc {
    double x, y, radius;
    int colour[3];
  };
  Disc discs[4];
  for (auto& d : discs) {
    d.x = rng.unit() * r.width;
    d.y = rng.unit() * r.height;
    d.radius = (0.1 + 0.25 * rng.unit()) * std::max(r.width, r.height);
    for (auto& c : d.colour) c = channel();
  }
  double angle = rng.unit() * 6.283185307179586;
  double dx = std::cos(angle), dy = std::sin(angle);
  double span = std::abs(dx) * r.width + std::abs(dy) * r.height;

  std::vector<uint8_t> px(static_cast<size_t>(r.width) * r.height * 3);
  size_t i = 0;
  for (int y = 0; y < r.height; ++y) {
    for (int x = 0; x < r.width; ++x) {
      double t = ((x - (dx < 0 ? r.width : 0)) * dx + (y - (dy < 0 ? r.height : 0)) * dy) / span;
      t = std::clamp(t, 0.0, 1.0);
      double rgb[3];
      for (int c = 0; c < 3; ++c) rgb[c] = a[c] + (b[c] - a[c]) * t;
      for (const auto& d : discs) {
        double ddx = x - d.x, ddy = y - d.y, dist2 = ddx * ddx + ddy * ddy;
        if (dist2 < d.radius * d.radius) {
          double w = 0.6 * (1.0 - std::sqrt(dist2) / d.radius);
          for (int c = 0; c < 3; ++c) rgb[c] = rgb[c] * (1 - w) + d.colour[c] * w;
        }
      }
      for (int c = 0; c < 3; ++c) px[i++] = static_cast<uint8_t>(std::clamp(rgb[c], 0.0, 255.0));
    }
  }
  return px;
}

Dimensions image_dimensions(std::string_view aspect_ratio, std::string_view size, int long_side,
                            int max_side) {
  long_side = std::max(1, long_side);
  max_side = std::max(1, max_side);
  auto fit = [](double w, double h, int side) {
    double scale = side / std::max(w, h);
    return Dimensions{std::max(1, static_cast<int>(std::lround(w * scale))),
                      std::max(1, static_cast<int>(std::lround(h * scale)))};
  };
  if (!size.empty()) {
    auto [w, h] = two_numbers(size, size.find('x') != std::string_view::npos ? 'x' : '*');
    if (w > 0) {
      if (w <= max_side && h <= max_side)
        return {std::max(1, static_cast<int>(std::lround(w))),
                std::max(1, static_cast<int>(std::lround(h)))};
      return fit(w, h, max_side);
    }
  }
  if (!aspect_ratio.empty()) {
    auto [w, h] = two_numbers(aspect_ratio, ':');
    if (w > 0) return fit(w, h, long_side);
  }
  return {long_side, long_side};
}

}  // namespace oxen::mock
