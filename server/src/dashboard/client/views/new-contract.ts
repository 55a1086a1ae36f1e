import type { ContractCreate } from '../../../../../src/shared/protocol/api/index.js';
import type { ScreenshotMode } from '../../../../../src/shared/protocol/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { modeLabel } from '../format.js';
import { invitationLinkPanel } from './invitation-link.js';

const MODES: readonly ScreenshotMode[] = ['on', 'blurred', 'off'];
const SEGMENT_MINUTES = [10, 5, 15, 20, 30, 60, 1];

/** The viewer's own time zone, the default for where the contract's weeks are counted. */
const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * A new contract, with the caller as its client: name, the freelancer's email, the first screenshot policy and
 * retention, the segment length, optional hourly rate and weekly limit, the time zone of its weeks, and how long
 * screenshots stay after the end. Made, it shows the invitation link to pass on.
 */
export function newContractPanel(ctx: ViewContext): HTMLElement {
  const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('span', { class: 'choice-hint' }, hint) : null);
  const name = h('input', { id: 'contract-name', required: true, maxlength: 200 });
  const email = h('input', { id: 'freelancer-email', type: 'email', required: true, autocomplete: 'off' });
  const radios = MODES.map((mode) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'new-screenshots', value: mode, checked: mode === 'on' }), h('span', { class: 'choice-label' }, modeLabel(mode))),
  );
  const retention = h('input', { id: 'new-retention', type: 'number', min: 1, max: 3650, value: 30, required: true });
  const segment = h('select', { id: 'segment-minutes' }, ...SEGMENT_MINUTES.map((m) => h('option', { value: m * 60 }, `${m} minute${m === 1 ? '' : 's'}`)));
  const rate = h('input', { id: 'hourly-rate', type: 'number', min: 0, step: '0.01', placeholder: 'none' });
  const currency = h('input', { id: 'currency', value: 'EUR', maxlength: 3, pattern: '[A-Z]{3}', size: 4 });
  const limit = h('input', { id: 'weekly-limit', type: 'number', min: 1, max: 168, placeholder: 'none' });
  const zone = h('input', { id: 'time-zone', value: localZone(), required: true });
  const keep = h('input', { id: 'keep-after-end', type: 'number', min: 0, max: 3650, value: 30, required: true });
  const submit = h('button', { type: 'submit' }, 'Create and invite');
  const result = h('div', { class: 'new-contract-result' });
  const form = h(
    'form',
    { class: 'new-contract', 'aria-labelledby': 'new-contract-title' },
    field('contract-name', 'Contract name', name),
    field('freelancer-email', 'Freelancer’s email', email, 'They get a link to accept; the contract starts when they do.'),
    h('fieldset', {}, h('legend', {}, 'Screenshots'), ...radios),
    h(
      'div',
      { class: 'policy-actions' },
      field('new-retention', 'Keep screenshots (days)', retention),
      field('segment-minutes', 'Segment length', segment),
      field('hourly-rate', 'Hourly rate', rate),
      field('currency', 'Currency', currency),
      field('weekly-limit', 'Weekly limit (hours)', limit),
      field('time-zone', 'Weeks counted in (time zone)', zone),
      field('keep-after-end', 'Keep screenshots after the end (days)', keep),
    ),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const screenshots = (form.querySelector('input[name="new-screenshots"]:checked') as HTMLInputElement | null)?.value as ScreenshotMode;
    const body: ContractCreate = {
      name: name.value.trim(),
      freelancerEmail: email.value.trim(),
      screenshots,
      retentionDays: Number(retention.value),
      segmentSeconds: Number(segment.value),
      timeZone: zone.value.trim(),
      keepScreenshotsAfterEndDays: Number(keep.value),
      hourlyRate: rate.value === '' ? null : { cents: Math.round(Number(rate.value) * 100), currency: currency.value.trim().toUpperCase() },
      weeklyLimitHours: limit.value === '' ? null : Number(limit.value),
    };
    submit.disabled = true;
    ctx.api
      .createContract(body)
      .then((made) => {
        form.reset();
        zone.value = localZone();
        result.replaceChildren(
          h('p', {}, `“${made.contract.name}” was created. `, h('a', { href: `#/contracts/${made.contract.id}` }, 'Open it')),
          invitationLinkPanel(ctx, made.invitation),
        );
        ctx.say(`Contract created; ${made.invitation.email} is invited.`);
      })
      .catch((e: unknown) => ctx.say(`The contract was not created: ${(e as Error).message}`))
      .finally(() => (submit.disabled = false));
  });
  // Folded until wanted: most visits are to read the diary.
  return h('details', { class: 'panel new-contract-panel' }, h('summary', {}, h('h2', { id: 'new-contract-title' }, 'New contract')), form, result);
}
