#!/usr/bin/env bash
# Builds the project's Docker image and checks it the way an admin uses it. Run on demand, not in CI: a cold
# build takes many minutes.
#
#   scripts/docker-smoke.sh            # as root, or as a user of a running Docker engine
#
# It uses the engine that answers (DOCKER_HOST or the default socket); if none does, it starts a private one and
# stops it at the end. Base images missing from the engine are made locally (no registry needed): a Debian root
# file system from debootstrap, imported with `docker import`, as the runtime base, and the same plus the host's
# Swift toolchain as the build image. The Dockerfile is built unchanged, with only SWIFT_IMAGE and
# RUNTIME_IMAGE as build arguments. Then each check prints PASS or FAIL on one line.
#
# Settings, all optional (environment):
#   SWIFT_IMAGE, RUNTIME_IMAGE  base images (default: made locally under the pterodisbot-smoke/ names; any other
#                               name missing from the engine is pulled)
#   SWIFT_TOOLCHAIN             toolchain copied into the build image, the folder holding usr/bin/swift
#                               (default: found from `swift` on PATH)
#   SWIFT_PACKAGES_MIRROR       local copies of GitHub repositories (OWNER/NAME.git) for the build image's git,
#                               for hosts that cannot reach GitHub (default: git's url.<folder>.insteadOf for
#                               https://github.com/, if the host has one; else the build fetches from GitHub)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR  where debootstrap and apt fetch from (default: deb.debian.org)
#   SMOKE_STATE_DIR             the private engine's data (images, build cache) and scratch root file systems
#                               (default: ~/.cache/pterodisbot-docker-smoke)
#   DOCKERD_STORAGE_DRIVER      the private engine's storage driver (default: dockerd's own choice, overlay2
#                               here; vfs only where overlay mounts fail: with Debian's Docker 20.10 classic
#                               builder, vfs builds twice failed at a COPY --from step, "layer does not exist")
#   SMOKE_MAX_IMAGE_MB          size goal of the runtime image in MB as `docker images` counts (default 120)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
state="${SMOKE_STATE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pterodisbot-docker-smoke}"
suite=bookworm
debian_mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
max_image_mb="${SMOKE_MAX_IMAGE_MB:-120}"
image=pterodisbot:smoke
build_image=pterodisbot-smoke/build:latest
fakes_image=pterodisbot-smoke/fakes:latest
fakes=pterodisbot-smoke-fakes
bot=pterodisbot-smoke-bot
volume=pterodisbot-smoke-embed
work="$(mktemp -d "${TMPDIR:-/tmp}/pterodisbot-smoke.XXXXXX")"
started=$SECONDS
passed=0
failed=0
engine_pid=

say() { printf '%s\n' "$*"; }
phase() { say "== $* ($((SECONDS - started)) s)"; }
die() {
    say "error: $*" >&2
    exit 2
}
pass() {
    passed=$((passed + 1))
    printf 'PASS  %-16s %s\n' "$1" "$2"
}
fail() {
    failed=$((failed + 1))
    printf 'FAIL  %-16s %s\n' "$1" "$2"
}

