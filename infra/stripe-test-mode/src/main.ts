// Runs the local Stripe test mode as its own process (`npm start` does this); never part of a service.
import { startTestMode } from './server.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const running = await startTestMode({
  upstream: required('STRIPE_MOCK_URL'),
  webhookUrl: required('STRIPE_WEBHOOK_URL'),
  webhookSecret: required('STRIPE_WEBHOOK_SECRET'),
  port: Number(required('PORT')),
  log: (line) => console.log(line),
});
console.log(`Stripe test mode on ${running.url}, webhooks to ${required('STRIPE_WEBHOOK_URL')}`);
const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
