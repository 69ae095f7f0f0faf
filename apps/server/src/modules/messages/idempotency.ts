import type { Message } from '@parley/contracts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../platform/errors.ts';
import { DuplicateMessage } from './commands.ts';
import { findByClientId } from './queries.ts';

/**
 * Sends at most once per client id: the insert skips a client id already stored (the unique index
 * decides, also between concurrent retries), and then the stored message is returned instead. A client
 * id already used by someone else is a conflict, never their message.
 */
export async function sendOnce(
  ctx: Pick<AppContext, 'db' | 'secret'>,
  input: { workspaceId: string; clientId: string; owns: (message: Message) => Promise<boolean> | boolean },
  send: () => Promise<Message>,
): Promise<Message> {
  const stored = async () => {
    const existing = await findByClientId(ctx.db, ctx.secret, input.workspaceId, input.clientId);
    if (existing && !(await input.owns(existing))) {
      throw new AppError('conflict', 'clientId: already used by another message', 'clientId');
    }
    return existing;
  };
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof DuplicateMessage)) throw err;
    const after = await stored();
    if (!after) throw err;
    return after;
  }
}
