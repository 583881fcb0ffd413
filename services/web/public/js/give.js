// The give and pay forms: one submission per click (a second click waits for the first), the currency picker
// without its button, "other amount" chosen as the donor types, and the card fee estimated as amounts change.
// Everything here also works without this script; it only makes the form quicker to use.

for (const form of document.querySelectorAll('#give-form, #pay-form')) {
  let sent = false;
  form.addEventListener('submit', (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    const button = form.querySelector('button[type="submit"]');
    if (button) {
      button.setAttribute('aria-disabled', 'true');
      button.classList.add('busy');
    }
  });
  // Back to a page kept in the browser's memory: the form can be sent again.
  window.addEventListener('pageshow', () => {
    sent = false;
    form.querySelector('button[type="submit"]')?.classList.remove('busy');
    form.querySelector('button[type="submit"]')?.removeAttribute('aria-disabled');
  });
}

const problems = document.getElementById('form-problems') ?? document.getElementById('pay-problem');
problems?.focus();

const picker = /** @type {HTMLFormElement | null} */ (document.getElementById('currency-picker'));
if (picker) {
  picker.querySelector('button')?.setAttribute('hidden', '');
  picker.querySelector('select')?.addEventListener('change', () => picker.submit());
}

const dataElement = document.getElementById('give-data');
const giveForm = /** @type {HTMLFormElement | null} */ (document.getElementById('give-form'));
if (dataElement && giveForm) {
  const data = JSON.parse(dataElement.textContent ?? '{}');
  const custom = /** @type {HTMLInputElement} */ (document.getElementById('customAmount'));
  const other = /** @type {HTMLInputElement} */ (document.getElementById('amount-other'));
  const estimate = /** @type {HTMLElement} */ (document.getElementById('fee-estimate'));
  const money = (minor, currency, exponent) =>
    new Intl.NumberFormat(data.locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(minor / 10 ** exponent);
  const percent = (fraction) =>
    new Intl.NumberFormat(data.locale, { style: 'percent', maximumFractionDigits: 1 }).format(fraction);

  /** The amount chosen now, in minor units, or null while none is readable. */
  const chosenAmount = () => {
    const checked = /** @type {HTMLInputElement | null} */ (
      giveForm.querySelector('input[name="amount"]:checked')
    );
    if (checked && checked.value !== 'other') return Number(checked.value);
    const text = custom.value.replace(/[\s\u00a0\u202f']/g, '').replace(',', '.');
    if (!/^\d{1,9}(\.\d+)?$/.test(text)) return null;
    const [whole = '0', fraction = ''] = text.split('.');
    if (fraction.length > data.exponent) return null;
    return Number(whole) * 10 ** data.exponent + Number(fraction.padEnd(data.exponent, '0') || '0');
  };

  const update = () => {
    const amount = chosenAmount();
    const fees = data.fees;
    if (amount === null || amount <= 0) {
      estimate.textContent = data.messages.pick;
      return;
    }
    if (data.currency === fees.settlementCurrency && fees.fixed !== null) {
      const fee = Math.min(amount, Math.round(amount * fees.percent) + fees.fixed);
      estimate.textContent = data.messages.same
        .replace('{fee}', money(fee, data.currency, data.exponent))
        .replace('{amount}', money(amount, data.currency, data.exponent))
        .replace('{reaches}', money(amount - fee, data.currency, data.exponent));
      return;
    }
    estimate.textContent = data.messages.converted
      .replace('{percent}', percent(fees.percent + fees.conversionPercent))
      .replace(
        '{fixed}',
        fees.fixed === null ? '' : money(fees.fixed, fees.settlementCurrency, fees.exponent),
      );
  };

  custom.addEventListener('input', () => {
    if (custom.value !== '') other.checked = true;
    update();
  });
  for (const radio of giveForm.querySelectorAll('input[name="amount"]')) {
    radio.addEventListener('change', () => {
      if (/** @type {HTMLInputElement} */ (radio).value !== 'other') custom.value = '';
      else custom.focus();
      update();
    });
  }
}
