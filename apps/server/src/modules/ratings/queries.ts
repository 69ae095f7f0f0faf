import type { WidgetPending } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { conversations } from '../../platform/db/schema.ts';
import { loadToolSettings } from '../conversation-tools/settings.ts';
import { latestVisitorConversation } from '../widget/queries.ts';
import type { VisitorPrincipal } from '../workspaces/policy.ts';

/** Whether the widget asks for a rating: prompts on, and the visitor's latest conversation closed and unrated. */
export async function pendingRating(
  db: Queryable,
  visitor: VisitorPrincipal,
): Promise<WidgetPending['csat']> {
  const settings = await loadToolSettings(db, visitor.workspaceId);
  const base = { enabled: settings.csatEnabled, comment: settings.csatComment, conversationId: null };
  if (!settings.csatEnabled) return base;
  const latest = await latestVisitorConversation(db, visitor);
  if (latest?.status !== 'closed') return base;
  const [row] = await db
    .select({ ratedAt: conversations.ratedAt })
    .from(conversations)
    .where(eq(conversations.id, latest.id));
  return row && !row.ratedAt ? { ...base, conversationId: latest.id } : base;
}
