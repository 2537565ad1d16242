using Discovery.Client;
using Xunit;

namespace Discovery.Testing.Cluster;

/// <summary>
/// The three-site test cluster with the SDK facade over its client. The in-process test cluster's gateways are not
/// TCP sockets, so the facade is attached to its client rather than connected (connecting is tested on real silo
/// processes in Discovery.Silo.Tests).
/// </summary>
public class SdkClusterFixture : SiteClusterFixture
{
    /// <summary>A client connected the way tenant applications connect.</summary>
    public DiscoveryClient Sdk { get; private set; } = null!;

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Sdk = DiscoveryClient.Attach(Client);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        if (Sdk is not null)
            await Sdk.DisposeAsync();
        await base.DisposeAsync();
    }
}
