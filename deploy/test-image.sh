#!/usr/bin/env bash
# Build deploy/Dockerfile without a Docker engine and smoke-test the image.
#
#   sudo bash deploy/test-image.sh        (or: make test-image; needs root)
#
# 1. installs buildah and debootstrap with apt-get if they are missing;
# 2. debootstraps a Debian bookworm minbase rootfs with python3 (cached as a tarball);
# 3. imports it as a local base image (FROM scratch + ADD rootfs.tar /);
# 4. builds deploy/Dockerfile on that base with buildah (vfs storage, chroot isolation,
#    docker format so HEALTHCHECK is kept);
# 5. inside the image, with the root filesystem mounted read-only, /data a fresh volume and
#    /tmp a scratch dir: pullquote --version, ingest a review, quote --json, healthcheck (also
#    that it fails for an adapter with no heartbeat), db check, db backup, id -u;
#    checks the image config (user, HEALTHCHECK, volume, entrypoint) and that nothing was
#    written outside /data and /tmp.
#
# Everything lives in a private buildah storage under a temporary directory that is removed
# on exit; only the rootfs tarball is kept, in $PULLQUOTE_IMAGE_CACHE.
#
# Settings (environment):
#   PULLQUOTE_IMAGE_CACHE   cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/pullquote-image)
#   PULLQUOTE_IMAGE_REFRESH=1   rebuild the cached rootfs (it is also rebuilt after 7 days)
#   PULLQUOTE_IMAGE_KEEP=1  keep the work dir (buildah storage, image, data) for inspection
#   PULLQUOTE_IMAGE_EXPORT=PATH  also save the tested image as a docker-archive tarball
#   DEBIAN_MIRROR           Debian mirror URL (default: read from /etc/apt sources)
#   PIP_CERT / SSL_CERT_FILE    CA bundle handed to pip in the build as a build secret
#                           (default /etc/ssl/certs/ca-certificates.crt when present)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUITE=bookworm
INCLUDE=python3,python3-venv,python3-pip,ca-certificates
BASE_IMAGE=localhost/pullquote-base:$SUITE
IMAGE=localhost/pullquote:test
APP_UID=10001
CACHE_DIR=${PULLQUOTE_IMAGE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/pullquote-image}
CACHE_MAX_AGE_DAYS=7

START=$SECONDS
STEP_START=$SECONDS
FAILURES=()
WORK=""
CTR=""

step() {
    local now=$SECONDS
    if [[ -n ${STEP_NAME:-} ]]; then
        printf '    (%s: %ds)\n' "$STEP_NAME" $((now - STEP_START))
    fi
    STEP_NAME=$1
    STEP_START=$now
    printf '\n==> [%3ds] %s\n' $((now - START)) "$1"
}
info() { printf '    %s\n' "$*"; }
pass() { printf '    PASS  %s\n' "$*"; }
fail() {
    printf '    FAIL  %s\n' "$*" >&2
    FAILURES+=("$*")
}
die() {
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}

# --- cleanup ---------------------------------------------------------------------------------

bah() { buildah --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs "$@"; }

unmount_under() {
    # Anything mounted below $1 (debootstrap's /proc, /sys, /dev binds if it died midway).
    local dir=$1 target
    [[ -d $dir ]] || return 0
    while read -r target; do
        if [[ -n $target ]]; then umount -l "$target" 2>/dev/null || true; fi
    done < <(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ ${PULLQUOTE_IMAGE_KEEP:-0} == 1 ]]; then
            printf '\nKept %s. Inspect with:\n  buildah --root %q --runroot %q --storage-driver vfs images\n' \
                "$WORK" "$WORK/storage" "$WORK/runroot"
        else
            if command -v buildah >/dev/null && [[ -d $WORK/storage ]]; then
                bah unmount --all >/dev/null 2>&1
                bah rm --all >/dev/null 2>&1
                bah rmi --all --force >/dev/null 2>&1
            fi
            unmount_under "$WORK"
            rm -rf --one-file-system "$WORK"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ---------------------------------------------------------------------------------

