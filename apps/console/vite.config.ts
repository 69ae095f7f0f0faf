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
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // React, Mantine and zod change less often than the app: a separate chunk stays cached across
    // releases. It is ~650 kB minified (~200 kB gzip), hence the raised warning threshold.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
      // Mantine marks its modules "use client" for React Server Components; meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
