import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import { localized, type SurveyRequest } from '@parley/contracts';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/i18n.ts';
import { useFormatDateTime } from '../members/format.ts';
import { useConversationSurveys, useRating } from './compose-api.ts';

/** The customer's rating and survey answers, in the conversation's side panel. */
export function FeedbackPanel({
  workspaceId,
  conversationId,
}: {
  workspaceId: string;
  conversationId: string;
}) {
  const { t } = useTranslation();
  const rating = useRating(workspaceId, conversationId);
  const surveys = useConversationSurveys(workspaceId, conversationId);
  const formatDate = useFormatDateTime();
  const r = rating.data;
  if (!r && (surveys.data?.length ?? 0) === 0) return null;
  return (
    <Stack
      gap="sm"
      mt="lg"
      component="section"
      aria-label={t('compose.feedback.title')}
      data-testid="feedback"
    >
      <Title order={3} size="h6">
        {t('compose.feedback.title')}
      </Title>
      {r && (
        <div data-testid="rating">
          <Group gap={6}>
            <Text size="lg" aria-hidden="true" c="yellow.7">
              {'★'.repeat(r.rating)}
              <Text span c="gray.4" inherit>
                {'★'.repeat(5 - r.rating)}
              </Text>
            </Text>
            <Text size="sm">{t('compose.feedback.rating', { rating: r.rating })}</Text>
          </Group>
          {r.comment && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              “{r.comment}”
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {formatDate(r.ratedAt)}
          </Text>
        </div>
      )}
      {surveys.data?.map((s) => (
        <SurveyAnswers key={s.id} request={s} />
      ))}
    </Stack>
  );
}

function SurveyAnswers({ request: s }: { request: SurveyRequest }) {
  const { t } = useTranslation();
  const formatDate = useFormatDateTime();
  const lang = currentLanguage();
  const value = (questionId: string) => {
    const answer = s.answers?.find((a) => a.questionId === questionId)?.value;
    if (answer === null || answer === undefined) return t('compose.feedback.noAnswer');
    const question = s.definition.questions.find((q) => q.id === questionId);
    if (question?.kind === 'rating') return t('compose.feedback.rating', { rating: answer });
    const option = question?.options.find((o) => o.id === answer);
    return option ? localized(option.label, lang) : String(answer);
  };
  return (
    <div data-testid="survey-answers">
      <Group gap={6} justify="space-between">
        <Text size="sm" fw={600}>
          {s.name}
        </Text>
        <Badge size="xs" variant="light" color={s.answeredAt ? 'teal' : 'gray'}>
          {s.answeredAt ? t('compose.feedback.answered') : t('compose.feedback.waiting')}
        </Badge>
      </Group>
      {s.answeredAt && (
        <Stack component="dl" gap={4} m={0} mt={4}>
          {s.definition.questions.map((q) => (
            <div key={q.id}>
              <Text component="dt" size="xs" c="dimmed">
                {localized(q.label, lang)}
              </Text>
              <Text component="dd" size="sm" m={0} style={{ whiteSpace: 'pre-wrap' }}>
                {value(q.id)}
              </Text>
            </div>
          ))}
        </Stack>
      )}
      <Text size="xs" c="dimmed">
        {formatDate(s.answeredAt ?? s.sentAt)}
      </Text>
    </div>
  );
}
