// The sign-in page: with an email (the passkeys of that account), or usernameless (a passkey on this device).
import { busy, fieldError, status } from './signet.js';
import { destination, signIn } from './signin.js';
import { requirePasskeys } from './webauthn.js';

const form = document.getElementById('sign-in');
const params = new URLSearchParams(location.search);

if (form) {
  if (params.has('signedOut')) status('You are signed out.');
  if (params.has('expired')) status('Your session ended. Sign in again.', 'error');
  try {
    requirePasskeys();
  } catch (error) {
    status(error.message, 'error');
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.username.value.trim();
    fieldError('username', null);
    if (username && !form.username.checkValidity()) {
      fieldError('username', 'Enter an email address, or leave it empty to use a passkey saved on this device.');
      return;
    }
    await busy(document.getElementById('sign-in-button'), async () => {
      await signIn(username);
      location.assign(destination());
    }, 'username-error');
  });
}
