// Settings > Audit log: time range and user filters; the token and credential behind each action.
import { api, busy, endpoints, el, formatDate, needs, requireSession, rowFrom, fillRows } from './signet.js';

const form = document.getElementById('audit-filters');
const TOKEN_KINDS = { Token: 'Session', Pat: 'PAT', ServiceAccount: 'Service account' };

/** The id of the person or service account with this email (the filter takes either). */
async function userIdOf(email) {
  const wanted = email.toLowerCase();
  let page = await api(endpoints.listUsers, { query: { limit: 100 } });
  for (;;) {
    const found = page.items.find((user) => user.username.toLowerCase() === wanted);
    if (found) return found.userId;
    if (!page.nextPageToken) throw new Error(`No user has the email ${email}.`);
    page = await api(endpoints.listUsers, { query: { limit: 100, paginationToken: page.nextPageToken } });
  }
}

async function load() {
  const query = new URLSearchParams();
  if (form.start.value) query.set('startTime', new Date(form.start.value).toISOString());
  if (form.end.value) query.set('endTime', new Date(form.end.value).toISOString());
  const who = form.userId.value.trim();
  if (who) query.set('userId', who.includes('@') ? await userIdOf(who) : who);
  const list = await api(endpoints.listAuditLogs, { query: Object.fromEntries(query) });
  fillRows(document.querySelector('#audit-table tbody'), list.items.map((entry) => rowFrom('audit-row', {
    when: formatDate(entry.datePerformed ?? entry.dateSigned),
    user: entry.username ?? entry.userId ?? '—',
    action: el('code', {}, `${entry.httpMethod} ${entry.httpPath}`),
    status: String(entry.responseStatus ?? 'not used'),
    token: [`${TOKEN_KINDS[entry.tokenKind] ?? entry.tokenKind} `, el('code', {}, entry.tokenId)],
    signer: [
      `${entry.firstFactorCredential.kind === 'Fido2' ? 'Passkey' : entry.firstFactorCredential.kind ?? ''} `,
      el('code', {}, entry.firstFactorCredential.credentialUuid),
    ],
  })));
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  document.getElementById('audit-error').textContent = '';
  busy(document.getElementById('audit-apply'), load, 'audit-error');
});
const me = await requireSession();
if (needs(me, 'Auth:Logs:Read', 'the audit log')) await busy(document.getElementById('audit-apply'), load, 'audit-error');
