# pipeline_exporter on Debian 12 packages: a build stage with the -dev packages, and a slim
# runtime stage with only the shared libraries (the SOCI backends are loaded at run time).
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config zlib1g-dev libdeflate-dev prometheus-cpp-dev libcivetweb-dev \
      libsoci-dev libboost-dev libsqlite3-dev libmariadb-dev libpq-dev libyaml-cpp-dev \
      libspdlog-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DPIPELINE_EXPORTER_TESTS=OFF \
      -DPIPELINE_EXPORTER_BENCHMARKS=OFF \
 && cmake --build /build -j2 --target pipeline_exporter

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libprometheus-cpp-core1.0 libcivetweb1 libsoci-core4.0 libsoci-sqlite3-4.0 \
      libsoci-mysql4.0 libsoci-postgresql4.0 libyaml-cpp0.7 libspdlog1.10 libdeflate0 curl \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/pipeline_exporter && chown nobody:nogroup /var/lib/pipeline_exporter
COPY --from=build /build/pipeline_exporter /usr/bin/pipeline_exporter
USER nobody
WORKDIR /var/lib/pipeline_exporter
EXPOSE 5066
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:5066/api/health || exit 1
ENTRYPOINT ["/usr/bin/pipeline_exporter"]
