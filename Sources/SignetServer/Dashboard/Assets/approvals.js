// Settings > Approvals: changes held by policies; approve or deny them, signed with the passkey.
import { actionButton, wireBehaviours } from './behaviours.js';
import { api, busy, dateText, el, endpoints, everyPage, loadFailed, needs, requireSession, rowFrom, status, fillRows } from './signet.js';

const detail = document.getElementById('approval-detail');
let me = null;
let showing = null;

/** `Assignment Create as-…`, in words. */
function summary(approval) {
  const change = approval.activity.changeRequest;
  return `${approval.activity.kind}: ${change.kind} ${change.operationKind} ${change.entityId}`;
}

/** A base64 body as text. */
const bodyText = (base64) => new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));

/** The change as requested; a held gateway request as the upstream gets it, and its answer. */
function changeText(change) {
  if (change.kind !== 'GatewayRequest') return JSON.stringify(change.body, null, 2);
  const held = change.body;
  const lines = [`${held.method} ${held.target}   (upstream ${held.upstream}, operation ${held.operation})`,
    ...held.headers.map((h) => `${h.name}: ${h.value}`), '', held.body ? bodyText(held.body) : '(no body)'];
  if (held.response) {
    lines.push('', `Upstream answered ${held.response.status} on ${dateText(held.response.dateForwarded)}:`,
      bodyText(held.response.body) + (held.response.bodyTruncated ? ' …(cut)' : ''));
  }
  return lines.join('\n');
}

function show(approval) {
  showing = approval;
  detail.hidden = false;
  document.getElementById('approval-title').textContent = summary(approval);
  const change = approval.activity.changeRequest;
  const fields = [
    ['Status', `${approval.status} (change ${change.status})`], ['Asked by', approval.initiatorId], ['Asked', dateText(approval.dateCreated)],
    ['Expires', dateText(approval.expirationDate, 'never')], ['Policies', approval.policyEvaluations.map((p) => p.policyId).join(', ')],
    ['Decisions', approval.decisions.map((d) => `${d.userId} ${d.value}${d.reason ? ` (${d.reason})` : ''}`).join('; ') || 'none yet'],
  ];
  if (change.failureReason) fields.push(['Not applied', change.failureReason]);
  document.getElementById('approval-fields').replaceChildren(...fields.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  document.getElementById('approval-change').textContent = changeText(change);
  const pending = approval.status === 'Pending';
  for (const id of ['approval-approve', 'approval-deny', 'approval-reason']) document.getElementById(id).hidden = !pending;
  document.getElementById('approval-approve').focus();
}

async function decide(value, button) {
  if (!showing) return;
  const reason = document.getElementById('approval-reason').value.trim();
  await busy(button, async () => {
    const result = await api(endpoints.decideApproval, { params: [showing.id], body: reason ? { value, reason } : { value } });
    document.getElementById('approval-reason').value = '';
    const change = result.activity.changeRequest;
    status(`${value === 'Approved' ? 'Approved' : 'Denied'}: the approval is ${result.status}, its change ${change.status}.`, 'ok');
    show(result);
    await load();
  }, 'approval-error');
}

const row = (approval, third, fourth) => rowFrom('approval-row', {
  change: summary(approval),
  initiator: approval.initiatorId,
  third: third,
  fourth: fourth,
  actions: [actionButton('View', { ariaLabel: `View ${approval.id}`, task: async () => show(approval) })],
}, { approvalId: approval.id });

async function load() {
  try {
    const [mine, all] = await Promise.all([
      everyPage(endpoints.listApprovals, { query: { status: 'Pending', approverId: me.userId } }),
      everyPage(endpoints.listApprovals),
    ]);
    const waiting = mine.filter((approval) => !approval.decisions.some((d) => d.userId === me.userId));
    document.getElementById('mine-empty').hidden = waiting.length > 0;
    fillRows(document.querySelector('#mine-table tbody'),
      waiting.map((approval) => row(approval, dateText(approval.dateCreated), String(approval.decisions.length))));
    document.getElementById('approvals-empty').hidden = all.length > 0;
    fillRows(document.querySelector('#approval-table tbody'), all.slice().reverse().map((approval) =>
      row(approval, approval.status, approval.activity.changeRequest.status)));
  } catch (error) {
    loadFailed(error);
  }
}

document.getElementById('approval-close').addEventListener('click', () => { detail.hidden = true; showing = null; });
document.getElementById('approval-approve').addEventListener('click', (event) => decide('Approved', event.currentTarget));
document.getElementById('approval-deny').addEventListener('click', (event) => decide('Denied', event.currentTarget));
wireBehaviours();
me = await requireSession();
if (needs(me, 'Policies:Evaluations:Read', 'approvals')) await load();
