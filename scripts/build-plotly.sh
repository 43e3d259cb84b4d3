#!/usr/bin/env bash
# Rebuild assets/vendor/plotly-govdash.min.js: a partial plotly.js bundle with only
# the traces govdash draws (scatter, bar, pie, treemap, choropleth), instead of
# the full plotly.min.js (4.8 MB) that dcc.Graph would otherwise load.
#
# The map is the geo `choropleth` trace (SVG, d3-geo), not `choroplethmap`: that one
# draws with maplibre-gl (WebGL; 1.7 MB more script, and about 0.3 s of software
# rendering on a machine without a GPU) for a map that needs no tiles. The geo
# subplot's base layers are off; the topojson it would fetch for them is an empty
# one defined in assets/govdash-geo.js, so nothing is fetched.
#
# A maintainer's tool, not part of `make run` / `make test`: the built file is
# committed. Needs node (20+) and npm with access to the npm registry; everything
# happens in a temporary directory, removed at the end, and the output is replaced
# atomically, so running it again is safe (and gives the same bytes).
#
# The build reproduces plotly.js's own partial bundles (`npm run custom-bundle`,
# which needs a git checkout of plotly.js, not the npm package): esbuild with the
# options, plugins and defines of the package's esbuild-config.js, the attribute
# description stripping of tasks/compress_attributes.js and the UMD wrapper and
# licence header of tasks/util/bundle_wrapper.mjs; the entry point is lib/index.js
# cut down to the traces below. Calendars (non-Gregorian axes) are left out.
#
# Usage: scripts/build-plotly.sh [OUTPUT]  (relative to the repository root; default
#        assets/vendor/plotly-govdash.min.js)
# Keep PLOTLY_JS_VERSION equal to the plotly.js the Python `plotly` package ships
# (the first lines of plotly/package_data/plotly.min.js); the script checks it.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

PLOTLY_JS_VERSION=4.1.1
ESBUILD_VERSION=0.28.2
GLSL_PLUGIN_VERSION=1.4.2
ENV_PLUGIN_VERSION=0.5.0
# npm resolves every (transitive) dependency as the registry stood at this moment:
# no lockfile to keep, same versions on every run. Move it forward on purpose only.
NPM_BEFORE=2026-11-22T00:00:00Z
TRACES=(bar pie treemap choropleth) # scatter is always in plotly.js's core
OUT="${1:-assets/vendor/plotly-govdash.min.js}"

command -v node >/dev/null 2>&1 || die "node not found (Node.js 20+ is needed to build the bundle)"
command -v npm >/dev/null 2>&1 || die "npm not found"
node -e 'process.exit(+process.versions.node.split(".")[0] < 20 ? 1 : 0)' \
    || die "node $(node --version) is too old: Node.js 20+ is needed"

# The bundle replaces the plotly.js of the installed `plotly` package: same version.
shipped="$("$VENV/bin/python" - 2>/dev/null <<'PY' || true
import pathlib, re, plotly
head = (pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:300]
m = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head)
print(m.group(1) if m else "")
PY
)"
if [ -z "$shipped" ]; then
    warn "could not read the plotly.js version of the Python plotly package ($VENV); building $PLOTLY_JS_VERSION"
elif [ "$shipped" != "$PLOTLY_JS_VERSION" ]; then
    die "the Python plotly package ships plotly.js $shipped, this script builds $PLOTLY_JS_VERSION: update PLOTLY_JS_VERSION"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/govdash-plotly.XXXXXX")"
tmp_out=""
trap 'rm -rf "$work"; [ -z "$tmp_out" ] || rm -f "$tmp_out"' EXIT

cat >"$work/package.json" <<EOF
{
  "name": "govdash-plotly-bundle",
  "private": true,
  "version": "0.0.0",
  "dependencies": {
    "plotly.js": "$PLOTLY_JS_VERSION",
    "esbuild": "$ESBUILD_VERSION",
    "esbuild-plugin-glsl": "$GLSL_PLUGIN_VERSION",
    "esbuild-plugin-environment": "$ENV_PLUGIN_VERSION"
  }
}
EOF

