// Row actions shared by PATs and service accounts: deactivate or reactivate, and delete, each
// confirmed in a dialog and signed with the passkey.
import { api, confirmAction, el, status } from './signet.js';

/**
 * The buttons for one token. `base` is its collection (`/auth/pats` or `/auth/service-accounts`),
 * `id` its id there; `reload` refreshes the list afterwards.
 */
export function tokenActions(item, base, noun, reload, id = item.tokenId, active = item.isActive) {
  const name = item.name;
  const act = (label, verb, method, path) => {
    const button = el('button', { type: 'button', className: verb === 'delete' ? 'danger small' : 'secondary small' }, label);
    button.setAttribute('aria-label', `${label} ${name}`);
    button.addEventListener('click', async () => {
      const consequence = verb === 'delete' ? ' This cannot be undone.' : verb === 'deactivate' ? ' It stops working at once.' : '';
      if (!(await confirmAction(`${label} the ${noun} “${name}”?${consequence} You will sign this with your passkey.`, label))) return;
      button.disabled = true;
      try {
        await api(method, path, undefined, { signed: true });
        status(`${name}: ${verb === 'delete' ? 'deleted' : verb === 'deactivate' ? 'deactivated' : 'reactivated'}.`, 'ok');
        await reload();
      } catch (error) {
        status(error.message, 'error');
        button.disabled = false;
      }
    });
    return button;
  };
  const path = `${base}/${encodeURIComponent(id)}`;
  return [
    active ? act('Deactivate', 'deactivate', 'PUT', `${path}/deactivate`) : act('Reactivate', 'activate', 'PUT', `${path}/activate`),
    ' ',
    act('Delete', 'delete', 'DELETE', path),
  ];
}
