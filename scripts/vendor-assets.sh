#!/usr/bin/env bash
# Re-create src/dxhub/static/vendor/ from npm (pinned versions).
#
# dxhub runs on air-gapped networks: every CSS/JS/font file the pages use is served
# by the app itself, never from a CDN. This script fetches the packages with
# `npm pack` into a temporary directory, copies only the minified dist files,
# drops source-map references (the maps are not vendored) and the icon font
# formats we do not ship, then checks that nothing left would make a browser
# fetch an external URL. Bump a version here, run it, and update VERSIONS.md.
#
# Usage: scripts/vendor-assets.sh            (needs node/npm and registry access)
set -euo pipefail

TABLER_CORE_VERSION="1.6.1"      # @tabler/core (latest 1.x)
TABLER_ICONS_VERSION="3.49.0"    # @tabler/icons-webfont
HTMX_VERSION="2.0.11"            # htmx.org (latest 2.x)
ECHARTS_VERSION="6.1.0"          # echarts

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/dxhub/static/vendor"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-npm.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
echo "Fetching packages into $WORK"
npm pack --silent \
    "@tabler/core@${TABLER_CORE_VERSION}" \
    "@tabler/icons-webfont@${TABLER_ICONS_VERSION}" \
    "htmx.org@${HTMX_VERSION}" \
    "echarts@${ECHARTS_VERSION}" >/dev/null

unpack() {  # unpack <tarball> <dir>
    mkdir -p "$2"
    tar -xzf "$1" -C "$2"
}
unpack "tabler-core-${TABLER_CORE_VERSION}.tgz" core
unpack "tabler-icons-webfont-${TABLER_ICONS_VERSION}.tgz" icons
unpack "htmx.org-${HTMX_VERSION}.tgz" htmx
unpack "echarts-${ECHARTS_VERSION}.tgz" echarts

# Start from a clean tree so removed files do not linger (VERSIONS.md is kept).
for d in tabler tabler-icons htmx echarts; do
    rm -rf "${DEST:?}/$d"
done
mkdir -p "$DEST/tabler" "$DEST/tabler-icons/fonts" "$DEST/htmx" "$DEST/echarts"

cp core/package/dist/css/tabler.min.css "$DEST/tabler/tabler.min.css"
cp core/package/dist/js/tabler.min.js "$DEST/tabler/tabler.min.js"   # includes Bootstrap JS + Popper
cp icons/package/dist/tabler-icons.min.css "$DEST/tabler-icons/tabler-icons.min.css"
cp icons/package/dist/fonts/tabler-icons.woff2 "$DEST/tabler-icons/fonts/tabler-icons.woff2"
cp htmx/package/dist/htmx.min.js "$DEST/htmx/htmx.min.js"
cp echarts/package/dist/echarts.min.js "$DEST/echarts/echarts.min.js"

# Only the woff2 font is shipped: keep the first src entry of the @font-face rule.
icons_css="$DEST/tabler-icons/tabler-icons.min.css"
sed -E -i \
    's#(src:url\("\./fonts/tabler-icons\.woff2\?[^"]*"\) format\("woff2"\))(,url\([^)]*\) format\("[a-z]+"\))+#\1#' \
    "$icons_css"
if grep -qE 'tabler-icons\.(woff|ttf)\b[^2]' "$icons_css" || ! grep -q 'tabler-icons\.woff2' "$icons_css"; then
    echo "error: could not reduce the icon @font-face to woff2 only" >&2
    exit 1
fi

# Source maps are not vendored: remove the references so browsers do not ask for them.
while IFS= read -r -d '' f; do
    sed -E -i -e '/^[[:space:]]*\/\/# sourceMappingURL=.*$/d' \
        -e 's|/\*# sourceMappingURL=[^*]*\*/||g' "$f"
done < <(find "$DEST" -type f \( -name '*.js' -o -name '*.css' \) -print0)

# Checks: no @import, no source maps, no http(s) URL a browser would fetch.
# Allowed: XML namespace URIs (w3.org) and URLs inside licence/error-message text.
fail=0
if grep -rlE '@import|sourceMappingURL' "$DEST" --include='*.css' --include='*.js'; then
    echo "error: @import or sourceMappingURL left in the files above" >&2
    fail=1
fi
if grep -rnoE 'url\((["'"'"']?)(https?:)?//' "$DEST" --include='*.css'; then
    echo "error: a CSS url() points outside the app" >&2
    fail=1
fi
external="$(grep -rhoE 'https?://[^"'"'"' )\\]+' "$DEST" --include='*.css' --include='*.js' \
    | grep -vE '^https?://(www\.w3\.org/|www\.apache\.org/licenses/|github\.com/|tabler\.io$|popper\.js\.org/docs/)' \
    || true)"
if [[ -n "$external" ]]; then
    echo "error: unexpected external URLs:" >&2
    echo "$external" >&2
    fail=1
fi
[[ $fail -eq 0 ]] || exit 1

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f ! -name VERSIONS.md | sort | xargs sha256sum)
du -sh "$DEST"
