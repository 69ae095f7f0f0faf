import type { CannedAnswer } from '@parley/contracts';
import type { cannedAnswers } from '../../platform/db/schema.ts';

export const presentCannedAnswer = (row: typeof cannedAnswers.$inferSelect): CannedAnswer => ({
  id: row.id,
  scope: row.scope,
  ownerId: row.ownerId,
  teamId: row.teamId,
  shortcut: row.shortcut,
  title: row.title,
  text: row.text,
  updatedAt: row.updatedAt.toISOString(),
});
