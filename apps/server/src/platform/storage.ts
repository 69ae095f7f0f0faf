import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Where uploaded files live. A local folder today; an S3-compatible store can implement the same. */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  read(key: string): Readable;
}

export function localStorage(dir: string): Storage {
  const resolve = (key: string) => {
    const file = path.resolve(dir, key);
    if (!file.startsWith(path.resolve(dir) + path.sep))
      throw new Error(`storage key escapes the folder: ${key}`);
    return file;
  };
  return {
    async put(key, data) {
      const file = resolve(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, data);
    },
    read: (key) => fs.createReadStream(resolve(key)),
  };
}
