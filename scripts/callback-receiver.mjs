// `node scripts/callback-receiver.mjs [port]`: a merchant callback endpoint on 127.0.0.1 for trying
// callbacks locally. Verifies each delivery's Standard Webhooks signature with the secret in
// WEBHOOK_SECRET (default: the demo merchant's) and prints the event; answers 204 when the
// signature verifies, 400 when it does not (so the emulator retries, as production would).
//
//   node scripts/callback-receiver.mjs 8787
//   curl … -d '{"amount": 12900, …, "callbackUrl": "http://127.0.0.1:8787/hooks"}'
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const DEMO_SECRET = 'whsec_ZGVtby13ZWJob29rLXNlY3JldC1mb3ItbG9jYWwtdXNl';
const port = Number(process.argv[2] ?? process.env.PORT ?? 8787);
const webhook = new Webhook(process.env.WEBHOOK_SECRET ?? DEMO_SECRET);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      // Verifies webhook-signature over "{webhook-id}.{webhook-timestamp}.{body}" and the timestamp's age.
      const event = webhook.verify(body, req.headers);
      const invoice = event.data?.invoice ?? {};
      console.log(`${new Date().toISOString()} ✓ ${event.type} #${event.sequence} ${invoice.id} ${invoice.status} (webhook-id ${req.headers['webhook-id']})`);
      if (process.env.VERBOSE) console.log(JSON.stringify(event, null, 2));
      res.writeHead(204).end();
    } catch (error) {
      console.log(`${new Date().toISOString()} ✗ signature did not verify: ${error.message}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad signature');
    }
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Callback receiver at http://127.0.0.1:${port}/hooks (Ctrl-C stops it).`);
});
