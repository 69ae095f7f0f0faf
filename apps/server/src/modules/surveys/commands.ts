import type { Survey, SurveyAnswer, SurveyDefinition, SurveyRequest } from '@parley/contracts';
import { and, eq } from 'drizzle-orm';
import { publish } from '../../events/publish.ts';
import { surveyRequests, surveys } from '../../platform/db/schema.ts';
import type { Tx } from '../../platform/db/tx.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { recordAudit } from '../audit/log.ts';
import { assertCanView } from '../conversations/policy.ts';
import { loadConversation } from '../conversations/queries.ts';
import { authorize, type OperatorPrincipal, type VisitorPrincipal } from '../workspaces/policy.ts';
import { presentSurvey, presentSurveyRequest } from './presenter.ts';

async function loadSurveyRow(tx: Tx, workspaceId: string, surveyId: string, field?: string) {
  const [row] = await tx.db
    .select()
    .from(surveys)
    .where(and(eq(surveys.workspaceId, workspaceId), eq(surveys.id, surveyId)));
  if (!row) {
    if (field) throw invalid(field, 'no such survey in this workspace');
    throw notFound('survey');
  }
  return row;
}

/** Settings → Surveys (admins): a named list of questions in en/es/fr. */
export async function createSurvey(
  tx: Tx,
  input: { actor: OperatorPrincipal; name: string; definition: SurveyDefinition },
): Promise<Survey> {
  const { actor } = input;
  authorize(actor, 'workspace.manage');
  const [row] = await tx.db
    .insert(surveys)
    .values({ workspaceId: actor.workspaceId, name: input.name, definition: input.definition })
    .returning();
  const survey = presentSurvey(row!);
  await recordAudit(tx.db, actor, {
    action: 'survey.created',
    target: { type: 'survey', id: survey.id },
    after: { name: survey.name },
  });
  await publish(tx, { workspaceId: actor.workspaceId, name: 'survey.saved', payload: { survey } });
  return survey;
}

export async function updateSurvey(
  tx: Tx,
  input: {
    actor: OperatorPrincipal;
    surveyId: string;
    changes: { name?: string; definition?: SurveyDefinition };
  },
): Promise<Survey> {
  const { actor } = input;
  authorize(actor, 'workspace.manage');
  const before = await loadSurveyRow(tx, actor.workspaceId, input.surveyId);
  const [row] = await tx.db
    .update(surveys)
    .set({ ...input.changes, updatedAt: new Date() })
    .where(eq(surveys.id, before.id))
    .returning();
  const survey = presentSurvey(row!);
  await recordAudit(tx.db, actor, {
    action: 'survey.updated',
    target: { type: 'survey', id: survey.id },
    before: { name: before.name, definition: input.changes.definition ? before.definition : undefined },
    after: input.changes,
  });
  await publish(tx, { workspaceId: actor.workspaceId, name: 'survey.saved', payload: { survey } });
  return survey;
}

/** Sent copies keep their questions and answers: the requests hold a snapshot. */
export async function deleteSurvey(tx: Tx, input: { actor: OperatorPrincipal; surveyId: string }) {
  const { actor } = input;
  authorize(actor, 'workspace.manage');
  const before = await loadSurveyRow(tx, actor.workspaceId, input.surveyId);
  await tx.db.delete(surveys).where(eq(surveys.id, before.id));
  await recordAudit(tx.db, actor, {
    action: 'survey.deleted',
    target: { type: 'survey', id: before.id },
    before: { name: before.name },
  });
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'survey.deleted',
    payload: { surveyId: before.id },
  });
}

/** OI-7: the operator sends a survey into a conversation they may see; the customer's widget opens it. */
export async function sendSurvey(
  tx: Tx,
  input: { actor: OperatorPrincipal; conversationId: string; surveyId: string },
): Promise<SurveyRequest> {
  const { actor } = input;
  const conversation = await loadConversation(tx.db, actor.workspaceId, input.conversationId, {
    forUpdate: true,
  });
  assertCanView(actor, conversation);
  if (conversation.channel !== 'web')
    throw new AppError('conflict', 'surveys open in the web widget: this conversation is not a web chat');
  const survey = await loadSurveyRow(tx, actor.workspaceId, input.surveyId, 'surveyId');
  const [row] = await tx.db
    .insert(surveyRequests)
    .values({
      workspaceId: actor.workspaceId,
      conversationId: conversation.id,
      surveyId: survey.id,
      name: survey.name,
      definition: survey.definition,
      sentById: actor.userId,
    })
    .returning();
  const request = presentSurveyRequest(row!);
  await publish(tx, {
    workspaceId: actor.workspaceId,
    name: 'survey.sent',
    payload: { request, conversation },
  });
  return request;
}

/** Checks answers against the questions as sent: required ones given, ratings 1–5, choices known. */
export function validateAnswers(definition: SurveyDefinition, answers: SurveyAnswer[]): SurveyAnswer[] {
  const byId = new Map<string, SurveyAnswer['value']>();
  for (const a of answers) {
    if (!definition.questions.some((q) => q.id === a.questionId))
      throw invalid('answers', `${a.questionId}: no such question`);
    if (byId.has(a.questionId)) throw invalid('answers', `${a.questionId}: answered twice`);
    byId.set(a.questionId, a.value);
  }
  return definition.questions.map((q) => {
    const raw = byId.get(q.id);
    const value = typeof raw === 'string' ? raw.trim() || null : (raw ?? null);
    const field = `answers.${q.id}`;
    if (value === null) {
      if (q.required) throw invalid(field, 'an answer is required');
      return { questionId: q.id, value: null };
    }
    if (
      q.kind === 'rating' &&
      !(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5)
    )
      throw invalid(field, 'must be a whole number from 1 to 5');
    if (q.kind === 'choice' && !(typeof value === 'string' && q.options.some((o) => o.id === value)))
      throw invalid(field, 'must be one of the options');
    if (q.kind === 'text' && typeof value !== 'string') throw invalid(field, 'must be text');
    return { questionId: q.id, value };
  });
}

/** The customer answers, once; a second answer is a 409 and changes nothing. */
export async function answerSurvey(
  tx: Tx,
  input: { visitor: VisitorPrincipal; requestId: string; answers: SurveyAnswer[] },
): Promise<SurveyRequest> {
  const { visitor } = input;
  const [row] = await tx.db
    .select()
    .from(surveyRequests)
    .where(and(eq(surveyRequests.workspaceId, visitor.workspaceId), eq(surveyRequests.id, input.requestId)))
    .for('update');
  if (!row) throw notFound('survey');
  const conversation = await loadConversation(tx.db, visitor.workspaceId, row.conversationId);
  assertCanView(visitor, conversation);
  if (row.answeredAt) throw new AppError('conflict', 'this survey was already answered');
  const answers = validateAnswers(row.definition as SurveyDefinition, input.answers);
  const [updated] = await tx.db
    .update(surveyRequests)
    .set({ answers, answeredAt: new Date() })
    .where(eq(surveyRequests.id, row.id))
    .returning();
  const request = presentSurveyRequest(updated!);
  await publish(tx, {
    workspaceId: visitor.workspaceId,
    name: 'survey.answered',
    payload: { request, conversation },
  });
  return request;
}
