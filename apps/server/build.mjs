// Builds the server ahead of time (npm ci / npm install run it through the root postinstall), so
// `npm start` runs plain JavaScript: one ES module bundle of the server and @parley/contracts, with
// every other package imported from node_modules at run time. Tests and `npm run dev` use the sources.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

const started = Date.now();
await build({
  entryPoints: { main: 'src/main.ts', 'make-template': 'src/platform/db/make-template.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-external',
      setup(b) {
        // Bare imports stay imports, except the workspace's own TypeScript packages.
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
console.log(`server built in ${Date.now() - started} ms → apps/server/dist/main.js`);
// A new embedded database starts from this (no initdb, no migrations when Parley first starts).
execFileSync(process.execPath, ['dist/make-template.js'], { stdio: 'inherit' });