say "npm install plotly.js@$PLOTLY_JS_VERSION esbuild@$ESBUILD_VERSION (registry as of $NPM_BEFORE)"
# --ignore-scripts: nothing needs an install script (esbuild's binary comes from its
# optional platform package); plotly.js 4 asks for Node 22 but bundles fine with 20 (tested).
(cd "$work" && npm install --no-audit --no-fund --no-update-notifier --ignore-scripts \
    --engine-strict=false --loglevel=error --before="$NPM_BEFORE" >/dev/null)

installed="$(node -p 'require(process.argv[1]).version' "$work/node_modules/plotly.js/package.json")"
[ "$installed" = "$PLOTLY_JS_VERSION" ] || die "npm installed plotly.js $installed, not $PLOTLY_JS_VERSION"

# The entry point: plotly.js's lib/index.js with only our traces (as custom-bundle writes it).
{
    printf "'use strict';\n\nvar Plotly = require('plotly.js/lib/core');\n\nPlotly.register([\n    // traces\n"
    for t in "${TRACES[@]}"; do
        [ -f "$work/node_modules/plotly.js/lib/$t.js" ] || die "plotly.js has no trace module lib/$t.js"
        printf "    require('plotly.js/lib/%s'),\n" "$t"
    done
    printf "]);\n\nmodule.exports = Plotly;\n"
} >"$work/index-govdash.js"

cat >"$work/build.mjs" <<'EOF'
// esbuild-config.js (esbuildConfig) of plotly.js, minified, plus the strip-meta plugin
// of tasks/compress_attributes.js, as tasks/util/bundle_wrapper.mjs runs it.
import { build } from 'esbuild';
import { glsl } from 'esbuild-plugin-glsl';
import { environmentPlugin } from 'esbuild-plugin-environment';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

const [entry, outfile] = process.argv.slice(2);
const root = process.cwd();

// tasks/compress_attributes.js: strip attribute descriptions and other schema meta.
const makeRegex = (s) => new RegExp('\\s*' + s + ',?', 'g');
const makeStringRegex = (attr) => makeRegex(attr + ": '.*'");
const makeJoinedArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]' + '\\.join\\([\\s\\S]*?\\)');
const makeArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]');
const allRegexes = [
    makeStringRegex('description'),
    makeJoinedArrayRegex('description'),
    makeArrayRegex('requiredOpts'),
    makeArrayRegex('otherOpts'),
    makeStringRegex('role'),
    makeStringRegex('hrName')
];
const stripMeta = {
    name: 'strip-meta-attributes',
    setup(b) {
        b.onLoad({ filter: /\.js$/ }, async (file) => {
            let c = await fs.promises.readFile(file.path, 'utf-8');
            for (const r of allRegexes) c = c.replace(r, '');
            return { contents: c, loader: 'js' };
        });
    }
};

// esbuild-plugin-inline-css 0.0.1 (CSS injected as a <style> on load), except that the
// element id hashes the path relative to the build directory, not the absolute path,
// so that the output does not depend on where the temporary directory was made.
const inlineCss = {
    name: 'esbuild-plugin-inline-css',
    setup(b) {
        b.onLoad({ filter: /\.(css)$/ }, async (args) => {
            const src = path.resolve(args.resolveDir || '', args.path);
            const id = crypto.createHash('sha256').update(path.relative(root, src)).digest('hex');
            const css = fs.readFileSync(src);
            return {
                loader: 'js',
                contents: `(function(){
        if (!document.getElementById('${id}')) {
            var e = document.createElement('style');
            e.id = '${id}';
            e.textContent = \`${css}\`;
            document.head.appendChild(e);
        }
    })();`
            };
        });
    }
};

// plotly.js's src/registry.js requires maplibre-gl's CSS for any bundle (the map
// traces' styles); without a map trace it is dead weight: an empty module instead.
const noMaplibreCss = {
    name: 'govdash-no-maplibre-css',
    setup(b) {
        b.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, () => ({
            path: 'maplibre-gl.css',
            namespace: 'govdash-empty'
        }));
        b.onLoad({ filter: /.*/, namespace: 'govdash-empty' }, () => ({ contents: '', loader: 'js' }));
    }
};