cleanup() {
    set +e
    if [ -n "${DOCKER_HOST:-}" ] || docker info >/dev/null 2>&1; then
        docker rm -f "$bot" "$fakes" >/dev/null 2>&1
        docker volume rm "$volume" >/dev/null 2>&1
    fi
    if [ -n "$engine_pid" ]; then
        kill "$engine_pid" 2>/dev/null
        wait "$engine_pid" 2>/dev/null
        # The engine leaves its network namespace mounted under its exec root.
        grep -o " $engine_run/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount 2>/dev/null
    fi
    say "logs: $work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------------------
phase "engine"
engine_run="${SMOKE_ENGINE_RUN_DIR:-/run/pterodisbot-docker-smoke}"
if docker info >/dev/null 2>&1; then
    say "using the engine that answers (${DOCKER_HOST:-default socket})"
elif [ -z "${DOCKER_HOST:-}" ] && DOCKER_HOST="unix://$engine_run/docker.sock" docker info >/dev/null 2>&1; then
    # A private engine left by an earlier run: use it, leave it running.
    export DOCKER_HOST="unix://$engine_run/docker.sock"
    say "using the private engine already running at $DOCKER_HOST"
else
    [ "$(id -u)" = 0 ] || die "no Docker engine answers, and starting a private one needs root"
    command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is missing (apt-get install docker.io)"
    mkdir -p "$engine_run" "$state/engine"
    export DOCKER_HOST="unix://$engine_run/docker.sock"
    # Niced, so a build never starves the host. No iptables rules and no default bridge: this engine changes
    # nothing on the host's network. Containers here use --network none or another container's network, and
    # builds --network host (https://docs.docker.com/reference/cli/dockerd/).
    nice -n 15 dockerd --host "$DOCKER_HOST" --data-root "$state/engine" --exec-root "$engine_run" \
        --pidfile "$engine_run/dockerd.pid" --iptables=false --bridge=none \
        ${DOCKERD_STORAGE_DRIVER:+--storage-driver="$DOCKERD_STORAGE_DRIVER"} >"$work/dockerd.log" 2>&1 &
    engine_pid=$!
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$engine_pid" 2>/dev/null || die "dockerd exited; see $work/dockerd.log"
        sleep 1
    done
    docker info >/dev/null 2>&1 || die "dockerd did not answer within 60 s; see $work/dockerd.log"
    say "started a private engine ($(docker info -f '{{.ServerVersion}}, {{.Driver}}'))"
fi

# ---------------------------------------------------------------------------------------------------------------
# Base images

# Runs a command in a root file system; the dynamic loader reads /proc to find $ORIGIN (the toolchain's RUNPATH).
in_root() { # folder, command...
    local root=$1 status=0
    shift
    mount -t proc proc "$root/proc"
    chroot "$root" "$@" || status=$?
    umount "$root/proc"
    return $status
}

# Writes apt's sources as debian:bookworm-slim has them (the release, its updates and security fixes), then
# brings the root file system up to date with them.
debian_rootfs() { # folder, extra packages (comma separated)
    local root=$1 include=$2
    umount "$root/proc" 2>/dev/null || true # left mounted by an interrupted run
    rm -rf "$root"
    debootstrap --variant=minbase ${include:+--include="$include"} "$suite" "$root" "$debian_mirror" \
        >"$work/debootstrap-$(basename "$root").log" 2>&1 ||
        die "debootstrap failed; see $work/debootstrap-$(basename "$root").log"
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $debian_mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # Keep apt's downloads and translations out of images, as Debian's official images do.
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
EOF
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    in_root "$root" sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get -q update && apt-get -q -y upgrade' \
        >>"$work/debootstrap-$(basename "$root").log" 2>&1 ||
        die "updating the root file system failed; see $work/debootstrap-$(basename "$root").log"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/*.log "$root"/tmp/*
    : >"$root/etc/resolv.conf"
}

# Drops documentation, manuals and translations, now and for every later package, as debian:bookworm-slim does
# (debuerreotype's "slimify": dpkg path-exclude rules).
slimify() { # folder
    local root=$1
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
EOF
    find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$root"/usr/share/{info,lintian,linda,locale,man,groff}/*
}

import_rootfs() { # folder, image
    tar --numeric-owner -C "$1" -c . | docker import --change 'CMD ["bash"]' - "$2" >/dev/null
    rm -rf "$1"
}

toolchain="${SWIFT_TOOLCHAIN:-}"
if [ -z "$toolchain" ] && command -v swift >/dev/null; then
    toolchain="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")"
fi
swift_version="$([ -n "$toolchain" ] && "$toolchain/usr/bin/swift" --version 2>/dev/null |
    sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1)"
runtime_base="${RUNTIME_IMAGE:-pterodisbot-smoke/debian:$suite-slim}"
swift_base="${SWIFT_IMAGE:-pterodisbot-smoke/swift:${swift_version:-unknown}-$suite}"

mirror="${SWIFT_PACKAGES_MIRROR:-}"
if [ -z "$mirror" ]; then
    mirror="$(git config --get-regexp '^url\..*\.insteadof$' 2>/dev/null |
        awk '$2 == "https://github.com/" { sub(/^url\./, "", $1); sub(/\.insteadof$/, "", $1); print $1; exit }')"
    [ -d "$mirror" ] || mirror=
fi

make_runtime_base() {
    debian_rootfs "$state/rootfs-runtime" ""
    slimify "$state/rootfs-runtime"
    import_rootfs "$state/rootfs-runtime" "$runtime_base"
}

# What the toolchain's programs link against and what `swift build` calls (linker, C headers, git), as in the
# official swift:*-bookworm images.
swift_packages=binutils,ca-certificates,git,libc6-dev,libcurl4,libedit2,libgcc-12-dev,libncurses6,libsqlite3-0
swift_packages+=,libstdc++-12-dev,libxml2,pkg-config,tzdata,zlib1g-dev

make_swift_base() {
    [ -x "$toolchain/usr/bin/swift" ] ||
        die "no Swift toolchain for the build image: put swift on PATH or set SWIFT_TOOLCHAIN"
    local root="$state/rootfs-swift"
    debian_rootfs "$root" "$swift_packages"
    # The toolchain goes to /usr, where the official images have it. Left out: tools a package build never runs
    # (debugger, language server, docs, Embedded Swift).
    tar -C "$toolchain" -c --exclude='usr/bin/lldb*' --exclude='usr/lib/liblldb*' --exclude='usr/bin/sourcekit-lsp' \
        --exclude='usr/lib/libsourcekitdInProc.so' --exclude='usr/lib/libSwiftSourceKit*' --exclude='usr/bin/clangd' \
        --exclude='usr/bin/docc' --exclude='usr/share/docc' --exclude='usr/lib/swift/embedded' usr |
        tar -C "$root" -x --no-same-owner
    if [ -n "$mirror" ]; then
        mkdir -p "$root/srv/github-mirror"
        tar -C "$mirror" -c . | tar -C "$root/srv/github-mirror" -x --no-same-owner
        # The same redirection the host's git has: every github.com address reads the local copy.
        cat >"$root/etc/gitconfig" <<'EOF'
[url "/srv/github-mirror/"]
	insteadOf = https://github.com/
	insteadOf = git@github.com:
	insteadOf = ssh://git@github.com/
EOF
    fi
    in_root "$root" swift --version >/dev/null 2>&1 || die "the toolchain does not run in the $suite root file system"
    import_rootfs "$root" "$swift_base"
}

ensure_image() { # image, function that makes it
    if docker image inspect "$1" >/dev/null 2>&1; then
        say "$1: present"
    elif [[ "$1" == pterodisbot-smoke/* ]]; then
        [ "$(id -u)" = 0 ] || die "making $1 needs root (debootstrap, chroot)"
        command -v debootstrap >/dev/null || die "making $1 needs debootstrap (apt-get install debootstrap)"
        say "$1: making it"
        "$2"
        say "$1: made ($((SECONDS - started)) s)"
    else
        docker pull "$1" >/dev/null || die "cannot pull $1"
    fi
}

phase "base images"
ensure_image "$runtime_base" make_runtime_base
ensure_image "$swift_base" make_swift_base

# ---------------------------------------------------------------------------------------------------------------
phase "build"
build_args=(--network host --build-arg "SWIFT_IMAGE=$swift_base" --build-arg "RUNTIME_IMAGE=$runtime_base")
if ! docker build "${build_args[@]}" -t "$image" "$repo" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log"
    die "docker build failed; see $work/build.log"
fi
say "built $image ($((SECONDS - started)) s)"

# The fakes run from the bench binary, built in the Dockerfile's own build stage (cached by the build above) and
# kept as an image until that stage changes. A debug build: the fakes need no speed, and it compiles sooner.
docker build "${build_args[@]}" --target build -t "$build_image" "$repo" >>"$work/build.log" 2>&1 ||
    die "the build stage did not build again; see $work/build.log"
build_id="$(docker image inspect -f '{{.Id}}' "$build_image")"
if [ "$(docker image inspect -f '{{index .Config.Labels "pterodisbot.smoke.build"}}' "$fakes_image" 2>/dev/null)" \
    != "$build_id" ]; then
    docker rm -f "$fakes-build" >/dev/null 2>&1 || true
    docker run --name "$fakes-build" --network none "$build_image" sh -c 'swift build --product pterodisbot-bench &&
        cp "$(swift build --show-bin-path)/pterodisbot-bench" /usr/local/bin/' \
        >"$work/fakes-build.log" 2>&1 || {
        tail -n 40 "$work/fakes-build.log"
        die "building the fakes failed; see $work/fakes-build.log"
    }
    docker commit --change "LABEL pterodisbot.smoke.build=$build_id" \
        --change 'ENTRYPOINT ["/usr/local/bin/pterodisbot-bench"]' --change 'CMD []' \
        "$fakes-build" "$fakes_image" >/dev/null
    docker rm "$fakes-build" >/dev/null
fi
say "fakes ready ($((SECONDS - started)) s)"

# ---------------------------------------------------------------------------------------------------------------
phase "checks"

# --version
version_out="$(docker run --rm --network none "$image" --version 2>&1)" || true
expected_version="$(sed -n 's/.*current = "\(.*\)".*/\1/p' "$repo/Sources/StatusBot/BotVersion.swift" | head -1)"
if [ -n "$version_out" ] && [[ "$version_out" == *"$expected_version"* ]]; then
    pass version "$version_out"
else
    fail version "got: $version_out (expected $expected_version)"
fi

# demo into a mounted folder, as a user that is neither root nor the image's own (what the README shows with
# --user "$(id -u):$(id -g)"; as root that would be root, so another uid stands in).
demo_user="$(id -u):$(id -g)"
[ "$(id -u)" = 0 ] && demo_user=4242:4242
mkdir -p "$work/demo"
chown "$demo_user" "$work/demo"
if docker run --rm --network none --user "$demo_user" -v "$work/demo:/app/demo" "$image" demo \
    >"$work/demo.log" 2>&1 && [ -s "$work/demo/index.html" ] &&
    [ "$(stat -c %u:%g "$work/demo/index.html")" = "$demo_user" ]; then
    pngs="$(find "$work/demo" -name '*.png' | wc -l)"
    pass demo "index.html ($(stat -c %s "$work/demo/index.html") bytes) and $pngs PNG files written as uid $demo_user"
else
    fail demo "no page from $demo_user; see $work/demo.log"
fi

# check-config from the environment alone, secrets redacted. The values are made up but not the example's
# placeholders, which check-config refuses.
token="MTEwMDAwMDAwMDAwMDAwMDAy.smoke.$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
client_key="ptlc_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 43)"
app_key="ptla_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 43)"
status=0
docker run --rm --network none -e PTERODACTYL_PANEL_URL=https://panel.smoke.test \
    -e PTERODACTYL_CLIENT_API_KEY="$client_key" -e PTERODACTYL_APPLICATION_API_KEY="$app_key" \
    -e DISCORD_TOKEN="$token" -e DISCORD_ALLOWED_GUILD_ID=400000000000000001 -e DISCORD_ALLOWED_ROLES="Game Admin" \
    "$image" check-config >"$work/check-config.log" 2>&1 || status=$?
leaks=0
for secret in "$token" "$client_key" "$app_key" "${token#*.smoke.}" "${client_key:5:20}" "${app_key:5:20}"; do
    grep -qF -- "$secret" "$work/check-config.log" && leaks=$((leaks + 1))
done
# Each secret shows as its last four characters (the keys with their ptlc_/ptla_ kind), with its source.
redacted=0
for shown in "= ****${token: -4} " "= ptlc_****${client_key: -4} " "= ptla_****${app_key: -4} "; do
    grep -qF -- "$shown" "$work/check-config.log" && redacted=$((redacted + 1))
done
if [ "$status" = 0 ] && [ "$leaks" = 0 ] && [ "$redacted" = 3 ] &&
    [ "$(grep -c '(env [A-Z_]*)' "$work/check-config.log")" -ge 6 ]; then
    pass check-config "exit 0 from environment variables only; token and both keys shown as ****last4"
else
    fail check-config "exit $status, $leaks secret(s) shown, $redacted of 3 redacted; see $work/check-config.log"
fi

# docker inspect: non-root user, the volume, the health check
inspect() { docker image inspect -f "$1" "$image"; }
user="$(inspect '{{.Config.User}}')"
uid="$(docker run --rm --network none --entrypoint id "$image" -u)"
if [ "$uid" != 0 ] && [ -n "$user" ] && [[ "$user" != root* ]]; then
    pass user "$user (uid $uid)"
else
    fail user "runs as '$user' (uid $uid)"
fi
volumes="$(inspect '{{range $v, $_ := .Config.Volumes}}{{$v}} {{end}}')"
if [[ " $volumes" == *" /app/embed "* ]]; then pass volume "$volumes"; else fail volume "volumes: '$volumes'"; fi
health="$(inspect '{{json .Config.Healthcheck}}')"
if [[ "$health" == *'"CMD","/app/pterodisbot","healthcheck"'* ]]; then
    pass healthcheck-set "$health"
else
    fail healthcheck-set "$health"
fi

# size, as `docker images` counts it (decimal megabytes)
size=$(inspect '{{.Size}}')
size_text="$(awk -v b="$size" 'BEGIN { printf "%.1f MB (%.1f MiB)", b / 1e6, b / 1048576 }')"
if [ "$size" -le $((max_image_mb * 1000000)) ]; then
    pass size "$size_text, goal <= $max_image_mb MB"
else
    fail size "$size_text, goal <= $max_image_mb MB"
fi

# The bot against the fakes: both share the fakes' network namespace, so 127.0.0.1 is the same for both and
# nothing leaves it.
docker rm -f "$bot" "$fakes" >/dev/null 2>&1 || true
docker volume rm "$volume" >/dev/null 2>&1 || true
docker run -d --name "$fakes" --network none "$fakes_image" --serve-fakes 900 >/dev/null
wait_for_log() { # container, text, seconds
    local deadline=$((SECONDS + $3))
    while [ $SECONDS -lt $deadline ]; do
        docker logs "$1" 2>&1 | grep -qF -- "$2" && return 0
        [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || return 1
        sleep 1
    done
    return 1
}
wait_for_log "$fakes" "smoke: fakes listening" 60 ||
    die "the fakes did not start: $(docker logs "$fakes" 2>&1 | tail -5)"
docker logs "$fakes" 2>/dev/null | grep -E '^[A-Z_]+=' >"$work/bot.env"
chmod 600 "$work/bot.env"
# A short update interval so the next cycle is overdue soon after the bot stops; debug logs show READY; the
# metrics listener on the port the image exposes, as the README shows it.
docker run -d --name "$bot" --network "container:$fakes" --env-file "$work/bot.env" \
    -e BOT_UPDATE_INTERVAL=2 -e LOG_LEVEL=debug -e BOT_METRICS_LISTEN=0.0.0.0:9464 -v "$volume:/app/embed" \
    "$image" >/dev/null
bot_token="$(sed -n 's/^DISCORD_TOKEN=//p' "$work/bot.env")"

if wait_for_log "$fakes" "smoke: gateway answered IDENTIFY" 120 && wait_for_log "$bot" "Session ready" 30; then
    pass ready "$(docker logs "$fakes" 2>&1 | grep -F 'smoke: gateway answered')"
else
    fail ready "no READY; see $work/bot.log"
fi
if wait_for_log "$fakes" "smoke: status message posted" 120; then
    pass status-message "$(docker logs "$fakes" 2>&1 | grep -F 'smoke: status message posted' | sed 's/^smoke: //')"
else
    fail status-message "none posted; see $work/bot.log and $work/fakes.log"
fi
store="$(docker exec "$bot" sh -c 'stat -c %u /app/embed/embed_locations.json && cat /app/embed/embed_locations.json' \
    2>&1 || true)"
if [[ "$store" == "$uid"* ]] && [[ "$store" == *channel_id* ]]; then
    pass store "embed_locations.json in the volume, written by uid $uid"
else
    fail store "embed/embed_locations.json: $store"
fi

health_status() { docker inspect -f '{{.State.Health.Status}}' "$bot"; }
wait_for_health() { # status, seconds
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(health_status)" = "$1" ] && return 0
        sleep 2
    done
    return 1
}
# What the last probe printed, else what it read: the health file, on one line.
last_probe() {
    local output
    output="$(docker inspect -f '{{with .State.Health}}{{range .Log}}{{.Output}}{{end}}{{end}}' "$bot" |
        sed '/^$/d' | tail -n 1)"
    [ -n "$output" ] || output="health file: $(docker exec "$bot" cat /app/embed/.heartbeat 2>&1 | tr '\n' ' ')"
    printf '%s' "$output"
}
mark=$SECONDS
if wait_for_health healthy 150; then
    pass healthy "after $((SECONDS - mark)) s: $(last_probe)"
else
    fail healthy "still $(health_status) after $((SECONDS - mark)) s: $(last_probe)"
fi

# /readyz and /metrics on the exposed port, asked from the fakes' container (it has bash; the two share loopback).
http_get() { # path
    docker exec "$fakes" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9464 &&
        printf "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" "$1" >&3 && cat <&3' _ "$1" |
        tr -d '\r'
}
ports="$(inspect '{{json .Config.ExposedPorts}}')"
readyz="$(http_get /readyz 2>&1 || true)"
metrics="$(http_get /metrics 2>&1 || true)"
game_series="$(grep -c '^pterodisbot_game_server_state{' <<<"$metrics" || true)"
if [[ "$ports" == *'"9464/tcp"'* ]] && [[ "$readyz" == "HTTP/1.1 200"* ]] &&
    grep -Eq '^pterodisbot_ready 1(\.0)?$' <<<"$metrics" && [ "$game_series" -gt 0 ]; then
    pass metrics "EXPOSE 9464; /readyz $(tail -n 1 <<<"$readyz"); pterodisbot_ready 1, $game_series server state series"
else
    fail metrics "exposed $ports; /readyz $(head -n 1 <<<"$readyz") $(tail -n 1 <<<"$readyz"); $game_series series"
fi

# A bot that stops cycling (here frozen with SIGSTOP) must turn unhealthy: the health file's next cycle becomes
# overdue and the HEALTHCHECK fails its retries.
docker kill --signal STOP "$bot" >/dev/null
mark=$SECONDS
if wait_for_health unhealthy 240; then
    pass unhealthy "$((SECONDS - mark)) s after the bot stopped: $(last_probe)"
else
    fail unhealthy "still $(health_status) $((SECONDS - mark)) s after the bot stopped: $(last_probe)"
fi
docker kill --signal CONT "$bot" >/dev/null

# `docker stop` sends SIGTERM to the bot (PID 1): a clean exit 0 well within the grace period.
mark=$SECONDS
docker stop -t 20 "$bot" >/dev/null
exit_code="$(docker inspect -f '{{.State.ExitCode}}' "$bot")"
if [ "$exit_code" = 0 ] && [ $((SECONDS - mark)) -lt 20 ]; then
    pass stop "exit 0 after $((SECONDS - mark)) s"
else
    fail stop "exit $exit_code after $((SECONDS - mark)) s"
fi
docker logs "$bot" >"$work/bot.log" 2>&1
docker logs "$fakes" >"$work/fakes.log" 2>&1
if grep -qF -- "$bot_token" "$work/bot.log"; then fail log-secrets "the token is in the bot's log"; else
    pass log-secrets "no token in $(wc -l <"$work/bot.log") lines of debug log"
fi

# compose.yaml, with an environment file beside it as an admin would have
mkdir -p "$work/compose"
cp "$repo/compose.yaml" "$work/compose/"
printf 'DISCORD_TOKEN=example\n' >"$work/compose/pterodisbot.env"
if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
elif command -v docker-compose >/dev/null; then
    compose=(docker-compose)
else
    compose=()
fi
if [ ${#compose[@]} = 0 ]; then
    say "SKIP  compose          neither the docker compose plugin nor docker-compose is installed"
elif (cd "$work/compose" && "${compose[@]}" config >"$work/compose.log" 2>&1); then
    pass compose "${compose[*]} config accepts compose.yaml"
else
    fail compose "${compose[*]} config rejects compose.yaml; see $work/compose.log"
fi

phase "done"
say "$passed passed, $failed failed"
[ "$failed" = 0 ]
