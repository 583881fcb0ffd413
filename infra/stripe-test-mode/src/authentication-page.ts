/** The stand-in for the bank's 3-D Secure challenge: the donor completes or fails it, as on Stripe's test page. */
export function authenticationPage(intentId: string): string {
  const safeId = intentId.replace(/[^A-Za-z0-9_]/g, '');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>3-D Secure test authentication</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
.mode{background:#fff3cd;border:1px solid #c9a227;padding:.5rem .75rem;border-radius:.25rem}
button{font:inherit;padding:.6rem 1.2rem;margin:.25rem .5rem .25rem 0;border-radius:.25rem;border:1px solid #333;cursor:pointer}
button[value=complete]{background:#1d6b3a;color:#fff;border-color:#1d6b3a}</style></head>
<body><p class="mode">Test mode: no bank is involved and no money moves.</p>
<h1>Confirm this test payment</h1>
<p>Your card issuer would ask you to confirm the payment here. Choose what the bank answers.</p>
<form method="post" action="/test-mode/authenticate/${safeId}">
<button type="submit" name="decision" value="complete">Complete authentication</button>
<button type="submit" name="decision" value="fail">Fail authentication</button>
</form></body></html>`;
}
