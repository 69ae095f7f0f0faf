import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../startup.ts';

export class DataDirLockedError extends StartupError {}

interface LockOwner {
  pid: number;
  /** The process's start time (Linux: clock ticks since boot), so a pid reused by another process is not taken for the owner. */
  started: string | null;
}

/** A process's state and start time from /proc (Linux); null elsewhere or when it is gone. */
function procStat(pid: number): { state: string; started: string } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; the fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', started: fields[19] ?? '' };
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(owner.pid);
  if (!stat) return true; // not Linux: the pid alone has to do
  if (stat.state === 'Z' || stat.state === 'X') return false; // exited, not yet reaped
  return owner.started === null || owner.started === stat.started;
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as unknown;
    // Lock files of earlier versions hold the bare pid.
    if (typeof value === 'number')
      return Number.isInteger(value) && value > 0 ? { pid: value, started: null } : null;
    const { pid, started } = value as Partial<LockOwner>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    return { pid, started: typeof started === 'string' ? started : null };
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Creates `file` holding `text`, or returns false if it exists. The lock appears with its content or not
 * at all: created empty and written after (`wx`), another server starting at the same moment could
 * read it empty in between, take it for a stale lock and take it over — both would then run on one
 * database. Written aside first, then linked into place (a link fails if the name exists).
 */
function createWithContent(file: string, text: string): boolean {
  const draft = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(draft, text, { flag: 'wx' });
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links (some mounted volumes): created exclusively, then written, as
    // before — the race above stays possible there, a refused start would be worse.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      try {
        fs.writeFileSync(file, text, { flag: 'wx' });
        return true;
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw inner;
      }
    }
    throw err;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/**
 * Takes an exclusive lock on the embedded database's directory. Two processes on one PGlite directory
 * lose data silently, so a second server must refuse to start. The lock file names its owner by pid
 * and start time; a lock whose owner is gone (killed, exited and not yet reaped, or its pid now used
 * by another process) is taken over. Only one of two servers starting at once over a stale lock takes
 * it: the stale file is moved aside atomically, and a lock moved aside that was not the stale one
 * (the other server's, taken a moment before) is put back.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'parley.lock');
  const mine = JSON.stringify({ pid: process.pid, started: procStat(process.pid)?.started ?? null });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWithContent(file, mine)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // Never another process's lock (one that took over after this process was thought gone).
        if (readText(file) === mine) fs.rmSync(file, { force: true });
      };
    }
    const text = readText(file);
    if (text === null) continue;
    const owner = parseOwner(text);
    if (owner && owner.pid !== process.pid && isAlive(owner)) {
      throw new DataDirLockedError(
        `the data directory ${dir} is locked by another Parley process (pid ${owner.pid}, lock file ${file}). ` +
          'Two servers on one embedded database lose data: stop the other one, or set DATA_DIR to another ' +
          'directory, or use DATABASE_URL for several nodes.',
      );
    }
    const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (readText(aside) !== text) {
      // Another server took the stale lock over between the read and the move: its lock goes back.
      try {
        fs.linkSync(aside, file);
      } catch {
        // A third one's lock stands there now: it decides.
      }
    }
    fs.rmSync(aside, { force: true });
  }
  throw new DataDirLockedError(`could not take the lock ${file}: other processes keep taking it`);
}
