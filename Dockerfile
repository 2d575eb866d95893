# oxen-mock as a container image. The build stage makes the same Debian package that
# tests/package/deb_test.sh checks (cpack from a Release build); the runtime stage installs it on
# bookworm-slim, which pulls in only its runtime libraries.
#   docker build -t oxen-mock .
#   docker run --rm -p 8080:8080 -e OXEN_MOCK_ADMIN_TOKEN=change-me oxen-mock [OPTIONS]
# It listens on 0.0.0.0, so the admin API needs a token (OXEN_MOCK_ADMIN_TOKEN) or --no-admin;
# without either, oxen-mock refuses to start.
FROM debian:bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/setup --build-only \
 && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DOXEN_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" \
 && cd build && cpack -G DEB -B /out

FROM debian:bookworm-slim
COPY --from=build /out/oxen-mock_*.deb /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/oxen-mock_*.deb curl \
 && rm -rf /var/lib/apt/lists/* /tmp/oxen-mock_*.deb \
 && useradd --system --no-create-home --uid 10001 oxen
USER oxen
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS -H "X-Mock-Admin-Token: ${OXEN_MOCK_ADMIN_TOKEN}" http://127.0.0.1:8080/__admin/health
ENTRYPOINT ["oxen-mock", "--host", "0.0.0.0", "--port", "8080"]
