using System.Reflection;
using Npgsql;

namespace Discovery.Storage.Postgres;

/// <summary>
/// Creates and checks the PostgreSQL schema that Orleans' ADO.NET clustering, persistence and reminder providers need.
/// The scripts are embedded, ordered and idempotent; applying them is safe on a fresh database, on an up-to-date one,
/// and from two machines at once.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Every query key the three providers read at start-up.</summary>
    public static readonly IReadOnlyList<string> RequiredQueryKeys =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    // Any fixed number works; it only has to be the same for every process that runs the migration.
    private const long MigrationLockKey = 0x44697363_6F766572; // "Discover"

    /// <summary>
    /// Applies every script in order, in one transaction, under an advisory lock. Returns what was done. Throws
    /// <see cref="DatabaseUnavailableException"/> when the server cannot be reached.
    /// </summary>
    public static async Task<SchemaInitResult> InitializeAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS discovery_schema_migrations
            (
                script     varchar(200) NOT NULL PRIMARY KEY,
                applied_at timestamptz  NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = new List<string>();
        foreach (var (name, sql) in Scripts())
        {
            // Every script is idempotent and re-run each time, so a fixed query text reaches databases that have it.
            await ExecuteAsync(connection, transaction, sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO discovery_schema_migrations (script) VALUES (@script) ON CONFLICT DO NOTHING", connection, transaction);
            record.Parameters.AddWithValue("script", name);
            if (await record.ExecuteNonQueryAsync(cancellationToken) > 0)
                applied.Add(name);
        }
        await transaction.CommitAsync(cancellationToken);
        return new SchemaInitResult(applied, Scripts().Select(s => s.Name).ToList());
    }

    /// <summary>Whether the server answers and the schema is complete; never throws for an unreachable server.</summary>
    public static async Task<SchemaStatus> CheckAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var where = DescribeConnection(connectionString);
        try
        {
            await using var connection = await OpenAsync(connectionString, cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT querykey FROM orleansquery WHERE to_regclass('orleansquery') IS NOT NULL", connection);
            var present = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    present.Add(reader.GetString(0));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
            }
            var missing = RequiredQueryKeys.Where(k => !present.Contains(k)).ToList();
            return missing.Count == 0
                ? new SchemaStatus(true, true, null)
                : new SchemaStatus(true, false,
                    $"database {where} has {(present.Count == 0 ? "no Discovery schema" : $"an incomplete schema (missing {string.Join(", ", missing.Take(3))}…)")}: " +
                    "run 'discovery-silo db init --connection \"…\"' once");
        }
        catch (DatabaseUnavailableException e)
        {
            return new SchemaStatus(false, false, e.Message);
        }
    }

    /// <summary>The connection string without secrets, for logs and error messages.</summary>
    public static string DescribeConnection(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"Host={b.Host};Port={b.Port};Database={b.Database ?? b.Username};Username={b.Username}";
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseUnavailableException($"the PostgreSQL connection string is not valid ({e.Message}): check --connection", e);
        }
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
            throw new DatabaseUnavailableException(
                $"cannot reach PostgreSQL at {DescribeConnection(connectionString)}: {e.GetBaseException().Message}. Is the server running, and is --connection right?", e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        const string prefix = "Discovery.Storage.Postgres.Sql.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (resource[prefix.Length..], reader.ReadToEnd());
        }
    }
}

/// <summary>What <see cref="PostgresSchema.InitializeAsync"/> did.</summary>
/// <param name="NewlyApplied">Scripts applied for the first time on this database.</param>
/// <param name="All">Every script, each (re-)applied.</param>
public sealed record SchemaInitResult(IReadOnlyList<string> NewlyApplied, IReadOnlyList<string> All)
{
    /// <inheritdoc />
    public override string ToString() => NewlyApplied.Count == 0
        ? $"schema up to date ({All.Count} scripts re-applied)"
        : $"schema created: {string.Join(", ", NewlyApplied)}";
}

/// <summary>Whether a database can serve a silo.</summary>
/// <param name="Reachable">The server answered.</param>
/// <param name="IsReady">The schema is complete.</param>
/// <param name="Problem">What is wrong and what to do, when not ready.</param>
public sealed record SchemaStatus(bool Reachable, bool IsReady, string? Problem);

/// <summary>The PostgreSQL server cannot be reached or the connection string is unusable; the message has no password.</summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
