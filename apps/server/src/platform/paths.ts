import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server's folder (apps/server), found from this module whether it runs from its TypeScript
 * source (`src/platform/`, tsx and tests) or from the bundle built at install (`dist/main.js`).
 */
export const serverDir: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'drizzle')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('parley: cannot find the server folder (apps/server)');
})();

/** The repository's root (package.json, apps/console/dist, apps/widget/dist). */
export const rootDir: string = path.resolve(serverDir, '../..');
