using Npgsql;
using Xunit;

namespace Discovery.Testing.Postgres;

/// <summary>
/// The PostgreSQL server named by <c>DISCOVERY_TEST_POSTGRES</c> (which <c>.ci/run</c> starts), handing each test a
/// fresh database of its own and dropping them all at the end.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The environment variable that holds the server's connection string.</summary>
    public const string Variable = "DISCOVERY_TEST_POSTGRES";

    private readonly List<string> _databases = [];

    /// <summary>The server's connection string, or null when none is configured.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Missing => ConnectionString is null
        ? $"PostgreSQL is not available: set {Variable} to a server's connection string (.ci/start-postgres.sh starts one)"
        : null;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var server = ConnectionString ?? throw new InvalidOperationException(Missing);
        var name = $"discovery_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        lock (_databases)
            _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (ConnectionString is not { } server || _databases.Count == 0)
            return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>
/// A test that needs PostgreSQL. It runs whenever <see cref="PostgresServer.Variable"/> is set; without it, it is
/// skipped with a message outside CI, and fails in CI (where <c>CI=true</c>), because there it must run for real.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Skips outside CI when no server is configured.</summary>
    public PostgresFactAttribute()
    {
        if (PostgresServer.Missing is { } missing && !RunningInCi)
            Skip = missing;
    }

    /// <summary>True under CI, where tests that need a service must run, not skip.</summary>
    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
