#pragma once
// Audio: POST /api/ai/audio/generate (the published operation: {created, model, audios:[...]}),
// and the OpenAI-compatible POST /api/ai/audio/speech (raw audio bytes) and
// POST /api/ai/audio/transcriptions (multipart file or JSON audio_url) that the per-model pages
// route audio models to.
#include <memory>

#include "../http/router.hpp"
#include "media_services.hpp"

namespace oxen::mock {

void add_audio_routes(Router& router, std::shared_ptr<MediaServices> services);

}  // namespace oxen::mock
