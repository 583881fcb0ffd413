// Passkeys in the console: sign in with one, or add one to your account. Uses the WebAuthn helpers of
// @simplewebauthn/browser (served as /static/js/vendor/simplewebauthn.js); the server checks everything.
const webauthn = window.SimpleWebAuthnBrowser;

function say(region, text) {
  if (region) region.textContent = text;
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token },
    body: JSON.stringify(body ?? {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail || String(response.status));
  return answer;
}

function wire(button, run) {
  const region = document.getElementById(button.dataset.status);
  if (!webauthn || !webauthn.browserSupportsWebAuthn()) {
    say(region, button.dataset.unsupported);
    return;
  }
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    say(region, button.dataset.working);
    try {
      await run(button.dataset.csrf);
    } catch (error) {
      say(region, `${button.dataset.failed} ${error instanceof Error ? error.message : ''}`.trim());
      button.disabled = false;
    }
  });
}

const signIn = document.getElementById('passkey-sign-in');
if (signIn) {
  wire(signIn, async (token) => {
    const { challengeId, options } = await post('/console/passkey/sign-in/options', token);
    const response = await webauthn.startAuthentication({ optionsJSON: options });
    const done = await post('/console/passkey/sign-in', token, { challengeId, response });
    window.location.assign(done.location);
  });
}

const add = document.getElementById('passkey-add');
if (add) {
  wire(add, async (token) => {
    const { challengeId, options } = await post('/console/passkey/register/options', token);
    const response = await webauthn.startRegistration({ optionsJSON: options });
    await post('/console/passkey/register', token, { challengeId, response });
    window.location.reload();
  });
}