debian_mirror() {
    # The Debian archive this machine's apt uses: first a URI of a deb entry for a Debian suite
    # (not -security, -updates, -backports) in deb822 .sources files, then one-line .list files.
    if [[ -n ${DEBIAN_MIRROR:-} ]]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local codenames='^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldstable|stable|testing|unstable)$'
    local f uri
    shopt -s nullglob
    for f in /etc/apt/sources.list.d/*.sources; do
        uri=$(awk -v codes="$codenames" '
            function flush() {
                if (found) return
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] ~ codes) { split(uris, u, /[ \t]+/); print u[1]; found = 1; exit }
                }
                types = suites = uris = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            { key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val) }
            key == "types" { types = val }
            key == "suites" { suites = val }
            key == "uris" { uris = val }
            key == "enabled" { enabled = tolower(val) }
            END { flush() }' "$f")
        [[ -n $uri ]] && { echo "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        uri=$(awk -v codes="$codenames" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) ~ codes) { print $i; exit }
            }' "$f")
        [[ -n $uri ]] && { echo "$uri"; return; }
    done
    shopt -u nullglob
    return 1
}

pip_ca_bundle() {
    local f
    for f in "${PIP_CERT:-}" "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt; do
        [[ -n $f && -s $f ]] && { echo "$f"; return; }
    done
}

# --- 1. tools ----------------------------------------------------------------------------------

step "Checking tools"
[[ $(id -u) == 0 ]] || die "run as root (debootstrap and buildah's chroot isolation need it): sudo bash $0"
missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v debootstrap >/dev/null || missing+=(debootstrap)
[[ -s /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
if ((${#missing[@]})); then
    info "installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
info "$(buildah --version)"
info "debootstrap $(dpkg-query -W -f '${Version}' debootstrap 2>/dev/null || echo '?')"

WORK=$(mktemp -d "${PULLQUOTE_IMAGE_WORKDIR:-/var/tmp}/pullquote-image.XXXXXX")
chmod 0755 "$WORK"
info "work dir: $WORK"

# --- 2. base rootfs (cached) -------------------------------------------------------------------

step "Debian $SUITE minbase rootfs"
ARCH=$(dpkg --print-architecture)
KEY=$(printf '%s|%s|%s' "$SUITE" "$ARCH" "$INCLUDE" | sha256sum | cut -c1-12)
TARBALL=$CACHE_DIR/rootfs-$SUITE-$ARCH-$KEY.tar
mkdir -p "$CACHE_DIR"
if [[ -s $TARBALL && ${PULLQUOTE_IMAGE_REFRESH:-0} != 1 ]] &&
    [[ -z $(find "$TARBALL" -mtime +"$CACHE_MAX_AGE_DAYS" -print) ]]; then
    info "cached: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
else
    MIRROR=$(debian_mirror) || die "no Debian mirror in /etc/apt/sources.list{,.d}; set DEBIAN_MIRROR"
    info "debootstrap --variant=minbase $SUITE from $MIRROR"
    if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$WORK/rootfs" "$MIRROR" \
        >"$WORK/debootstrap.log" 2>&1; then
        tail -n 30 "$WORK/debootstrap.log" >&2
        die "debootstrap failed (log above)"
    fi
    unmount_under "$WORK/rootfs"
    # Slim it down like the official slim images: no downloaded .debs, apt lists, docs.
    (cd "$WORK/rootfs" && rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* \
        var/log/*.log usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/*)
    "$WORK/rootfs/usr/bin/python3" --version >/dev/null 2>&1 ||
        chroot "$WORK/rootfs" python3 --version >/dev/null ||
        die "the rootfs has no working python3"
    tar --numeric-owner -C "$WORK/rootfs" -cf "$TARBALL.tmp.$$" .
    mv -f "$TARBALL.tmp.$$" "$TARBALL"
    rm -rf --one-file-system "$WORK/rootfs"
    info "cached: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi

# --- 3. base image -----------------------------------------------------------------------------

step "Base image $BASE_IMAGE (FROM scratch + ADD rootfs.tar)"
mkdir -p "$WORK/base"
ln "$TARBALL" "$WORK/base/rootfs.tar" 2>/dev/null || cp "$TARBALL" "$WORK/base/rootfs.tar"
cat >"$WORK/base/Containerfile" <<'EOF'
FROM scratch
ADD rootfs.tar /
ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/bash"]
EOF
bah bud --quiet --isolation chroot --format docker -t "$BASE_IMAGE" "$WORK/base" >/dev/null
rm -f "$WORK/base/rootfs.tar"
info "python in base: $(bah run --isolation chroot "$(bah from --quiet "$BASE_IMAGE")" -- python3 --version)"
bah rm --all >/dev/null

# --- 4. the real image -------------------------------------------------------------------------

step "Building deploy/Dockerfile with PYTHON_IMAGE=$BASE_IMAGE"
build_args=(
    --isolation chroot --format docker
    --build-arg "PYTHON_IMAGE=$BASE_IMAGE"
    --build-arg "PIP_DEFAULT_TIMEOUT=${PIP_DEFAULT_TIMEOUT:-60}"
    -f "$ROOT/deploy/Dockerfile" -t "$IMAGE"
)
CA=$(pip_ca_bundle || true)
if [[ -n $CA ]]; then
    info "pip CA bundle (build secret pip_cert): $CA"
    build_args+=(--secret "id=pip_cert,src=$CA")
fi
bah bud "${build_args[@]}" "$ROOT" 2>&1 | sed -u 's/^/    | /'
info "image: $IMAGE ($(bah images --format '{{.Size}}' "$IMAGE" | head -n1))"

# --- 5. image config ---------------------------------------------------------------------------

step "Checking the image config"
config=$(bah inspect --type image "$IMAGE" |
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["Docker"]["config"]))')
check_config() {
    # $1: description, $2: python expression over `c` (the docker config dict)
    if python3 -c 'import json,sys; c=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$config" "$2"; then pass "$1"; else fail "$1"; fi
}
check_config "HEALTHCHECK runs 'pullquote healthcheck'" \
    '(c.get("Healthcheck") or {}).get("Test") in (["CMD","pullquote","healthcheck"], ["CMD-SHELL","pullquote healthcheck"])'
check_config "USER is non-root ($APP_UID)" 'c.get("User","").split(":")[0] not in ("", "0", "root")'
check_config "VOLUME /data" '"/data" in (c.get("Volumes") or {})'
check_config "ENTRYPOINT [pullquote], CMD [run]" 'c.get("Entrypoint") == ["pullquote"] and c.get("Cmd") == ["run"]'
check_config "ENV PULLQUOTE_DB=/data/pullquote.db, PYTHONUNBUFFERED=1" \
    '{"PULLQUOTE_DB=/data/pullquote.db","PYTHONUNBUFFERED=1"} <= set(c.get("Env") or [])'

# --- 6. inside the image -----------------------------------------------------------------------

step "Running commands inside the image (read-only root, /data volume, /tmp scratch)"
CTR=$(bah from --quiet "$IMAGE")
MNT=$(bah mount "$CTR")
mkdir -p "$WORK/tmp" "$WORK/reviews"
chmod 1777 "$WORK/tmp"
# mount points first, then the marker that "nothing written" is measured against
bah run --isolation chroot --user 0:0 "$CTR" -- sh -c 'mkdir -p /reviews && sleep 1 && touch /.pullquote-test-marker'

# /data: buildah gives the container a volume for the image's VOLUME /data, initialised from
# the image's /data (owner included) and kept across runs, like a fresh named volume.
# Every other top-level directory of the image is bind-mounted read-only onto itself (buildah's
# chroot isolation has no --read-only), except /tmp (a scratch dir), the kernel file systems
# and /run (buildah writes there; it is root-owned).
run_args=(--isolation chroot -v "$WORK/tmp:/tmp" -v "$WORK/reviews:/reviews:ro")
for dir in "$MNT"/*; do
    name=${dir##*/}
    [[ -d $dir && ! -L $dir ]] || continue
    case $name in data | tmp | reviews | proc | sys | dev | run) continue ;; esac
    run_args+=(-v "$dir:/$name:ro")
