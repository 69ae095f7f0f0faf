import type { CannedAnswer, CannedScope } from '@parley/contracts';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { cannedAnswers } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { assertMayManage, assertTeamOfWorkspace, type Scoped } from './policy.ts';
import { presentCannedAnswer } from './presenter.ts';

type Row = typeof cannedAnswers.$inferSelect;

/** A shortcut is unique where it is shared: per owner, per team, per workspace. */
async function assertShortcutFree(
  db: Queryable,
  workspaceId: string,
  target: Scoped,
  shortcut: string,
  except?: string,
) {
  const [clash] = await db
    .select({ id: cannedAnswers.id })
    .from(cannedAnswers)
    .where(
      and(
        eq(cannedAnswers.workspaceId, workspaceId),
        eq(cannedAnswers.scope, target.scope),
        eq(cannedAnswers.shortcut, shortcut),
        target.ownerId ? eq(cannedAnswers.ownerId, target.ownerId) : isNull(cannedAnswers.ownerId),
        target.teamId ? eq(cannedAnswers.teamId, target.teamId) : isNull(cannedAnswers.teamId),
        except ? ne(cannedAnswers.id, except) : undefined,
      ),
    )
    .limit(1);
  if (clash) throw new AppError('conflict', `shortcut: /${shortcut} is already used here`, 'shortcut');
}

async function audit(
  tx: Tx,
  actor: OperatorPrincipal,
  action: string,
  row: Row,
  before?: unknown,
  after?: unknown,
) {
  // Personal answers are the operator's own notes: only shared ones are administrative actions.
  if (row.scope === 'personal') return;
  await recordAudit(tx.db, actor, { action, target: { type: 'canned_answer', id: row.id }, before, after });
}

export async function createCannedAnswer(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    scope: CannedScope;
    teamId?: string | null;
    shortcut: string;
    title: string;
    text: string;
  },
): Promise<CannedAnswer> {
  const { actor } = input;
  const target: Scoped = {
    scope: input.scope,
    ownerId: input.scope === 'personal' ? actor.userId : null,
    teamId: input.scope === 'team' ? (input.teamId ?? null) : null,
  };
  if (target.scope === 'team') await assertTeamOfWorkspace(tx.db, actor.workspaceId, target.teamId);
  await assertMayManage(tx.db, actor, target);
  await assertShortcutFree(tx.db, actor.workspaceId, target, input.shortcut);
  const [row] = await tx.db
    .insert(cannedAnswers)
    .values({
      workspaceId: actor.workspaceId,
      ...target,
      shortcut: input.shortcut,
      title: input.title,
      text: input.text,
    })
    .returning();
  const cannedAnswer = presentCannedAnswer(row!);
  await audit(tx, actor, 'canned_answer.created', row!, undefined, {
    shortcut: row!.shortcut,
    title: row!.title,
    text: row!.text,
  });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'canned_answer.saved',
    payload: { cannedAnswer },
  });
  return cannedAnswer;
}

async function loadRow(tx: Tx, actor: OperatorPrincipal, id: string): Promise<Row> {
  const [row] = await tx.db
    .select()
    .from(cannedAnswers)
    .where(and(eq(cannedAnswers.workspaceId, actor.workspaceId), eq(cannedAnswers.id, id)))
    .for('update');
  // Someone else's personal answer does not exist for this operator.
  if (!row || (row.scope === 'personal' && row.ownerId !== actor.userId)) throw notFound('canned answer');
  return row;
}

export async function updateCannedAnswer(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    id: string;
    changes: { shortcut?: string; title?: string; text?: string };
  },
): Promise<CannedAnswer> {
  const { actor, changes } = input;
  const before = await loadRow(tx, actor, input.id);
  await assertMayManage(tx.db, actor, before);
  if (changes.shortcut)
    await assertShortcutFree(tx.db, actor.workspaceId, before, changes.shortcut, before.id);
  const [row] = await tx.db
    .update(cannedAnswers)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(cannedAnswers.id, before.id))
    .returning();
  const keys = Object.keys(changes) as (keyof typeof changes)[];
  await audit(
    tx,
    actor,
    'canned_answer.updated',
    row!,
    Object.fromEntries(keys.map((k) => [k, before[k]])),
    changes,
  );
  const cannedAnswer = presentCannedAnswer(row!);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'canned_answer.saved',
    payload: { cannedAnswer },
  });
  return cannedAnswer;
}

export async function deleteCannedAnswer(tx: Tx, input: { actor: OperatorPrincipal; id: string }) {
  const { actor } = input;
  const before = await loadRow(tx, actor, input.id);
  await assertMayManage(tx.db, actor, before);
  await tx.db.delete(cannedAnswers).where(eq(cannedAnswers.id, before.id));
  await audit(tx, actor, 'canned_answer.deleted', before, { shortcut: before.shortcut, title: before.title });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'canned_answer.deleted',
    payload: { cannedAnswer: presentCannedAnswer(before) },
  });
}
