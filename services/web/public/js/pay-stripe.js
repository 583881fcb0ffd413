// The production payment step: Stripe's Payment Element confirms the PaymentIntent in the donor's browser
// (card details never reach this site), then Stripe sends the donor back to the gift's page.
/* global Stripe */

const data = JSON.parse(document.getElementById('stripe-pay')?.textContent ?? '{}');
const form = /** @type {HTMLFormElement} */ (document.getElementById('stripe-pay-form'));
const button = /** @type {HTMLButtonElement} */ (document.getElementById('pay-button'));
const errorBox = /** @type {HTMLElement} */ (document.getElementById('pay-error'));

if (typeof Stripe === 'function' && data.publishableKey) {
  const stripe = Stripe(data.publishableKey, { locale: data.locale });
  const elements = stripe.elements({ clientSecret: data.clientSecret });
  const payment = elements.create('payment');
  const container = /** @type {HTMLElement} */ (document.getElementById('payment-element'));
  container.textContent = '';
  payment.mount(container);
  payment.on('ready', () => {
    button.disabled = false;
  });
  let sending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    button.disabled = true;
    errorBox.textContent = '';
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: data.returnUrl },
    });
    // Only reached when the payment did not go through (otherwise the browser is on its way to return_url).
    errorBox.textContent = error?.message ?? data.messages.failed;
    sending = false;
    button.disabled = false;
  });
} else {
  errorBox.textContent = data.messages?.failed ?? '';
}