const result = await build({
    entryPoints: [entry],
    metafile: true,
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    plugins: [noMaplibreCss, inlineCss, glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false }), stripMeta],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning'
});

// The npm packages that ended up in the bundle, with their licences (for the header).
const seen = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (!m || m[1] === 'plotly.js' || seen.has(m[1])) continue;
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', m[1], 'package.json'), 'utf-8'));
    seen.set(m[1], `${m[1]}@${pkg.version} (${pkg.license || 'see package'})`);
}
const lines = [''];
for (const entry of [...seen.keys()].sort().map((k) => seen.get(k))) {
    const last = lines.length - 1;
    if (lines[last] && (lines[last] + ', ' + entry).length > 84) lines[last] += ',', lines.push('');
    lines[lines.length - 1] += (lines[lines.length - 1] ? ', ' : '') + entry;
}
fs.writeFileSync('packages.txt', lines.map((l) => '*   ' + l).join('\n') + '\n');
// The map library of the other map traces must not come along with the geo trace.
const maplibre = Object.keys(result.metafile.inputs).filter((i) => /maplibre|mapbox/.test(i) && !i.startsWith('govdash-empty:'));
if (maplibre.length) throw new Error('maplibre-gl ended up in the bundle: ' + maplibre.join(', '));
EOF

say "esbuild: scatter ${TRACES[*]} -> $OUT"
(cd "$work" && node build.mjs index-govdash.js body.js)

# The licence header of plotly.js's own dist files (version, copyright years).
dist_header="$(sed -n '1,/^\*\//p' "$work/node_modules/plotly.js/dist/plotly.min.js")"
grep -q "plotly.js v$PLOTLY_JS_VERSION" <<<"$dist_header" || die "unexpected header in plotly.js dist/plotly.min.js"
traces_list="scatter$(printf ', %s' "${TRACES[@]}")"

mkdir -p "$(dirname "$OUT")"
tmp_out="$OUT.tmp.$$"
{
    sed "1,2s/plotly\.js v/plotly.js (govdash - minified) v/" <<<"$dist_header" | sed '$d'
    cat <<EOF
*
* Partial bundle for govdash, built by scripts/build-plotly.sh from the npm package
* plotly.js@$PLOTLY_JS_VERSION with plotly.js's own esbuild options.
* Traces: $traces_list, with plotly.js's core (modebar,
* toImage, legend, hover, colorbars, annotations, shapes); no calendars.
* Bundled npm packages, each under its own licence:
$(cat "$work/packages.txt")
*/
EOF
    # The UMD wrapper of tasks/util/bundle_wrapper.mjs (as in dist/plotly.min.js).
    printf '(\n function(root, factory) {\n  if (typeof module === "object" && module.exports) {\n   module.exports = factory();\n  } else {\n   root.moduleName = factory();\n  }\n} (typeof self !== "undefined" ? self : this, () => {\n'
    cat "$work/body.js"
    printf '\nwindow.Plotly = Plotly;\nreturn Plotly;\n}));\n'
} >"$tmp_out"
# The app is offline: plotly.js's defaults that point at CDNs (the geo traces'
# topojson, the named map styles, map icons), none of which govdash uses, point at the
# reserved .invalid domain instead, so nothing in the bundle can reach for a CDN.
sed -i \
    -e 's#https://tiles\.basemaps\.cartocdn\.com/#https://offline.invalid/carto-tiles/#g' \
    -e 's#https://basemaps\.cartocdn\.com/#https://offline.invalid/carto-basemaps/#g' \
    -e 's#https://cdn\.plot\.ly/#https://offline.invalid/plotly-topojson/#g' \
    -e 's#https://cdn\.jsdelivr\.net/#https://offline.invalid/map-icons/#g' \
    "$tmp_out"
if grep -qE 'cdn\.|jsdelivr\.net|unpkg|cdnjs|googleapis' "$tmp_out"; then
    die "a CDN address is left in the bundle: extend the sed above"
fi
mv -f "$tmp_out" "$OUT"

raw=$(wc -c <"$OUT")
gz=$(gzip -9 -c "$OUT" | wc -c)
say "wrote $OUT: $raw bytes, $gz gzipped (sha256 $(sha256sum "$OUT" | cut -c1-16)…)"
