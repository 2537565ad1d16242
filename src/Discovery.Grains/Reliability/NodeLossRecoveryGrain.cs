using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Reliability;

/// <summary>
/// One recorded loss being recovered: walks every VE (<see cref="NodeLoss.RecoverVmsAsync"/>) and acknowledges to the
/// site once all were recovered. The site starts it when the loss is recorded and again on its reminder until then,
/// so the walk finishes even when the silo running it dies half-way.
/// </summary>
public sealed class NodeLossRecoveryGrain(ILogger<NodeLossRecoveryGrain> logger) : Grain, INodeLossRecoveryGrain
{
    private bool _running;

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> nodes, string reason)
    {
        if (_running)
            return;
        _running = true;
        var key = this.GetPrimaryKeyString();
        var (site, cause) = (key[..key.IndexOf('|')], key[(key.IndexOf('|') + 1)..]);
        try
        {
            await NodeLoss.RecoverVmsAsync(GrainFactory, nodes, reason, logger);
            await GrainFactory.GetGrain<ISiteRecoveryGrain>(site).RecoveryDoneAsync(cause);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("Recovery after {Cause} on site {Site} is not finished, the site tries again: {Reason}", cause, site, e.Message);
        }
        finally
        {
            _running = false;
        }
    }
}
