import type { Transcript } from '@parley/contracts';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../conversations/attachment-list.tsx';
import { MessageText } from '../conversations/message-text.tsx';
import { useFormatDateTime } from '../members/format.ts';
import classes from './print.module.css';

/**
 * The transcript as printed: public messages with names and times and the attachments listed, never
 * a note or a whisper (the server leaves them out). Mounted at the end of <body>; the print
 * stylesheet hides everything else on paper.
 */
export function TranscriptPrint({ transcript: tr }: { transcript: Transcript }) {
  const { t } = useTranslation();
  const formatDate = useFormatDateTime();
  return createPortal(
    <div className={`parley-print-root ${classes.root}`} data-testid="transcript-print">
      <h1>{t('compose.transcript.title', { number: tr.number, workspace: tr.workspaceName })}</h1>
      <p className={classes.meta}>
        {t('compose.transcript.customer')}: {tr.contactName ?? t('compose.transcript.visitor')}
        {tr.contactEmail ? ` <${tr.contactEmail}>` : ''} · {t('compose.transcript.started')}:{' '}
        {formatDate(tr.createdAt)}
        {tr.closedAt ? ` · ${t('compose.transcript.closed')}: ${formatDate(tr.closedAt)}` : ''}
      </p>
      {tr.entries.length === 0 && <p>{t('compose.transcript.empty')}</p>}
      {tr.entries.map((e) => (
        <div key={e.id} className={classes.entry}>
          <span className={classes.who}>
            {e.authorKind === 'contact'
              ? (tr.contactName ?? t('compose.transcript.visitor'))
              : (e.authorName ?? t(`compose.transcript.${e.authorKind === 'operator' ? 'agent' : 'system'}`))}
          </span>
          <span className={classes.when}>{formatDate(e.createdAt)}</span>
          {e.text && (
            <div className={classes.text}>
              <MessageText text={e.text} />
            </div>
          )}
          {e.attachments.length > 0 && (
            <ul className={classes.files} aria-label={t('compose.transcript.attachments')}>
              {e.attachments.map((a, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat; the order is fixed
                <li key={i}>
                  {t('compose.transcript.attachment')}: {a.name} ({formatBytes(a.size)})
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>,
    document.body,
  );
}
