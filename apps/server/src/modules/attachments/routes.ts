import multipart, { type MultipartFile } from '@fastify/multipart';
import { attachmentLimits } from '@parley/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { attachments } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { multipartError } from '../../platform/http.ts';
import { checkFileLink, pathName, presentAttachment } from './links.ts';

const signatures: [string, (b: Buffer) => boolean][] = [
  [
    'image/png',
    (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  ],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b.subarray(0, 4).toString('latin1') === 'GIF8'],
  [
    'image/webp',
    (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  ],
  ['application/pdf', (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
];

/** The type the bytes say, not the one the browser claims: a renamed .exe is not a PDF. */
export function sniffContentType(data: Buffer): string | null {
  return signatures.find(([, test]) => test(data))?.[0] ?? null;
}

const mb = attachmentLimits.maxBytes / (1024 * 1024);

/** Reads one uploaded file, checks size and type, stores it. Nothing is stored when a check fails. */
export async function receiveUpload(
  ctx: AppContext,
  request: FastifyRequest,
  workspaceId: string,
  uploader: string,
) {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'file: send the file as multipart/form-data', 'file');
  }
  const tooLarge = () => new AppError('payload_too_large', `file: files must be at most ${mb} MB`, 'file');
  let file: MultipartFile | undefined;
  let data: Buffer;
  try {
    file = await request.file({ limits: { fileSize: attachmentLimits.maxBytes, files: 1 } });
    if (!file) throw new AppError('validation_failed', 'file: no file in the upload', 'file');
    if (file.fieldname !== 'file') {
      throw new AppError(
        'validation_failed',
        `file: send the file in a form field named "file", not "${file.fieldname.slice(0, 50)}"`,
        'file',
      );
    }
    data = await file.toBuffer();
  } catch (err) {
    throw multipartError(err, 'file', tooLarge());
  }
  // The stream stops at the limit; depending on timing the error may not have been raised yet.
  if (file.file.truncated || data.length > attachmentLimits.maxBytes) throw tooLarge();
  if (data.length === 0) throw new AppError('validation_failed', 'file: the file is empty', 'file');
  const contentType = sniffContentType(data);
  if (!contentType) {
    throw new AppError(
      'unsupported_media_type',
      'file: only PNG, JPEG, GIF and WebP images and PDF documents can be sent',
      'file',
    );
  }
  const name = (file.filename || 'file').replace(/[/\\\p{Cc}]/gu, '_').slice(0, 200);
  const [row] = await ctx.db
    .insert(attachments)
    .values({ workspaceId, uploadedBy: uploader, name, contentType, size: data.length, storageKey: '' })
    .returning({ id: attachments.id });
  const storageKey = `${workspaceId}/${row!.id}`;
  await ctx.storage.put(storageKey, data);
  await ctx.db.update(attachments).set({ storageKey }).where(eq(attachments.id, row!.id));
  return presentAttachment(ctx.secret, { id: row!.id, name, contentType, size: data.length });
}

export async function attachmentRoutes(app: FastifyInstance, ctx: AppContext) {
  await app.register(multipart, { limits: { fileSize: attachmentLimits.maxBytes, files: 1, fields: 5 } });

  app.get('/api/files/:id/:name', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string; name: string };
    const { exp, sig } = request.query as { exp?: string; sig?: string };
    if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound('file');
    const link = checkFileLink(ctx.secret, { id, exp, sig });
    if (link === 'invalid') throw notFound('file');
    if (link === 'expired') {
      throw new AppError('forbidden', 'this file link has expired; reload the conversation for a fresh one');
    }
    const [row] = await ctx.db.select().from(attachments).where(eq(attachments.id, id));
    if (!row?.storageKey) throw notFound('file');
    const inline = row.contentType.startsWith('image/');
    // Cached no longer than the link is valid.
    const maxAge = Math.max(0, Math.floor(Number(exp) - Date.now() / 1000));
    return reply
      .header('content-type', row.contentType)
      .header('content-length', row.size)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('cache-control', `private, max-age=${maxAge}`)
      .header(
        'content-disposition',
        `${inline ? 'inline' : 'attachment'}; filename="${pathName(row.name)}"; filename*=UTF-8''${encodeURIComponent(row.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
      )
      .send(ctx.storage.read(row.storageKey));
  });
}
