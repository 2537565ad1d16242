using Discovery.Cli.Output;
using Discovery.Client;

namespace Discovery.Cli;

/// <summary>How to reach the cluster, from the global options.</summary>
/// <param name="Gateways">Gateways as host:port (when no connection string).</param>
/// <param name="Connection">A PostgreSQL connection string (clustering through the database).</param>
/// <param name="ClusterId">The cluster's id.</param>
/// <param name="Timeout">The time limit of one call.</param>
/// <param name="Credential">The API key or token every call carries, or null.</param>
/// <param name="Tls">TLS to the gateways, or null for a cluster without TLS.</param>
public sealed record CliConnection(IReadOnlyList<string> Gateways, string? Connection, string ClusterId, TimeSpan Timeout, string? Credential = null,
    DiscoveryTlsOptions? Tls = null);

/// <summary>What every command gets: the printer, the tenant, and a connection made on first use.</summary>
public sealed class CliContext(Printer printer, string tenant, CliConnection connection, Func<CliConnection, CancellationToken, Task<DiscoveryClient>> connect,
    CredentialStore? credentials = null) : IAsyncDisposable
{
    private DiscoveryClient? _client;

    /// <summary>How the cluster is reached, with which credential.</summary>
    public CliConnection Connection => connection;

    /// <summary>Where <c>login</c> saves credentials.</summary>
    public CredentialStore Credentials => credentials ?? new CredentialStore(CredentialStore.DefaultPath);

    /// <summary>Where results go.</summary>
    public Printer Out => printer;

    /// <summary>The tenant that owns the VEs named without one.</summary>
    public string Tenant => tenant;

    /// <summary>The connection, made on first use (commands that fail on their arguments never connect).</summary>
    public async Task<DiscoveryClient> ClientAsync(CancellationToken cancellationToken) =>
        _client ??= await connect(connection, cancellationToken);

    /// <summary><c>name</c> → <c>tenant/name</c>; <c>tenant/name</c> stays as it is.</summary>
    public string Ve(string name) => name.Contains('/') ? name : $"{tenant}/{name}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.DisposeAsync();
    }
}
