// Builds the web console (web/) into static assets the platform serves on its own origin. Run by the platform when
// the bundle is missing or stale (src/console-assets.ts), or by hand: `npm run build:console`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  // Preact's automatic JSX runtime; no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The console shares the platform's pure domain types and code lists (libs/domain: no framework, no I/O).
  resolve: { alias: { '@klantcentraal/domain': fileURLToPath(new URL('../../libs/domain/src/index.ts', import.meta.url)) } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? fileURLToPath(new URL('../../dist/console/manual', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Everything from our origin: no inline scripts or styles, so the strict CSP (default-src 'self') holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
});
