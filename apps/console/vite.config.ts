import { defineConfig } from 'vite';

const server = 'http://localhost:3000';

export default defineConfig({
  // Vite 8 compiles JSX with oxc; no React plugin is needed for a production build.
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    proxy: {
      '/api': { target: server, ws: true },
      '/healthz': { target: server },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
