import { describe, expect, it } from 'vitest';
import { matchRoute, paths } from './routes.ts';

const ws = '11111111-1111-4111-8111-111111111111';

describe('settings routes', () => {
  it('opens each settings page, the teams list by default', () => {
    expect(matchRoute(`/w/${ws}/settings`)).toMatchObject({ section: 'settings', settings: 'teams' });
    for (const page of ['teams', 'routing', 'statuses', 'widget'] as const) {
      expect(matchRoute(paths.settings(ws, page))).toEqual({
        name: 'workspace',
        workspaceId: ws,
        section: 'settings',
        settings: page,
      });
    }
  });

  it('opens the team editor for a team or a new one, and nothing deeper', () => {
    expect(matchRoute(paths.team(ws, 'new'))).toMatchObject({ settings: 'teams', teamId: 'new' });
    expect(matchRoute(paths.team(ws, 't-1'))).toMatchObject({ settings: 'teams', teamId: 't-1' });
    expect(matchRoute(`/w/${ws}/settings/routing/x`)).toEqual({ name: 'not-found' });
    expect(matchRoute(`/w/${ws}/settings/unknown`)).toEqual({ name: 'not-found' });
  });
});

describe('operator management routes', () => {
  it('opens the overview, an operator, their connection history and the audit log', () => {
    expect(matchRoute(paths.operators(ws))).toEqual({
      name: 'workspace',
      workspaceId: ws,
      section: 'operators',
    });
    expect(matchRoute(paths.operator(ws, 'u-1'))).toMatchObject({
      operatorId: 'u-1',
      operatorPage: 'detail',
    });
    expect(matchRoute(paths.connections(ws, 'u-1'))).toMatchObject({
      operatorId: 'u-1',
      operatorPage: 'connections',
    });
    expect(matchRoute(paths.audit(ws))).toEqual({ name: 'workspace', workspaceId: ws, section: 'audit' });
    expect(matchRoute(`/w/${ws}/operators/u-1/other`)).toEqual({ name: 'not-found' });
  });
});

describe('all conversations', () => {
  it('opens the administrator’s list, and nothing deeper', () => {
    expect(matchRoute(paths.allConversations(ws))).toEqual({
      name: 'workspace',
      workspaceId: ws,
      section: 'all-conversations',
    });
    expect(matchRoute(`/w/${ws}/conversations/x`)).toEqual({ name: 'not-found' });
  });
});
