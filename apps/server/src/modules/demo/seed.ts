import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.ts';
import {
  contacts,
  conversations,
  instanceSettings,
  memberships,
  messages,
  teamMembers,
  teams,
  users,
  visitors,
  workspaces,
} from '../../platform/db/schema.ts';
import { transaction } from '../../platform/db/tx.ts';
import { needsSetup } from '../auth/commands.ts';
import { hashPassword } from '../auth/passwords.ts';
import { activityTexts } from '../messages/presenter.ts';
import { recordClose, setAssignee } from '../metrics/facts.ts';
import { recordMessages } from '../metrics/message-clocks.ts';
import { createWorkspace } from '../workspaces/commands.ts';

export const demoLogins = [
  { email: 'owner@demo.parley.test', name: 'Olivia Owner', role: 'owner' },
  { email: 'admin@demo.parley.test', name: 'Adam Admin', role: 'admin' },
  { email: 'sam@demo.parley.test', name: 'Sam Supervisor', role: 'supervisor' },
  { email: 'anna@demo.parley.test', name: 'Anna Operator', role: 'operator' },
  { email: 'oscar@demo.parley.test', name: 'Oscar Operator', role: 'operator' },
] as const;

type Script = {
  status: 'open' | 'snoozed' | 'closed';
  assignee: number | null;
  contact: string;
  email: string;
  lines: [string, string][];
};

const scripts: Script[] = [
  {
    status: 'open',
    assignee: null,
    contact: 'Lucía Fernández',
    email: 'lucia@example.es',
    lines: [['c', 'Hola, ¿hacéis envíos a Canarias?']],
  },
  {
    status: 'open',
    assignee: 3,
    contact: 'Tom Becker',
    email: 'tom@example.de',
    lines: [
      ['c', 'Hi, my order #1042 has not arrived yet.'],
      ['o', 'Sorry to hear that, Tom! Let me check the tracking for you.'],
      ['n', 'Carrier shows a delay in Hamburg; offer a voucher if it is past Friday.'],
      ['c', 'Thanks, it was supposed to come on Monday.'],
    ],
  },
  {
    status: 'open',
    assignee: 4,
    contact: 'Camille Martin',
    email: 'camille@example.fr',
    lines: [
      ['c', 'Bonjour, puis-je changer la taille de mon vélo ?'],
      ['o', 'Bonjour Camille, bien sûr ! Quelle taille souhaitez-vous ?'],
    ],
  },
  {
    status: 'snoozed',
    assignee: 3,
    contact: 'Priya Shah',
    email: 'priya@example.com',
    lines: [
      ['c', 'Can you call me back tomorrow about the warranty?'],
      ['o', 'Sure, I will follow up tomorrow morning.'],
    ],
  },
  {
    status: 'closed',
    assignee: 4,
    contact: 'Noah Smith',
    email: 'noah@example.com',
    lines: [
      ['c', 'Do you sell helmets for kids?'],
      ['o', 'We do! Have a look at https://example.com/helmets — sizes XS to M.'],
      ['c', 'Perfect, thank you!'],
    ],
  },
];

/**
 * `npm start -- --demo`: fills an empty installation with a demo workspace, its people and
 * conversations in every state. Returns the workspace's widget key for the /demo page, or null when
 * the installation already had data (the demo never touches a real installation).
 */
