import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Where uploaded files live. A local folder today; an S3-compatible store can implement the same. */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  read(key: string): Readable;
  /** A stream into a new file (large exports are written as they are produced, never held in memory). */
  writeStream(key: string): Promise<Writable>;
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
    async writeStream(key) {
      const file = resolve(key);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      return fs.createWriteStream(file);
    },
  };
}
