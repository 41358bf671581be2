// `npm run build`: compiles the TypeScript sources of apps/ and libs/ to JavaScript under dist/ with SWC (the
// compiler `npm start` already uses), rewriting the @klantcentraal/* path aliases to relative requires, so the
// container image runs plain `node dist/apps/<app>/src/main.js` without a TypeScript toolchain at run time.
// Specs and test-only helpers are left out.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.join(__dirname, '..', '..');
const out = path.join(root, 'dist');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));

const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file);

function* sources(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* sources(full);
    } else if (isSource(entry.name)) yield full;
  }
}

// Only what this script writes: dist/console (the web console's bundles) is npm run build:console's.
for (const top of ['apps', 'libs']) fs.rmSync(path.join(out, top), { recursive: true, force: true });
let count = 0;
for (const top of ['apps', 'libs']) {
  for (const file of sources(path.join(root, top))) {
    const { code, map } = swc.transformFileSync(file, {
      ...swcrc,
      $schema: undefined,
      swcrc: false,
      filename: file,
      sourceMaps: true,
      jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
    });
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    fs.writeFileSync(`${target}.map`, map);
    count++;
  }
}
console.log(`build: ${count} files compiled to ${path.relative(root, out)}/`);
