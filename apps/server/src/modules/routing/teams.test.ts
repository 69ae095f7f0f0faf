import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Owner, setupOwner, startTestServer, type TestServer } from '../../../test/harness.ts';

describe('teams: names and hours', () => {
  let server: TestServer;
  let owner: Owner;
  const w = () => `/api/workspaces/${owner.workspaceId}`;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await setupOwner(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a name with no visible character (zero-width space, word joiner, BOM) and creates nothing', async () => {
    const before = (await owner.client.get(`${w()}/teams`)).body;
    for (const name of ['\u200b', '\u200c\u200d', '\u2060', '\ufeff\u200b', ' \u200b ']) {
      const res = await owner.client.post(`${w()}/teams`, { name, rule: 'round_robin', capacity: 1 });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.error.field).toBe('name');
    }
    expect((await owner.client.get(`${w()}/teams`)).body).toEqual(before);
    const ok = await owner.client.post(`${w()}/teams`, {
      name: '\u200bSupport',
      rule: 'round_robin',
      capacity: 1,
    });
    expect(ok.status).toBe(201);
  });

  it('refuses hours that mean nothing, naming the range, and keeps the hours it had', async () => {
    const team = (
      await owner.client.post(`${w()}/teams`, {
        name: 'Night desk',
        rule: 'round_robin',
        businessHours: { timezone: 'Pacific/Kiritimati', weekly: {}, holidays: [] },
      })
    ).body as { id: string };
    const bad = await owner.client.patch(`${w()}/teams/${team.id}`, {
      businessHours: { timezone: 'Mars/Olympus', weekly: {}, holidays: [] },
    });
    expect(bad.status).toBe(400);
    // A range closing when it opens means nothing (one closing before it opens runs past midnight).
    const empty = await owner.client.patch(`${w()}/teams/${team.id}`, {
      businessHours: {
        timezone: 'UTC',
        weekly: {
          tue: [
            ['22:00', '06:00'],
            ['09:00', '09:00'],
          ],
        },
        holidays: [],
      },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('businessHours.weekly.tue.1');
    expect(empty.body.error.message).toContain('another time than it opens');
    // Overlapping ranges, within a day or with the night before, are refused as the console refuses them.
    for (const [weekly, field] of [
      [
        {
          wed: [
            ['09:00', '14:00'],
            ['13:00', '18:00'],
          ],
        },
        'businessHours.weekly.wed.1',
      ],
      [{ sun: [['22:00', '10:00']], mon: [['09:00', '17:00']] }, 'businessHours.weekly.mon.0'],
    ] as const) {
      const overlapping = await owner.client.patch(`${w()}/teams/${team.id}`, {
        businessHours: { timezone: 'UTC', weekly, holidays: [] },
      });
      expect(overlapping.status).toBe(400);
      expect(overlapping.body.error.field).toBe(field);
      expect(overlapping.body.error.message).toContain('overlaps another opening range');
    }
    expect((await owner.client.get(`${w()}/teams/${team.id}`)).body.businessHours.timezone).toBe(
      'Pacific/Kiritimati',
    );
    const night = await owner.client.patch(`${w()}/teams/${team.id}`, {
      businessHours: { timezone: 'UTC', weekly: { tue: [['22:00', '06:00']] }, holidays: [] },
    });
    expect(night.status).toBe(200);
  });
});
