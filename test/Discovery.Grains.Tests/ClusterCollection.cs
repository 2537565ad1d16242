using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests;

/// <summary>Tests that share one three-site cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<SiteClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "three-site cluster";
}
