import { type Attachment, attachmentLimits } from '@parley/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client.ts';
import { conversationApi } from './conversations-api.ts';

export interface Upload {
  key: string;
  file: File;
  /** A local object URL to preview images before sending. */
  preview: string | null;
  attachment: Attachment | null;
  /** The stored file's own URL, for a file picked from the gallery (not revoked). */
  remotePreview?: string | null;
}

const release = (upload: Upload) => {
  if (upload.preview) URL.revokeObjectURL(upload.preview);
};

const maxMegabytes = attachmentLimits.maxBytes / (1024 * 1024);
const allowedType = (type: string) => (attachmentLimits.contentTypes as readonly string[]).includes(type);

/** Files picked for the next message: checked here first, uploaded at once, sent by id with the message. */
export function useUploads(workspaceId: string) {
  const { t } = useTranslation();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const live = useRef(uploads);
  live.current = uploads;

  const add = useCallback(
    (files: File[]) => {
      const problems: string[] = [];
      for (const file of files) {
        const name = file.name;
        if (!allowedType(file.type)) {
          problems.push(t('composer.badType', { name }));
          continue;
        }
        if (file.size > attachmentLimits.maxBytes) {
          problems.push(t('composer.tooLarge', { name, max: maxMegabytes }));
          continue;
        }
        const upload: Upload = {
          key: `${Date.now()}-${Math.random()}`,
          file,
          preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : null,
          attachment: null,
        };
        setUploads((current) => [...current, upload]);
        conversationApi
          .upload(workspaceId, file)
          .then((attachment) =>
            setUploads((current) => current.map((u) => (u.key === upload.key ? { ...u, attachment } : u))),
          )
          .catch((error: unknown) => {
            release(upload);
            setUploads((current) => current.filter((u) => u.key !== upload.key));
            const message = isApiError(error, 'payload_too_large')
              ? t('composer.tooLarge', { name, max: maxMegabytes })
              : isApiError(error, 'unsupported_media_type')
                ? t('composer.badType', { name })
                : t('composer.uploadFailed', {
                    name,
                    reason: isApiError(error) && error.message ? error.message : t('errors.unexpected'),
                  });
            setErrors((current) => [...current, message]);
          });
      }
      setErrors(problems);
    },
    [workspaceId, t],
  );

  const remove = useCallback((key: string) => {
    setUploads((current) => {
      const gone = current.find((u) => u.key === key);
      if (gone) release(gone);
      return current.filter((u) => u.key !== key);
    });
  }, []);

  /** After sending: the message shows the server's URLs, the local previews can go. */
  const clear = useCallback(() => {
    for (const upload of live.current) release(upload);
    setUploads([]);
    setErrors([]);
  }, []);

  /** A file already stored (picked from the gallery): ready at once, nothing to upload. */
  const addAttachment = useCallback((attachment: Attachment) => {
    const file = new File([], attachment.name, { type: attachment.contentType });
    const preview = attachment.contentType.startsWith('image/') ? attachment.url : null;
    setUploads((current) => [
      ...current,
      { key: `${Date.now()}-${Math.random()}`, file, preview: null, attachment, remotePreview: preview },
    ]);
  }, []);

  useEffect(() => () => live.current.forEach(release), []);

  return {
    uploads,
    errors,
    dismissErrors: () => setErrors([]),
    add,
    addAttachment,
    remove,
    clear,
    busy: uploads.some((u) => !u.attachment),
    ready: uploads.flatMap((u) => (u.attachment ? [u.attachment] : [])),
  };
}
