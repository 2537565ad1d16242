using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>
/// Tests that share one three-site cluster with security on. They run alone, after the others: a second cluster
/// beside the shared one would starve its membership probes on two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SecureClusterCollection : ICollectionFixture<SecureClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "secure cluster";
}
