namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>
/// Makes the database refuse a batch's store with chosen SQLSTATEs, attempt by attempt: a trigger on the batch ledger
/// raises them (<c>RAISE … USING ERRCODE</c>), as a server shutting down, a read-only standby or a statement timeout
/// would. Attempts are counted by a sequence, which a rolled-back store does not undo.
/// </summary>
internal static class StoreFaults
{
    /// <summary>
    /// Batch <paramref name="batchId"/>'s store fails with <paramref name="faults"/>[n − 1] on its n-th attempt, and with
    /// <paramref name="otherwise"/> (null: succeeds) after them.
    /// </summary>
    /// <returns>A query of how many attempts were made so far.</returns>
    public static async Task<Func<Task<long>>> InjectAsync(Book book, Guid batchId, string[] faults, string? otherwise = null)
    {
        await using (var setup = book.DataSource.CreateCommand(
            """
            CREATE TABLE IF NOT EXISTS test_store_faults (batch_id uuid PRIMARY KEY, counter text NOT NULL, faults text[] NOT NULL, otherwise text);
            CREATE OR REPLACE FUNCTION test_store_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              f test_store_faults;
              n bigint;
              state text;
            BEGIN
              SELECT * INTO f FROM test_store_faults WHERE batch_id = NEW.batch_id;
              IF NOT FOUND THEN
                RETURN NEW;
              END IF;
              n := nextval(f.counter::regclass);
              state := coalesce(f.faults[n], f.otherwise);
              IF state IS NOT NULL THEN
                RAISE EXCEPTION 'test fault % at attempt %', state, n USING ERRCODE = state;
              END IF;
              RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER test_store_fault BEFORE INSERT ON ingest_batches FOR EACH ROW EXECUTE FUNCTION test_store_fault();
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var counter = "test_attempts_" + batchId.ToString("N");
        await using (var sequence = book.DataSource.CreateCommand($"CREATE SEQUENCE {counter}"))
        {
            await sequence.ExecuteNonQueryAsync();
        }

        await using (var insert = book.DataSource.CreateCommand("INSERT INTO test_store_faults VALUES ($1, $2, $3, $4)"))
        {
            insert.Parameters.AddWithValue(batchId);
            insert.Parameters.AddWithValue(counter);
            insert.Parameters.AddWithValue(faults);
            insert.Parameters.AddWithValue((object?)otherwise ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync();
        }

        return () => book.ScalarAsync($"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {counter}");
    }

    /// <summary>Batch <paramref name="batchId"/>'s next store succeeds.</summary>
    public static async Task ClearAsync(Book book, Guid batchId)
    {
        await using var clear = book.DataSource.CreateCommand("UPDATE test_store_faults SET faults = '{}', otherwise = NULL WHERE batch_id = $1");
        clear.Parameters.AddWithValue(batchId);
        await clear.ExecuteNonQueryAsync();
    }
}
