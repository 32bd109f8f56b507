import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Two host pages written the way a React 19 and a Vue 3 portal would embed the widget
 * (test/e2e/frameworks.test.ts builds them once into a temporary folder). Each loads the BUILT
 * widget from /um/user-management.js, like any host: the widget is not bundled into them.
 */
const page = (name: string) => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  publicDir: false,
  // React through Vite's own JSX transform (react/jsx-runtime), no framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    // Vue's full build compiles the page's template in the browser, so the page shows a template
    // as a Vue single-file component would have it, without a Vue plugin.
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
  },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    target: 'es2022',
    emptyOutDir: true,
    rolldownOptions: { input: { react: page('react'), vue: page('vue') } },
  },
});
