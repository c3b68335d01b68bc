// Settings > User groups: create, rename, delete, and manage members.
import { actionButton, toggleForm, wireBehaviours } from './behaviours.js';
import { api, busy, el, endpoints, fieldError, loadFailed, needs, requireSession, rowFrom, status, fillRows } from './signet.js';

const form = document.getElementById('group-form');
const membersForm = document.getElementById('members-form');
let managing = null;

function fill(group) {
  document.getElementById('group-form-title').textContent = group ? `Edit ${group.name}` : 'New group';
  form.groupId.value = group?.id ?? '';
  form.name.value = group?.name ?? '';
  form.description.value = group?.description ?? '';
  form.name.focus();
}

async function showMembers(group) {
  managing = group;
  membersForm.hidden = false;
  document.getElementById('members-title').textContent = `Members of ${group.name}`;
  const list = await api(endpoints.listUserGroupMembers, { params: [group.id] });
  document.getElementById('members-empty').hidden = list.items.length > 0;
  document.getElementById('member-list').replaceChildren(...list.items.map((user) => el('li', {},
    user.username, ' ', el('code', {}, user.userId), ' ',
    actionButton('Remove', {
      className: 'danger', ariaLabel: `Remove ${user.username} from ${group.name}`,
      confirm: `Remove ${user.username} from ${group.name}? They lose the group's roles on their next request.`,
      task: async () => {
        await api(endpoints.removeUserGroupMembers, { params: [group.id], body: { userIds: [user.userId] } });
        await showMembers(group);
        await load();
      },
    }))));
  membersForm.userIds.focus();
}

function groupActions(group) {
  const label = (verb) => `${verb} ${group.name}`;
  return [
    actionButton('Members', { ariaLabel: label('Members of'), task: () => showMembers(group) }), ' ',
    actionButton('Edit', { ariaLabel: label('Edit'), task: async () => { toggleForm('group-form', true); fill(group); } }), ' ',
    actionButton('Delete', {
      className: 'danger', ariaLabel: label('Delete'),
      confirm: `Delete the group ${group.name}? Its members lose its roles, and its role assignments go.`,
      task: async () => {
        await api(endpoints.deleteUserGroup, { params: [group.id] });
        if (managing?.id === group.id) toggleForm('members-form', false);
        status(`Deleted the group ${group.name}.`, 'ok');
        await load();
      },
    }),
  ];
}

async function load() {
  try {
    const list = await api(endpoints.listUserGroups);
    document.getElementById('groups-empty').hidden = list.items.length > 0;
    fillRows(document.querySelector('#group-table tbody'), list.items.map((group) => rowFrom('group-row', {
      name: group.name,
      id: el('code', {}, group.id),
      description: group.description ?? '',
      members: String(group.memberCount),
      actions: groupActions(group),
    }, { groupId: group.id })));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('open', () => fill(null));
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.name.value.trim();
  const description = form.description.value.trim();
  fieldError('group-name', name ? null : 'Enter a name.');
  if (!name) return;
  await busy(document.getElementById('group-save'), async () => {
    const id = form.groupId.value;
    if (id) await api(endpoints.updateUserGroup, { params: [id], body: { name, description: description || null } });
    else await api(endpoints.createUserGroup, { body: description ? { name, description } : { name } });
    toggleForm('group-form', false);
    status(`Saved the group ${name}.`, 'ok');
    await load();
  }, 'group-form-error');
});
membersForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const userId = membersForm.userIds.value.trim();
  fieldError('member-id', userId.startsWith('us-') ? null : 'Enter a user id (us-…); the Users page lists them.');
  if (!userId.startsWith('us-') || !managing) return;
  await busy(document.getElementById('member-add'), async () => {
    await api(endpoints.addUserGroupMembers, { params: [managing.id], body: { userIds: [userId] } });
    membersForm.reset();
    status(`Added ${userId} to ${managing.name}.`, 'ok');
    await showMembers(managing);
    await load();
  }, 'member-id-error');
});
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Auth:UserGroups:Read', 'user groups')) await load();
