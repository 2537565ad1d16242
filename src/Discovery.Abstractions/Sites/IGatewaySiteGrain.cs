namespace Discovery.Abstractions.Sites;

/// <summary>
/// Tells a client which site its gateway belongs to. Each call uses a fresh key; the activation is placed on the
/// silo that received the call — the client's gateway — and answers with that silo's site.
/// </summary>
[Alias("discovery.gateway-site")]
public interface IGatewaySiteGrain : IGrainWithGuidKey
{
    /// <summary>The site of the silo this activation runs on.</summary>
    [Alias("site")]
    Task<string> GetSiteAsync();
}