done
in_image() { bah run "${run_args[@]}" "$@" "$CTR" -- "${CMD[@]}"; }

cat >"$WORK/reviews/lamplighter.md" <<'EOF'
---
film: The Lamplighter's Daughter
year: 1931
director: Ilse Marrow
outlet: The Image Test Gazette
critic: Cora Penn
published: 2025-01-15
url: https://example.org/image-test/lamplighter
note: Written for deploy/test-image.sh; the film, critics and outlets are invented.
---
The Lamplighter's Daughter is a quiet film about a girl who walks the same six streets every evening, and it finds more suspense in a box of matches than most thrillers find in a gun.

"A small film that glows like a lit window on a cold street," wrote Hal Dorsey in The Evening Projector, and the description still fits. Marrow keeps the camera low and patient, and the town slowly turns from a backdrop into a character.

The Lamplighter's Daughter premiered in Vienna, Austria, on 9 March 1931 and opened in the UK on 2 November 1931.
EOF
chmod -R a+rX "$WORK/reviews"

# $ id -u
CMD=(id -u)
if uid=$(in_image) && [[ $uid =~ ^[0-9]+$ && $uid != 0 ]]; then
    pass "runs as non-root: uid $uid"
else
    fail "runs as non-root: id -u printed '${uid:-}'"
fi

# $ pullquote --version
CMD=(pullquote --version)
if out=$(in_image) && [[ $out == pullquote\ * ]]; then
    pass "pullquote --version: $out"
else
    fail "pullquote --version printed '${out:-}'"
fi

