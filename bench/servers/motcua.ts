// The whole platform (motcua serve) over the database in DATABASE_URL; prints LISTENING <port>.
import { buildHttp, openContext } from '../../src/app/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { serveForBenchmark } from '../lib.js';

const ctx = await openContext(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'silent' }));
const app = await buildHttp(ctx);
await serveForBenchmark(app, () => ctx.db.close());
