#!/usr/bin/env bash
# Rebuild assets/vendor/plotly-govdash.min.js: a partial plotly.js bundle with only
# the traces govdash draws (scatter, bar, pie, treemap, choroplethmap), instead of
# the full plotly.min.js (4.8 MB) that dcc.Graph would otherwise load; and beside it
# assets/vendor/lazy/maplibre-govdash.min.js: the map library of the choroplethmap
# trace (maplibre-gl, its worker and its CSS), which only a page that draws a map needs.
#
# A maintainer's tool, not part of `make run` / `make test`: the built files are
# committed. Needs node (20+) and npm with access to the npm registry; everything
# happens in a temporary directory, removed at the end, and the outputs are replaced
# atomically, so running it again is safe (and gives the same bytes).
#
# The build reproduces plotly.js's own partial bundles (`npm run custom-bundle`,
# which needs a git checkout of plotly.js, not the npm package): esbuild with the
# options, plugins and defines of the package's esbuild-config.js, the attribute
# description stripping of tasks/compress_attributes.js and the UMD wrapper and
# licence header of tasks/util/bundle_wrapper.mjs; the entry point is lib/index.js
# cut down to the traces below. Calendars (non-Gregorian axes) are left out.
#
# The map split: in the main bundle, plotly.js's requires of maplibre-gl (the library,
# the worker source plotly.js inlines, the CSS) resolve to small stubs that read
# window.govdashMaplibre when a map is created, not when the bundle loads. The lazy file
# sets that global. assets/plotly-lazy-map.js wraps Plotly.react/newPlot to load the
# lazy file first when a figure has a map trace; it finds the file through
# window.govdashMaplibreUrl, which the main bundle sets: the address next to its own
# <script> with ?m=<content hash of the lazy file> (app.py caches ?m= addresses for a
# year, and the hash changes whenever the file does). app.py's assets_ignore keeps Dash
# from loading the lazy file on every page.
#
# Usage: scripts/build-plotly.sh [OUTPUT]  (relative to the repository root; default
#        assets/vendor/plotly-govdash.min.js; the lazy file goes to
#        lazy/maplibre-govdash.min.js in OUTPUT's folder)
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
TRACES=(bar pie treemap choroplethmap) # scatter is always in plotly.js's core
OUT="${1:-assets/vendor/plotly-govdash.min.js}"
LAZY_REL=lazy/maplibre-govdash.min.js # relative to OUT's folder (the main bundle's URL)
LAZY_OUT="$(dirname "$OUT")/$LAZY_REL"

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
tmp_lazy=""
trap 'rm -rf "$work"; [ -z "$tmp_out" ] || rm -f "$tmp_out"; [ -z "$tmp_lazy" ] || rm -f "$tmp_lazy"' EXIT

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

# The lazy file's entry point: what plotly.js's src/plots/map/map.js and src/registry.js
# require of maplibre-gl, required the same way, handed over in one global.
cat >"$work/lazy-maplibre.js" <<'EOF'
'use strict';

require('maplibre-gl/dist/maplibre-gl.css');

window.govdashMaplibre = {
    maplibregl: require('maplibre-gl/dist/maplibre-gl.mjs'),
    workerSource: require('plotly.js/build/maplibre_worker')
};
EOF

cat >"$work/build.mjs" <<'EOF'
// esbuild-config.js (esbuildConfig) of plotly.js, minified, plus the strip-meta plugin
// of tasks/compress_attributes.js, as tasks/util/bundle_wrapper.mjs runs it; once for
// the main bundle (maplibre-gl stubbed out) and once for the lazy maplibre file.
import { build } from 'esbuild';
import { glsl } from 'esbuild-plugin-glsl';
import { environmentPlugin } from 'esbuild-plugin-environment';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

const [entry, outfile, lazyEntry, lazyOutfile] = process.argv.slice(2);
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

