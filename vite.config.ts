import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { defineConfig, type Plugin } from 'vite';

/**
 * Beside each file of dist/um/, its brotli (`.br`, quality 11) and gzip (`.gz`, level 9) forms,
 * once at build time: the BFF picks one by Accept-Encoding (server/http/widget-files.ts) and
 * spends no time compressing (decision 024).
 */
const outDir = fileURLToPath(new URL('./dist', import.meta.url));
function precompressWidget(): Plugin {
  return {
    name: 'precompress-widget',
    apply: 'build',
    closeBundle() {
      const dir = join(outDir, 'um');
      for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
        const content = readFileSync(join(dir, name));
        writeFileSync(
          join(dir, `${name}.br`),
          brotliCompressSync(content, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
        );
        writeFileSync(join(dir, `${name}.gz`), gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * Vite wraps each dynamic `import()` in a helper that first adds `<link rel=modulepreload>` for
 * the chunk's own imports; with `modulePreload: false` it never has any to add, yet the helper
 * (about 1 KB) would sit in the first-paint chunk. This one just imports.
 */
function plainDynamicImports(): Plugin {
  const id = '\0vite/preload-helper.js';
  return {
    name: 'plain-dynamic-imports',
    enforce: 'pre',
    apply: 'build',
    resolveId: (source) => (source === id ? id : undefined),
    load: (source) =>
      source === id ? 'export const __vitePreload = (load) => load();\n' : undefined,
  };
}

/**
 * One build, two outputs in dist/ (served by the BFF):
 * - dist/um/user-management.js: the widget's entry, at a stable name a host can put in a <script>
 *   tag, and beside it the chunks it imports (relative to its own URL, so dist/um/ moves as a
 *   whole): core-[hash].js, what the Users panel needs for its first paint; on first use a chunk
 *   per panel, view and dialog, forms-[hash].js, the QR code and locale-{de,zh,ru}-[hash].js
 *   (decision 024); each with its .br and .gz;
 * - dist/index.html (+ assets/): the demo host portal, which loads the widget from that URL the
 *   way a real host would (`vite-ignore` keeps Vite from bundling it into the page);
 * - dist/mailbox.html: the demo's mailbox page, listing the emails of the built-in mailbox.
 * - dist/csp.html: the demo under a strict Content-Security-Policy (no inline script or style,
 *   Trusted Types), for the end-to-end test that counts violations (test/e2e/csp.test.ts).
 * Decorators: tsconfig's experimentalDecorators, which Vite's TypeScript transform compiles away.
 */
const widgetEntry = fileURLToPath(new URL('./widget/user-management.ts', import.meta.url));

export default defineConfig({
  root: 'demo',
  // The whitespace of Lit's html`` and css`` templates is for the reader: the build drops it.
  // form.ts names its control's tag at run time (lit/static-html), which the minifier cannot parse.
  plugins: [
    {
      ...minifyHtmlLiterals({ failOnError: true, exclude: ['**/widget/controllers/form.ts'] }),
      enforce: 'pre',
    },
    plainDynamicImports(),
    precompressWidget(),
  ],
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // No <link rel=modulepreload> for the chunks of a dynamic import: the helper would resolve
    // their paths against the page (not the widget's URL), wrong for a host on another origin.
    modulePreload: false,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./demo/index.html', import.meta.url)),
        mailbox: fileURLToPath(new URL('./demo/mailbox.html', import.meta.url)),
        csp: fileURLToPath(new URL('./demo/csp.html', import.meta.url)),
        widget: widgetEntry,
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'widget' ? 'um/user-management.js' : 'assets/[name]-[hash].js',
        // Every chunk of the widget lives beside it and is imported relative to its own URL; the
        // demo pages' scripts (no module of theirs is the widget's) go to assets/.
        chunkFileNames: (chunk) =>
          chunk.moduleIds.every((id) => /\/widget\/locales\/(de|ru|zh)\.ts$/.test(id))
            ? 'um/locale-[name]-[hash].js'
            : chunk.moduleIds.some((id) => id.includes('/demo/'))
              ? 'assets/[name]-[hash].js'
              : 'um/[name]-[hash].js',
        // Three kinds of widget chunk (decision 024): user-management.js, a few lines at a stable
        // name that a host's <script> points at and the browser revalidates; `core`, all that the
        // Users panel needs for its first paint, hashed and cached for good; and what loads on
        // first use (widget/lazy.ts): one chunk per panel, view or dialog, the dictionaries and the
        // QR code, and `forms`, what two or more of them share (form controller, user form).
        codeSplitting: {
          groups: [
            {
              name: 'core',
              tags: ['$initial'],
              test: (id) => !id.includes('/demo/') && !id.endsWith('/widget/user-management.ts'),
            },
            { name: 'forms', minShareCount: 2, test: (id) => !id.includes('/demo/') },
          ],
        },
      },
    },
  },
});
