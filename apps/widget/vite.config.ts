import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Two builds into one dist/ (chained by `npm run build`):
 *  - default mode: the Preact panel, frame.html + assets/ (ES modules, relative URLs so
 *    the server can serve dist/ under /widget/);
 *  - `--mode loader`: src/loader/index.ts → dist/widget.js, a classic IIFE script
 *    (no Preact), served at /widget.js. It runs second and keeps the panel's files.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => {
  const loader = mode === 'loader';
  return {
    root,
    base: './',
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir: 'dist',
      emptyOutDir: !loader,
      sourcemap: false,
      modulePreload: { polyfill: false },
      rolldownOptions: loader
        ? {
            input: 'src/loader/index.ts',
            output: { format: 'iife', entryFileNames: 'widget.js' },
          }
        : { input: 'frame.html' },
    },
  };
});
