using Discovery.Abstractions.Events;
using Discovery.Abstractions.Sites;
using Orleans.Streams;

namespace Discovery.Client;

/// <summary>The infrastructure's events: node joins, leaves and failures, status and VM state changes, drains.</summary>
public sealed class Events
{
    private readonly IClusterClient _grains;
    private readonly Calls _calls;

    internal Events(IClusterClient grains, Calls calls) => (_grains, _calls) = (grains, calls);

    /// <summary>
    /// The events of <paramref name="sites"/> (every known site when null) from now on, until
    /// <paramref name="cancellationToken"/> fires. Coordinate updates are left out unless
    /// <paramref name="includeCoordinates"/>: every node publishes one every few seconds.
    /// </summary>
    public async IAsyncEnumerable<DiscoveryEvent> WatchAsync(
        IEnumerable<string>? sites = null,
        bool includeCoordinates = false,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var names = sites?.Select(s => SiteName.Require(s)).Distinct().ToList()
                    ?? (await _calls.RunAsync("list of sites", () => _grains.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync(), cancellationToken))
                        .Select(s => s.Name).ToList();
        var provider = _grains.GetStreamProvider(DiscoveryStreams.Provider);
        var streams = names.Select(site => provider.GetStream<DiscoveryEvent>(StreamId.Create(DiscoveryStreams.Namespace, site)));
        await foreach (var e in StreamReader.ReadAsync(streams, _calls.Credential, cancellationToken))
        {
            if (includeCoordinates || e is not CoordinateChanged)
                yield return e;
        }
    }
}
