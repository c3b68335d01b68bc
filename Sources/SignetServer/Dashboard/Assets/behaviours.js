// Small behaviours the pages share, bound by markup where the markup is static:
//   data-copy="id"    a Copy button for the field with that id;
//   data-toggle="id"  the button that opens and closes the form with that id ("New …");
//   data-close="id"   a button (Cancel, Close) that closes it.
// A form opened or closed this way receives an `open` or `close` event, for what the page adds
// (the PAT form hides the last result when it opens). Row actions, built per row, use
// actionButton: a confirmation, then the signed request with the button busy.
import { busy, el } from './signet.js';

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmAction(text, actionLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = actionLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/**
 * A row's action button: `confirm` (the question, or null to act at once) is asked in the dialog,
 * then `task` runs with the button busy; a failure goes to the status line.
 */
export function actionButton(label, { className = 'secondary', ariaLabel = label, confirm = null, task }) {
  const button = el('button', { type: 'button', className: `${className} small` }, label);
  button.setAttribute('aria-label', ariaLabel);
  button.addEventListener('click', async () => {
    if (confirm && !(await confirmAction(confirm, label))) return;
    await busy(button, async () => task(button));
  });
  return button;
}

/** Opens or closes the form with id `target`: focus moves into it, or back to its opener. */
export function toggleForm(target, open) {
  const form = document.getElementById(target);
  const opener = document.querySelector(`[data-toggle="${target}"]`);
  form.hidden = !open;
  opener?.setAttribute('aria-expanded', String(open));
  if (open) {
    form.dispatchEvent(new Event('open'));
    form.querySelector('input:not([type="hidden"]), textarea, select')?.focus();
  } else {
    form.reset?.();
    for (const error of form.querySelectorAll('.error')) error.textContent = '';
    form.dispatchEvent(new Event('close'));
    opener?.focus();
  }
}

/** Wires the page's `[data-copy]`, `[data-toggle]` and `[data-close]` buttons. */
export function wireBehaviours(root = document) {
  for (const button of root.querySelectorAll('[data-toggle]')) {
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', button.dataset.toggle);
    button.addEventListener('click', () => toggleForm(button.dataset.toggle, document.getElementById(button.dataset.toggle).hidden));
  }
  for (const button of root.querySelectorAll('[data-close]')) button.addEventListener('click', () => toggleForm(button.dataset.close, false));
  for (const button of root.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Selected: press Ctrl+C';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 3000);
    });
  }
}
