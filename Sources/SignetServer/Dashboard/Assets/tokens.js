// Row actions shared by PATs, service accounts and users: deactivate or reactivate, and delete,
// each confirmed in a dialog and signed with the passkey.
import { actionButton } from './behaviours.js';
import { api, busy, dateText, el, endpoints, status } from './signet.js';

/** Wires `<prefix>-claim…`: an approved creation claimed (signed); `show` gets the token. Returns a filler for the form. */
export function wireClaim(prefix, show) {
  const details = document.getElementById(`${prefix}-claim`);
  const input = document.getElementById(`${prefix}-claim-approval`);
  const error = document.getElementById(`${prefix}-claim-error`);
  document.getElementById(`${prefix}-claim-button`).addEventListener('click', async (event) => {
    const approvalId = input.value.trim();
    if (!/^ap-[a-z0-9-]+$/.test(approvalId)) {
      error.textContent = 'Enter the approval id (ap-…) you were given when it was held.';
      return;
    }
    error.textContent = '';
    await busy(event.currentTarget, async () => {
      const claimed = await api(endpoints.claimApproval, { params: [approvalId] });
      input.value = '';
      details.open = false;
      await show(claimed);
    }, `${prefix}-claim-error`);
  });
  return (approvalId) => {
    input.value = approvalId;
    details.open = true;
  };
}

/** The catalogue routes that act on one PAT, service account or user. */
export const actionsOf = {
  pat: { activate: endpoints.activatePat, deactivate: endpoints.deactivatePat, remove: endpoints.deletePat },
  serviceAccount: {
    activate: endpoints.activateServiceAccount, deactivate: endpoints.deactivateServiceAccount, remove: endpoints.deleteServiceAccount,
  },
  user: { activate: endpoints.activateUser, deactivate: endpoints.deactivateUser, remove: endpoints.deleteUser },
};

/** A PAT's state as both PAT lists show it: an expired token answers 401 whatever its active flag says. */
export function patState(pat) {
  const expired = Boolean(pat.dateExpires) && new Date(pat.dateExpires) <= new Date();
  const label = expired ? 'Expired' : pat.isActive ? 'Active' : 'Inactive';
  return { expired, badge: el('span', { className: label === 'Active' ? 'badge ok' : 'badge off' }, label) };
}

/**
 * The buttons for one item. `routes` are its entry of `actionsOf`, `id` its id there; `reload`
 * refreshes the list afterwards.
 */
export function tokenActions(item, routes, noun, reload, id = item.tokenId, active = item.isActive) {
  const name = item.name;
  const act = (label, verb, route) => {
    const consequence = verb === 'delete' ? ' This cannot be undone.' : verb === 'deactivate' ? ' It stops working at once.' : '';
    return actionButton(label, {
      className: verb === 'delete' ? 'danger' : 'secondary',
      ariaLabel: `${label} ${name}`,
      confirm: `${label} the ${noun} “${name}”?${consequence} You will sign this with your passkey.`,
      task: async () => {
        await api(route, { params: [id] });
        status(`${name}: ${verb === 'delete' ? 'deleted' : verb === 'deactivate' ? 'deactivated' : 'reactivated'}.`, 'ok');
        await reload();
      },
    });
  };
  return [
    active ? act('Deactivate', 'deactivate', routes.deactivate) : act('Reactivate', 'activate', routes.activate),
    ' ',
    act('Delete', 'delete', routes.remove),
  ];
}

/**
 * The "Last used" cell: the date, then the clients that presented the token (address and user
 * agent, most recent first) in a disclosure, as GitLab shows a token's last addresses.
 */
export function lastUsedCell(token) {
  const used = dateText(token.dateLastUsed, 'never');
  const clients = token.lastUsedBy ?? [];
  if (clients.length === 0) return used;
  const items = clients.map((client) => el('li', {},
    el('span', { className: 'client-address' }, client.address ?? 'unknown address'), ' ',
    el('span', { className: 'client-agent' }, client.userAgent ?? 'no user agent'), ' ',
    dateText(client.dateLastUsed)));
  const label = clients[0].address ?? 'unknown address';
  return [used, el('details', { className: 'clients' },
    el('summary', {}, clients.length === 1 ? label : `${label} and ${clients.length - 1} more`), el('ul', {}, ...items))];
}
