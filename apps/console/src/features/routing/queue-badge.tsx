import { Badge, Box, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useQueueSummary } from './routing-api.ts';

/** OI-3: conversations waiting in any team's queue, live from `queue.updated`. */
export function QueueBadge({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const queue = useQueueSummary(workspaceId);
  if (!queue.data) return null;
  const count = queue.data.queued;
  const label = t('queue.waiting', { count });
  return (
    <Badge
      role="status"
      aria-label={label}
      color={count > 0 ? 'orange' : 'gray'}
      variant={count > 0 ? 'filled' : 'light'}
      size="md"
      tt="none"
      style={{ flexShrink: 0 }}
      data-queued={count}
    >
      <span aria-hidden="true">
        {/* On a phone the number alone has to do. */}
        <Box component="span" visibleFrom="xs">
          {t('conversations.views.queue')}{' '}
        </Box>
        {count}
      </span>
      <VisuallyHidden>{label}</VisuallyHidden>
    </Badge>
  );
}
