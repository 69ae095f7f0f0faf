import { PassThrough } from 'node:stream';
import { type Locale, localized, type SurveyAnswer, type SurveyDefinition } from '@parley/contracts';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.ts';
import { transaction } from '../../platform/db/tx.ts';
import { exportLabels } from '../../platform/export-labels.ts';
import { type Column, contentTypes, type TableFormat, writeTable } from '../../platform/tabular.ts';
import { recordAudit } from '../audit/log.ts';
import type { OperatorPrincipal } from '../workspaces/policy.ts';
import { surveyResponses } from './queries.ts';

type Row = Awaited<ReturnType<typeof surveyResponses>>['rows'][number];

/**
 * The answers of one survey as CSV or XLSX: one row per answered request, a column per question, with
 * the headers, questions and chosen options in `lang` (a text missing in it falls back as in the widget).
 */
export async function exportSurveyResponses(
  ctx: AppContext,
  input: { actor: OperatorPrincipal; surveyId: string; format: TableFormat; lang: Locale },
  reply: FastifyReply,
) {
  const { actor } = input;
  const { survey, rows } = await transaction(ctx.db, async (tx) => {
    const result = await surveyResponses(tx.db, actor, input.surveyId);
    await recordAudit(tx.db, actor, {
      action: 'export.created',
      target: { type: 'survey', id: result.survey.id },
      after: { what: 'survey_responses', format: input.format, rows: result.rows.length },
    });
    return result;
  });
  const answerText = (row: Row, questionId: string): string | number | null => {
    const answer = (row.request.answers as SurveyAnswer[] | null)?.find((a) => a.questionId === questionId);
    if (answer?.value === null || answer?.value === undefined) return null;
    const question = (row.request.definition as SurveyDefinition).questions.find((q) => q.id === questionId);
    const option =
      question?.kind === 'choice' ? question.options.find((o) => o.id === answer.value) : undefined;
    return option ? localized(option.label, input.lang) : answer.value;
  };
  const l = exportLabels(input.lang).surveys;
  const columns: Column<Row>[] = [
    { header: l.conversation, value: (r) => r.number },
    { header: l.customer, value: (r) => r.contactName },
    { header: l.email, value: (r) => r.contactEmail },
    { header: l.sentAt, value: (r) => r.request.sentAt },
    { header: l.answeredAt, value: (r) => r.request.answeredAt },
    ...survey.definition.questions.map(
      (q): Column<Row> => ({ header: localized(q.label, input.lang), value: (r) => answerText(r, q.id) }),
    ),
  ];
  const out = new PassThrough();
  const name = `survey-${survey.name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'responses'}.${input.format}`;
  reply
    .header('content-type', contentTypes[input.format])
    .header('content-disposition', `attachment; filename="${name}"`);
  void writeTable(input.format, columns, rows, out).catch((error: unknown) => out.destroy(error as Error));
  return reply.send(out);
}
