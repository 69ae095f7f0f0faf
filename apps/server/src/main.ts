import { createParley } from './app.ts';
import { demoLogins } from './modules/demo/seed.ts';
import { loadConfig } from './platform/config.ts';
import { DataDirLockedError } from './platform/db/lock.ts';

const config = loadConfig();

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
  if (err instanceof DataDirLockedError) {
    console.error(`parley: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