# $ pullquote ingest /reviews   (no sample corpus: the database holds only this review)
CMD=(pullquote ingest /reviews)
if out=$(in_image -e PULLQUOTE_SAMPLE=false 2>&1); then
    pass "pullquote ingest /reviews"
    printf '%s\n' "$out" | sed 's/^/          /'
else
    fail "pullquote ingest /reviews"
    printf '%s\n' "$out" | sed 's/^/          /' >&2
fi
CMD=(test -s /data/pullquote.db)
if in_image; then
    pass "database created on the volume: /data/pullquote.db"
else
    fail "no /data/pullquote.db on the volume"
fi

# $ pullquote quote --json   (must be the review just ingested, so it proves the ingest too)
CMD=(pullquote quote --json)
if out=$(in_image -e PULLQUOTE_SAMPLE=false) &&
    kind=$(python3 -c '
import json, sys
card = json.loads(sys.argv[1])
assert "kind" in card, "no kind"
assert card["film"]["title"] == "The Lamplighter'"'"'s Daughter", card["film"]
print(card["kind"])' "$out"); then
    pass "pullquote quote --json: valid JSON, kind=$kind, from the ingested review"
else
    fail "pullquote quote --json did not print the ingested review's quote as JSON"
    printf '%s\n' "${out:-}" | sed 's/^/          /' >&2
fi

# $ pullquote healthcheck   (no adapters configured: only the database counts)
CMD=(pullquote healthcheck)
if out=$(in_image 2>&1); then
    pass "pullquote healthcheck: exit 0 ${out:+($out)}"
else
    rc=$?
    if [[ $out == *"No such command"* ]]; then
        fail "pullquote healthcheck: the command does not exist yet (exit $rc)"
    else
        fail "pullquote healthcheck: exit $rc: $out"
    fi
fi

# ... and it notices a configured adapter that never showed life (what a dead bot looks like).
CMD=(pullquote healthcheck)
if out=$(in_image -e DISCORD_TOKEN=not-a-real-token 2>"$WORK/stderr"); then
    fail "pullquote healthcheck with DISCORD_TOKEN set and no heartbeat: exit 0, expected failure"
elif [[ ${out,,} == *discord* ]]; then
    pass "pullquote healthcheck fails without an adapter heartbeat: $out"
else
    fail "pullquote healthcheck without a heartbeat: no reason naming discord: $out $(tail -n 3 "$WORK/stderr")"
fi

# $ pullquote db check; pullquote db backup /tmp/backup.db
CMD=(pullquote db check)
if out=$(in_image 2>&1); then
    pass "pullquote db check: $out"
else
    fail "pullquote db check: $out"
fi
CMD=(pullquote db backup /tmp/backup.db)
if out=$(in_image 2>&1) && [[ -s $WORK/tmp/backup.db ]]; then
    pass "pullquote db backup /tmp/backup.db: $out"
else
    fail "pullquote db backup /tmp/backup.db: ${out:-no file written}"
fi

# Nothing written outside /data and /tmp (what buildah itself bind-mounts excepted).
CMD=(find / -xdev -mindepth 1 -newer /.pullquote-test-marker
    -not -path /proc -not -path '/proc/*' -not -path /run -not -path '/run/*'
    -not -path /data -not -path '/data/*' -not -path /tmp -not -path '/tmp/*' -not -path /reviews
    -not -path /etc/hosts -not -path /etc/resolv.conf -not -path /etc/hostname -print)
changed=$(bah run --isolation chroot --user 0:0 -v "$WORK/tmp:/tmp" "$CTR" -- "${CMD[@]}")
if [[ -z $changed ]]; then
    pass "no writes outside /data and /tmp"
else
    fail "files written outside /data and /tmp: $(echo "$changed" | tr '\n' ' ')"
fi

if [[ -n ${PULLQUOTE_IMAGE_EXPORT:-} ]]; then
    step "Exporting $IMAGE to ${PULLQUOTE_IMAGE_EXPORT}"
    rm -f "$PULLQUOTE_IMAGE_EXPORT"
    bah push --quiet "$IMAGE" "docker-archive:$PULLQUOTE_IMAGE_EXPORT:pullquote:test"
    info "load it elsewhere with: docker load -i $PULLQUOTE_IMAGE_EXPORT"
fi

step "Summary"
if ((${#FAILURES[@]})); then
    printf '    %d check(s) failed:\n' "${#FAILURES[@]}" >&2
    printf '      - %s\n' "${FAILURES[@]}" >&2
    printf '    total %ds\n' $((SECONDS - START))
    exit 1
fi
printf '    all checks passed; total %ds\n' $((SECONDS - START))
