import { createParley, type Parley } from './app.ts';
import { demoLogins } from './modules/demo/seed.ts';
import { type Config, loadConfig } from './platform/config.ts';
import { explainStartupError } from './platform/startup.ts';

/** A setting an administrator can fix: one line naming it, exit 1. Anything else keeps its stack. */
function failToStart(err: unknown, config?: Config): never {
  const message = explainStartupError(err, config);
  if (message) console.error(`parley: could not start: ${message}`);
  else console.error('parley: could not start:', err);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  failToStart(err);
}

// A stop asked for while starting (a service manager's SIGTERM during a long first start) waits for
// the start to finish, then closes as any stop does: the embedded database shut down cleanly and its
// lock given back, instead of the process dying midway.
let parley: Parley | undefined;
let stopping = false;
const close = async (running: Parley, signal: string) => {
  running.app.log.info(`${signal}: shutting down`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await running.close();
  process.exit(0);
};
const stop = (signal: string) => {
  if (stopping) {
    // Asked again while still starting (a start waiting on a database, a second Ctrl-C): now.
    if (!parley) process.exit(1);
    return;
  }
  stopping = true;
  if (parley) void close(parley, signal);
  else console.error(`parley: ${signal}: stopping once started (send it again to stop now)`);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  parley = await createParley(config);
  if (stopping) await close(parley, 'a stop asked for while starting');
  const app = parley.app;
  // A promise nobody awaited that failed (a background send, a fire-and-forget refresh) is a bug to
  // log, not a reason to drop every operator's and visitor's connection.
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'unhandled rejection'));
  await parley.app.listen({ port: config.port, host: config.host });
  parley.app.log.info(
    `Parley is ready on ${config.publicUrl} (database: ${parley.database.kind}${config.redisUrl ? ', redis' : ''})`,
  );
  if (parley.demoWidgetKey) {
    const logins = demoLogins.map((l) => `  ${l.role.padEnd(10)} ${l.email}`).join('\n');
    console.log(
      `\nParley demo\n  sample website: ${config.publicUrl}/demo\n  console:        ${config.publicUrl}/\n` +
        `  password for every login: ${config.demoPassword}\n${logins}\n`,
    );
  }
} catch (err) {
  failToStart(err, config);
}
