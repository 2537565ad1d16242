namespace Discovery.Abstractions.Environments;

/// <summary>
/// The list of VEs that exist, so that administrators can page through them. VE grains keep it up to date; it holds
/// ids only, the VEs themselves hold everything else.
/// </summary>
public interface IVeDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records that <paramref name="ve"/> exists (idempotent).</summary>
    Task AddAsync(string ve);

    /// <summary>Records that <paramref name="ve"/> was deleted (idempotent).</summary>
    Task RemoveAsync(string ve);

    /// <summary>
    /// One page of VE ids in order, those containing <paramref name="filter"/> (case-insensitive) when given.
    /// </summary>
    Task<VePage> ListAsync(int offset, int count, string? filter = null);
}

/// <summary>A page of VE ids.</summary>
/// <param name="Ves">The ids on this page.</param>
/// <param name="Total">How many ids match the filter in all.</param>
[GenerateSerializer, Immutable, Alias("discovery.ve-page")]
public sealed record VePage([property: Id(0)] IReadOnlyList<string> Ves, [property: Id(1)] int Total);
