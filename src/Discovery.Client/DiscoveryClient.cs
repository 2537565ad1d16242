using System.Net;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Sites;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Streams;

namespace Discovery.Client;

/// <summary>
/// A connection to a Discovery.Orleans cluster. Create one with <see cref="ConnectAsync"/>, use <see cref="Grains"/>,
/// and dispose it to disconnect.
/// </summary>
public sealed class DiscoveryClient : IAsyncDisposable
{
    private const string PostgresInvariant = "Npgsql";
    private readonly IHost? _host;
    private readonly CallerSite _callerSite;

    private DiscoveryClient(IHost? host, IClusterClient grains, CallerSite callerSite, TimeSpan callTimeout, string? credential)
    {
        _host = host;
        _callerSite = callerSite;
        Grains = grains;
        var calls = new Calls(callTimeout, credential);
        VirtualEnvironments = new VirtualEnvironments(Grains, calls);
        Nodes = new Nodes(Grains, calls);
        Events = new Events(Grains, calls);
        Images = new Images(Grains, calls, () => _callerSite.Name);
        Identity = new Identity(Grains, calls);
        Policies = new Policies(Grains, calls);
    }

    /// <summary>Security policies of the tenant and its VEs: jurisdiction, exclusive nodes, co-location, distance.</summary>
    public Policies Policies { get; }

    /// <summary>Who this client is, and the administrators' tenants, keys, tokens and audit log.</summary>
    public Identity Identity { get; }

    /// <summary>VM images: import, list, show dedup and replicas, delete.</summary>
    public Images Images { get; }

    /// <summary>The tenant's VEs: create, deploy, operate, relocate, locate, watch.</summary>
    public VirtualEnvironments VirtualEnvironments { get; }

    /// <summary>Sites and nodes: listing, the nearest nodes to a point, and the operator's node actions.</summary>
    public Nodes Nodes { get; }

    /// <summary>The infrastructure's events as an <see cref="IAsyncEnumerable{T}"/>.</summary>
    public Events Events { get; }

    /// <summary>
    /// The site this client calls from: <see cref="DiscoveryClientOptions.Site"/>, else its gateway's site. Every call
    /// carries it, so a VE placed near the caller lands near this client. Null for a client made with <see cref="Attach"/>.
    /// </summary>
    public string? Site => _callerSite.Name;

    /// <summary>The Orleans client, for calls the facade does not cover.</summary>
    public IClusterClient Grains { get; }

