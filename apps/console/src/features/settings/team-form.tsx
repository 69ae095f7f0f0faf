import {
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import {
  type AssignmentRule,
  assignmentRule,
  type BusinessHours,
  type Member,
  type Team,
} from '@parley/contracts';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormAlert } from '../../components/form-alert.tsx';
import { useNotify } from '../../components/notify.ts';
import {
  type FormMessage,
  fieldMessageOf,
  type KnownErrors,
  messageOf,
  refusedField,
  useMessageText,
} from '../../components/use-api-form.ts';
import { navigate } from '../../router/history.ts';
import { paths } from '../../router/routes.ts';
import { useWorkspace } from '../workspace/workspace-api.ts';
import { hoursValid } from './business-hours.ts';
import { BusinessHoursEditor } from './business-hours-editor.tsx';
import { useTeamMutations } from './teams-api.ts';

export interface TeamFormProps {
  workspaceId: string;
  /** Undefined for a new team. */
  team: Team | undefined;
  members: Member[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((id) => b.includes(id));
const asNumber = (value: number | string): number | null =>
  value === '' || Number.isNaN(Number(value)) ? null : Number(value);

/** One name, one team: the server refuses a second team of the same name (whatever the case). */
const knownErrors: KnownErrors = (error) =>
  error.code === 'conflict' && error.field === 'name' ? 'settings.teams.nameTaken' : undefined;

export function TeamForm({ workspaceId, team, members }: TeamFormProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const { save } = useTeamMutations(workspaceId);
  const workspace = useWorkspace(workspaceId);
  const [name, setName] = useState(team?.name ?? '');
  const [rule, setRule] = useState<AssignmentRule>(team?.rule ?? 'round_robin');
  const [capacity, setCapacity] = useState<number | string>(team?.capacity ?? '');
  const [reroute, setReroute] = useState<number | string>(
    team?.rerouteAfterSeconds ? Math.max(1, Math.round(team.rerouteAfterSeconds / 60)) : '',
  );
  const [hours, setHours] = useState<BusinessHours | null>(team?.businessHours ?? null);
  const [closedMessage, setClosedMessage] = useState(team?.outOfHoursMessage ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  // Messages, not texts: they read in the language of the moment, also after a switch.
  const [nameError, setNameError] = useState<FormMessage | undefined>();
  const [formError, setFormError] = useState<FormMessage | undefined>();

  const text = useMessageText();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    if (!name.trim()) {
      setNameError({ key: 'errors.required' });
      event.currentTarget.querySelector<HTMLInputElement>('[name="name"]')?.focus();
      return;
    }
    if (!hoursValid(hours)) {
      setFormError({ key: 'settings.hours.invalid' });
      return;
    }
    const minutes = asNumber(reroute);
    save.mutate(
      {
        teamId: team?.id,
        team: {
          name: name.trim(),
          rule,
          capacity: asNumber(capacity),
          rerouteAfterSeconds: minutes === null ? null : minutes * 60,
          businessHours: hours,
          // Always open, nothing to say; an empty box gives the widget's own notice back.
          outOfHoursMessage: hours && closedMessage.trim() ? closedMessage.trim() : null,
        },
        // Only a change is sent (each is an audit entry): a new team with nobody in it sends none.
        memberIds: sameSet(team?.memberIds ?? [], memberIds) ? undefined : memberIds,
      },
      {
        onSuccess: (saved) => {
          notify.success(t('settings.teams.saved', { name: saved.name }));
          navigate(paths.settings(workspaceId, 'teams'));
        },
        onError: (error) => {
          if (refusedField(error, ['name'])) setNameError(fieldMessageOf(error, knownErrors));
          else setFormError(messageOf(error, knownErrors));
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md">
          <Stack gap="md">
            <TextInput
              label={t('settings.teams.name')}
              name="name"
              required
              maxLength={80}
              value={name}
              onChange={(event) => {
                setName(event.currentTarget.value);
                setNameError(undefined);
              }}
              error={text(nameError)}
              maw={420}
              data-autofocus
            />
            <Select
              label={t('settings.teams.rule')}
              description={t(`settings.teams.ruleHints.${rule}`)}
              data={assignmentRule.options.map((r) => ({ value: r, label: t(`settings.teams.rules.${r}`) }))}
              value={rule}
              onChange={(value) => value && setRule(value as AssignmentRule)}
              allowDeselect={false}
              maw={420}
            />
            <Group align="flex-start" grow maw={640}>
              <NumberInput
                label={t('settings.teams.capacity')}
                description={t('settings.teams.capacityHint')}
                placeholder={t('settings.teams.capacityDefault')}
                value={capacity}
                onChange={setCapacity}
                min={1}
                max={50}
                allowDecimal={false}
                allowNegative={false}
              />
              <NumberInput
                label={t('settings.teams.reroute')}
                description={t('settings.teams.rerouteHint')}
                placeholder={t('settings.teams.rerouteOff')}
                value={reroute}
                onChange={setReroute}
                min={1}
                max={1440}
                allowDecimal={false}
                allowNegative={false}
              />
            </Group>
            <MultiSelect
              label={t('settings.teams.members')}
              placeholder={memberIds.length === 0 ? t('settings.teams.membersPlaceholder') : undefined}
              data={members.map((m) => ({ value: m.userId, label: m.name }))}
              value={memberIds}
              onChange={setMemberIds}
              searchable
              clearable
              hidePickedOptions
              comboboxProps={{ withinPortal: true }}
            />
          </Stack>
        </Paper>
        <BusinessHoursEditor
          value={hours}
          onChange={setHours}
          defaultTimezone={workspace.data?.timezone ?? 'UTC'}
        />
        {hours && (
          <Paper withBorder p="md" radius="md">
            <Textarea
              label={t('settings.teams.outOfHoursMessage')}
              description={t('settings.teams.outOfHoursMessageHint')}
              name="outOfHoursMessage"
              value={closedMessage}
              onChange={(event) => setClosedMessage(event.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={2}
              maxRows={6}
              dir="auto"
              maw={640}
            />
          </Paper>
        )}
        <FormAlert message={text(formError)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => navigate(paths.settings(workspaceId, 'teams'))}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {team ? t('settings.save') : t('settings.teams.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
