// The thank-you page: copies the receipt code, and follows the gift's status (payment, confirmation, public
// record) by asking the server for the status part again, less and less often, until it is final.

const copy = /** @type {HTMLButtonElement | null} */ (document.getElementById('copy-code'));
const code = document.getElementById('receipt-code');
const copyStatus = document.getElementById('copy-status');
if (copy && code && navigator.clipboard) {
  copy.hidden = false;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.textContent ?? '');
      if (copyStatus) copyStatus.textContent = copy.dataset.copied ?? '';
      copy.textContent = copy.dataset.copied ?? copy.textContent;
    } catch {
      // Without clipboard access the code stays selectable and the file can still be saved.
      window.getSelection()?.selectAllChildren(code);
    }
  });
}

const delays = [1500, 2000, 3000, 5000, 8000, 10000];
let attempt = 0;

async function follow() {
  const current = document.getElementById('gift-status');
  if (!current || current.dataset.final === 'true') return;
  const delay = delays[Math.min(attempt, delays.length - 1)];
  attempt += 1;
  await new Promise((resolve) => setTimeout(resolve, delay));
  try {
    const response = await fetch(`${location.pathname.replace(/\/$/, '')}/status${location.search}`, {
      headers: { accept: 'text/html' },
      credentials: 'same-origin',
    });
    if (response.ok) {
      const template = document.createElement('template');
      template.innerHTML = await response.text();
      const next = template.content.getElementById('gift-status');
      if (next && next.dataset.stage !== current.dataset.stage) {
        current.replaceWith(next);
        attempt = 0;
      }
    }
  } catch {
    // Offline for a moment: try again later.
  }
  if (attempt < 60) void follow();
}

void follow();
