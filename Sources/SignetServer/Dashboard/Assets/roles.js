// Settings > Roles: create and edit with the operation picker, archive, assign and revoke.
import { api, busy, confirmAction, el, endpoints, fieldError, loadFailed, needs, requireSession, status, fillRows } from './signet.js';

const form = document.getElementById('role-form');
const assignForm = document.getElementById('assign-form');
let assigning = null;

function edit(role) {
  form.hidden = false;
  document.getElementById('new-role').setAttribute('aria-expanded', 'true');
  document.getElementById('role-form-title').textContent = role ? `Edit ${role.name}` : 'New role';
  form.roleId.value = role?.id ?? '';
  form.name.value = role?.name ?? '';
  const chosen = new Set(role?.operations ?? []);
  for (const box of form.querySelectorAll('input[name="operations"]')) box.checked = chosen.has(box.value);
  form.name.focus();
}

function button(label, className, action) {
  const node = el('button', { type: 'button', className: `${className} small` }, label);
  node.addEventListener('click', () => action(node));
  return node;
}

async function showAssignments(role) {
  assigning = role;
  assignForm.hidden = false;
  document.getElementById('assign-title').textContent = `Assignments of ${role.name}`;
  const list = await api(endpoints.listAssignments, { params: [role.id] });
  document.getElementById('assignment-list').replaceChildren(...list.items.map((assignment) => el('li', {},
    el('code', {}, assignment.identityId), ' ',
    button('Revoke', 'danger', async (node) => {
      if (!(await confirmAction(`Revoke ${role.name} from ${assignment.identityId}?`, 'Revoke'))) return;
      await busy(node, async () => {
        await api(endpoints.revokeRole, { params: [role.id, assignment.id] });
        await showAssignments(role);
      });
    }))));
  assignForm.identityId.focus();
}

/** A few operations in full; many behind a disclosure. */
function operationSummary(operations) {
  if (operations.length <= 6) return operations.join(', ') || 'none';
  return el('details', {}, el('summary', {}, `${operations.length} operations`), operations.join(', '));
}

async function load() {
  try {
    const list = await api(endpoints.listRoles);
    fillRows(document.querySelector('#role-table tbody'), list.items.map((role) => el('tr', {},
      el('th', { scope: 'row' }, role.name),
      el('td', {}, operationSummary(role.operations)),
      el('td', {}, role.isArchived ? 'Archived' : role.isImmutable ? 'Managed' : 'Active'),
      el('td', { className: 'row-actions' },
        role.isImmutable || role.isArchived ? '' : button('Edit', 'secondary', () => edit(role)), ' ',
        role.isArchived ? '' : button('Assignments', 'secondary', () => showAssignments(role).catch((e) => status(e.message, 'error'))), ' ',
        role.isImmutable || role.isArchived ? '' : button('Archive', 'danger', async (node) => {
          if (!(await confirmAction(`Archive the role ${role.name}? Its assignments stop granting anything.`, 'Archive'))) return;
          await busy(node, async () => {
            await api(endpoints.archiveRole, { params: [role.id], body: { isArchived: true } });
            await load();
          });
        })))));
  } catch (error) {
    loadFailed(error);
  }
}

document.getElementById('new-role').addEventListener('click', () => edit(null));
document.getElementById('role-cancel').addEventListener('click', () => {
  form.hidden = true;
  document.getElementById('new-role').setAttribute('aria-expanded', 'false');
});
document.getElementById('assign-close').addEventListener('click', () => { assignForm.hidden = true; });
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.name.value.trim();
  const operations = [...form.querySelectorAll('input[name="operations"]:checked')].map((box) => box.value);
  fieldError('role-name', name ? null : 'Enter a name.');
  document.getElementById('role-form-error').textContent = operations.length ? '' : 'Choose at least one operation.';
  if (!name || !operations.length) return;
  await busy(document.getElementById('role-save'), async () => {
    const id = form.roleId.value;
    if (id) await api(endpoints.updateRole, { params: [id], body: { name, operations } });
    else await api(endpoints.createRole, { body: { name, operations } });
    form.hidden = true;
    status(`Saved the role ${name}.`, 'ok');
    await load();
  }, 'role-form-error');
});
assignForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const identityId = assignForm.identityId.value.trim();
  fieldError('assign-identity', identityId ? null : 'Enter the id of a user, service account or token.');
  if (!identityId || !assigning) return;
  await busy(document.getElementById('assign-button'), async () => {
    await api(endpoints.assignRole, { params: [assigning.id], body: { identityId } });
    assignForm.reset();
    status(`Assigned ${assigning.name} to ${identityId}.`, 'ok');
    await showAssignments(assigning);
  }, 'assign-identity-error');
});
const me = await requireSession();
if (needs(me, 'Permissions:Read', 'roles')) await load();
