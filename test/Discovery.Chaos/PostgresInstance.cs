using System.Diagnostics;
using Npgsql;

namespace Discovery.Chaos;

/// <summary>
/// A PostgreSQL server the chaos run owns (started by <c>.ci/start-postgres.sh</c> in a data directory of its own), so
/// it can stop and start it without disturbing the shared test server other suites use.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _directory;
    private readonly int _port;

    private PostgresInstance(string script, string directory, string connection)
    {
        (_script, _directory, ConnectionString) = (script, directory, connection);
        _port = new NpgsqlConnectionStringBuilder(connection).Port;
    }

    /// <summary>The server's connection string (database <c>postgres</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>Why no server can be started here, or null.</summary>
    public static string? Missing() => BinDirectory() is null
        ? "PostgreSQL server binaries are not installed (apt-get install postgresql)"
        : null;

    /// <summary>Starts a fresh server on a free port.</summary>
    public static async Task<PostgresInstance> StartAsync(string repositoryRoot)
    {
        var script = Path.Combine(repositoryRoot, ".ci", "start-postgres.sh");
        var lines = await RunAsync("bash", [script]);
        var directory = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        return new PostgresInstance(script, directory, lines[^1]);
    }

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server as a crash would (immediate mode: no checkpoint, clients cut), waits, starts it again.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await PgCtlAsync("-D", Data, "-m", "immediate", "-w", "stop");
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(downtime);
        await StartServerAsync();
    }

    /// <summary>
    /// Lets clients at <paramref name="network"/>'s site address in (a site silo in its namespace): the server listens
    /// on the host's end of the link too, and trusts the link's /30. Restarts the server.
    /// </summary>
    public async Task AcceptAsync(SiteNetwork network)
    {
        await File.AppendAllTextAsync(Path.Combine(Data, "pg_hba.conf"), $"\nhost all all {network.SiteAddress}/32 trust\n");
        _listen = $"127.0.0.1,{network.HostAddress}";
        await PgCtlAsync("-D", Data, "-m", "fast", "-w", "stop");
        NpgsqlConnection.ClearAllPools();
        await StartServerAsync();
    }

    // The options .ci/start-postgres.sh gave it, and the addresses it listens on.
    private Task StartServerAsync() => PgCtlAsync("-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
        "-o", $"-p {_port} -k {_directory} -c listen_addresses={_listen} -c max_connections=300 -c fsync=off", "start");

    private string _listen = "127.0.0.1";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync("bash", [_script, "--stop", _directory]);
    }

    private string Data => Path.Combine(_directory, "data");

    private static string? BinDirectory() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
        : null;

    // As start-postgres.sh does: the server runs as the postgres user when we are root.
    private static Task<List<string>> PgCtlAsync(params string[] args)
    {
        var pgCtl = Path.Combine(BinDirectory()!, "pg_ctl");
        return Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", pgCtl, .. args]) : RunAsync(pgCtl, args);
    }

    private static async Task<List<string>> RunAsync(string program, string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
