// The media checks of the full profile: an image generation, answered with the documented body.
#include "runner.hpp"

namespace oxen::conformance {

namespace {

using nlohmann::json;

void check_image_generate(Session& s, Outcome& out) {
  std::string why;
  const json* m = s.model_for(catalog_entry("media.images.generate"), &why);
  if (!m) return out.skip(why);
  const std::string path = "/ai/images/generate";
  // No seed in the request: the mock then answers from its own --seed, so a recording shows it.
  json body = {{"model", (*m)["id"]}, {"prompt", "An ox grazing in a green meadow at dawn."}};
  auto f = s.send("POST", path, body.dump());
  const auto* doc = expect_json(out, subject("POST", path), f, 200);
  if (!doc || !out.check_schema(s.schemas(), "image_generate_response", subject("POST", path), *doc)) return;
  const json images = doc->value("images", json::array());
  if (images.size() != 1)
    out.failure(subject("POST", path), "/images", "count", "asked for one image, got " + std::to_string(images.size()), doc);
}

}  // namespace

void add_media_checks(std::map<std::string, CheckFn>& fns) { fns["media.images.generate"] = check_image_generate; }

}  // namespace oxen::conformance
