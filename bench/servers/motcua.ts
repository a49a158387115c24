// The whole platform (motcua serve) over the database in DATABASE_URL; prints LISTENING <port>.
import { buildHttp, openContext } from '../../src/app/app.js';
import { loadConfig } from '../../src/platform/config.js';

const ctx = await openContext(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' }));
const app = await buildHttp(ctx);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
console.log(`LISTENING ${typeof address === 'object' && address ? address.port : ''}`);
process.on('SIGTERM', async () => {
  await app.close();
  await ctx.db.close();
  process.exit(0);
});
