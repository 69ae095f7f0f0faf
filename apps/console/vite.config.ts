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
    // React, Mantine and zod change less often than the app: separate chunks stay cached across
    // releases. Mantine (with the date fields' calendar, the time fields and dayjs) is ~485 kB minified,
    // the rest (React, zod, TanStack, i18next) ~400 kB.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'mantine', test: /node_modules[\\/]@mantine/, priority: 2 },
            { name: 'vendor', test: /node_modules/, priority: 1 },
          ],
        },
      },
      // Mantine marks its modules "use client" for React Server Components; meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
