// Settings > Policies: create and archive the policies that hold changes for approval.
import { actionButton, toggleForm, wireBehaviours } from './behaviours.js';
import { api, busy, endpoints, everyPage, fieldError, heldForApproval, loadFailed, needs, requireSession, rowFrom, status, fillRows } from './signet.js';

const form = document.getElementById('policy-form');

/** `2 of us-…, us-…; 1 of anyone`. */
function describe(action) {
  if (action.kind !== 'RequestApproval') return action.kind;
  return (action.approvalGroups ?? []).map((group) => `${group.quorum} of ${group.approvers?.userId?.in?.join(', ') ?? 'anyone'}`).join('; ');
}

/** The groups typed in the form, or null (with the field's error shown). */
function groups(text, initiatorCanApprove) {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const parsed = lines.map((line) => /^(\d+):(.+)$/.exec(line)).map((match) => match && {
    quorum: Number(match[1]),
    approvers: match[2].trim() === 'anyone' ? {} : { userId: { in: match[2].split(',').map((id) => id.trim()).filter(Boolean) } },
    ...(initiatorCanApprove ? { initiatorCanApprove: true } : {}),
  });
  const bad = !lines.length || parsed.some((group) => !group || group.quorum < 1);
  fieldError('policy-groups', bad ? 'Write one group per line, such as 2:us-…,us-… or 1:anyone.' : null);
  return bad ? null : parsed;
}

async function load() {
  try {
    const policies = await everyPage(endpoints.listPolicies);
    document.getElementById('policies-empty').hidden = policies.length > 0;
    fillRows(document.querySelector('#policy-table tbody'), policies.map((policy) => rowFrom('policy-row', {
      name: policy.name,
      activity: policy.activityKind,
      action: describe(policy.action),
      status: policy.status,
      actions: policy.status === 'Active' ? [actionButton('Archive', {
        className: 'danger', ariaLabel: `Archive ${policy.name}`,
        confirm: `Archive the policy ${policy.name}? It covers nothing from then on (it may need approvals first).`,
        task: async () => {
          const result = await api(endpoints.archivePolicy, { params: [policy.id] });
          if (!heldForApproval(result, `Archiving ${policy.name}`)) status(`Archived ${policy.name}.`, 'ok');
          await load();
        },
      })] : [],
    }, { policyId: policy.id })));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.name.value.trim();
  fieldError('policy-name', name ? null : 'Enter a name.');
  const block = form.block.checked;
  const approvalGroups = block ? [] : groups(form.groups.value, form.initiatorCanApprove.checked);
  if (!name || !approvalGroups) return;
  const ids = form.filter.value.split(',').map((id) => id.trim()).filter(Boolean);
  const filters = !ids.length ? undefined : ids.every((id) => id.startsWith('pl-')) ? { policyId: { in: ids } } : { permissionId: { in: ids } };
  const timeout = form.timeout.value ? Number(form.timeout.value) : undefined;
  const action = block ? { kind: 'Block' } : { kind: 'RequestApproval', approvalGroups, ...(timeout ? { autoRejectTimeout: timeout } : {}) };
  await busy(document.getElementById('policy-save'), async () => {
    const body = { name, activityKind: form.activityKind.value, rule: { kind: 'AlwaysTrigger' }, action, ...(filters ? { filters } : {}) };
    const result = await api(endpoints.createPolicy, { body });
    form.reset();
    toggleForm('policy-form', false);
    if (!heldForApproval(result, `Creating ${name}`)) status(`Created the policy ${name}.`, 'ok');
    await load();
  }, 'policy-form-error');
});
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Policies:Read', 'policies')) await load();
