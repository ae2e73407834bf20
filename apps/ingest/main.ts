import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, raw } from 'express';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadConfig, TimelineConfig } from '@timeline/config';
import { connectNats, ensureStream } from '@timeline/messaging';
import { ReadModelQueries } from '@timeline/read-model';
import { addApiKeySecurity, authOptions, installShutdown, logLevels, openDatabase, requireKeyBeforeBody } from '@timeline/runtime';
import { IngestModule } from './ingest.module';
import { jsonErrors, requireUtf8 } from './json-errors.filter';

/**
 * Start the ingest app (HTTP, INGEST_PORT, default 3001): POST /items, POST /feeds.
 * Creates the JetStream stream idempotently, so items are not lost if the
 * writer starts later. OpenAPI at /docs.
 */
export async function startIngest(cfg: TimelineConfig = loadConfig(), port = cfg.ingestPort): Promise<{ app: INestApplication; url: string; close(): Promise<void> }> {
  const db = await openDatabase(cfg, 'ingest');
  const nc = await connectNats({ servers: cfg.natsUrl.split(','), name: 'ingest', user: cfg.natsUser, pass: cfg.natsPassword, token: cfg.natsToken });
  await ensureStream(await jetstreamManager(nc), { name: cfg.stream, subjects: [cfg.itemsSubject] });
  const app = await NestFactory.create(IngestModule.register({ cfg, nc, queries: new ReadModelQueries(db.pool, cfg.databaseSchema) }), {
    logger: logLevels(cfg.logLevel),
    bodyParser: false,
  });
  // Ingest routes refuse a missing or wrong key before reading the body (the guard checks again).
  app.use(['/items', '/feeds'], requireKeyBeforeBody(authOptions(cfg), 'ingest'));
  // POST /feeds: every document raw (its encoding is decided in libs/feeds), up to FEED_MAX_BYTES.
  app.use('/feeds', raw({ limit: cfg.feedMaxBytes, type: () => true }));
  // POST /items: ninjs JSON parsed here (ITEM_MAX_BYTES); XML and HTML raw, the item limit enforced by normalizeDocument
  // (a NewsML-G2 newsMessage may carry several items, up to FEED_MAX_BYTES).
  // JSON is UTF-8 (RFC 8259 §8.1): bytes that are not valid UTF-8 get 400 rather than being stored with U+FFFD in their place.
  app.use(json({ limit: cfg.itemMaxBytes, type: ['application/json', 'application/*+json'], verify: requireUtf8 }));
  app.use('/items', raw({ limit: Math.max(cfg.itemMaxBytes, cfg.feedMaxBytes), type: () => true }));
  app.use(jsonErrors);
  const doc = SwaggerModule.createDocument(app, addApiKeySecurity(new DocumentBuilder().setTitle('Statement timeline: ingest').setVersion('0.1')).build());
  SwaggerModule.setup('docs', app, doc);
  app.enableShutdownHooks();
  await app.listen(port, cfg.host);
  const url = await app.getUrl();
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    async close() {
      await app.close();
      await nc.drain().catch(() => undefined);
      await db.close();
    },
  };
}

if (require.main === module) {
  startIngest()
    .then((s) => {
      new Logger('Ingest').log(`listening on ${s.url}`);
      installShutdown('ingest', () => s.close());
    })
    .catch((err) => {
      console.error(`ingest: ${err.message}`);
      process.exit(1);
    });
}
