import type { Attachment, WidgetSettings } from '@parley/contracts';
import { format, type Messages } from '../i18n.ts';
import type { ChatController } from './controller.ts';
import { megabytes } from './errors.ts';

type Limits = WidgetSettings['attachments'];

function typeAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === type || (a.endsWith('/*') && type.startsWith(a.slice(0, -1))));
}

/** Checked before uploading, so a forbidden or oversized file never leaves the browser. */
export function checkFile(file: File, limits: Limits, t: Messages): string | null {
  if (!file.type || !typeAllowed(file.type.toLowerCase(), limits.contentTypes)) return t.fileTypeNotAllowed;
  if (file.size === 0) return t.fileEmpty;
  if (file.size > limits.maxBytes) return format(t.fileTooLarge, { size: megabytes(limits.maxBytes) });
  return null;
}

export function uploadFile(chat: ChatController, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  return chat.call<Attachment>('POST', 'attachments', form);
}
