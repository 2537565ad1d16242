using Discovery.Abstractions.Security;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Security;

/// <summary>The most recent refusals, oldest first, bounded by <see cref="SecurityOptions.AuditCapacity"/>.</summary>
public sealed class AuditGrain(
    [PersistentState("audit", StorageNames.State)] IPersistentState<AuditState> state,
    IOptions<SecurityOptions> options) : Grain, IAuditGrain
{
    // Appends interleave; their writes must not overlap, or the storage's etag check would fail the second.
    private Task _writing = Task.CompletedTask;

    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entries = state.State.Entries;
        entries.Add(entry);
        if (entries.Count > options.Value.AuditCapacity)
            entries.RemoveRange(0, entries.Count - options.Value.AuditCapacity);
        _writing = WriteAfterAsync(_writing);
        await _writing;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        await previous.ContinueWith(_ => { }, TaskScheduler.Current);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> RecentAsync(int count)
    {
        var entries = state.State.Entries;
        return Task.FromResult<IReadOnlyList<AuditEntry>>(entries.Skip(Math.Max(0, entries.Count - Math.Max(0, count))).ToList());
    }
}

/// <summary>The stored audit entries.</summary>
[GenerateSerializer, Alias("discovery.audit-state")]
public sealed class AuditState
{
    /// <summary>Refusals, oldest first.</summary>
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}
