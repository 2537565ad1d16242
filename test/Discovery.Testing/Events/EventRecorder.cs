using System.Collections.Concurrent;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Sites;
using Orleans.Streams;

namespace Discovery.Testing.Events;

/// <summary>Subscribes a client to sites' event streams and records what arrives, in order, for assertions.</summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<DiscoveryEvent> _events = new();
    private readonly List<StreamSubscriptionHandle<DiscoveryEvent>> _handles = [];

    private EventRecorder()
    {
    }

    /// <summary>Everything received so far, in arrival order.</summary>
    public IReadOnlyList<DiscoveryEvent> Events => _events.ToList();

    /// <summary>Starts recording the events of <paramref name="sites"/>.</summary>
    public static async Task<EventRecorder> StartAsync(IClusterClient client, IEnumerable<string> sites)
    {
        var recorder = new EventRecorder();
        var provider = client.GetStreamProvider(DiscoveryStreams.Provider);
        foreach (var site in sites)
        {
            var stream = provider.GetStream<DiscoveryEvent>(StreamId.Create(DiscoveryStreams.Namespace, SiteName.Require(site)));
            recorder._handles.Add(await stream.SubscribeAsync((e, _) => { recorder._events.Enqueue(e); return Task.CompletedTask; }));
        }
        return recorder;
    }

    /// <summary>Waits until the recorded events of type <typeparamref name="T"/> matching <paramref name="match"/> number at least <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> match, int count = 1, TimeSpan? timeout = null) where T : DiscoveryEvent
    {
        await Eventually.HoldsAsync(() => Events.OfType<T>().Count(match) >= count,
            $"{count} {typeof(T).Name} event(s); got: {string.Join("; ", Events)}", timeout);
        return Events.OfType<T>().Where(match).ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var handle in _handles)
            await handle.UnsubscribeAsync();
    }
}
