import { sql } from 'drizzle-orm';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, demoPassword, screenshotPath, useBrowserServer } from '../browser.ts';
import { Client } from '../harness.ts';

/** A Spanish visitor meets the server's refusals and an outage: what the widget says must be true, and Spanish. */
describe.runIf(browserAvailable)(
  'the widget in Spanish: refusals and messages waiting for the connection',
  {
    timeout: 120_000,
  },
  () => {
    const env = useBrowserServer({ demo: true, heartbeatMs: 1000 });

    const db = () => env.server.parley.ctx.db;

    /** How many stored messages have this text. */
    const stored = async (text: string): Promise<number> => {
      const { rows } = await db().execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM messages WHERE text = ${text}`,
      );
      return Number(rows[0]?.n ?? 0);
    };

    /** Opens the panel in a page of `context`; resolves once its socket is live. */
    const openPanel = async (context: BrowserContext): Promise<{ page: Page; panel: FrameLocator }> => {
      const page = await context.newPage();
      let live = false;
      page.on('websocket', (socket) =>
        socket.on('framereceived', (frame) => {
          if (String(frame.payload).includes('"type":"ready"')) live = true;
        }),
      );
      await page.goto(`${env.server.url}/demo`);
      await page.getByRole('button', { name: 'Abrir chat' }).click();
      const panel = page.frameLocator('iframe[title="Chat de Parley"]');
      await panel.getByRole('textbox', { name: 'Mensaje' }).waitFor();
      await expect.poll(() => live, { timeout: 15_000 }).toBe(true);
      return { page, panel };
    };

    it('shows a refused message as not sent with its reason and a working Retry, and one written offline as waiting', async () => {
      const context = await env.browser.newContext({ locale: 'es-ES' });
      // The server refuses the first message for good (as it does a message whose file was already
      // used): its acknowledgement is replaced by that refusal until `refuse` is turned off.
      let refuse = true;
      await context.routeWebSocket(/\/realtime/, (socket) => {
        const toServer = socket.connectToServer();
        socket.onMessage((frame) => {
          const data = String(frame);
          const send = data.includes('"type":"send"') ? (JSON.parse(data) as { clientId: string }) : null;
          if (!send || !refuse) return toServer.send(frame);
          socket.send(
            JSON.stringify({
              type: 'ack',
              clientId: send.clientId,
              error: {
                status: 400,
                code: 'validation_failed',
                message: 'attachmentIds: unknown or already used attachment',
                field: 'attachmentIds',
              },
            }),
          );
        });
      });
      const { page, panel } = await openPanel(context);
      const box = panel.getByRole('textbox', { name: 'Mensaje' });
      const log = panel.getByRole('log', { name: 'Conversación' });

      await box.fill('Foto del pedido');
      await box.press('Enter');
      const refused = log.locator('[data-status="failed"]').filter({ hasText: 'Foto del pedido' });
      await refused.getByText('No enviado').waitFor();
      await refused
        .getByText('Los archivos adjuntos ya no están disponibles. Vuelve a adjuntarlos.')
        .waitFor();
      expect(await refused.getByText(/attachment/).count()).toBe(0);

      // The connection goes: a message written now is waiting, not "not sent", and offers no Retry.
      await context.setOffline(true);
      await panel.getByText('Se perdió la conexión. Reconectando…').waitFor({ timeout: 10_000 });
      await box.fill('¿Siguen ahí?');
      await box.press('Enter');
      const waiting = log.locator('[data-status="waiting"]').filter({ hasText: '¿Siguen ahí?' });
      await waiting.getByText('Esperando conexión…').waitFor({ timeout: 10_000 });
      expect(await waiting.getByRole('button').count()).toBe(0);
      expect(await waiting.getByText('No enviado').count()).toBe(0);
      // Only the refused message has Retry and Delete.
      expect(await log.getByRole('button', { name: 'Reintentar' }).count()).toBe(1);
      expect(await refused.getByRole('button', { name: 'Eliminar' }).count()).toBe(1);
      await page.screenshot({ path: screenshotPath('widget-es-refused-and-waiting') });

      // Back online: the waiting message goes by itself.
      await context.setOffline(false);
      await log
        .locator('[data-status="sent"]')
        .filter({ hasText: '¿Siguen ahí?' })
        .waitFor({ timeout: 30_000 });
      await expect.poll(() => stored('¿Siguen ahí?')).toBe(1);

      // The refusal no longer holds: Retry sends the refused message.
      refuse = false;
      await refused.getByRole('button', { name: 'Reintentar' }).click();
      await log
        .locator('[data-status="sent"]')
        .filter({ hasText: 'Foto del pedido' })
        .waitFor({ timeout: 15_000 });
      await expect.poll(() => stored('Foto del pedido')).toBe(1);
      expect(
        await log.getByText('Los archivos adjuntos ya no están disponibles.', { exact: false }).count(),
      ).toBe(0);
      await context.close();
    });

    it('says in Spanish that the conversation was already rated when a second tab rates it too', async () => {
      const context = await env.browser.newContext({ locale: 'es-ES' });
      const first = await openPanel(context);
      const box = first.panel.getByRole('textbox', { name: 'Mensaje' });
      await box.fill('Quiero valorar esto');
      await box.press('Enter');
      const conversation = async () => {
        const { rows } = await db().execute<{ id: string }>(
          sql`SELECT conversation_id AS id FROM messages WHERE text = 'Quiero valorar esto'`,
        );
        return rows[0]?.id;
      };
      await expect.poll(conversation, { timeout: 10_000 }).toBeTruthy();
      // A second tab of the same visitor whose stream misses the rating made in the first (a socket
      // that lags, a laptop waking up): it still shows the prompt.
      const second = await context.newPage();
      await second.routeWebSocket(/\/realtime/, (socket) => {
        const toServer = socket.connectToServer();
        socket.onMessage((frame) => toServer.send(frame));
        toServer.onMessage((frame) => {
          if (!String(frame).includes('conversation.rated')) socket.send(frame);
        });
      });
      await second.goto(`${env.server.url}/demo`);
      await second.getByRole('button', { name: 'Abrir chat' }).click();
      const secondPanel = second.frameLocator('iframe[title="Chat de Parley"]');
      await secondPanel.getByRole('log', { name: 'Conversación' }).getByText('Quiero valorar esto').waitFor();

      const sam = new Client(env.server.url);
      await sam.post('/api/auth/login', { email: 'sam@demo.parley.test', password: demoPassword });
      const [workspace] = await db().query.workspaces.findMany();
      const closed = await sam.post(
        `/api/workspaces/${workspace!.id}/conversations/${await conversation()}/close`,
      );
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);

      const rate = async (panel: FrameLocator, stars: number) => {
        const ask = panel.getByRole('group', { name: '¿Cómo valorarías esta conversación?' });
        await ask.waitFor({ timeout: 15_000 });
        const radio = ask.getByRole('radio', { name: `${stars} de 5` });
        // Checked until it holds: live events may re-render the prompt between the click and the check.
        await expect
          .poll(async () => {
            await radio.check({ force: true, timeout: 2000 }).catch(() => undefined);
            return radio.isChecked();
          })
          .toBe(true);
        await panel.getByRole('button', { name: 'Enviar valoración' }).click();
      };
      await rate(first.panel, 5);
      await first.panel.getByText('¡Gracias por tu valoración!').waitFor();
      await rate(secondPanel, 4);
      // Said in Spanish, in place of a form that has nothing left to send.
      await secondPanel
        .getByRole('status')
        .filter({ hasText: 'Ya has valorado esta conversación.' })
        .waitFor();
      expect(
        await secondPanel.getByRole('group', { name: '¿Cómo valorarías esta conversación?' }).count(),
      ).toBe(0);
      expect(await secondPanel.getByText(/already rated/i).count()).toBe(0);
      await second.screenshot({ path: screenshotPath('widget-es-already-rated') });
      await context.close();
    });
  },
);
