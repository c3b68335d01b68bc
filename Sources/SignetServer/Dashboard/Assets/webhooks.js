// Settings > Webhooks: create (the secret shown once), enable or disable, ping, rotate the
// secret, see deliveries, delete.
import { actionButton, toggleForm, wireBehaviours } from './behaviours.js';
import { api, busy, dateText, el, endpoints, fieldError, fillRows, loadFailed, needs, requireSession, rowFrom, status } from './signet.js';

const form = document.getElementById('webhook-form');
const secretPanel = document.getElementById('webhook-secret');
const eventsPanel = document.getElementById('webhook-events-panel');

function showSecret(webhook) {
  secretPanel.hidden = false;
  document.getElementById('webhook-secret-value').value = webhook.secret ?? '';
  const overlap = document.getElementById('webhook-overlap');
  overlap.hidden = !webhook.previousSecretValidUntil;
  overlap.textContent = webhook.previousSecretValidUntil
    ? `Until ${dateText(webhook.previousSecretValidUntil)}, deliveries also carry X-Signet-Webhook-Previous-Signature, signed with the previous secret.`
    : '';
  secretPanel.focus();
}

async function showEvents(webhook) {
  eventsPanel.hidden = false;
  document.getElementById('webhook-events-title').textContent = `Deliveries to ${webhook.url}`;
  const list = await api(endpoints.listWebhookEvents, { params: [webhook.id], query: { limit: 50 } });
  document.getElementById('webhook-events-empty').hidden = list.items.length > 0;
  document.getElementById('webhook-event-list').replaceChildren(...list.items.map((event) => el('li', {},
    el('code', {}, event.kind), ` attempt ${event.deliveryAttempt}: `,
    event.deliveryFailed ? `failed (${event.status}${event.error ? `, ${event.error}` : ''})` : `delivered (${event.status})`,
    ` — ${dateText(event.date)}`)));
  eventsPanel.focus();
}

function webhookActions(webhook) {
  const label = (verb) => `${verb} ${webhook.url}`;
  const enabled = webhook.status === 'Enabled';
  return [
    actionButton('Ping', {
      ariaLabel: label('Ping'),
      task: async () => {
        const answer = await api(endpoints.pingWebhook, { params: [webhook.id] });
        status(answer.error ? `The endpoint answered ${answer.status}: ${answer.error}` : `The endpoint answered ${answer.status}.`,
          answer.error ? 'error' : 'ok');
      },
    }), ' ',
    actionButton('Deliveries', { ariaLabel: label('Deliveries to'), task: () => showEvents(webhook) }), ' ',
    actionButton(enabled ? 'Disable' : 'Enable', {
      ariaLabel: label(enabled ? 'Disable' : 'Enable'),
      task: async () => {
        await api(endpoints.updateWebhook, { params: [webhook.id], body: { status: enabled ? 'Disabled' : 'Enabled' } });
        await load();
      },
    }), ' ',
    actionButton('Rotate secret', {
      ariaLabel: label('Rotate the secret of'),
      confirm: `Give ${webhook.url} a new secret? The old one keeps signing, in its own header, for a day.`,
      task: async () => showSecret(await api(endpoints.rotateWebhookSecret, { params: [webhook.id], body: {} })),
    }), ' ',
    actionButton('Delete', {
      className: 'danger', ariaLabel: label('Delete'),
      confirm: `Delete the webhook to ${webhook.url}? Its pending deliveries stop.`,
      task: async () => {
        await api(endpoints.deleteWebhook, { params: [webhook.id] });
        status(`Deleted the webhook to ${webhook.url}.`, 'ok');
        await load();
      },
    }),
  ];
}

async function load() {
  try {
    const list = await api(endpoints.listWebhooks);
    document.getElementById('webhooks-empty').hidden = list.items.length > 0;
    fillRows(document.querySelector('#webhook-table tbody'), list.items.map((webhook) => rowFrom('webhook-row', {
      url: webhook.url,
      id: el('code', {}, webhook.id),
      events: webhook.events.join(', '),
      status: webhook.status,
      actions: webhookActions(webhook),
    }, { webhookId: webhook.id })));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const url = form.url.value.trim();
  const events = form.events.value.split(',').map((kind) => kind.trim()).filter(Boolean);
  const description = form.description.value.trim();
  const allowed = /^https:\/\/[^/?#]/i.test(url) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(url);
  fieldError('webhook-url', allowed ? null : 'Enter an https:// URL (http:// only to localhost).');
  fieldError('webhook-events', events.length ? null : 'Enter at least one event kind, or *.');
  if (!allowed || !events.length) return;
  await busy(document.getElementById('webhook-create'), async () => {
    const webhook = await api(endpoints.createWebhook, { body: description ? { url, events, description } : { url, events } });
    toggleForm('webhook-form', false);
    form.reset();
    showSecret(webhook);
    await load();
  }, 'webhook-form-error');
});
document.getElementById('webhook-secret-done').addEventListener('click', () => {
  document.getElementById('webhook-secret-value').value = '';
  secretPanel.hidden = true;
});
document.getElementById('webhook-events-close').addEventListener('click', () => { eventsPanel.hidden = true; });
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Webhooks:Read', 'webhooks')) await load();
