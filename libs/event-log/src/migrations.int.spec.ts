import { createPool, createTestSchema, EVENT_LOG_MIGRATIONS, Migration, MigrationDriftError, runMigrations, TestSchema } from './index';

describe('runMigrations (real Postgres)', () => {
  let db: TestSchema;
  beforeEach(async () => {
    db = await createTestSchema({ migrations: [] });
  });
  afterEach(() => db.drop());

  const readModel: Migration[] = [
    { id: 101, name: 'second', sql: 'CREATE TABLE rm_b (id int PRIMARY KEY REFERENCES rm_a (id))' },
    { id: 100, name: 'first', sql: 'CREATE TABLE rm_a (id int PRIMARY KEY)' },
  ];

  it('creates a missing schema, applies each list once in id order, and records it', async () => {
    const schema = `${db.schema}_new`;
    try {
      const r1 = await runMigrations(db.pool, EVENT_LOG_MIGRATIONS, { schema });
      expect(r1).toEqual({ schema, applied: [1, 10, 11, 12], skipped: [] });
      const r2 = await runMigrations(db.pool, [...EVENT_LOG_MIGRATIONS, ...readModel], { schema });
      expect(r2).toEqual({ schema, applied: [100, 101], skipped: [1, 10, 11, 12] });
      const r3 = await runMigrations(db.pool, readModel, { schema });
      expect(r3.applied).toEqual([]);
      const rows = await db.pool.query(`SELECT id, name FROM ${schema}.schema_migrations ORDER BY id`);
      expect(rows.rows.map((r) => r.id)).toEqual([1, 10, 11, 12, 100, 101]);
      const tables = await db.pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        ['checkpoints', 'dead_letters', 'events', 'rm_a', 'rm_b', 'schema_migrations', 'stream_heads'],
      );
    } finally {
      await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it('is safe when four processes start at once (advisory lock)', async () => {
    const schema = `${db.schema}_race`;
    const pools = [0, 1, 2, 3].map(() => createPool(db.url, { max: 1 }));
    try {
      const reports = await Promise.all(pools.map((p) => runMigrations(p, [...EVENT_LOG_MIGRATIONS, ...readModel], { schema })));
      const applied = reports.flatMap((r) => r.applied).sort((a, b) => a - b);
      expect(applied).toEqual([1, 10, 11, 12, 100, 101]);
      const rows = await db.pool.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`);
      expect(rows.rows[0].n).toBe(6);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it('rolls back a failing migration (keeping earlier ones) and refuses an edited applied migration', async () => {
    const bad: Migration = { id: 102, name: 'broken', sql: 'CREATE TABLE rm_c (id int); SELECT no_such_column FROM rm_c' };
    await expect(runMigrations(db.pool, [...readModel, bad], { schema: db.schema })).rejects.toThrow(/migration 102 \(broken\).*no_such_column/);
    const t = await db.pool.query(`SELECT to_regclass($1) AS c, to_regclass($2) AS b`, [`${db.schema}.rm_c`, `${db.schema}.rm_b`]);
    expect(t.rows[0].c).toBeNull(); // the failed migration left nothing behind
    expect(t.rows[0].b).not.toBeNull(); // the migrations before it stay applied

    const edited = [{ ...readModel[1], sql: readModel[1].sql + ' -- edited' }];
    await expect(runMigrations(db.pool, edited, { schema: db.schema })).rejects.toBeInstanceOf(MigrationDriftError);
  });

  it('rejects bad lists and schema names before touching the database', async () => {
    await expect(runMigrations(db.pool, [readModel[0], readModel[0]], { schema: db.schema })).rejects.toThrow(/twice/);
    await expect(runMigrations(db.pool, readModel, { schema: 'Bad-Name; DROP' })).rejects.toThrow(/invalid schema name/);
  });
});
