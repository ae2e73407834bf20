import { createPool, testDatabaseUrl } from './index';

/**
 * createPool against the real Postgres: a connection that dies while the
 * application holds it must not kill the process.
 */
describe('createPool', () => {
  it('regression: a checked-out client whose connection was terminated (a Postgres restart) crashed the process with an unhandled error event', async () => {
    const errors: string[] = [];
    const pool = createPool(testDatabaseUrl(), { max: 2, onError: (err) => errors.push(err.message) });
    const admin = createPool(testDatabaseUrl(), { max: 1 });
    try {
      const client = await pool.connect();
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      // Between two queries, as a projector step is between statements: the server ends the session.
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const end = Date.now() + 10_000;
      while (errors.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(errors.length).toBeGreaterThan(0);
      // The next query on that client fails cleanly; released, the broken client leaves the pool.
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await pool.end();
      await admin.end();
    }
  }, 30_000);
});
