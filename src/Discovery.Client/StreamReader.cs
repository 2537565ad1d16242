using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Streams;

namespace Discovery.Client;

/// <summary>Turns stream subscriptions into an <see cref="IAsyncEnumerable{T}"/> that unsubscribes when the caller stops.</summary>
internal static class StreamReader
{
    /// <summary>
    /// Reads <paramref name="streams"/>; subscribing and unsubscribing carry <paramref name="credential"/> when given
    /// (set here, it stays inside this reader and leaves the caller's request context as it was).
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(IEnumerable<IAsyncStream<T>> streams, string? credential, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stamp(credential);
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
            // Run from the caller's DisposeAsync, in its request context: stamped again.
            Stamp(credential);
            foreach (var handle in handles)
                await handle.UnsubscribeAsync();
        }
    }

    private static void Stamp(string? credential)
    {
        if (credential is not null)
            RequestContext.Set(Abstractions.Security.SecurityContext.CredentialKey, credential);
    }
}
