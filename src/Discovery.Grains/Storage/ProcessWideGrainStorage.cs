using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Discovery.Grains.Storage;

/// <summary>
/// Grain storage shared by every silo of one process, standing in for the database when a whole cluster runs in one
/// process (the embedded demo, tests, benchmarks): unlike Orleans' memory storage, whose storage grains die with their
/// silo, it keeps every record when one of the process's silos dies. State is stored serialized, with ETags checked
/// like a database would. Only for clusters whose silos all run in this process: silos of another process would not
/// see these rows.
/// </summary>
/// <remarks>Rows are scoped by the cluster's service id, so the clusters of one process do not share grains.</remarks>
public sealed class ProcessWideGrainStorage(string name, string serviceId, Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<(string Service, string Store, GrainId Grain, string State), (byte[] Data, string ETag)> Rows = new();

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue((serviceId, name, grainId, stateName), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            (grainState.ETag, grainState.RecordExists) = (row.ETag, true);
        }
        else
        {
            // No row (or no longer: a read again after another activation cleared it) is the empty record, as a database says.
            (grainState.ETag, grainState.RecordExists, grainState.State) = (null, false, Activator.CreateInstance<T>());
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (serviceId, name, grainId, stateName);
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.SerializeToArray(grainState.State);
        Rows.AddOrUpdate(key,
            _ => grainState.ETag is null ? (data, etag) : throw Conflict(grainState.ETag, null),
            (_, old) => old.ETag == grainState.ETag ? (data, etag) : throw Conflict(grainState.ETag, old.ETag));
        (grainState.ETag, grainState.RecordExists) = (etag, true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Rows.TryRemove((serviceId, name, grainId, stateName), out _);
        (grainState.ETag, grainState.RecordExists, grainState.State) = (null, false, Activator.CreateInstance<T>());
        return Task.CompletedTask;
    }

    private static InconsistentStateException Conflict(string? expected, string? stored) =>
        new($"ETag mismatch: the grain wrote from ETag {expected ?? "(none)"} but the store holds {stored ?? "(none)"}");
}

/// <summary>Registers <see cref="ProcessWideGrainStorage"/>.</summary>
public static class ProcessWideGrainStorageExtensions
{
    /// <summary>Adds a process-wide storage provider called <paramref name="name"/>.</summary>
    public static ISiloBuilder AddProcessWideGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddGrainStorage(name, (sp, n) => new ProcessWideGrainStorage(n, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, sp.GetRequiredService<Serializer>()));
        return silo;
    }
}
