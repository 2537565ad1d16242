using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Security;

namespace Discovery.Grains.Environments;

/// <summary>The ids of the VEs that exist, kept sorted so that pages are stable.</summary>
public sealed class VeDirectoryGrain(
    [PersistentState("ve-directory", StorageNames.State)] IPersistentState<VeDirectoryState> state) : Grain, IVeDirectoryGrain
{
    private const int MaxPage = 500;

    /// <inheritdoc />
    public async Task AddAsync(string ve)
    {
        VeId.Parse(ve);
        var at = state.State.Ves.BinarySearch(ve, StringComparer.Ordinal);
        if (at >= 0)
            return;
        state.State.Ves.Insert(~at, ve);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string ve)
    {
        var at = state.State.Ves.BinarySearch(ve, StringComparer.Ordinal);
        if (at < 0)
            return;
        state.State.Ves.RemoveAt(at);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<VePage> ListAsync(int offset, int count, string? filter = null)
    {
        if (offset < 0)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "the offset must not be negative");
        if (count is < 0 or > MaxPage)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a page holds 0 to {MaxPage} VEs");
        // A tenant pages through its own VEs only: the totals must not reveal how many others have.
        var visible = SecurityContext.Caller is { IsAdmin: false } tenant
            ? state.State.Ves.Where(v => tenant.MayActFor(VeId.Parse(v).Tenant))
            : state.State.Ves;
        var matching = string.IsNullOrWhiteSpace(filter)
            ? visible.ToList()
            : visible.Where(v => v.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return Task.FromResult(new VePage(matching.Skip(offset).Take(count).ToList(), matching.Count));
    }
}

/// <summary>The stored list of VE ids.</summary>
[GenerateSerializer, Alias("discovery.ve-directory-state")]
public sealed class VeDirectoryState
{
    /// <summary>Every VE id, kept in ordinal order.</summary>
    [Id(0)] public List<string> Ves { get; set; } = [];
}
