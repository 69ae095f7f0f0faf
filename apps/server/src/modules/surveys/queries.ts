import type { Survey, SurveyRequest, WidgetSurvey } from '@parley/contracts';
import { and, asc, desc, eq, isNotNull, isNull, or } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { contacts, conversations, surveyRequests, surveys } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { assertCanView, conversationsTable, visibleConversationsSql } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { authorize, type OperatorPrincipal, type VisitorPrincipal } from '../workspaces/policy.ts';
import { presentSurvey, presentSurveyForVisitor, presentSurveyRequest } from './presenter.ts';

export async function listSurveys(db: Queryable, workspaceId: string): Promise<Survey[]> {
  const rows = await db
    .select()
    .from(surveys)
    .where(eq(surveys.workspaceId, workspaceId))
    .orderBy(asc(surveys.name));
  return rows.map(presentSurvey);
}

/** The surveys sent into a conversation, oldest first, with their answers. */
export async function listConversationSurveys(
  db: Queryable,
  actor: OperatorPrincipal,
  conversationId: string,
): Promise<SurveyRequest[]> {
  assertCanView(actor, await loadConversation(db, actor.workspaceId, conversationId));
  const rows = await db
    .select()
    .from(surveyRequests)
    .where(
      and(
        eq(surveyRequests.workspaceId, actor.workspaceId),
        eq(surveyRequests.conversationId, conversationId),
      ),
    )
    .orderBy(asc(surveyRequests.sentAt));
  return rows.map(presentSurveyRequest);
}

/**
 * Surveys waiting for this visitor's answer, in any of their web conversations: one sent after the
 * visitor left opens on their next visit.
 */
export async function pendingSurveys(db: Queryable, visitor: VisitorPrincipal): Promise<WidgetSurvey[]> {
  const rows = await db
    .select({ request: surveyRequests })
    .from(surveyRequests)
    .innerJoin(conversations, eq(conversations.id, surveyRequests.conversationId))
    .where(
      and(
        eq(surveyRequests.workspaceId, visitor.workspaceId),
        isNull(surveyRequests.answeredAt),
        eq(conversations.channel, 'web'),
        visitor.contactId
          ? or(eq(conversations.contactId, visitor.contactId), eq(conversations.visitorId, visitor.visitorId))
          : eq(conversations.visitorId, visitor.visitorId),
      ),
    )
    .orderBy(asc(surveyRequests.sentAt))
    .limit(5);
  return rows.map((r) => presentSurveyForVisitor(presentSurveyRequest(r.request)));
}

/** The answered requests of one survey, newest first, for the export (needs `export`). */
export async function surveyResponses(db: Queryable, actor: OperatorPrincipal, surveyId: string) {
  authorize(actor, 'export');
  const [survey] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, actor.workspaceId), eq(surveys.id, surveyId)));
  if (!survey) throw notFound('survey');
  const rows = await db
    .select({
      request: surveyRequests,
      number: conversations.number,
      contactName: contacts.name,
      contactEmail: contacts.email,
    })
    .from(surveyRequests)
    .innerJoin(conversations, eq(conversations.id, surveyRequests.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(surveyRequests.workspaceId, actor.workspaceId),
        eq(surveyRequests.surveyId, survey.id),
        isNotNull(surveyRequests.answeredAt),
        // Answers of conversations the exporter may not see stay out, as in the conversation export.
        visibleConversationsSql(actor, conversationsTable),
      ),
    )
    .orderBy(desc(surveyRequests.answeredAt));
  return { survey: presentSurvey(survey), rows };
}