// The main bundle's stand-ins for maplibre-gl, which lives in the lazy file (it sets
// window.govdashMaplibre). plotly.js requires them when the bundle loads but uses them
// only when a map is created (src/plots/map/map.js), so they look the global up then.
const STUBS = {
    // require('maplibre-gl/dist/maplibre-gl.mjs'): every property read is forwarded.
    'maplibre-gl': `'use strict';
function maplibregl() {
    var lazy = window.govdashMaplibre;
    if (!lazy) {
        throw new Error('maplibre-gl is not loaded: assets/plotly-lazy-map.js loads ' +
            'lazy/maplibre-govdash.min.js before a map is drawn');
    }
    return lazy.maplibregl;
}
module.exports = new Proxy({}, {
    get: function(target, key) { return maplibregl()[key]; }
});`,
    // require('../../../build/maplibre_worker'), a string that map.js only passes to
    // new Blob([source]), which converts a non-string part with its toString().
    'maplibre-worker': `'use strict';
module.exports = { toString: function() { return window.govdashMaplibre.workerSource; } };`,
    // require('maplibre-gl/dist/maplibre-gl.css') (src/registry.js): the lazy file adds it.
    'maplibre-css': ''
};
const STUB_PATHS = [
    [/^maplibre-gl\/dist\/maplibre-gl\.mjs$/, 'maplibre-gl'],
    [/^(?:\.\.\/)+build\/maplibre_worker(?:\.js)?$/, 'maplibre-worker'],
    [/^maplibre-gl\/dist\/maplibre-gl\.css$/, 'maplibre-css']
];
const stubbed = new Set();
const lazyMaplibre = {
    name: 'govdash-lazy-maplibre',
    setup(b) {
        for (const [filter, name] of STUB_PATHS) {
            b.onResolve({ filter }, (args) => {
                if (!/node_modules\/plotly\.js\/src\//.test(args.importer.split(path.sep).join('/'))) return;
                stubbed.add(name);
                return { path: name, namespace: 'govdash-stub' };
            });
        }
        b.onLoad({ filter: /.*/, namespace: 'govdash-stub' }, (args) => ({
            contents: STUBS[args.path],
            loader: 'js'
        }));
    }
};

const options = (extraPlugins) => ({
    metafile: true,
    bundle: true,
    minify: true,
    sourcemap: false,
    plugins: [...extraPlugins, inlineCss, glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false }), stripMeta],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning'
});

