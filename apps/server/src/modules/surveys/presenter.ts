import type { Survey, SurveyDefinition, SurveyRequest, WidgetSurvey } from '@parley/contracts';
import type { surveyRequests, surveys } from '../../platform/db/schema.ts';

export const presentSurvey = (row: typeof surveys.$inferSelect): Survey => ({
  id: row.id,
  name: row.name,
  definition: row.definition as SurveyDefinition,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const presentSurveyRequest = (row: typeof surveyRequests.$inferSelect): SurveyRequest => ({
  id: row.id,
  conversationId: row.conversationId,
  surveyId: row.surveyId,
  name: row.name,
  definition: row.definition as SurveyDefinition,
  sentById: row.sentById,
  sentAt: row.sentAt.toISOString(),
  answers: row.answers ?? null,
  answeredAt: row.answeredAt?.toISOString() ?? null,
});

/** The customer's cut: the questions, nothing about who sent it or the survey's internal name. */
export const presentSurveyForVisitor = (
  r: Pick<SurveyRequest, 'id' | 'conversationId' | 'definition'>,
): WidgetSurvey => ({
  id: r.id,
  conversationId: r.conversationId,
  definition: r.definition,
});