export async function seedDemo(ctx: AppContext, password: string): Promise<string | null> {
  const [existing] = await ctx.db
    .select()
    .from(instanceSettings)
    .where(eq(instanceSettings.key, 'demo_widget_key'));
  if (existing) return existing.value;
  if (!(await needsSetup(ctx.db))) return null;
  const passwordHash = await hashPassword(password);
  return transaction(ctx.db, async (tx) => {
    const people = await tx.db
      .insert(users)
      .values(demoLogins.map((l) => ({ email: l.email, name: l.name, passwordHash })))
      .returning({ id: users.id, email: users.email });
    const idOf = (i: number) => people.find((p) => p.email === demoLogins[i]!.email)!.id;
    const workspace = await createWorkspace(tx, {
      name: 'Parley Demo',
      ownerId: idOf(0),
      timezone: 'Europe/Madrid',
    });
    await tx.db
      .insert(memberships)
      .values(
        demoLogins.slice(1).map((l, i) => ({ workspaceId: workspace.id, userId: idOf(i + 1), role: l.role })),
      );
    // One team with the operators and the supervisor, routing new web chats round robin.
    const [team] = await tx.db
      .insert(teams)
      .values({ workspaceId: workspace.id, name: 'Support', rule: 'round_robin', capacity: 3 })
      .returning({ id: teams.id });
    await tx.db
      .insert(teamMembers)
      .values([2, 3, 4].map((i) => ({ teamId: team!.id, userId: idOf(i), workspaceId: workspace.id })));
    const start = Date.now() - 3 * 3600_000;
    const replyGaps = [25_000, 40_000, 55_000, 75_000, 35_000, 120_000, 20_000];
    for (const [n, script] of scripts.entries()) {
      const [contact] = await tx.db
        .insert(contacts)
        .values({ workspaceId: workspace.id, name: script.contact, email: script.email })
        .returning({ id: contacts.id });
      const [visitor] = await tx.db
        .insert(visitors)
        .values({
          workspaceId: workspace.id,
          browserId: `demo-visitor-${n}`,
          contactId: contact!.id,
          currentUrl: 'http://localhost:3000/demo',
          currentTitle: 'Velo — bikes for every road',
          browser: 'Firefox 128',
          os: 'Windows 10',
          locale: script.email.endsWith('.es') ? 'es-ES' : script.email.endsWith('.fr') ? 'fr-FR' : 'en-GB',
        })
        .returning({ id: visitors.id });
      const createdAt = new Date(start + n * 20 * 60_000);
      // Operators answer in 20 s to 2 min (a demo where the service level is neither 0 % nor 100 %);
      // customers write again a minute and a half later.
      const offsets = script.lines.reduce<number[]>((acc, [kind], i) => {
        const gap =
          i === 0
            ? 0
            : kind === 'c'
              ? 90_000
              : kind === 'n'
                ? 30_000
                : replyGaps[(n + i) % replyGaps.length]!;
        acc.push((acc.at(-1) ?? 0) + gap);
        return acc;
      }, []);
      const at = (i: number) =>
        new Date(
          createdAt.getTime() + (offsets[i] ?? (offsets.at(-1) ?? 0) + (i - offsets.length + 1) * 90_000),
        );
      const assigneeId = script.assignee === null ? null : idOf(script.assignee);
      const lastPublic = [...script.lines].reverse().find(([kind]) => kind !== 'n')!;
      const [conversation] = await tx.db
        .insert(conversations)
        .values({
          workspaceId: workspace.id,
          number: n + 1,
          status: script.status,
          channel: 'web',
          contactId: contact!.id,
          visitorId: visitor!.id,
          teamId: team!.id,
          queuedAt: createdAt,
          createdAt,
          cycleStartedAt: createdAt,
          firstOperatorReplyAt: script.lines.some(([k]) => k === 'o')
            ? at(script.lines.findIndex(([k]) => k === 'o'))
            : null,
          lastCustomerMessageAt: at(script.lines.map(([k]) => k).lastIndexOf('c')),
          // Without it an answered chat looks unanswered: "waiting 2h" on its tab, pending in metrics.
          lastOperatorMessageAt: script.lines.some(([k]) => k === 'o')
            ? at(script.lines.map(([k]) => k).lastIndexOf('o'))
            : null,
          closedAt: script.status === 'closed' ? at(script.lines.length) : null,
          // The closed chat was rated, so the satisfaction figures have something to show.
          ...(script.status === 'closed'
            ? { rating: 5, ratingComment: 'Quick and friendly, thank you!', ratedAt: at(script.lines.length) }
            : {}),
          lastActivityAt: at(script.lines.length - 1),
          lastMessageText: lastPublic[1],
          lastMessageAuthor: lastPublic[0] === 'c' ? 'contact' : 'operator',
          unreadCount: lastPublic[0] === 'c' ? 1 : 0,
        })
        .returning({ id: conversations.id });
      // The metrics facts are recorded as they would have been live (SPEC §3).
      if (assigneeId) {
        await setAssignee(tx.db, {
          workspaceId: workspace.id,
          conversationId: conversation!.id,
          userId: assigneeId,
          how: 'automatic',
          endReason: 'reroute',
          at: at(0),
        });
      }
      const rows = await tx.db
        .insert(messages)
        .values(
          script.lines.map(([kind, text], i) => ({
            workspaceId: workspace.id,
            conversationId: conversation!.id,
            authorKind: kind === 'c' ? ('contact' as const) : ('operator' as const),
            authorId: kind === 'c' ? contact!.id : assigneeId,
            authorName: kind === 'c' ? script.contact : demoLogins[script.assignee ?? 3]!.name,
            text,
            private: kind === 'n',
            createdAt: at(i),
            readAt: i < script.lines.length - 1 ? at(i + 1) : null,
          })),
        )
        .returning();
      await recordMessages(tx.db, rows);
      if (script.status === 'closed') {
        await recordClose(tx.db, {
          conversationId: conversation!.id,
          closedById: assigneeId,
          at: at(script.lines.length),
        });
        // As a close writes it: who closed it, in the timeline (conversations/close.ts).
        const closer = demoLogins[script.assignee ?? 3]!.name;
        await tx.db.insert(messages).values({
          workspaceId: workspace.id,
          conversationId: conversation!.id,
          authorKind: 'system',
          authorId: assigneeId,
          authorName: closer,
          text: activityTexts.closed(closer),
          private: true,
          activity: 'closed',
          createdAt: at(script.lines.length),
        });
      }
    }
    // The numbers above were taken by hand: the workspace's sequence continues after them.
    await tx.db.update(workspaces).set({ defaultTeamId: team!.id }).where(eq(workspaces.id, workspace.id));
    await tx.db.execute(
      sql`SELECT setval(conversation_number_sequence(${workspace.id}::uuid)::regclass, ${scripts.length})`,
    );
    await tx.db.insert(instanceSettings).values({ key: 'demo_widget_key', value: workspace.widgetKey });
    return workspace.widgetKey;
  });
}