    /// <summary>
    /// Connects to the cluster described by <paramref name="options"/>, retrying until
    /// <see cref="DiscoveryClientOptions.ConnectTimeout"/>. Throws <see cref="DiscoveryConnectionException"/> when no
    /// gateway answers in time, and <see cref="TlsCertificateException"/> when a TLS file of
    /// <see cref="DiscoveryClientOptions.Tls"/> cannot be used.
    /// </summary>
    public static async Task<DiscoveryClient> ConnectAsync(DiscoveryClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gateways = options.Connection is null ? ParseGateways(options.Gateways) : [];
        var where = options.Connection is null
            ? $"gateway(s) {string.Join(", ", options.Gateways)}"
            : $"the gateways listed in PostgreSQL {Describe(options.Connection)}";

        if (options.Site is { } site && SiteName.Validate(site) is { } badSite)
            throw new ArgumentException($"client site: {badSite}", nameof(options));
        var callerSite = new CallerSite { Name = options.Site };
        var tls = options.Tls is { } tlsOptions ? ClientTls.Configure(tlsOptions) : null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            if (options.Connection is { } connection)
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connection));
            else
                client.UseStaticClustering(gateways);
            if (tls is not null)
                client.UseTls(tls);
            client.AddMemoryStreams(DiscoveryStreams.Provider);
            client.AddOutgoingGrainCallFilter(callerSite.StampAsync);
            if (options.Credential is { } credential)
                client.AddOutgoingGrainCallFilter(new CredentialStamp(credential).StampAsync);
            client.UseConnectionRetryFilter(new RetryUntil(DateTimeOffset.UtcNow + options.ConnectTimeout, options.RetryDelay).ShouldRetry);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            callerSite.Name ??= await host.Services.GetRequiredService<IClusterClient>().GetGrain<IGatewaySiteGrain>(Guid.NewGuid()).GetSiteAsync();
            return new DiscoveryClient(host, host.Services.GetRequiredService<IClusterClient>(), callerSite, options.CallTimeout, options.Credential);
        }
        catch (UnauthorizedAccessException)
        {
            // The cluster answered and refused the credential: say that, not "could not connect".
            host.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new DiscoveryConnectionException(
                $"could not connect to cluster '{options.ClusterId}' through {where} within {options.ConnectTimeout.TotalSeconds:0.#} s: " +
                $"{e.GetBaseException().Message}. Is a silo running, are the cluster id and gateways right{(options.Tls is null ? ", and does the cluster run without TLS (else give the TLS options)" : ", and do the silos run with TLS and trust this client's certificate (if they require one)")}?", e);
        }
    }

    /// <summary>
    /// The facade over an Orleans client the application already runs (its own client host, or a co-hosted silo's
    /// <see cref="IClusterClient"/>). It must have the <c>discovery</c> memory stream provider to watch events.
    /// Disposing the result leaves <paramref name="grains"/> running. Calls made through <paramref name="grains"/>
    /// itself carry no caller site, so "near the caller" means near the site of the silo that receives them.
    /// Every facade call carries <paramref name="credential"/> when given (calls made through <paramref name="grains"/>
    /// itself carry what its own request context holds), so one Orleans client can serve several callers.
    /// </summary>
    public static DiscoveryClient Attach(IClusterClient grains, TimeSpan? callTimeout = null, string? credential = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return new DiscoveryClient(null, grains, new CallerSite(), callTimeout ?? new DiscoveryClientOptions().CallTimeout, credential);
    }

    /// <summary>
    /// Calls <paramref name="handler"/> with every event of <paramref name="sites"/> (node joins, leaves, failures,
    /// status and VM state changes) from now on, in the order each site published them. Dispose the result to stop.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeAsync(IEnumerable<string> sites, Func<DiscoveryEvent, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(handler);
        var provider = Grains.GetStreamProvider(DiscoveryStreams.Provider);
        var subscription = new Subscription();
        foreach (var site in sites.Distinct())
        {
            var stream = provider.GetStream<DiscoveryEvent>(StreamId.Create(DiscoveryStreams.Namespace, SiteName.Require(site)));
            subscription.Handles.Add(await stream.SubscribeAsync((e, _) => handler(e)));
        }
        return subscription;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is null)
            return;
        await _host.StopAsync(TimeSpan.FromSeconds(5));
        _host.Dispose();
    }

    private static IPEndPoint[] ParseGateways(IEnumerable<string> gateways)
    {
        var endpoints = gateways.Select(g => IPEndPoint.TryParse(g, out var ep) && ep.Port > 0
                ? ep
                : throw new ArgumentException($"gateway '{g}' is not host:port with an IP address, e.g. 127.0.0.1:30000", nameof(gateways)))
            .ToArray();
        return endpoints.Length > 0 ? endpoints : throw new ArgumentException("no gateway given", nameof(gateways));
    }

    private static string Describe(string connection)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        return $"Host={b.Host};Port={b.Port};Database={b.Database}";
    }

    // Puts the client's site on every outgoing call that does not already name one.
    private sealed class CallerSite
    {
        public string? Name { get; set; }

        public async Task StampAsync(IOutgoingGrainCallContext context)
        {
            if (Name is null || RequestContext.Get(Locality.CallerSiteContextKey) is not null)
            {
                await context.Invoke();
                return;
            }
            RequestContext.Set(Locality.CallerSiteContextKey, Name);
            try
            {
                await context.Invoke();
            }
            finally
            {
                RequestContext.Remove(Locality.CallerSiteContextKey);
            }
        }
    }

    // Puts the client's credential on every outgoing call that does not already carry one.
    private sealed class CredentialStamp(string credential)
    {
        public async Task StampAsync(IOutgoingGrainCallContext context)
        {
            if (RequestContext.Get(SecurityContext.CredentialKey) is not null)
            {
                await context.Invoke();
                return;
            }
            RequestContext.Set(SecurityContext.CredentialKey, credential);
            try
            {
                await context.Invoke();
            }
            finally
            {
                RequestContext.Remove(SecurityContext.CredentialKey);
            }
        }
    }

    private sealed class Subscription : IAsyncDisposable
    {
        public List<StreamSubscriptionHandle<DiscoveryEvent>> Handles { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var handle in Handles)
                await handle.UnsubscribeAsync();
            Handles.Clear();
        }
    }

    private sealed class RetryUntil(DateTimeOffset deadline, TimeSpan delay)
    {
        public async Task<bool> ShouldRetry(Exception _, CancellationToken cancellationToken)
        {
            if (DateTimeOffset.UtcNow + delay >= deadline)
                return false;
            await Task.Delay(delay, cancellationToken);
            return true;
        }
    }
}
