# syntax=docker/dockerfile:1
#
# Pterodisbot in a container.
#
#   docker build -t pterodisbot .
#   docker run -d --name pterodisbot --restart unless-stopped \
#     -e PTERODACTYL_PANEL_URL=https://panel.example.com -e PTERODACTYL_CLIENT_API_KEY=ptlc_... \
#     -e DISCORD_TOKEN=... -e DISCORD_ALLOWED_GUILD_ID=... \
#     -v pterodisbot-embed:/app/embed pterodisbot
#
# Configuration: environment variables (see config.ini.example for every name), or a mounted file:
#   -v "$PWD/config.ini:/app/config.ini:ro"
# Try it without credentials (writes ./demo/index.html):
#   mkdir -p demo && docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/demo:/app/demo" pterodisbot demo
# State (embed_locations.json, the heartbeat) lives in the /app/embed volume. A bind-mounted folder must be
# writable by uid 10001:  mkdir embed && sudo chown 10001:10001 embed
# Give the bot time to finish its last edits on shutdown: `docker stop -t 20` (compose: stop_grace_period: 20s).

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build

# zlib headers for the CZlib module (PNG deflate, gateway zlib-stream).
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Dependencies first, so this layer stays cached while only our sources change. Package.resolved is optional.
COPY Package.* ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions)

# The manifest names every target, tests included, so the whole tree is needed to load it.
COPY Sources ./Sources
COPY Tests ./Tests

# Static Swift standard library and Foundation: the runtime image needs no Swift toolchain. The Swift code is
# optimized for size (C code such as BoringSSL keeps its own optimization): the bot waits on the network, not on
# the CPU, and a smaller binary is most of what keeps the image small.
RUN swift build -c release --static-swift-stdlib -Xswiftc -Osize --product pterodisbot \
    && mkdir -p /staging \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/pterodisbot" /staging/ \
    && find -L "$(swift build -c release --static-swift-stdlib --show-bin-path)/" -maxdepth 1 \
        -name '*.resources' -exec cp -Ra {} /staging/ \;
# Debug info and the static symbol table are most of the binary's size.
# The toolchain's crash backtracer (swift-backtrace-static, 7.2 MB) is left out: with it the image measured
# 120.3 MB, over its 120 MB goal. A trap still prints the runtime's message with its file and line on stderr.
RUN strip /staging/pterodisbot

# ---------------------------------------------------------------------------------------------------------------
# The few files the bot reads from Debian's packages: CA roots for HTTPS to Discord and the panel (swift-nio-ssl
# reads /etc/ssl/certs/ca-certificates.crt first), time zones for TZ and the graphs' time axis, and the DejaVu Sans
# faces the graphs are drawn with. Taken from here, they come without the rest of those packages (openssl among
# them: the bot's TLS is BoringSSL, linked in).
FROM ${RUNTIME_IMAGE} AS files
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends ca-certificates tzdata fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && rm -rf /usr/share/zoneinfo/right
# (right/ holds the zones again with leap seconds counted, for TZ=right/...; nothing here uses them.)

# ---------------------------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

# The binary links only glibc, libstdc++ and zlib, which the base image has; the rest comes from the stage above,
# with the packages' copyright files.
COPY --from=files /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=files /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=files /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
    /usr/share/fonts/truetype/dejavu/
COPY --from=files /usr/share/doc/ca-certificates/copyright /usr/share/doc/ca-certificates/
COPY --from=files /usr/share/doc/tzdata/copyright /usr/share/doc/tzdata/
COPY --from=files /usr/share/doc/fonts-dejavu-core/copyright /usr/share/doc/fonts-dejavu-core/

RUN groupadd --system --gid 10001 pterodisbot \
    && useradd --system --uid 10001 --gid pterodisbot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin pterodisbot

WORKDIR /app
COPY --from=build --chown=root:root /staging/ /app/
# embed/ holds the state; demo/ lets `docker run --rm pterodisbot demo` write its page as the bot user.
RUN mkdir -p /app/embed /app/demo && chown pterodisbot:pterodisbot /app/embed /app/demo

USER pterodisbot:pterodisbot
VOLUME ["/app/embed"]

# /metrics, /healthz and /readyz: served only when BOT_METRICS_LISTEN=0.0.0.0:9464 is set (off by default).
EXPOSE 9464

# Healthy while the health file ([Bot] HealthFile, default embed/.heartbeat) shows a ready bot: the next cycle is
# not overdue (the last cycle's end plus twice the recent pace), the gateway has not been without a session for
# more than 90 s, and Discord has not refused the token. The probe prints the failing check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/app/pterodisbot", "healthcheck"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/pterodisbot"]
CMD ["run"]
