import { createParley } from './app.ts';
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

try {
  const parley = await createParley(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    parley.app.log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await parley.close();
    process.exit(0);
  };
  // A promise nobody awaited that failed (a background send, a fire-and-forget refresh) is a bug to
  // log, not a reason to drop every operator's and visitor's connection.
  process.on('unhandledRejection', (err) => parley.app.log.error({ err }, 'unhandled rejection'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
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
