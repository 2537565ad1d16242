using Discovery.Abstractions.Sites;
using Orleans.Placement;

namespace Discovery.Grains.Sites;

/// <summary>Answers with the local silo's site; see <see cref="IGatewaySiteGrain"/>.</summary>
[PreferLocalPlacement]
public sealed class GatewaySiteGrain(LocalSite site) : Grain, IGatewaySiteGrain
{
    /// <inheritdoc />
    public Task<string> GetSiteAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(site.Name);
    }
}
