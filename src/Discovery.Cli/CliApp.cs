using System.CommandLine;
using Discovery.Abstractions.Environments;
using Discovery.Cli.Commands;
using Discovery.Cli.Output;
using Discovery.Client;

namespace Discovery.Cli;

/// <summary>
/// The <c>discovery</c> command. Exit codes: 0 done, 1 the operation failed (the cluster refused or could not be
/// reached), 2 the command line or an input file is wrong.
/// </summary>
public static class CliApp
{
    public const int Ok = 0, Failed = 1, UsageError = 2;

    /// <summary>The cluster shed the call: nothing was done, run the same command again in a moment (sysexits' EX_TEMPFAIL).</summary>
    public const int Busy = 75;

    /// <summary>Runs one command line; <paramref name="connect"/> replaces the real connection in tests.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        Func<CliConnection, CancellationToken, Task<DiscoveryClient>>? connect = null, CancellationToken cancellationToken = default)
    {
        var gateways = new Option<string[]>("--gateway") { Description = "A gateway as host:port (repeat for several); default $DISCOVERY_GATEWAYS or the embedded demo's", Recursive = true };
        var connection = new Option<string?>("--connection") { Description = "A PostgreSQL connection string: find the gateways in the cluster's database", Recursive = true };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's id", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DISCOVERY_CLUSTER_ID") ?? "discovery", Recursive = true };
        var tenant = new Option<string?>("--tenant") { Description = "The tenant of VEs named without one (default $DISCOVERY_TENANT, else the logged-in tenant, else default)", Recursive = true };
        var key = new Option<string?>("--key") { Description = "The API key or token to call with (default $DISCOVERY_KEY, else the one `discovery login` saved)", Recursive = true };
        var credentials = new Option<string>("--credentials") { Description = "The saved-credentials file", DefaultValueFactory = _ => CredentialStore.DefaultPath, Recursive = true };
        var format = new Option<string>("--output", "-o") { Description = "table (for people) or json (for scripts)", DefaultValueFactory = _ => "table", Recursive = true };
        format.AcceptOnlyFromAmong("table", "json");
        var tlsCa = new Option<string?>("--tls-ca") { Description = "TLS: the cluster's CA certificate; gateways must present a certificate it issued (default $DISCOVERY_TLS_CA)", Recursive = true };
        var tlsThumbprints = new Option<string[]>("--tls-server-thumbprint") { Description = "TLS: accept the gateway certificate with this SHA-1 thumbprint (repeat for several; with --tls-ca both must hold)", Recursive = true };
        var tlsCertificate = new Option<string?>("--tls-certificate") { Description = "TLS: this client's certificate (PEM or .pfx), for silos that require one (default $DISCOVERY_TLS_CERTIFICATE)", Recursive = true };
        var tlsKey = new Option<string?>("--tls-key") { Description = "TLS: the PEM key of --tls-certificate, when not in the certificate file (default $DISCOVERY_TLS_KEY)", Recursive = true };
        var tlsPassword = new Option<string?>("--tls-password") { Description = "TLS: the .pfx or encrypted key's password (default $DISCOVERY_TLS_PASSWORD)", Recursive = true };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one call may take", DefaultValueFactory = _ => 120, Recursive = true };

        var root = new RootCommand("discovery: sites, nodes and virtual environments of a Discovery.Orleans cluster")
        {
            gateways, connection, clusterId, tenant, key, credentials, format, timeout, tlsCa, tlsThumbprints, tlsCertificate, tlsKey, tlsPassword,
        };
        CliContext? context = null;
        CliContext Context(ParseResult parse)
        {
            if (context is not null)
                return context;
            var store = new CredentialStore(parse.GetValue(credentials)!);
            var cluster = parse.GetValue(clusterId)!;
            var saved = store.Read(cluster);
            var credential = parse.GetValue(key) ?? NonEmpty(Environment.GetEnvironmentVariable("DISCOVERY_KEY")) ?? saved?.Key;
            return context = new CliContext(
                new Printer(output, error, parse.GetValue(format) == "json"),
                parse.GetValue(tenant) ?? Environment.GetEnvironmentVariable("DISCOVERY_TENANT") ?? saved?.Tenant ?? "default",
                new CliConnection(
                    parse.GetValue(gateways) is { Length: > 0 } g ? g : DefaultGateways(),
                    parse.GetValue(connection),
                    cluster,
                    TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    credential,
                    Tls(parse.GetValue(tlsCa) ?? NonEmpty(Environment.GetEnvironmentVariable("DISCOVERY_TLS_CA")),
                        parse.GetValue(tlsThumbprints) ?? [],
                        parse.GetValue(tlsCertificate) ?? NonEmpty(Environment.GetEnvironmentVariable("DISCOVERY_TLS_CERTIFICATE")),
                        parse.GetValue(tlsKey) ?? NonEmpty(Environment.GetEnvironmentVariable("DISCOVERY_TLS_KEY")),
                        parse.GetValue(tlsPassword) ?? NonEmpty(Environment.GetEnvironmentVariable("DISCOVERY_TLS_PASSWORD")))),
                connect ?? ConnectAsync,
                store);
        }
        foreach (var command in InfrastructureCommands.Create(Context).Concat(VeCommands.Create(Context)).Append(EventCommands.Create(Context)).Append(ImageCommands.Create(Context))
                     .Concat(IdentityCommands.Create(Context)))
            root.Subcommands.Add(command);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
                error.WriteLine($"discovery: {problem.Message}");
            error.WriteLine("Run 'discovery --help' (or the command with --help) for usage.");
            return UsageError;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception e) when (Classify(e) is { } code)
        {
            error.WriteLine($"discovery: {Message(e)}");
            return code;
        }
        finally
        {
            if (context is not null)
                await context.DisposeAsync();
        }
    }

    // Bad input is a usage error; everything the cluster refused or could not do is a failed operation.
    private static int? Classify(Exception e) => e switch
    {
        // InvalidVeSpecException is an ArgumentException: a spec the cluster refuses is bad input too.
        VeSpecFileException or ArgumentException or FormatException or TlsCertificateException => UsageError,
        ClusterBusyException => Busy,
        OperationCanceledException => Failed,
        UnauthorizedAccessException => Failed,
        NotFoundException or PlacementFailedException or VeOperationException or DiscoveryConnectionException or TimeoutException => Failed,
        Abstractions.Images.ChunkUnavailableException => Failed,
        InvalidOperationException => Failed,
        Orleans.Runtime.OrleansException => Failed,
        _ => null,
    };

    private static string Message(Exception e) => e switch
    {
        OperationCanceledException => "cancelled",
        _ => e.Message,
    };

    // TLS is on when the client is told whom to trust; a certificate alone (no CA, no thumbprint) is reported at connect.
    private static DiscoveryTlsOptions? Tls(string? ca, string[] thumbprints, string? certificate, string? key, string? password) =>
        ca is null && thumbprints.Length == 0 && certificate is null
            ? null
            : new DiscoveryTlsOptions { CertificateAuthority = ca, ServerThumbprints = thumbprints, Certificate = certificate, Key = key, Password = password };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string[] DefaultGateways() =>
        Environment.GetEnvironmentVariable("DISCOVERY_GATEWAYS") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            // The embedded demo's four sites listen on 30000-30003.
            : ["127.0.0.1:30000", "127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003"];

    private static Task<DiscoveryClient> ConnectAsync(CliConnection c, CancellationToken ct) =>
        DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Gateways = c.Gateways.ToList(),
            Connection = c.Connection,
            ClusterId = c.ClusterId,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            CallTimeout = c.Timeout,
            Credential = c.Credential,
            Tls = c.Tls,
        }, ct);
}
