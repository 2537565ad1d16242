using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Streams;

namespace Discovery.Client;

/// <summary>Turns stream subscriptions into an <see cref="IAsyncEnumerable{T}"/> that unsubscribes when the caller stops.</summary>
internal static class StreamReader
{
    public static async IAsyncEnumerable<T> ReadAsync<T>(IEnumerable<IAsyncStream<T>> streams, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Unbounded: a slow reader must not stall the stream's delivery to other subscribers.
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        var handles = new List<StreamSubscriptionHandle<T>>();
        try
        {
            foreach (var stream in streams)
                handles.Add(await stream.SubscribeAsync((item, _) => channel.Writer.WriteAsync(item).AsTask()));
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var item))
                    yield return item;
            }
        }
        finally
        {
            foreach (var handle in handles)
                await handle.UnsubscribeAsync();
        }
    }
}
