using Discovery.Abstractions.Events;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Events;

/// <summary>Publishes events on their site's stream.</summary>
public static class EventPublishing
{
    /// <summary>
    /// Publishes <paramref name="evt"/> on its site's stream. Events report what already happened, so a failure to
    /// publish is logged and never undoes or fails the operation itself.
    /// </summary>
    public static async Task PublishAsync(this Grain grain, DiscoveryEvent evt, ILogger logger)
    {
        try
        {
            var stream = grain.GetStreamProvider(DiscoveryStreams.Provider)
                .GetStream<DiscoveryEvent>(StreamId.Create(DiscoveryStreams.Namespace, evt.Site));
            await stream.OnNextAsync(evt);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not publish {Event} on site {Site}'s stream", evt.GetType().Name, evt.Site);
        }
    }
}
