import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig, TimelineConfig } from '@timeline/config';
import { connectNats } from '@timeline/messaging';
import { ReadModelQueries } from '@timeline/read-model';
import { jetstreamManager } from '@nats-io/jetstream';
import { addApiKeySecurity, authOptions, installShutdown, logLevels, openDatabase } from '@timeline/runtime';
import { ApiModule } from './api.module';
import { serveWebPage } from './web-page';
import { liveTimelineFastPath } from './live-timeline';
import { LIVE_HEADS, TIMELINE_READER } from './stories.controller';

/**
 * Start the read API (HTTP, API_PORT, default 3000): the timeline page at /
 * (built into dist/web by `npm run build`), GET /stories,
 * /stories/:id/timeline, /statements/:id, /health, /dead-letters (admin);
 * OpenAPI at /docs. API keys from API_KEYS (see libs/runtime auth.ts).
 */
export async function startApi(cfg: TimelineConfig = loadConfig(), port = cfg.apiPort): Promise<{ app: INestApplication; url: string; close(): Promise<void> }> {
  const auth = authOptions(cfg); // a malformed API_KEYS fails before anything is opened
  const db = await openDatabase(cfg, 'api');
  const nc = await connectNats({ servers: cfg.natsUrl.split(','), name: 'api', user: cfg.natsUser, pass: cfg.natsPassword, token: cfg.natsToken });
  const queries = new ReadModelQueries(db.pool, cfg.databaseSchema);
  // SSE streams hear the projector's <prefix>.timeline.updated on this connection (polling while it is down).
  const events = { nc, subject: `${cfg.subjectPrefix}.timeline.updated` };
  const health = {
    pool: db.pool,
    log: db.log,
    nc,
    stuckAfterSeconds: cfg.projectorStuckAfterS,
    consumer: { jsm: await jetstreamManager(nc), stream: cfg.stream, durable: cfg.durable },
  };
  const app = await NestFactory.create(ApiModule.register(queries, health, events, auth), {
    logger: logLevels(cfg.logLevel),
  });
  const doc = SwaggerModule.createDocument(
    app,
    addApiKeySecurity(new DocumentBuilder().setTitle('Statement timeline API').setDescription('Story timelines of who said what, when and through whom.').setVersion('0.1')).build(),
  );
  SwaggerModule.setup('docs', app, doc);
  serveWebPage(app);
  // the plain live timeline read answered before the Nest routes (anything else goes on to them)
  app.use(liveTimelineFastPath({ heads: app.get(LIVE_HEADS), reader: app.get(TIMELINE_READER) }, auth));
  await app.listen(port, cfg.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    async close() {
      await app.close();
      await nc.drain().catch(() => undefined);
      await db.close();
    },
  };
}

if (require.main === module) {
  startApi()
    .then((s) => {
      new Logger('Api').log(`listening on ${s.url} (OpenAPI at ${s.url}/docs)`);
      installShutdown('api', () => s.close());
    })
    .catch((err) => {
      console.error(`api: ${err.message}`);
      process.exit(1);
    });
}
