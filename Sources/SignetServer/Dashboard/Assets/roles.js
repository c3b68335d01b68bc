// Settings > Roles: create and edit with the operation picker, archive, assign and revoke.
import { actionButton, toggleForm, wireBehaviours } from './behaviours.js';
import { api, busy, el, endpoints, fieldError, heldForApproval, loadFailed, needs, requireSession, rowFrom, status, fillRows } from './signet.js';

const form = document.getElementById('role-form');
const assignForm = document.getElementById('assign-form');
let assigning = null;

/** Opens the form on `role` (null: a new one). */
function edit(role) {
  toggleForm('role-form', true);
  fill(role);
}

function fill(role) {
  document.getElementById('role-form-title').textContent = role ? `Edit ${role.name}` : 'New role';
  form.roleId.value = role?.id ?? '';
  form.name.value = role?.name ?? '';
  const chosen = new Set(role?.operations ?? []);
  for (const box of form.querySelectorAll('input[name="operations"]')) box.checked = chosen.has(box.value);
  form.name.focus();
}

async function showAssignments(role) {
  assigning = role;
  assignForm.hidden = false;
  document.getElementById('assign-title').textContent = `Assignments of ${role.name}`;
  const list = await api(endpoints.listAssignments, { params: [role.id] });
  document.getElementById('assignment-list').replaceChildren(...list.items.map((assignment) => el('li', {},
    el('code', {}, assignment.identityId), ' ',
    actionButton('Revoke', {
      className: 'danger', ariaLabel: `Revoke ${role.name} from ${assignment.identityId}`,
      confirm: `Revoke ${role.name} from ${assignment.identityId}?`,
      task: async () => {
        const result = await api(endpoints.revokeRole, { params: [role.id, assignment.id] });
        heldForApproval(result, `Revoking ${role.name} from ${assignment.identityId}`);
        await showAssignments(role);
      },
    }))));
  assignForm.identityId.focus();
}

/** Edit, Assignments and Archive, as far as the role allows them. */
function roleActions(role) {
  const editable = !role.isImmutable && !role.isArchived;
  const label = (verb) => `${verb} ${role.name}`;
  return [
    editable ? actionButton('Edit', { ariaLabel: label('Edit'), task: async () => edit(role) }) : '', ' ',
    role.isArchived ? '' : actionButton('Assignments', { ariaLabel: label('Assignments of'), task: () => showAssignments(role) }), ' ',
    editable ? actionButton('Archive', {
      className: 'danger', ariaLabel: label('Archive'),
      confirm: `Archive the role ${role.name}? Its assignments stop granting anything.`,
      task: async () => {
        const result = await api(endpoints.archiveRole, { params: [role.id], body: { isArchived: true } });
        heldForApproval(result, `Archiving ${role.name}`);
        await load();
      },
    }) : '',
  ];
}

/** A few operations in full; many behind a disclosure. */
function operationSummary(operations) {
  if (operations.length <= 6) return operations.join(', ') || 'none';
  return el('details', {}, el('summary', {}, `${operations.length} operations`), operations.join(', '));
}

async function load() {
  try {
    const list = await api(endpoints.listRoles);
    fillRows(document.querySelector('#role-table tbody'), list.items.map((role) => rowFrom('role-row', {
      name: role.name,
      operations: operationSummary(role.operations),
      status: role.isArchived ? 'Archived' : role.isImmutable ? 'Managed' : 'Active',
      actions: roleActions(role),
    }, { roleId: role.id })));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('open', () => fill(null));
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.name.value.trim();
  const operations = [...form.querySelectorAll('input[name="operations"]:checked')].map((box) => box.value);
  fieldError('role-name', name ? null : 'Enter a name.');
  document.getElementById('role-form-error').textContent = operations.length ? '' : 'Choose at least one operation.';
  if (!name || !operations.length) return;
  await busy(document.getElementById('role-save'), async () => {
    const id = form.roleId.value;
    const result = id
      ? await api(endpoints.updateRole, { params: [id], body: { name, operations } })
      : await api(endpoints.createRole, { body: { name, operations } });
    toggleForm('role-form', false);
    if (!heldForApproval(result, `Changing the role ${name}`)) status(`Saved the role ${name}.`, 'ok');
    await load();
  }, 'role-form-error');
});
assignForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const identityId = assignForm.identityId.value.trim();
  fieldError('assign-identity', identityId ? null : 'Enter the id of a user, service account, token or user group.');
  if (!identityId || !assigning) return;
  await busy(document.getElementById('assign-button'), async () => {
    const result = await api(endpoints.assignRole, { params: [assigning.id], body: { identityId } });
    assignForm.reset();
    if (!heldForApproval(result, `Assigning ${assigning.name} to ${identityId}`)) status(`Assigned ${assigning.name} to ${identityId}.`, 'ok');
    await showAssignments(assigning);
  }, 'assign-identity-error');
});
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Permissions:Read', 'roles')) await load();