// The npm packages that ended up in a bundle, with their licences (for the header).
function packageList(metafile, listFile) {
    const seen = new Map();
    for (const input of Object.keys(metafile.inputs)) {
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
    fs.writeFileSync(listFile, lines.map((l) => '*   ' + l).join('\n') + '\n');
}

const main = await build({
    ...options([lazyMaplibre]),
    entryPoints: [entry],
    outfile,
    format: 'iife',
    globalName: 'Plotly'
});
// A plotly.js upgrade that requires maplibre-gl some other way would put it back in
// the main bundle (or leave a stub unused): stop rather than ship that.
const leaked = Object.keys(main.metafile.inputs).filter((i) => /maplibre/.test(i) && !i.startsWith('govdash-stub:'));
if (leaked.length) throw new Error('maplibre-gl is still in the main bundle: ' + leaked.join(', '));
const unused = STUB_PATHS.map(([, name]) => name).filter((name) => !stubbed.has(name));
if (unused.length) throw new Error('plotly.js no longer requires these maplibre-gl parts: ' + unused.join(', '));
packageList(main.metafile, 'packages.txt');

const lazy = await build({
    ...options([]),
    entryPoints: [lazyEntry],
    outfile: lazyOutfile,
    format: 'iife'
});
packageList(lazy.metafile, 'lazy-packages.txt');
EOF

say "esbuild: scatter ${TRACES[*]} -> $OUT, maplibre-gl -> $LAZY_OUT"
(cd "$work" && node build.mjs index-govdash.js body.js lazy-maplibre.js lazy-body.js)

# The licence header of plotly.js's own dist files (version, copyright years).
dist_header="$(sed -n '1,/^\*\//p' "$work/node_modules/plotly.js/dist/plotly.min.js")"
grep -q "plotly.js v$PLOTLY_JS_VERSION" <<<"$dist_header" || die "unexpected header in plotly.js dist/plotly.min.js"
plotly_copyright="$(grep -m1 '^\* Copyright' <<<"$dist_header" | sed 's/^\* //')"
maplibre_version="$(node -p 'require(process.argv[1]).version' "$work/node_modules/maplibre-gl/package.json")"
maplibre_copyright="$(grep '^Copyright' "$work/node_modules/maplibre-gl/LICENSE.txt" | sed 's/^/*   /')"
[ -n "$maplibre_copyright" ] || die "no copyright line in maplibre-gl's LICENSE.txt"
traces_list="scatter$(printf ', %s' "${TRACES[@]}")"

# The app is offline: plotly.js's defaults that point at CDNs (the geo traces'
# topojson, the named map styles, map icons), none of which govdash uses, point at the
# reserved .invalid domain instead, so nothing in the bundles can reach for a CDN.
offline() {
    sed -i \
        -e 's#https://tiles\.basemaps\.cartocdn\.com/#https://offline.invalid/carto-tiles/#g' \
        -e 's#https://basemaps\.cartocdn\.com/#https://offline.invalid/carto-basemaps/#g' \
        -e 's#https://cdn\.plot\.ly/#https://offline.invalid/plotly-topojson/#g' \
        -e 's#https://cdn\.jsdelivr\.net/#https://offline.invalid/map-icons/#g' \
        "$1"
    if grep -qE 'cdn\.|jsdelivr\.net|unpkg|cdnjs|googleapis' "$1"; then
        die "a CDN address is left in $1: extend the sed above"
    fi
}

mkdir -p "$(dirname "$OUT")" "$(dirname "$LAZY_OUT")"
tmp_lazy="$LAZY_OUT.tmp.$$"
{
    cat <<EOF
/**
* maplibre-gl for plotly.js (govdash - minified) v$PLOTLY_JS_VERSION
* The map library of the choroplethmap trace, split out of plotly-govdash.min.js by
* scripts/build-plotly.sh and loaded only when a map is drawn (assets/plotly-lazy-map.js):
* maplibre-gl@$maplibre_version (dist/maplibre-gl.mjs and its CSS) and the maplibre-gl
* worker as plotly.js@$PLOTLY_JS_VERSION inlines it (build/maplibre_worker.js). Sets
* window.govdashMaplibre = {maplibregl, workerSource}.
* plotly.js: $plotly_copyright, MIT license.
* maplibre-gl: BSD-3-Clause license; its LICENSE.txt also covers the code it contains:
$maplibre_copyright
* Bundled npm packages, each under its own licence:
$(cat "$work/lazy-packages.txt")
*/
EOF
    cat "$work/lazy-body.js"
} >"$tmp_lazy"
offline "$tmp_lazy"
lazy_hash="$(sha256sum "$tmp_lazy" | cut -c1-16)"

tmp_out="$OUT.tmp.$$"
{
    sed "1,2s/plotly\.js v/plotly.js (govdash - minified) v/" <<<"$dist_header" | sed '$d'
    cat <<EOF
*
* Partial bundle for govdash, built by scripts/build-plotly.sh from the npm package
* plotly.js@$PLOTLY_JS_VERSION with plotly.js's own esbuild options.
* Traces: $traces_list, with plotly.js's core (modebar,
* toImage, legend, hover, colorbars, annotations, shapes); no calendars.
* Map traces need maplibre-gl: it is in $LAZY_REL (loaded on demand by
* assets/plotly-lazy-map.js from window.govdashMaplibreUrl, set below).
* Bundled npm packages, each under its own licence:
$(cat "$work/packages.txt")
*/
EOF
    # The UMD wrapper of tasks/util/bundle_wrapper.mjs (as in dist/plotly.min.js).
    printf '(\n function(root, factory) {\n  if (typeof module === "object" && module.exports) {\n   module.exports = factory();\n  } else {\n   root.moduleName = factory();\n  }\n} (typeof self !== "undefined" ? self : this, () => {\n'
    cat "$work/body.js"
    printf '\nwindow.Plotly = Plotly;\n'
    # govdash: the address of the lazy maplibre file, next to this script's own address;
    # ?m= (its content hash) makes it a fingerprinted, long-cached asset URL (app.py).
    printf 'var script = typeof document !== "undefined" && document.currentScript;\n'
    printf 'if (script && script.src) {\n window.govdashMaplibreUrl = new URL("%s?m=%s", script.src).href;\n}\n' \
        "$LAZY_REL" "$lazy_hash"
    printf 'return Plotly;\n}));\n'
} >"$tmp_out"
offline "$tmp_out"

# The lazy file first: a browser that gets the new main bundle finds its lazy file.
mv -f "$tmp_lazy" "$LAZY_OUT"
mv -f "$tmp_out" "$OUT"

for f in "$OUT" "$LAZY_OUT"; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    say "wrote $f: $raw bytes, $gz gzipped (sha256 $(sha256sum "$f" | cut -c1-16)…)"
done
